"""The queue's order (due date, complaints without one last, then id) read page by page and complaint by complaint
(previous/next) on SQLite and PostgreSQL, across equal due dates and the boundary to the undated."""

from datetime import timedelta

from sqlalchemy import select

from triage.store.tables import Complaint, utcnow
from triage.times import iso

TEXT = "Sampah menumpuk di pinggir jalan sudah seminggu tidak diangkut"


def test_pages_and_neighbours_follow_one_order(world):
    sessions, service, admin, _ = world
    now = utcnow()
    items = [{"external_id": f"urut-{n}", "text": TEXT, "received_at": iso(now - timedelta(days=days))}
             for n, days in enumerate((3, 10, 3, 0, 10, 3, 1))]  # equal receipt days: equal due dates
    ids = [result["id"] for result in service.ingest(sessions, admin, items)[0]]
    for key in (ids[1], ids[5]):  # resolved: no due date, after every dated complaint
        service.resolve(sessions, admin, key, {"outcome": "selesai", "final_agency": "DLH"})
    with sessions() as session:
        stored = session.execute(select(Complaint.id, Complaint.due_at)).all()
    expected = [key for key, due in sorted(stored, key=lambda row: (row.due_at is None, row.due_at, row.id))]
    assert len({due for _, due in stored if due}) < len(stored) - 2, "some due dates are equal"

    pages, cursor = [], None
    with sessions() as session:
        while True:
            page = service.list(session, admin, {"limit": 2, "cursor": cursor})
            pages += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        around = {key: service.neighbours(session, admin, key, {}) for key in expected}
    assert pages == expected
    for n, key in enumerate(expected):
        assert around[key] == {"previous": expected[n - 1] if n else None,
                               "next": expected[n + 1] if n + 1 < len(expected) else None}, f"complaint {n}"
