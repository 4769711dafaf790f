"""Engine and sessions for SQLite (default, WAL) or PostgreSQL (`TRIAGE_DATABASE_URL`), and migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from triage.store.search import TEXT_INDEX
from triage.store.tables import AuditEvent, utcnow

MIGRATIONS = Path(__file__).with_name("migrations")


def shown_url(url: str) -> str:
    """`url` with any password hidden, as it may be printed and audited."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine for `url`. SQLite files get WAL, foreign keys, a busy timeout, and write transactions
    that take the write lock up front (BEGIN IMMEDIATE), so concurrent writers wait instead of failing; reads
    (connections with the `reading` execution option, see `Sessions`) take no lock and run beside the writer."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get("reading") else "BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine, revision: str = "head", by: str | None = None) -> tuple[str | None, str | None]:
    """Bring the schema up to `revision`, by default the newest; returns the revisions before and after. With
    `by` (who asked) a change is recorded in the audit trail."""
    return _change_schema(engine, "upgrade", revision, by)


def downgrade(engine: Engine, revision: str, by: str | None = None) -> tuple[str | None, str | None]:
    """Take the schema back down to `revision` (a release being rolled back), as `migrate`. The tables and
    columns of the revisions undone are dropped with what they hold."""
    return _change_schema(engine, "downgrade", revision, by)


def schema_revisions() -> list[tuple[str, str]]:
    """Every revision the code knows, oldest first, with the first line of its description."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS))
    return [(script.revision, script.doc.splitlines()[0]) for script in reversed(list(scripts.walk_revisions()))]


def schema_revision(engine: Engine) -> str | None:
    """The database's revision, None for a database without one."""
    with engine.connect() as connection:
        return _revision(connection)


def _revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _change_schema(engine: Engine, direction: str, revision: str, by: str | None) -> tuple[str | None, str | None]:
    """Run Alembic's upgrade or downgrade in one transaction. On SQLite foreign keys are off meanwhile and
    checked before the commit (SQLite's documented procedure): a migration that rebuilds a table (batch mode:
    copy, drop, rename) would otherwise fail on the rows referring to it."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:  # SQLite ignores this pragma inside a transaction, so it is set before Alembic begins one
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                before = _revision(connection)
                config.attributes["connection"] = connection
                getattr(command, direction)(config, revision)
                after = _revision(connection)
                checked = sqlite and after != before  # a scan of every reference: only after a change
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all() if checked else []
                if broken:
                    raise RuntimeError(f"{direction} to {revision} left rows referring to missing rows: "
                                       + ", ".join(f"{table} rowid {rowid} -> {parent}"
                                                   for table, rowid, parent, _ in broken[:5]))
                if by and after != before and after is not None:
                    connection.execute(AuditEvent.__table__.insert(), [{
                        "at": utcnow(), "user_id": None, "action": "database.migrated",
                        "detail": {"from": before, "to": after, "via": "cli", "by": by}}])
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    return before, after


class Sessions(sessionmaker[Session]):
    """`sessions()` for reading (such a session is never committed), `sessions.begin()` for writing (committed
    when the block ends without an error). On SQLite a read then never holds the write lock: before, a dashboard
    computed over 1,000,000 complaints (1.7 s) made every decision wait for it."""

    def __init__(self, engine: Engine):
        super().__init__(engine.execution_options(reading=True), expire_on_commit=False)
        self.engine = engine

    @contextmanager
    def begin(self) -> Iterator[Session]:
        with self(bind=self.engine) as session, session.begin():
            yield session


def session_factory(engine: Engine) -> Sessions:
    return Sessions(engine)


def ping(engine: Engine) -> bool:
    """True when the database answers."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - readiness reports any failure as not ready
        return False


def open_database(url: str) -> tuple[Engine, Sessions]:
    """Engine and session factory for `url`, with the schema migrated to the newest revision."""
    engine = make_engine(url)
    migrate(engine)
    if engine.dialect.name == "sqlite":  # migration 0013 made the search's trigram table where SQLite could
        with engine.connect() as connection:
            engine.dialect.text_index = connection.scalar(
                text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :name"),
                {"name": TEXT_INDEX}) == 1
    engine.dispose()  # no connection may cross a fork (gunicorn --preload): each worker opens its own
    return engine, session_factory(engine)
