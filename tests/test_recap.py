"""The period recap counts in SQL against the SOP deadlines stored with each complaint. Checked against the rule
written out per complaint (as it was computed before) after a workflow that sets, clears and resets deadlines,
on SQLite and PostgreSQL; and the migration that added the stored deadlines fills them for existing complaints."""

import statistics
from datetime import timedelta

from sqlalchemy import func, insert, select

from triage import deadlines
from triage.recap import recap
from triage.store.db import make_engine, migrate
from triage.store.tables import Complaint, RoutingReturn, utcnow
from triage.times import iso

ROAD = "Jalan di depan pasar berlubang besar dan membahayakan pengendara motor."
TRASH = "Sampah menumpuk di pinggir jalan sudah seminggu tidak diangkut, baunya menyengat."


def _workflow(world) -> None:
    """Complaints received today, ten days ago and ninety days ago (past every SOP deadline), taken through
    routing, answers, hand-backs, resolutions, reopening and duplicates."""
    sessions, service, admin, liaison = world
    now = utcnow()
    ids = {}
    for age in (0, 10, 90):
        received = iso(now - timedelta(days=age))
        for n, text in enumerate((ROAD, TRASH, ROAD, TRASH, ROAD, ROAD)):
            key = f"r-{age}-{n}"
            results, _ = service.ingest(sessions, admin, [{"external_id": key, "text": text, "received_at": received}])
            ids[key] = results[0]["id"]

    def act(method, key, principal, payload):
        return getattr(service, method)(sessions, principal, ids[key], payload)

    for age in (0, 10, 90):
        route = act("decide", f"r-{age}-0", admin, {"category": "JALAN", "agency": "PUPR", "expected_revision": 0})
        act("decide", f"r-{age}-1", admin, {"category": "SAMPAH", "agency": "DLH", "expected_revision": 0})
        act("follow_up", f"r-{age}-1", liaison, {"text": "petugas dijadwalkan mengangkut besok"})
        act("decide", f"r-{age}-3", admin, {"category": "SAMPAH", "agency": "DLH", "expected_revision": 0})
        act("return_routing", f"r-{age}-3", liaison, {"reason": "di luar wilayah", "expected_revision": 1})
        act("resolve", f"r-{age}-0", admin, {"outcome": "jalan ditambal", "final_agency": "PUPR"})
        act("decide", f"r-{age}-5", admin, {"category": "JALAN", "agency": "PUPR", "expected_revision": 0})
        act("resolve", f"r-{age}-5", admin, {"outcome": "selesai tanpa tanggapan dinas", "final_agency": "PUPR"})
        assert route["status"] == "routed"
    act("reopen", "r-90-0", admin, {"reason": "pelapor: lubang masih ada", "expected_revision": 2})
    act("decide", "r-10-3", admin, {"category": "SAMPAH", "agency": "DLH", "expected_revision": 2})
    act("merge", "r-10-4", admin, {"into": ids["r-10-2"], "expected_revision": 0})
    act("merge", "r-90-4", admin, {"into": ids["r-90-2"], "expected_revision": 0})
    act("unmerge", "r-90-4", admin, {"expected_revision": 1})
    act("resolve", "r-90-2", admin, {"outcome": "sudah ditangani kelurahan", "final_agency": "PUPR"})


