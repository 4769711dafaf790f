"""The Alembic migrations build exactly the schema the code's tables declare (SQLite and PostgreSQL)."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from triage.store.db import open_database
from triage.store.tables import Base


# SQLite cannot reflect expression indexes; the trigram index is PostgreSQL's alone and compared there
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrated_schema_matches_the_tables(database_url):
    engine, _ = open_database(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == [], "write a migration for these differences"
