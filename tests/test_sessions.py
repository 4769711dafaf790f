"""Reading sessions (`sessions()`) never hold back writers: SQLite takes its write lock only for `sessions.begin()`."""

import threading

from sqlalchemy import func, select

from triage.store.db import open_database
from triage.store.tables import AuditEvent, utcnow


def _write(sessions, action: str) -> None:
    with sessions.begin() as session:
        session.add(AuditEvent(at=utcnow(), user_id=None, action=action, detail={}))


def _count(session, action: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_a_write_goes_on_while_a_read_is_open(database_url):
    _, sessions = open_database(database_url)
    _write(sessions, "test.before")
    with sessions() as reading:
        assert _count(reading, "test.before") == 1  # the read's transaction is open from here
        writer = threading.Thread(target=_write, args=(sessions, "test.during"))
        writer.start()
        writer.join(timeout=10)
        assert not writer.is_alive(), "a write waited for a read to end (SQLite: the read held the write lock)"
    with sessions() as session:
        assert _count(session, "test.during") == 1

