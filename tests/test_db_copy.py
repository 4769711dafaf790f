"""`triage db copy`: a whole database into an empty one, SQLite <-> PostgreSQL, ids kept, nothing lost."""

import json
import threading
from pathlib import Path

import pytest
from conftest import postgres_database
from sqlalchemy import create_engine, select, text
from test_cli import run

from triage.accounts import Principal, add_user
from triage.catalogue import import_entries
from triage.complaints import ComplaintService
from triage.hoaxes import HoaxIndex
from triage.service import SuggestionService
from triage.store.copy import _snapshot
from triage.store.db import open_database
from triage.store.tables import AuditEvent, Base, Complaint

HOAX = {"title": "Pendaftaran bansos lewat tautan", "claim": "Daftar bansos Rp 3 juta lewat tautan bit.ly ini",
        "verdict": "hoax", "url": "https://example.org/hoaks/1", "date": "2026-01-05", "tags": ["bansos"]}


@pytest.fixture()
def other_database(database_url, tmp_path):
    """A database of the other kind than `database_url`: PostgreSQL for SQLite, SQLite for PostgreSQL."""
    if database_url.startswith("sqlite"):
        yield from postgres_database()
    else:
        yield f"sqlite:///{tmp_path / 'copy.db'}"


def populate(url: str, model, tmp_path: Path) -> None:
    """Users, complaints with suggestions, a decision naming a catalogued hoax, a resolution, audit events."""
    _, sessions = open_database(url)
    service = ComplaintService(SuggestionService(model))
    with sessions.begin() as session:
        admin, _ = add_user(session, "admin", "coordinator")
        add_user(session, "dlh", "agency", "DLH")
    import_entries(sessions, [HOAX], "test", tmp_path / "index.joblib")
    items = [{"external_id": "a", "text": "Sampah menumpuk di TPS pasar seminggu tidak diangkut",
              "reporter": "Siti, 0812 3456 7890", "received_at": "2026-11-02T08:00:00+07:00"},
             {"external_id": "b", "text": "Jalan berlubang besar di depan sekolah dasar"},
             {"external_id": "c", "text": "Benarkah daftar bansos Rp 3 juta lewat tautan bit.ly?"}]
    results, _ = service.ingest(sessions, admin, items)
    first, _, hoax = (r["id"] for r in results)
    service.decide(sessions, admin, first, {"category": "SAMPAH", "agency": "DLH", "expected_revision": 0})
    service.resolve(sessions, admin, first, {"outcome": "Sampah sudah diangkut", "final_agency": "DLH"})
    with sessions() as session:
        hoax_id = session.scalar(text("SELECT id FROM hoaxes"))
    service.decide(sessions, admin, hoax, {"category": "BANSOS", "agency": "DINSOS", "misinformation": True,
                                           "hoax_id": hoax_id, "expected_revision": 0})


def rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, by primary key; the copy's own audit event left out."""
    engine = create_engine(url)
    with engine.connect() as connection:
        out = {table.name: [tuple(r) for r in connection.execute(select(table).order_by(*table.primary_key.columns))]
               for table in Base.metadata.sorted_tables}
    engine.dispose()
    action = [c.name for c in AuditEvent.__table__.columns].index("action")
    out["audit_events"] = [r for r in out["audit_events"] if r[action] != "database.copied"]
    return out


