"""Account administration over real HTTP (coordinators only), against a SQLite file and the machine's PostgreSQL."""

import pytest
from http_service import Service, triage
from sqlalchemy import create_engine, select

from triage.store.tables import AuditEvent, User


@pytest.fixture(scope="module")
def service(model_registry, module_database_url):
    env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": module_database_url}
    server = Service(env, workers=2)
    server.tokens = {name: triage(env, "users", "add", name, "--role", role)
                     for name, role in [("koordinator", "coordinator"), ("auditor", "auditor")]}
    server.engine = create_engine(module_database_url)
    yield server
    server.engine.dispose()
    server.stop()


def events(service, action: str) -> list[AuditEvent]:
    with service.engine.connect() as connection:
        return list(connection.execute(select(AuditEvent).where(AuditEvent.action == action)
                                       .order_by(AuditEvent.id)))


def test_coordinator_creates_an_agency_user_whose_token_works_at_once(service):
    admin = service.tokens["koordinator"]
    status, body = service.call("POST", "/api/v1/users", admin,
                                {"username": "dlh.budi", "role": "agency", "agency": "DLH",
                                 "password": "kata-sandi-baru-1"})
    assert status == 201, body
    assert body["user"] | {"created_at": None} == {
        "username": "dlh.budi", "role": "agency", "agency": "DLH", "active": True, "has_password": True,
        "locked_until": None, "created_at": None, "last_login": None, "tokens": 1}
    assert service.call("GET", "/api/v1/complaints", body["token"])[0] == 200, "the new token works"
    created = events(service, "user.created")[-1]
    assert created.detail == {"role": "agency", "agency": "DLH", "by": "koordinator", "via": "api"}
    status, listing = service.call("GET", "/api/v1/users", admin)
    assert status == 200 and "dlh.budi" in [u["username"] for u in listing["items"]]


@pytest.mark.parametrize(("payload", "status", "code"), [
    ({"username": "koordinator", "role": "auditor"}, 409, "user_exists"),
    ({"username": "x y", "role": "auditor"}, 422, "invalid_username"),
    ({"username": "=1+1", "role": "auditor"}, 422, "invalid_username"),
    ({"username": "baru", "role": "raja"}, 422, "invalid_role"),
    ({"username": "baru", "role": "agency", "agency": "TIDAKADA"}, 422, "invalid_agency"),
    ({"username": "baru", "role": "agency"}, 422, "invalid_agency"),
    ({"username": "baru", "role": "auditor", "password": "pendek"}, 422, "invalid_password"),
    (["baru"], 400, "invalid_body"),
])
def test_bad_new_users_are_refused_with_a_code_and_nothing_is_stored(service, payload, status, code):
    got, body = service.call("POST", "/api/v1/users", service.tokens["koordinator"], payload)
    assert (got, body["error"]["code"]) == (status, code), body
    with service.engine.connect() as connection:
        assert connection.execute(select(User).where(User.username == "baru")).first() is None, \
            "a refused request leaves no half-made user"


def test_disable_enable_and_replace_token(service):
    admin = service.tokens["koordinator"]
    _, created = service.call("POST", "/api/v1/users", admin, {"username": "sistem-lapor", "role": "integration"})
    old = created["token"]
    status, user = service.call("POST", "/api/v1/users/sistem-lapor/disable", admin)
    assert status == 200 and user["active"] is False
    assert service.call("POST", "/api/v1/suggest", old, {"text": "jalan rusak"})[0] == 401, "disabled at once"
    assert service.call("POST", "/api/v1/users/sistem-lapor/enable", admin)[1]["active"] is True
    assert service.call("POST", "/api/v1/suggest", old, {"text": "jalan rusak"})[0] == 200
    status, replaced = service.call("POST", "/api/v1/users/sistem-lapor/token", admin)
    assert status == 200 and replaced["user"]["tokens"] == 1
    assert service.call("POST", "/api/v1/suggest", old, {"text": "jalan rusak"})[0] == 401, "old token revoked"
    assert service.call("POST", "/api/v1/suggest", replaced["token"], {"text": "jalan rusak"})[0] == 200
    assert events(service, "user.token_replaced")[-1].detail == {"revoked": 1, "by": "koordinator", "via": "api"}
    status, body = service.call("PUT", "/api/v1/users/sistem-lapor/password", admin, {"password": "x" * 12})
    assert (status, body["error"]["code"]) == (422, "invalid_password"), "integration users have no password"


def test_passwords_self_protection_and_roles(service):
    admin = service.tokens["koordinator"]
    status, user = service.call("PUT", "/api/v1/users/auditor/password", admin, {"password": "sandi-auditor-01"})
    assert status == 200 and user["has_password"] is True
    status, body = service.call("POST", "/api/v1/users/koordinator/disable", admin)
    assert (status, body["error"]["code"]) == (422, "cannot_disable_self")
    assert service.call("POST", "/api/v1/users/tidak-ada/enable", admin)[0] == 404
    status, listing = service.call("GET", "/api/v1/users", service.tokens["auditor"])
    assert status == 200 and {u["username"] for u in listing["items"]} >= {"koordinator", "auditor"}, \
        "auditors see who has access"
    for method, path in [("POST", "/api/v1/users/koordinator/disable"), ("POST", "/api/v1/users/auditor/token"),
                         ("PUT", "/api/v1/users/auditor/password")]:
        assert service.call(method, path, service.tokens["auditor"], {"password": "x" * 12})[0] == 403, \
            "only coordinators change accounts"
