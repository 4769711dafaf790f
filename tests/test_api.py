"""The stateless part of the JSON API over real HTTP (gunicorn as `triage serve` runs it), on a SQLite
file and on the machine's PostgreSQL."""

import http.client
import json
from pathlib import Path

import pytest
from http_service import Service, triage


@pytest.fixture(scope="module")
def server(model_registry, module_database_url):
    env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": module_database_url}
    token = triage(env, "users", "add", "pemda", "--role", "integration")
    service = Service(env)
    service.token = token
    yield service
    service.stop()


def test_healthz_and_readyz(server):
    assert server.call("GET", "/healthz") == (200, {"status": "ok"})
    status, body = server.call("GET", "/readyz")
    assert status == 200 and body["database"] is True and body["model_version"]


def test_suggest_needs_a_token(server):
    status, body = server.call("POST", "/api/v1/suggest", body={"text": "jalan rusak"})
    assert (status, body["error"]["code"]) == (401, "unauthorized")


def test_suggest_returns_named_top3_and_misinformation(server):
    status, body = server.call("POST", "/api/v1/suggest", server.token,
                               {"text": "truk sampah tidak datang seminggu", "district": "Kota Lama"})
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
    got_status, got = server.call("POST", "/api/v1/suggest", server.token, raw=body, content_type=content_type)
    assert (got_status, got["error"]["code"]) == (status, code)
    assert got["error"]["message"]


def test_oversized_body_is_refused_before_it_is_read(server):
    """The server answers 413 from the Content-Length alone; the client may still be sending."""
    host, port = server.base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    body = b'{"text": "' + b"a" * (9 * 1024 * 1024) + b'"}'
    connection.putrequest("POST", "/api/v1/suggest")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(len(body)))
    connection.putheader("Authorization", f"Bearer {server.token}")
    connection.endheaders()
    try:
        connection.send(body)
    except (BrokenPipeError, ConnectionResetError):
        pass
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["error"]["code"] == "body_too_large"


def test_openapi_document_lists_every_endpoint(server):
    status, doc = server.call("GET", "/api/v1/openapi.json")
    assert status == 200 and doc["openapi"].startswith("3.")
    import re

    from triage.web import api

    routes = re.findall(r'@blueprint\.(get|post|put)\("([^"]+)"\)', Path(api.__file__).read_text())
    assert len(routes) > 20
    for method, route in routes:
        path = re.sub(r"<(\w+)>", r"{\1}", re.sub(r"<(int:)?\w*id>", "{id}", route))
        if path != "/api/v1/openapi.json":
            assert method in doc["paths"].get(path, {}), f"{method.upper()} {path} is not in the OpenAPI document"


def test_serve_removes_the_metrics_directory_it_made_when_it_stops(model_registry, tmp_path):
    env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'triage.db'}"}
    service = Service({**env, "PROMETHEUS_MULTIPROC_DIR": ""}, workers=1)  # empty: `triage serve` makes one
    try:
        environ = Path(f"/proc/{service.process.pid}/environ").read_bytes().split(b"\0")  # gunicorn, exec'd by serve
        directory = Path(next(v for v in environ if v.startswith(b"PROMETHEUS_MULTIPROC_DIR=")).split(b"=", 1)[1].decode())
        assert service.call("GET", "/healthz")[0] == 200
        assert directory.is_dir() and any(directory.iterdir()), "the workers count their requests there"
    finally:
        service.stop()
    assert not directory.exists(), "left behind in /tmp after the service stopped"
