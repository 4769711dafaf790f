"""The dashboard's figures: counts, weekly series and how often suggestions were accepted.

They read every complaint, suggestion and decision of the last weeks (about half a second at 50,000 complaints on a
slow day); the web layer keeps them in a `ReportCache`.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.orm import Session, aliased

from triage.complaints import CLOSED
from triage.store.tables import Complaint, Decision, Job, Suggestion, utcnow
from triage.times import iso

STATS_WEEKS = 12
SHARP_FALL, SHARP_FALL_MIN_DECISIONS = 0.15, 5


def stats(session: Session) -> dict:
    """Counts, overdue counts, weekly series, and per model version how often suggestions were accepted.

    Acceptance uses each complaint's latest decision, compared with the suggestion it was shown.
    """
    now = utcnow()
    since = now - timedelta(weeks=STATS_WEEKS)
    per_version: dict[str, dict] = {}
    for version, n in session.execute(select(Suggestion.model_version, func.count()).group_by(Suggestion.model_version)):
        _version(per_version, version)["suggestions"] = n
    top_corrections = _latest_decisions(session, per_version)
    return {"computed_at": iso(now), **_counts(session, now), **_weekly_volume(session, since),
            "weekly_quality": _weekly_quality(session, since), "top_corrections": top_corrections,
            "model_versions": per_version}


def monitoring_figures(session: Session) -> dict:
    """The figures a monitoring system reads every minute or so, each from an index: complaints by status, open
    complaints past their due date by status and agency, background jobs by status."""
    late = select(Complaint.status, Complaint.agency, func.count()).where(
        Complaint.status.not_in(CLOSED), Complaint.due_at < utcnow()).group_by(Complaint.status, Complaint.agency)
    return {"complaints": dict(session.execute(select(Complaint.status, func.count()).group_by(Complaint.status)).all()),
            "overdue": {(status, agency or ""): n for status, agency, n in session.execute(late)},
            "jobs": dict(session.execute(select(Job.status, func.count()).group_by(Job.status)).all())}


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


def _weekly_volume(session: Session, since: datetime) -> dict:
    """Complaints received per week since `since`, by category and by agency (decided, else suggested)."""
    week = _week(session, Complaint.received_at)
    category = func.coalesce(Complaint.category, Complaint.suggested_category)
    agency = func.coalesce(Complaint.agency, Complaint.suggested_agency)
    by_category, by_agency = Counter(), Counter()
    for w, cat, ag, n in session.execute(select(week, category, agency, func.count())
                                         .where(Complaint.received_at >= since).group_by(week, category, agency)):
        w = _monday(w)
        by_category[(w, cat or "")] += n
        by_agency[(w, ag or "")] += n
    return {"weekly_by_category": [{"week": w, "code": c, "count": n} for (w, c), n in sorted(by_category.items())],
            "weekly_by_agency": [{"week": w, "code": c, "count": n} for (w, c), n in sorted(by_agency.items())]}


def _weekly_quality(session: Session, since: datetime) -> list[dict]:
    """Per model version and week since `since`: suggestions made, the share needing review, decisions and the
    share that took the suggestion's top-1 agency; sharp falls marked."""
    suggested_week = _week(session, Suggestion.created_at)
    quality: dict[tuple[str, str], dict] = {}
    for version, w, n, review in session.execute(
            select(Suggestion.model_version, suggested_week, func.count(), func.sum(cast(Suggestion.needs_review,
                                                                                         Integer)))
            .where(Suggestion.created_at >= since).group_by(Suggestion.model_version, suggested_week)):
        w = _monday(w)
        quality[(version, w)] = {"model_version": version, "week": w, "suggestions": n,
                                 "needs_review_share": round((review or 0) / n, 4), "decisions": 0,
                                 "accepted_top1": None}
    decided_week = _week(session, Decision.decided_at)
    for version, w, n, top1 in session.execute(
            select(Suggestion.model_version, decided_week, func.count(), func.sum(cast(Decision.matched_top1,
                                                                                       Integer)))
            .join(Suggestion, Decision.suggestion_id == Suggestion.id)
            .where(Decision.decided_at >= since).group_by(Suggestion.model_version, decided_week)):
        w = _monday(w)
        row = quality.setdefault((version, w), {"model_version": version, "week": w, "suggestions": 0,
                                                "needs_review_share": None})
        row.update(decisions=n, accepted_top1=round((top1 or 0) / n, 4))
    return _mark_sharp_falls(sorted(quality.values(), key=lambda r: (r["model_version"], r["week"])))


def _latest_decisions(session: Session, per_version: dict) -> list[dict]:
    """Fill in `per_version` how often each complaint's latest decision took the suggestion it was shown (top-1,
    top-3; per decided agency too), and return the 20 most frequent corrections (suggested -> decided agency)."""
    rows = session.execute(
        select(Suggestion.model_version, Complaint.suggested_agency, Decision.agency, Decision.matched_top1,
               Decision.matched_top3, func.count())
        .join(Suggestion, Decision.suggestion_id == Suggestion.id).join(Complaint, Decision.complaint_id == Complaint.id)
        .where(_is_latest_decision(session))
        .group_by(Suggestion.model_version, Complaint.suggested_agency, Decision.agency, Decision.matched_top1,
                  Decision.matched_top3))
    tallies: dict[tuple[str, str | None], list[int]] = {}
    corrections: Counter = Counter()
    for version, suggested, agency, top1, top3, n in rows:
        for key in ((version, agency), (version, None)):  # per agency, and the version's total
            tally = tallies.setdefault(key, [0, 0, 0])
            tally[0] += n
            tally[1] += n if top1 else 0
            tally[2] += n if top3 else 0
        if not top1:
            corrections[(version, suggested or "", agency)] += n
    for (version, agency), (n, top1, top3) in sorted(tallies.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        figures = _version(per_version, version)  # may be new: PostgreSQL reads each query's own snapshot
        shares = {"accepted_top1": round(top1 / n, 4), "accepted_top3": round(top3 / n, 4)}
        if agency is None:
            figures.update(decisions=n, **shares)
        else:
            figures["per_agency"][agency] = {"decisions": n, **shares}
    ranked = sorted(corrections.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    return [{"model_version": v, "suggested": a, "decided": d, "count": n} for (v, a, d), n in ranked]


def _version(per_version: dict, version: str) -> dict:
    return per_version.setdefault(version, {"suggestions": 0, "decisions": 0, "accepted_top1": None,
                                            "accepted_top3": None, "per_agency": {}})


def _is_latest_decision(session: Session):
    """SQL true for the latest decision of each complaint. Measured at 40,000 decisions: PostgreSQL answers the
    NOT EXISTS form in 170 ms and the IN form in 320 ms; SQLite 440 ms and 150 ms."""
    if session.get_bind().dialect.name == "sqlite":
        return Decision.id.in_(select(func.max(Decision.id)).group_by(Decision.complaint_id))
    later = aliased(Decision)
    return ~select(later.id).where(later.complaint_id == Decision.complaint_id, later.id > Decision.id).exists()


def _week(session: Session, column):
    """SQL for the Monday (UTC) of the week of `column`: a YYYY-MM-DD text on SQLite, a timestamp on PostgreSQL
    (formatting it there, per row, took a third of the weekly volume's time at 1,000,000 complaints)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column, "weekday 0", "-6 days")
    return func.date_trunc("week", column)


def _monday(week: str | datetime) -> str:
    """A `_week` value as YYYY-MM-DD."""
    return week if isinstance(week, str) else week.date().isoformat()


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