def test_copy_keeps_every_row_and_the_target_takes_new_complaints(database_url, other_database, seed_model,
                                                                  tmp_path):
    populate(database_url, seed_model, tmp_path)
    before = rows(database_url)
    result = run("db", "copy", "--from", database_url, "--to", other_database)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts["complaints"] == 3 and counts["decisions"] == 2 and counts["resolutions"] == 1
    assert counts["hoaxes"] == 1 and counts["users"] == 2
    assert rows(other_database) == before, "the copy holds the same rows, ids, times and JSON details"
    assert rows(database_url) == before, "the source is unchanged but for its audit event"

    for url in (database_url, other_database):
        _, sessions = open_database(url)
        with sessions() as session:
            event = session.scalars(select(AuditEvent).where(AuditEvent.action == "database.copied")).one()
            assert event.detail["rows"] == counts and event.detail["via"] == "cli"
    # ids continue after the copied ones (PostgreSQL's sequences were moved on)
    _, sessions = open_database(other_database)
    service = ComplaintService(SuggestionService(seed_model))
    with sessions.begin() as session:
        admin, _ = add_user(session, "admin2", "coordinator")
    results, _ = service.ingest(sessions, admin, [{"external_id": "d", "text": "Lampu jalan mati di gang tiga"}])
    assert results[0]["id"] == 4
    with sessions() as session:  # copied texts and new ones are searchable (SQLite indexes the copy in one go)
        found = {c["external_id"] for c in service.list(session, admin, {"q": "jalan", "limit": 50})["items"]}
    assert found == {"b", "d"}

    index = tmp_path / "moved" / "hoax_index.joblib"
    env = {"TRIAGE_DATABASE_URL": other_database, "TRIAGE_HOAX_INDEX": str(index)}
    reindex = run("hoaxes", "reindex", env=env)
    assert reindex.returncode == 0 and "1 entries indexed" in reindex.stderr, reindex.stderr
    assert list(HoaxIndex.load(index).ids) == [row[0] for row in before["hoaxes"]]


def test_copy_refuses_a_target_with_rows_and_leaves_it_alone(database_url, other_database, seed_model, tmp_path):
    populate(database_url, seed_model, tmp_path)
    _, sessions = open_database(other_database)
    with sessions.begin() as session:
        add_user(session, "someone", "auditor")
    before = rows(other_database)
    result = run("db", "copy", "--from", database_url, "--to", other_database)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "already holds rows (users 1, api_tokens 1" in result.stderr
    assert rows(other_database) == before


def test_a_value_postgresql_cannot_hold_stops_the_copy_and_names_the_row(tmp_path, seed_model):
    source = f"sqlite:///{tmp_path / 'old.db'}"
    populate(source, seed_model, tmp_path)
    engine = create_engine(source)
    with engine.begin() as connection:  # an old database: reporters were not checked for length before
        connection.execute(Complaint.__table__.update().where(Complaint.external_id == "b").values(reporter="x" * 300))
    engine.dispose()
    for target in postgres_database():
        result = run("db", "copy", "--from", source, "--to", target)
        assert result.returncode == 2, result.stderr
        assert "complaints.reporter of the row with id 2 has 300 characters; the column holds 255" in result.stderr
        assert all(not table_rows for table_rows in rows(target).values()), "a failed copy leaves the target empty"


def test_copy_to_the_same_database_is_refused(tmp_path):
    path = tmp_path / "one.db"
    open_database(f"sqlite:///{path}")
    result = run("db", "copy", "--from", path, "--to", f"sqlite:///{path}")
    assert result.returncode == 2 and "the source and the target are the same database" in result.stderr


def test_a_mistyped_source_file_is_refused_not_created(tmp_path):
    missing = tmp_path / "cadangan.db"
    for args in (("copy", "--from", missing, "--to", tmp_path / "copy.db"), ("upgrade", "--database", missing)):
        result = run("db", *args)
        assert result.returncode == 2, result.stderr
        assert result.stderr == f"triage: error: {args[1]} {missing}: no such database file\n"
    assert not missing.exists() and not (tmp_path / "copy.db").exists()


def test_snapshot_sees_one_instant_and_does_not_hold_back_writers(database_url, seed_model, tmp_path):
    populate(database_url, seed_model, tmp_path)
    engine, sessions = open_database(database_url)
    service = ComplaintService(SuggestionService(seed_model))
    with sessions() as session:
        admin = session.scalar(text("SELECT id FROM users WHERE username = 'admin'"))
    principal = Principal(admin, "admin", "coordinator", None)
    count = select(text("count(*)")).select_from(Complaint.__table__)
    with _snapshot(engine) as reader:
        assert reader.scalar(count) == 3
        writer = threading.Thread(target=service.ingest, args=(sessions, principal,
                                                               [{"external_id": "late", "text": "Air PDAM mati"}]))
        writer.start()
        writer.join(timeout=20)
        assert not writer.is_alive(), "a write during the copy waited for it"
        assert reader.scalar(count) == 3, "the copy reads the database as it was when it began"
    with sessions() as session:
        assert session.scalar(count) == 4
