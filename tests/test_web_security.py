"""Login, sessions, CSRF and security headers of the admin pages over real HTTP (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from http_service import PASSWORD, Browserless, Service, set_password, triage
from sqlalchemy import create_engine, func, select

from triage.store.tables import AuditEvent, Decision, User


@pytest.fixture(scope="module")
def service(model_registry, module_database_url):
    env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": module_database_url,
           "TRIAGE_SECRET_KEY": "security-test-secret", "TRIAGE_LOGIN_MAX_FAILURES": "3"}
    token = triage(env, "users", "add", "integrasi", "--role", "integration")
    for name in ("koordinator", "dikunci", "dinonaktifkan", "berganti"):
        triage(env, "users", "add", name, "--role", "coordinator")
        set_password(env, name, PASSWORD)
    server = Service(env, workers=2)
    status, body = server.call("POST", "/api/v1/complaints", token,
                               {"external_id": "sec-1", "text": "Sampah menumpuk di TPS pasar tidak diangkut"})
    assert status == 201
    server.complaint_id = body["id"]
    server.env = env
    server.engine = create_engine(module_database_url)
    yield server
    server.engine.dispose()
    server.stop()


def test_pages_and_api_carry_security_headers(service):
    client = Browserless(service.base)
    for path in ("/masuk", "/api/v1/openapi.json", "/healthz"):
        _, headers, _ = client.request("GET", path)
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_error_pages_keep_the_menu_of_the_logged_in_user(service):
    client = Browserless(service.base)
    assert client.login("koordinator")[0] == 302
    for path, status in (("/setujui-massal", 422), ("/pengaduan/999999", 404)):
        got, _, html = client.request("GET", path)
        assert got == status and 'aria-label="Menu utama"' in html and "koordinator" in html, path


def test_anonymous_pages_redirect_to_login(service):
    status, headers, _ = Browserless(service.base).request("GET", "/antrean?status=routed")
    assert status == 302 and headers["Location"].startswith("/masuk?next=/antrean")


def test_login_sets_a_strict_session_cookie_and_refuses_open_redirects(service):
    client = Browserless(service.base)
    status, headers, _ = client.login("koordinator", next_path="//evil.example/x")
    assert status == 302 and headers["Location"] == "/antrean", "only local paths are followed"
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and cookie.startswith("triage_session=")
    status, _, body = client.request("GET", "/antrean")
    assert status == 200 and "Antrean pengaduan" in body


def test_forms_without_a_valid_csrf_token_are_rejected_and_store_nothing(service):
    client = Browserless(service.base)
    status, _, _ = client.request("POST", "/masuk", {"username": "koordinator", "password": PASSWORD})
    assert status == 400, "login without CSRF token"
    client.login("koordinator")
    decision = {"category": "SAMPAH", "agency": "DLH", "expected_revision": "0"}
    path = f"/pengaduan/{service.complaint_id}/keputusan"
    for form in (decision, {**decision, "csrf_token": "forged"}):
        status, _, body = client.request("POST", path, form)
        assert status == 400 and "csrf_failed" in body
    with service.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Decision)) == 0
    status, _, _ = client.request("POST", path, {**decision, "csrf_token": client.csrf(f"/pengaduan/{service.complaint_id}")})
    assert status == 302, "the same form with the page's token is accepted"


def test_repeated_failures_lock_the_account(service):
    client = Browserless(service.base)
    for _ in range(3):
        status, _, body = client.login("dikunci", password="salah-sekali-123")
        assert status == 401
    assert "dikunci" in body.lower()
    status, _, body = client.login("dikunci")  # the right password during the lock-out
    assert status == 401 and "dikunci sampai" in body
    status, _, _ = client.login("tidak-ada", password="apa-saja-12345")
    assert status == 401, "unknown users get the same answer"
    with service.engine.connect() as connection:
        actions = list(connection.scalars(select(AuditEvent.action).where(AuditEvent.action.like("user.%"))))
    assert "user.locked" in actions and "user.login_failed" in actions


def test_disabling_a_user_ends_its_web_session(service):
    client = Browserless(service.base)
    client.login("dinonaktifkan")
    assert client.request("GET", "/antrean")[0] == 200
    triage(service.env, "users", "disable", "dinonaktifkan")
    status, headers, _ = client.request("GET", "/antrean")
    assert status == 302 and headers["Location"].startswith("/masuk")


def test_a_new_password_ends_the_users_other_sessions(service):
    here, elsewhere = Browserless(service.base), Browserless(service.base)
    for client in (here, elsewhere):
        client.login("berganti")
        assert client.request("GET", "/antrean")[0] == 200
    new = "kata-sandi-baru-sekali"
    status, _, _ = here.request("POST", "/akun/kata-sandi", {"current_password": PASSWORD, "new_password": new,
                                                             "repeat_password": new, "csrf_token": here.csrf("/akun")})
    assert status == 302
    assert here.request("GET", "/antrean")[0] == 200, "the session that changed the password stays"
    status, headers, _ = elsewhere.request("GET", "/antrean")
    assert status == 302 and headers["Location"].startswith("/masuk"), "a session on another device ends"

    set_password(service.env, "berganti", PASSWORD)  # a coordinator resets it (here at the command line)
    status, headers, _ = here.request("GET", "/antrean")
    assert status == 302 and headers["Location"].startswith("/masuk")
    assert here.login("berganti")[0] == 302, "the reset password logs in"
    assert here.request("GET", "/antrean")[0] == 200


def test_logout_needs_the_token_and_ends_the_session(service):
    client = Browserless(service.base)
    client.login("koordinator")
    assert client.request("POST", "/keluar", {})[0] == 400
    status, _, _ = client.request("POST", "/keluar", {"csrf_token": client.csrf("/antrean")})
    assert status == 302
    assert client.request("GET", "/antrean")[0] == 302


def test_user_forms_need_the_csrf_token(service):
    client = Browserless(service.base)
    client.login("koordinator")
    new_user = {"username": "tamu.palsu", "role": "coordinator"}
    for form in (new_user, {**new_user, "csrf_token": "forged"}):
        status, _, body = client.request("POST", "/pengguna", form)
        assert status == 400 and "csrf_failed" in body
    with service.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(User).where(User.username == "tamu.palsu")) == 0
    status, _, body = client.request("POST", "/pengguna", {**new_user, "csrf_token": client.csrf("/pengguna")})
    assert status == 200 and "Token API untuk tamu.palsu" in body, "the same form with the page's token works"
