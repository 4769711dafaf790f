"""The queue's text search: what it finds (characters LIKE treats specially included) on SQLite and PostgreSQL,
and, on PostgreSQL, that the trigram index of migration 0012 can answer it."""

from sqlalchemy import event, text

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


def test_postgresql_search_can_use_the_trigram_index(world, database_url):
    if not database_url.startswith("postgresql"):
        return  # SQLite has no such index; the search above covers it
    sessions, service, admin, _ = world
    service.ingest(sessions, admin, [{"external_id": "trgm-1", "text": TEXTS[2]}])
    engine, searches = sessions.engine, []

    def capture(connection, cursor, statement, parameters, context, executemany):
        if "LIKE" in statement:
            searches.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert _found(service, sessions, admin, "sampah") == {"trgm-1"}
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert searches, "the queue's search ran a LIKE"
    with engine.connect() as connection:
        indexes = connection.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'complaints'")).all()
        assert "ix_complaints_text_trgm" in indexes, "migration 0012 creates it where pg_trgm is available"
        # a small table is read whole; with that ruled out, the plan shows whether the search's expression is the
        # one indexed (a search written another way, e.g. ILIKE on the column, could not use it)
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute("SET enable_seqscan = off")
        statement, parameters = searches[0]
        plan = [row[0] for row in cursor.execute("EXPLAIN " + statement, parameters).fetchall()]
    assert any("ix_complaints_text_trgm" in line for line in plan), "\n".join(plan)
