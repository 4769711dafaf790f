"""The queue's text search: what it finds (characters LIKE treats specially included) on SQLite and PostgreSQL,
and that each database's trigram index answers it: PostgreSQL's of migration 0012, SQLite's FTS5 table of 0013."""

from sqlalchemy import event, select, text
from sqlalchemy.dialects import sqlite

from triage.complaints import _search
from triage.store.db import migrate
from triage.store.search import TEXT_INDEX
from triage.store.tables import Complaint

TEXTS = ["Diskon 50% retribusi pasar tidak berlaku", "Saluran air_limbah RT 05/RW 02 mampet",
         "SAMPAH menumpuk di TPS pasar", "Lampu jalan mati di gang Melati", "Jalan ambles di km 7"]
QUERIES = ["50%", "%", "air_limbah", "_", "05/rw", "/", "sampah", "Pasar", "ab", "a", "gang melati", "tidak ada"]


def _found(service, sessions, admin, q: str) -> set[str]:
    with sessions() as session:
        items = service.list(session, admin, {"q": q, "limit": 200})["items"]
    return {item["external_id"] for item in items}


def test_search_matches_the_text_as_typed_ignoring_case(world):
    sessions, service, admin, _ = world
    service.ingest(sessions, admin, [{"external_id": f"cari-{n}", "text": t} for n, t in enumerate(TEXTS)])
    for q in QUERIES:
        expected = {f"cari-{n}" for n, t in enumerate(TEXTS) if q.lower() in t.lower()}
        assert _found(service, sessions, admin, q) == expected, f"search {q!r}"


def _search_statements(sessions, run) -> list[tuple]:
    """The LIKE statements (with their parameters) that `run()` sends to the database."""
    searches = []

    def capture(connection, cursor, statement, parameters, context, executemany):
        if "LIKE" in statement:
            searches.append((statement, parameters))

    event.listen(sessions.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(sessions.engine, "before_cursor_execute", capture)
    assert searches, "the queue's search ran a LIKE"
    return searches


def test_sqlite_search_asks_the_trigram_table_and_keeps_it_in_step(world, database_url):
    if not database_url.startswith("sqlite"):
        return  # PostgreSQL's index is checked below
    sessions, service, admin, _ = world
    service.ingest(sessions, admin, [{"external_id": f"fts-{n}", "text": t} for n, t in enumerate(TEXTS)])
    statement, parameters = _search_statements(sessions, lambda: _found(service, sessions, admin, "sampah"))[0]
    with sessions.engine.connect() as connection:
        plan = " ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
    assert "VIRTUAL TABLE INDEX" in plan and TEXT_INDEX in plan, plan

    with sessions.begin() as session:  # the service never changes or deletes a text; a DBA's statement may
        session.execute(text("UPDATE complaints SET text_masked = 'Got mampet di gang Mawar' "
                             "WHERE external_id = 'fts-3'"))
        gone = "(SELECT id FROM complaints WHERE external_id = 'fts-4')"
        for table in ("suggestions", "audit_events"):
            session.execute(text(f"DELETE FROM {table} WHERE complaint_id = {gone}"))
        session.execute(text("DELETE FROM complaints WHERE external_id = 'fts-4'"))
    assert _found(service, sessions, admin, "mawar") == {"fts-3"}
    assert _found(service, sessions, admin, "gang melati") == set() == _found(service, sessions, admin, "ambles")

    with sessions.begin() as session:  # a database at 0012, complaints stored: the upgrade indexes them
        session.execute(text(f"DROP TABLE {TEXT_INDEX}"))
        session.execute(text("UPDATE alembic_version SET version_num = '0012'"))
    migrate(sessions.engine)
    assert _found(service, sessions, admin, "retribusi") == {"fts-0"}


def test_without_the_trigram_table_sqlite_searches_with_like_alone():
    query = select(Complaint.id).where(_search("sampah"))
    assert TEXT_INDEX not in str(query.compile(dialect=sqlite.dialect())), "a SQLite that could not make the table"


def test_postgresql_search_can_use_the_trigram_index(world, database_url):
    if not database_url.startswith("postgresql"):
        return  # SQLite's trigram table is checked above
    sessions, service, admin, _ = world
    service.ingest(sessions, admin, [{"external_id": "trgm-1", "text": TEXTS[2]}])
    engine = sessions.engine
    # the queue's condition alone: with the ORDER BY of the queue the planner may walk a due-date index instead,
    # which is right for a common word and says nothing about whether the search could use the trigram index
    search = select(Complaint.id).where(_search("sampah")).compile(dialect=engine.dialect)
    with engine.connect() as connection:
        indexes = connection.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'complaints'")).all()
        assert "ix_complaints_text_trgm" in indexes, "migration 0012 creates it where pg_trgm is available"
        # a small table is read whole; with that ruled out, the plan shows whether the search's expression is the
        # one indexed (a search written another way, e.g. ILIKE on the column, could not use it)
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute("SET enable_seqscan = off")
        plan = [row[0] for row in cursor.execute("EXPLAIN " + str(search), search.params).fetchall()]
    assert any("ix_complaints_text_trgm" in line for line in plan), "\n".join(plan)
