"""The queue's search box as SQL: the masked text contains the words, or they are the complaint's external id or
number; answered from an index where the database has one.

PostgreSQL answers `lower(text_masked) LIKE '%q%'` from the `pg_trgm` index of migration 0012. SQLite cannot index a
LIKE: where migration 0013 made its FTS5 trigram table (`TEXT_INDEX`), the search first gathers the candidate rows
(those the table finds for the phrase, the one with that external id, the one with that number) and tests only
them. Each row is judged by the same condition either way, so the results do not depend on the index.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from triage.store.tables import Complaint

TEXT_INDEX = "complaints_text"  # FTS5 over complaints.text_masked (migration 0013, SQLite only)
INSERT_TRIGGER = "complaints_text_insert"  # fills it as complaints are stored (migration 0013)
TRIGRAM = 3  # the table knows no shorter phrase


class _Search(ColumnElement[bool]):
    """`plain`, or on a SQLite database with the trigram table, `indexed` (the same test on candidate rows)."""

    type = Boolean()
    inherit_cache = True
    _traverse_internals: ClassVar[list] = [("plain", InternalTraversal.dp_clauseelement),
                                           ("indexed", InternalTraversal.dp_clauseelement)]

    def __init__(self, plain: ColumnElement[bool], indexed: ColumnElement[bool]):
        self.plain, self.indexed = plain, indexed

    def self_group(self, against=None):
        return self  # compiled in parentheses, and already a condition (not a value to compare with true)


@compiles(_Search)
def _compile_plain(element: _Search, compiler, **kw) -> str:
    return f"({compiler.process(element.plain, **kw)})"


@compiles(_Search, "sqlite")
def _compile_sqlite(element: _Search, compiler, **kw) -> str:
    chosen = element.indexed if getattr(compiler.dialect, "text_index", False) else element.plain
    return f"({compiler.process(chosen, **kw)})"


def search_condition(q: str, number: int | None) -> ColumnElement[bool]:
    """The complaints whose masked text contains `q` (case aside, LIKE's wildcards taken literally), whose external
    id is `q`, or whose id is `number`."""
    lowered, external_id = q.replace("\0", "").lower(), q.strip()  # NUL is dropped from what is stored, too
    lowered_text = func.lower(Complaint.text_masked, type_=Complaint.text_masked.type)
    matches = [lowered_text.contains(lowered, autoescape=True), Complaint.external_id == external_id]
    if number is not None:
        matches.append(Complaint.id == number)
    plain = or_(*matches)
    if len(lowered) < TRIGRAM:
        return plain
    phrase = literal('"' + lowered.replace('"', '""') + '"', type_=Complaint.text_masked.type)
    candidates = [select(literal_column("rowid")).select_from(table(TEXT_INDEX))
                  .where(literal_column(TEXT_INDEX).op("MATCH")(phrase)),
                  select(Complaint.id).where(Complaint.external_id == external_id)]
    if number is not None:
        candidates.append(select(literal(number)))
    return _Search(plain, Complaint.id.in_(union_all(*candidates)) & plain)


@contextmanager
def text_index_filled_afterwards(connection: Connection) -> Iterator[None]:
    """Rows written inside this block into a SQLite database with the trigram table are indexed in one rebuild at
    its end instead of by the insert trigger, which writes an index segment per INSERT statement (a copy of 200,000
    complaints took 37 s that way instead of 18 s). All in `connection`'s transaction: a failure restores the
    trigger."""
    trigger = connection.scalar(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
                                {"name": INSERT_TRIGGER}) if connection.dialect.name == "sqlite" else None
    if trigger is None:
        yield
        return
    connection.exec_driver_sql(f"DROP TRIGGER {INSERT_TRIGGER}")
    yield
    for command in ("rebuild", "optimize"):
        connection.exec_driver_sql(f"INSERT INTO {TEXT_INDEX} ({TEXT_INDEX}) VALUES ('{command}')")
    connection.exec_driver_sql(trigger)
