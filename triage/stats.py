"""The dashboard's figures: counts, weekly series and how often suggestions were accepted.

They read every complaint, suggestion and decision of the last weeks (about half a second at 50,000
complaints on a slow day), so each process keeps the last result for `TRIAGE_STATS_CACHE_SECONDS` and says
when it was computed (`computed_at`); `fresh=True` recomputes at once.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.orm import Session

from triage.accounts import Principal
from triage.complaints import CLOSED
from triage.config import stats_cache_seconds
from triage.store.tables import Complaint, Decision, Suggestion, utcnow
from triage.times import iso

STATS_WEEKS = 12
SHARP_FALL, SHARP_FALL_MIN_DECISIONS = 0.15, 5


class DashboardStats:
    """`stats()` with the last result kept per process for `max_age` seconds (0 computes every time)."""

    def __init__(self, max_age: float | None = None):
        self.max_age = stats_cache_seconds() if max_age is None else max_age
        self._lock = threading.Lock()
        self._kept: tuple[float, dict] | None = None

    def get(self, session: Session, principal: Principal, fresh: bool = False) -> dict:
        """The figures, from the cache unless `fresh` or older than `max_age`; one thread computes at a time,
        and the others waiting for it take its result."""
        principal.require("stats")
        asked = time.monotonic()
        with self._lock:
            if self._kept is not None and not fresh and asked - self._kept[0] < self.max_age:
                return self._kept[1]
            if self._kept is not None and self._kept[0] >= asked:
                return self._kept[1]  # computed by another thread while this one waited
            figures = {**stats(session), "max_age_seconds": self.max_age}
            self._kept = (time.monotonic(), figures)
            return figures


def stats(session: Session) -> dict:
    """Counts, overdue counts, weekly series, and per model version how often suggestions were accepted.

    Acceptance uses each complaint's latest decision, compared with the suggestion it was shown.
    """
    now = utcnow()
    latest_decision = select(func.max(Decision.id)).group_by(Decision.complaint_id)
    per_version = {version: {"suggestions": n, "decisions": 0, "accepted_top1": None, "accepted_top3": None,
                             "per_agency": {}}
                   for version, n in session.execute(select(Suggestion.model_version, func.count())
                                                     .group_by(Suggestion.model_version))}
    rows = session.execute(
        select(Suggestion.model_version, Decision.agency, func.count(),
               func.sum(cast(Decision.matched_top1, Integer)), func.sum(cast(Decision.matched_top3, Integer)))
        .join(Suggestion, Decision.suggestion_id == Suggestion.id)
        .where(Decision.id.in_(latest_decision))
        .group_by(Suggestion.model_version, Decision.agency))
    totals: dict[str, list[int]] = {}
    for version, agency, n, top1, top3 in rows:
        per_version[version]["per_agency"][agency] = {"decisions": n, "accepted_top1": round(top1 / n, 4),
                                                      "accepted_top3": round(top3 / n, 4)}
        total = totals.setdefault(version, [0, 0, 0])
        total[0] += n
        total[1] += top1
        total[2] += top3
    for version, (n, top1, top3) in totals.items():
        per_version[version].update(decisions=n, accepted_top1=round(top1 / n, 4),
                                    accepted_top3=round(top3 / n, 4))
    return {"computed_at": iso(now), **_counts(session, now), **_weekly(session, now),
            "model_versions": per_version}


def _counts(session: Session, now: datetime) -> dict:
    """Totals by status, category and agency (decided, else suggested) and overdue ones, from one
    scan of the dashboard index."""
    late = and_(Complaint.status.not_in(CLOSED), Complaint.due_at < now)
    category = func.coalesce(Complaint.category, Complaint.suggested_category)
    agency = func.coalesce(Complaint.agency, Complaint.suggested_agency)
    out = {"total": 0, "by_status": Counter(), "by_category": Counter(), "by_agency": Counter(), "overdue": 0,
           "overdue_by_agency": Counter()}
    rows = select(Complaint.status.label("status"), category.label("category"), agency.label("agency"),
                  case((late, 1), else_=0).label("overdue")).subquery()
    # status last: grouping by it first makes SQLite walk the status index and read every row
    grouping = (rows.c.category, rows.c.agency, rows.c.status, rows.c.overdue)
    for cat, ag, status, overdue, n in session.execute(select(*grouping, func.count()).group_by(*grouping)):
        out["total"] += n
        out["by_status"][status] += n
        out["by_category"][cat or ""] += n
        out["by_agency"][ag or ""] += n
        if overdue:
            out["overdue"] += n
            out["overdue_by_agency"][ag or ""] += n
    return {k: dict(v) if isinstance(v, Counter) else v for k, v in out.items()}


def _weekly(session: Session, now: datetime) -> dict:
    """The last `STATS_WEEKS` weeks: complaints received per week by category and by agency; per model
    version and week, suggestions made, share needing review, decisions and share accepted as
    suggested (top-1), and the most frequent corrections (suggested -> decided agency)."""
    since = now - timedelta(weeks=STATS_WEEKS)
    week = _week(session, Complaint.received_at)
    category = func.coalesce(Complaint.category, Complaint.suggested_category)
    agency = func.coalesce(Complaint.agency, Complaint.suggested_agency)
    by_category, by_agency = Counter(), Counter()
    for w, cat, ag, n in session.execute(select(week, category, agency, func.count())
                                         .where(Complaint.received_at >= since).group_by(week, category, agency)):
        by_category[(w, cat or "")] += n
        by_agency[(w, ag or "")] += n

    suggested_week = _week(session, Suggestion.created_at)
    quality: dict[tuple[str, str], dict] = {}
    for version, w, n, review in session.execute(
            select(Suggestion.model_version, suggested_week, func.count(), func.sum(cast(Suggestion.needs_review,
                                                                                         Integer)))
            .where(Suggestion.created_at >= since).group_by(Suggestion.model_version, suggested_week)):
        quality[(version, w)] = {"model_version": version, "week": w, "suggestions": n,
                                 "needs_review_share": round((review or 0) / n, 4), "decisions": 0,
                                 "accepted_top1": None}
    decided_week = _week(session, Decision.decided_at)
    for version, w, n, top1 in session.execute(
            select(Suggestion.model_version, decided_week, func.count(), func.sum(cast(Decision.matched_top1,
                                                                                       Integer)))
            .join(Suggestion, Decision.suggestion_id == Suggestion.id)
            .where(Decision.decided_at >= since).group_by(Suggestion.model_version, decided_week)):
        row = quality.setdefault((version, w), {"model_version": version, "week": w, "suggestions": 0,
                                                "needs_review_share": None})
        row.update(decisions=n, accepted_top1=round((top1 or 0) / n, 4))
    latest_decision = select(func.max(Decision.id)).group_by(Decision.complaint_id)
    corrections = session.execute(
        select(Suggestion.model_version, Complaint.suggested_agency, Decision.agency, func.count().label("n"))
        .join(Suggestion, Decision.suggestion_id == Suggestion.id).join(Complaint, Decision.complaint_id == Complaint.id)
        .where(Decision.id.in_(latest_decision), Decision.matched_top1.is_(False))
        .group_by(Suggestion.model_version, Complaint.suggested_agency, Decision.agency)
        .order_by(func.count().desc()).limit(20))
    return {"weekly_by_category": [{"week": w, "code": c, "count": n} for (w, c), n in sorted(by_category.items())],
            "weekly_by_agency": [{"week": w, "code": c, "count": n} for (w, c), n in sorted(by_agency.items())],
            "weekly_quality": _mark_sharp_falls(sorted(quality.values(),
                                                       key=lambda r: (r["model_version"], r["week"]))),
            "top_corrections": [{"model_version": v, "suggested": a or "", "decided": d, "count": n}
                                for v, a, d, n in corrections]}


def _week(session: Session, column):
    """SQL for the Monday (YYYY-MM-DD, UTC) of the week of `column`, on SQLite and PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column, "weekday 0", "-6 days")
    return func.to_char(func.date_trunc("week", column), "YYYY-MM-DD")


def _mark_sharp_falls(rows: list[dict]) -> list[dict]:
    """Set `sharp_fall` on weeks whose top-1 acceptance fell by `SHARP_FALL` or more from the same model
    version's previous week with decisions (both weeks with at least `SHARP_FALL_MIN_DECISIONS`)."""
    previous: dict[str, float] = {}
    for row in rows:
        row["sharp_fall"] = False
        if row["accepted_top1"] is None or row["decisions"] < SHARP_FALL_MIN_DECISIONS:
            continue
        before = previous.get(row["model_version"])
        row["sharp_fall"] = before is not None and before - row["accepted_top1"] >= SHARP_FALL
        previous[row["model_version"]] = row["accepted_top1"]
    return rows
