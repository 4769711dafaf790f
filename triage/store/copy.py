"""Copy a whole database into an empty one, ids kept: a consistent backup of a running service, or the move
from the embedded SQLite file to PostgreSQL (and back).

The source is read inside one snapshot (a deferred read transaction on SQLite, REPEATABLE READ on PostgreSQL),
so writers go on while it is copied and the copy is the database as it was at one instant. The target is
written in one transaction: a copy that fails leaves it empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, Integer, String, TypeDecorator, func, select, text
from sqlalchemy.engine import make_url

from triage.store.db import open_database, shown_url
from triage.store.search import text_index_filled_afterwards
from triage.store.tables import AuditEvent, Base, utcnow

BATCH = 5000


class CopyError(Exception):
    """The copy cannot be made; `code` is machine-readable (`target_not_empty`, `same_database`,
    `value_too_long`)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only connection that sees the database as it was when the first row was read."""
    if engine.dialect.name == "sqlite":
        # a reading connection's deferred BEGIN reads a WAL snapshot and lets the service's writers go on meanwhile
        with engine.connect().execution_options(reading=True) as connection, connection.begin():
            yield connection
        return
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
        connection.execute(text("SET TRANSACTION READ ONLY"))
        yield connection


def _counts(connection: Connection) -> dict[str, int]:
    return {table.name: connection.scalar(select(func.count()).select_from(table)) for table in Base.metadata.sorted_tables}


def _check_lengths(table, rows: list[dict]) -> None:
    """Refuse a value longer than its column allows (SQLite never enforced the limits; PostgreSQL does)."""
    types = {c.name: c.type.impl if isinstance(c.type, TypeDecorator) else c.type for c in table.columns}
    limits = {name: kind.length for name, kind in types.items() if isinstance(kind, String) and kind.length}
    for row in rows:
        for name, limit in limits.items():
            value = row[name]
            if isinstance(value, str) and len(value) > limit:
                key = ", ".join(f"{c.name} {row[c.name]}" for c in table.primary_key.columns)
                raise CopyError("value_too_long", f"{table.name}.{name} of the row with {key} has {len(value)} "
                                                  f"characters; the column holds {limit}")


def _reset_sequences(connection: Connection) -> None:
    """After rows came in with their ids, PostgreSQL's serial sequences must continue after the largest."""
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and isinstance(table.c.id.type, Integer):
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"))


def _record(connection: Connection, detail: dict) -> None:
    connection.execute(AuditEvent.__table__.insert(), [{"at": utcnow(), "user_id": None, "action": "database.copied",
                                                        "detail": detail}])


def copy_database(source_url: str, target_url: str, by: str | None = None) -> dict[str, int]:
    """Copy every row of `source_url` into `target_url`, which must hold no rows (its schema is created or
    migrated first); returns rows copied per table. Both databases get a `database.copied` audit event."""
    if make_url(source_url) == make_url(target_url):
        raise CopyError("same_database", "the source and the target are the same database")
    source, _ = open_database(source_url)
    target, _ = open_database(target_url)
    try:
        with target.begin() as writer:
            present = {name: n for name, n in _counts(writer).items() if n}
            if present:
                raise CopyError("target_not_empty", f"{shown_url(target_url)} already holds rows ("
                                + ", ".join(f"{name} {n}" for name, n in present.items()) + "); copy into an empty "
                                "database")
            with _snapshot(source) as reader, text_index_filled_afterwards(writer):
                expected = _counts(reader)
                copied = {}
                for table in Base.metadata.sorted_tables:
                    copied[table.name] = 0
                    order = list(table.primary_key.columns)
                    result = reader.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
                    for partition in result.partitions():
                        rows = [dict(row._mapping) for row in partition]
                        _check_lengths(table, rows)
                        writer.execute(table.insert(), rows)
                        copied[table.name] += len(rows)
            if target.dialect.name == "postgresql":
                _reset_sequences(writer)
            if _counts(writer) != expected or copied != expected:
                raise RuntimeError(f"copy incomplete: source {expected}, copied {copied}, target {_counts(writer)}")
            detail = {"from": shown_url(source_url), "to": shown_url(target_url), "rows": copied,
                      "via": "cli", "by": by}
            _record(writer, detail)
        with source.begin() as connection:
            _record(connection, detail)
    finally:
        source.dispose()
        target.dispose()
    return copied
