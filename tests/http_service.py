"""Running the real service (gunicorn via `triage serve`) for tests, and calling it over HTTP."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

TRIAGE = str(Path(sys.executable).with_name("triage"))
PASSWORD = "kata-sandi-uji-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def triage(env: dict, *args: str) -> str:
    result = subprocess.run([TRIAGE, *args], capture_output=True, text=True, env={**os.environ, **env},
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def set_password(env: dict, name: str, password: str) -> None:
    """`triage users passwd NAME` with the password on standard input."""
    result = subprocess.run([TRIAGE, "users", "passwd", name], input=password + "\n", capture_output=True, text=True,
                            env={**os.environ, **env}, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


class Service:
    """`triage serve` on a free port; stopped by `stop()`."""

    def __init__(self, env: dict, workers: int = 2):
        self.env = {**os.environ, **env}
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        # The log goes to a file: a pipe nobody reads fills up and blocks the workers' log writes.
        self.log = tempfile.NamedTemporaryFile(prefix="triage-serve-", suffix=".log", delete=False)  # noqa: SIM115 - closed in stop()/kill()
        self.process = subprocess.Popen([TRIAGE, "serve", "--port", str(port), "--workers", str(workers)],
                                        env=self.env, stdout=subprocess.DEVNULL, stderr=self.log,
                                        start_new_session=True)
        for _ in range(200):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1)
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited: {self.read_log()[-3000:]}") from None
                time.sleep(0.1)
        raise RuntimeError("server did not start within 20 s")

    def call(self, method: str, path: str, token: str | None = None, body=None, raw: bytes | None = None,
             content_type: str = "application/json") -> tuple[int, dict]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = {"Content-Type": content_type} if data is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def kill(self) -> None:
        """SIGKILL the server and its workers at once, as a crash or a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)
        self.log.close()
        os.unlink(self.log.name)

    def upload(self, path: str, file_path, token: str) -> tuple[int, dict]:
        """POST a file as multipart/form-data field 'file'."""
        boundary = "triage-test-boundary"
        file_path = Path(file_path)
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_path.name}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + file_path.read_bytes() + \
            f"\r\n--{boundary}--\r\n".encode()
        return self.call("POST", path, token, raw=body, content_type=f"multipart/form-data; boundary={boundary}")

    def download(self, path: str, token: str) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def read_log(self) -> str:
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")

    def stop(self) -> str:
        """Stop the server; returns what it wrote on stderr (the access log)."""
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()
        text = self.read_log()
        os.unlink(self.log.name)
        return text


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browserless:
    """A cookie-keeping HTTP client that does not follow redirects (to look at them)."""

    def __init__(self, base: str):
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, method: str, path: str, form: dict | None = None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.headers, response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read().decode(errors="replace")

    def csrf(self, path: str) -> str:
        _, _, body = self.request("GET", path)
        return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)

    def login(self, username: str, password: str = PASSWORD, next_path: str = ""):
        token = self.csrf("/masuk")
        query = f"?next={urllib.parse.quote(next_path)}" if next_path else ""
        return self.request("POST", "/masuk" + query, {"username": username, "password": password,
                                                       "csrf_token": token})