def _expected(session) -> dict:
    """The recap's rules applied complaint by complaint, with deadlines computed from the stored times."""
    now, per_agency = utcnow(), {}
    empty = dict.fromkeys(("received", "awaiting_review", "routed", "resolved", "duplicate", "routed_late",
                           "unrouted_overdue", "responded_late", "unanswered_overdue", "handed_back", "reopened"), 0)
    durations = {}
    for c in session.scalars(select(Complaint)):
        tally = per_agency.setdefault(c.agency or c.suggested_agency or "", dict(empty))
        hours, days = durations.setdefault(c.agency or c.suggested_agency or "", ([], []))
        routing_due = deadlines.routing_due(c.received_at)
        tally["received"] += 1
        if c.status in ("pending_review", "needs_verification"):
            tally["awaiting_review"] += 1
            tally["unrouted_overdue"] += routing_due < now
        else:
            tally[c.status] += 1
        if c.routed_at:
            response_due = deadlines.response_due(c.routed_at, c.received_at)
            tally["routed_late"] += c.routed_at > routing_due
            hours.append((c.routed_at - c.received_at).total_seconds() / 3600)
            if c.responded_at:
                tally["responded_late"] += c.responded_at > response_due
            elif c.status == "routed":
                tally["unanswered_overdue"] += response_due < now
        tally["reopened"] += c.reopened_at is not None
        if c.resolved_at:
            days.append((c.resolved_at - c.received_at).total_seconds() / 86400)
    for agency, n in session.execute(select(RoutingReturn.agency, func.count()).group_by(RoutingReturn.agency)):
        per_agency.setdefault(agency, dict(empty))["handed_back"] += n
        durations.setdefault(agency, ([], []))
    for agency, (hours, days) in durations.items():
        per_agency[agency]["median_hours_to_route"] = round(statistics.median(hours), 1) if hours else None
        per_agency[agency]["median_days_to_resolve"] = round(statistics.median(days), 1) if days else None
    return per_agency


def test_recap_counts_as_the_rule_per_complaint_says(world):
    _workflow(world)
    sessions, _, admin, _ = world
    with sessions() as session:
        report = recap(session, admin, {})
        expected = _expected(session)
        stored = session.execute(select(Complaint.received_at, Complaint.routed_at, Complaint.routing_due_at,
                                        Complaint.response_due_at)).all()
        routed_without_agency = session.scalar(select(func.count()).where(Complaint.status == "routed",
                                                                          Complaint.agency.is_(None)))
    assert routed_without_agency == 0, "the agency queues count on it (complaints._visible_to)"
    for received, routed, routing_due, response_due in stored:
        assert routing_due == deadlines.routing_due(received), "routing deadline stored at intake"
        assert response_due == (deadlines.response_due(routed, received) if routed else None), \
            "response deadline set with each routing, cleared with it"
    got = {row["agency"]: {k: v for k, v in row.items() if k not in ("agency", "agency_name")}
           for row in report["agencies"]}
    assert got == expected
    totals = {key: sum(row[key] for row in expected.values()) for key in report["total"] if "median" not in key}
    assert {k: v for k, v in report["total"].items() if "median" not in k} == totals
    figures = report["total"]
    assert figures["routed_late"] >= 3 and figures["unrouted_overdue"] >= 2 and figures["responded_late"] >= 1, \
        f"the workflow reaches every late case: {figures}"
    assert figures["unanswered_overdue"] >= 1 and figures["duplicate"] == 1 and figures["reopened"] == 1


def test_migration_stores_the_deadlines_of_existing_complaints(database_url):
    engine = make_engine(database_url)
    migrate(engine, "0010")
    received, routed = utcnow() - timedelta(days=40), utcnow() - timedelta(days=2)
    columns = {"channel": "web", "text_masked": "x", "text_original": "x", "received_at": received,
               "created_at": received, "revision": 0, "flagged": False, "reporter_confidential": True}
    with engine.begin() as connection:
        old = Complaint.__table__
        connection.execute(insert(old).values(external_id="m-waiting", status="pending_review", **columns))
        connection.execute(insert(old).values(external_id="m-routed", status="routed", routed_at=routed, **columns))
    migrate(engine)
    with engine.connect() as connection:
        rows = dict(connection.execute(select(Complaint.external_id, Complaint.response_due_at)).all())
        routing = set(connection.scalars(select(Complaint.routing_due_at)))
    engine.dispose()
    assert routing == {deadlines.routing_due(received)}
    assert rows == {"m-waiting": None, "m-routed": deadlines.response_due(routed, received)}
