"""The Alembic migrations build exactly the schema the code's tables declare (SQLite and PostgreSQL)."""

import uuid

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from conftest import POSTGRES_ADMIN

from triage.store.db import open_database
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
