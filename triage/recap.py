"""The period recap behind reports to leadership ("606 received in 2023: 589 handled, 12 in process, 5 untouched"):
complaints received between two dates, per agency and in total, by where they stand now, how many were routed late
(or are still unrouted past the SOP routing deadline), how many agencies answered late (or have not answered
past the response deadline: the complaints agencies are reprimanded for), and the median time to route and to
resolve.

A complaint counts for its decided agency, else the suggested one (as on the dashboard); `handed_back` counts the
complaints an agency handed back as outside its authority, under the agency that did so; `reopened` counts the
complaints reopened after a resolution their reporter objected to; `duplicate` the reports closed as repeating
another complaint (they stay in `received`: each is a citizen who reported).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from triage import deadlines
from triage.accounts import Principal
from triage.spreadsheet import csv_chunks
from triage.store.tables import Complaint, RoutingReturn, utcnow
from triage.times import iso, parse_time

AWAITING = ("pending_review", "needs_verification")
CSV_COLUMNS = ("agency", "agency_name", "received", "awaiting_review", "routed", "resolved", "duplicate", "routed_late",
               "unrouted_overdue", "responded_late", "unanswered_overdue", "handed_back", "reopened", "median_hours_to_route",
               "median_days_to_resolve")


class _Row(NamedTuple):
    """One complaint's times and its deadlines, computed once for the total and its agency's row."""

    status: str
    received: datetime
    routed: datetime | None
    responded: datetime | None
    resolved: datetime | None
    reopened: datetime | None
    routing_due: datetime
    response_due: datetime | None


@dataclass
class _Tally:
    received: int = 0
    awaiting_review: int = 0
    routed: int = 0
    resolved: int = 0
    duplicate: int = 0
    routed_late: int = 0
    unrouted_overdue: int = 0
    responded_late: int = 0
    unanswered_overdue: int = 0
    handed_back: int = 0
    reopened: int = 0
    hours_to_route: list[float] = field(default_factory=list)
    days_to_resolve: list[float] = field(default_factory=list)

    def add(self, row: _Row, now: datetime) -> None:
        """One complaint, measured against its routing deadline (from receipt) and, once routed, the agency's
        response deadline (from the latest routing)."""
        self.received += 1
        if row.status in AWAITING:
            self.awaiting_review += 1
            self.unrouted_overdue += row.routing_due < now
        else:
            setattr(self, row.status, getattr(self, row.status) + 1)
        if row.routed:
            self.routed_late += row.routed > row.routing_due
            self.hours_to_route.append((row.routed - row.received).total_seconds() / 3600)
            if row.responded:
                self.responded_late += row.responded > row.response_due
            elif row.status == "routed":
                self.unanswered_overdue += row.response_due < now
        self.reopened += row.reopened is not None
        if row.resolved:
            self.days_to_resolve.append((row.resolved - row.received).total_seconds() / 86400)

    def view(self) -> dict:
        def median(values: list[float]) -> float | None:
            return round(statistics.median(values), 1) if values else None

        return {"received": self.received, "awaiting_review": self.awaiting_review, "routed": self.routed,
                "resolved": self.resolved, "duplicate": self.duplicate, "routed_late": self.routed_late, "unrouted_overdue": self.unrouted_overdue,
                "responded_late": self.responded_late, "unanswered_overdue": self.unanswered_overdue,
                "handed_back": self.handed_back, "reopened": self.reopened, "median_hours_to_route": median(self.hours_to_route),
                "median_days_to_resolve": median(self.days_to_resolve)}


def recap(session: Session, principal: Principal, filters: dict,
          agency_name: Callable[[str], str] = lambda code: code) -> dict:
    """Totals and one row per agency (most complaints first) for complaints received from `received_from` to
    `received_to` (dates or date-times; a date alone in `received_to` includes that day; either may be open)."""
    principal.require("stats")
    start = parse_time(filters.get("received_from"), "received_from")
    end = parse_time(filters.get("received_to"), "received_to", end_of_day=True)
    agency = func.coalesce(Complaint.agency, Complaint.suggested_agency)
    query = select(agency, Complaint.status, Complaint.received_at, Complaint.routed_at, Complaint.responded_at,
                   Complaint.resolved_at, Complaint.reopened_at)
    handed_back = select(RoutingReturn.agency, func.count()).join(Complaint).group_by(RoutingReturn.agency)
    if start:
        query, handed_back = (q.where(Complaint.received_at >= start) for q in (query, handed_back))
    if end:
        query, handed_back = (q.where(Complaint.received_at < end) for q in (query, handed_back))
    now, total, per_agency, sop = utcnow(), _Tally(), {}, deadlines.Sop.from_settings()
    # deadlines are computed from the stored times: a complaint's due_at only holds the current one
    for code, status, received, routed, responded, resolved, reopened in session.execute(
            query.execution_options(yield_per=5000)):
        row = _Row(status, received, routed, responded, resolved, reopened, sop.routing_due(received),
                   sop.response_due(routed, received) if routed else None)
        total.add(row, now)
        per_agency.setdefault(code or "", _Tally()).add(row, now)
    for code, count in session.execute(handed_back):
        total.handed_back += count
        per_agency.setdefault(code, _Tally()).handed_back += count
    agencies = [{"agency": code, "agency_name": agency_name(code) if code else "", **tally.view()}
                for code, tally in sorted(per_agency.items(), key=lambda item: (-item[1].received, item[0]))]
    return {"received_from": iso(start), "received_to": iso(end), "computed_at": iso(now), "total": total.view(),
            "agencies": agencies}


def recap_csv(report: dict) -> Iterator[str]:
    """One row per agency, then the total (agency `TOTAL`)."""
    rows = [tuple(row[c] if row[c] is not None else "" for c in CSV_COLUMNS) for row in report["agencies"]]
    total = {"agency": "TOTAL", "agency_name": "", **report["total"]}
    rows.append(tuple(total[c] if total[c] is not None else "" for c in CSV_COLUMNS))
    return csv_chunks(CSV_COLUMNS, [rows])
