"""The JSON API over real HTTP, served by gunicorn as `triage serve` runs it."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

TRIAGE = str(Path(sys.executable).with_name("triage"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(model_registry):
    port = free_port()
    proc = subprocess.Popen([TRIAGE, "serve", "--port", str(port), "--workers", "2"],
                            env={**os.environ, "TRIAGE_MODELS_DIR": str(model_registry)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"server exited: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def post(base, body: bytes, content_type="application/json"):
    request = urllib.request.Request(base + "/api/v1/suggest", data=body, method="POST",
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_healthz(server):
    with urllib.request.urlopen(server + "/healthz") as response:
        assert json.loads(response.read()) == {"status": "ok"}


def test_suggest_returns_named_top3_and_misinformation(server):
    status, body = post(server, json.dumps({"text": "truk sampah tidak datang seminggu", "district": "Kota Lama"}).encode())
    assert status == 200
    assert body["agency_top"][0] == {**body["agency_top"][0], "code": "DLH", "name": "Dinas Lingkungan Hidup"}
    assert {"score", "flag", "reasons"} <= set(body["misinformation"])


@pytest.mark.parametrize("body,content_type,status,code", [
    (b"text=halo", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    (b"{not json", "application/json", 400, "invalid_json"),
    (b'["a list"]', "application/json", 422, "invalid_body"),
    (b'{"text": ""}', "application/json", 422, "invalid_text"),
    (b'{"text": 5}', "application/json", 422, "invalid_text"),
    (b'{"text": "halo", "district": 3}', "application/json", 422, "invalid_district"),
    (json.dumps({"text": "a" * 20001}).encode(), "application/json", 413, "text_too_long"),
])
def test_bad_input_gets_a_clear_error(server, body, content_type, status, code):
    got_status, got = post(server, body, content_type)
    assert (got_status, got["error"]["code"]) == (status, code)
    assert got["error"]["message"]


def test_oversized_body_is_refused_before_it_is_read(server):
    """The server answers 413 from the Content-Length alone; the client may still be sending."""
    import http.client

    host, port = server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    body = b'{"text": "' + b"a" * (3 * 1024 * 1024) + b'"}'
    connection.putrequest("POST", "/api/v1/suggest")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders()
    try:
        connection.send(body)
    except (BrokenPipeError, ConnectionResetError):
        pass
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["error"]["code"] == "body_too_large"
