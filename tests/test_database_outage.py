"""When PostgreSQL goes away under a running service: clear 503s that tell clients to retry, a coded 500 for the
unforeseen, and service again once the database is back, without a restart."""

import json
import urllib.error
import urllib.request

import psycopg
import pytest
from conftest import POSTGRES_ADMIN, postgres_database
from http_service import PASSWORD, Browserless, Service, set_password, triage

from triage.store.db import open_database

ROAD = "Jalan di depan pasar berlubang besar dan belum diperbaiki"


@pytest.fixture()
def outage(model_registry):
    """A service on its own PostgreSQL database, and the database's name for dropping it."""
    for url in postgres_database():
        env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": url}
        token = triage(env, "users", "add", "integrasi", "--role", "integration")
        triage(env, "users", "add", "koordinator", "--role", "coordinator")
        set_password(env, "koordinator", PASSWORD)
        server = Service(env, workers=1)
        server.token, server.url, server.env = token, url, env
        yield server
        server.stop()


def ingest(service, external_id):
    request = urllib.request.Request(service.base + "/api/v1/complaints", method="POST",
                                     data=json.dumps({"external_id": external_id, "text": ROAD}).encode(),
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {service.token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, json.loads(exc.read())


def admin(sql: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        connection.execute(sql)


def test_clients_are_told_to_retry_and_the_service_recovers(outage):
    assert ingest(outage, "a")[0] == 201
    page = Browserless(outage.base)
    assert page.login("koordinator")[0] == 302
    name = outage.url.rsplit("/", 1)[1]

    admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    status, headers, body = ingest(outage, "b")
    assert status == 503 and body["error"]["code"] == "database_unavailable", body
    assert headers["Retry-After"] == "5" and "idempotent" in body["error"]["message"]
    status, _, html = page.request("GET", "/antrean")
    assert status == 503 and "Basis data tidak tersedia" in html and 'data-code="database_unavailable"' in html
    assert outage.call("GET", "/readyz")[0] == 503

    admin(f'CREATE DATABASE "{name}"')  # back, but empty: the tables are missing
    status, _, body = ingest(outage, "b")
    assert status == 500 and body == {"error": {"code": "internal_error",
                                                "message": "unexpected server error; it is logged"}}
    assert "unhandled error on POST /api/v1/complaints" in outage.read_log()

    engine, _ = open_database(outage.url)  # restored: schema and the integration account again
    engine.dispose()
    outage.token = triage(outage.env, "users", "add", "integrasi", "--role", "integration")
    status, _, body = ingest(outage, "b")
    assert status == 201 and body["created"] is True, "the same worker serves again without a restart"
