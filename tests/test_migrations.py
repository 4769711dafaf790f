"""The Alembic migrations build exactly the schema the code's tables declare (SQLite and PostgreSQL), and go back
down without losing the complaints."""

import json
import uuid

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from conftest import POSTGRES_ADMIN
from sqlalchemy import text
from test_cli import run
from test_recap import _workflow

from triage.store.db import downgrade, make_engine, migrate, open_database, schema_revision, schema_revisions
from triage.store.search import TEXT_INDEX
from triage.store.tables import Base


# SQLite cannot reflect expression indexes; the trigram index is PostgreSQL's alone and compared there
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrated_schema_matches_the_tables(database_url):
    engine, _ = open_database(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"include_name": _declared}),
                                       Base.metadata)
    engine.dispose()
    assert differences == [], "write a migration for these differences"


def _declared(name, kind, _parent) -> bool:
    """Everything but SQLite's FTS5 search table and its shadow tables (migration 0013), which no model declares."""
    return not (kind == "table" and name.startswith(TEXT_INDEX))


def test_without_rights_to_create_pg_trgm_the_schema_is_complete_but_for_the_index(caplog):
    """A role that may not create extensions still gets every table and the newest revision, and a warning."""
    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432: {exc}")
    name = f"triage_limited_{uuid.uuid4().hex[:10]}"
    with admin:
        admin.execute(f'CREATE ROLE "{name}" LOGIN')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            with psycopg.connect(POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}", autocommit=True) as owner:
                owner.execute(f'GRANT ALL ON SCHEMA public TO "{name}"')  # tables yes, extensions no
            engine, _ = open_database(f"postgresql+psycopg://{name}@127.0.0.1:5432/{name}")
            with engine.connect() as connection:
                differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            engine.dispose()
            assert [(d[0], d[1].name) for d in differences] == [("add_index", "ix_complaints_text_trgm")]
            assert "pg_trgm extension could not be created" in caplog.text
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{name}"')


@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_every_downgrade_keeps_the_complaints_and_upgrading_again_restores_the_schema(world, database_url):
    """Down one revision at a time to the first, with complaints, decisions, hand-backs, a reopening and a
    duplicate stored (rows that refer to the complaints table, which SQLite's batch mode rebuilds), then back up."""
    _workflow(world)
    engine = make_engine(database_url)
    before = _counts(engine)
    known = [key for key, _ in schema_revisions()]
    for revision in reversed(known[:-1]):
        downgrade(engine, revision)
        assert schema_revision(engine) == revision
        assert _counts(engine) == before, f"rows lost going down to {revision}"
    assert migrate(engine) == (known[0], known[-1])
    assert _counts(engine) == before
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"include_name": _declared}),
                                       Base.metadata)
    engine.dispose()
    assert differences == [], "upgrading again rebuilds every table"


def _counts(engine) -> dict[str, int]:
    """Rows of the tables every revision has."""
    with engine.connect() as connection:
        return {name: connection.scalar(text(f"SELECT count(*) FROM {name}"))
                for name in ("complaints", "suggestions", "decisions", "audit_events", "users")}


def test_db_downgrade_lists_what_it_would_undo_and_needs_yes(tmp_path):
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    env = {"TRIAGE_DATABASE_URL": url}
    known = [key for key, _ in schema_revisions()]
    assert json.loads(run("db", "upgrade", env=env).stdout) == {"from": None, "to": known[-1]}
    listed = run("db", "downgrade", known[-3], env=env)
    assert listed.returncode == 2
    assert [line.split(":")[0] for line in listed.stderr.splitlines()[:-1]] == \
        [f"would undo {known[-1]}", f"would undo {known[-2]}"]
    assert "add --yes" in listed.stderr.splitlines()[-1]
    assert schema_revision(make_engine(url)) == known[-1], "nothing undone without --yes"
    done = run("db", "downgrade", known[-3], "--yes", env=env)
    assert json.loads(done.stdout) == {"from": known[-1], "to": known[-3]}, done.stderr
    newer = run("db", "downgrade", known[-2], "--yes", env=env)
    assert newer.returncode == 2 and newer.stderr.count("\n") == 1 and "triage db upgrade" in newer.stderr
    unknown = run("db", "downgrade", "0999", env=env)
    assert unknown.returncode == 2 and "unknown revision '0999'" in unknown.stderr
    assert json.loads(run("db", "upgrade", env=env).stdout) == {"from": known[-3], "to": known[-1]}
    with make_engine(url).connect() as connection:
        events = connection.execute(text("SELECT detail FROM audit_events WHERE action = 'database.migrated' "
                                         "ORDER BY id")).scalars().all()
    assert [(json.loads(e) if isinstance(e, str) else e)["to"] for e in events] == [known[-1], known[-3], known[-1]]
