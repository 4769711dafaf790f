"""Retention of reporters' personal data: once a complaint has been closed (resolved, or merged into the complaint it
repeats) long enough, its reporter and its
unmasked text are erased, and personal data that officers wrote into its notes, hand-back reasons, follow-ups,
resolutions and reopening reasons is masked as the complaint's text is. The complaint stays, with its masked text, suggestions, decisions,
resolution and audit trail, so reports and retraining are unchanged.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update

from triage.accounts import Principal
from triage.service import InputError
from triage.store.tables import (
    AuditEvent,
    Complaint,
    Decision,
    FollowUp,
    Reopening,
    Resolution,
    RoutingReturn,
    utcnow,
)
from triage.text import mask_pii
from triage.times import iso

MIN_DAYS = 30  # a complaint may be reopened or audited shortly after resolution
OFFICER_TEXTS = ((Decision, "note"), (RoutingReturn, "reason"), (FollowUp, "text"), (Resolution, "outcome"),
                 (Reopening, "reason"))


def _closed_before(cutoff):
    return or_(and_(Complaint.status == "resolved", Complaint.resolved_at < cutoff),
               and_(Complaint.status == "duplicate", Complaint.merged_at < cutoff))


def _purgeable(cutoff):
    return (_closed_before(cutoff),
            or_(Complaint.reporter.is_not(None), Complaint.text_original != Complaint.text_masked))


def _officer_texts_to_mask(session, cutoff) -> list[tuple[type, list[dict]]]:
    """Per table, the officers' texts on complaints closed before `cutoff` that still hold personal data, each
    as {"id": row id, column: its masked text}."""
    closed = select(Complaint.id).where(_closed_before(cutoff))
    changes = []
    for table, column in OFFICER_TEXTS:
        text = getattr(table, column)
        rows = session.execute(select(table.id, text).where(table.complaint_id.in_(closed), text.is_not(None))
                               .execution_options(yield_per=1000))
        masked = ((row_id, value, mask_pii(value)) for row_id, value in rows)
        changes.append((table, [{"id": row_id, column: new} for row_id, old, new in masked if new != old]))
    return changes


def purge_identities(session_factory, principal: Principal | None, older_than_days: object, dry_run: bool = False,
                     by: str | None = None) -> dict:
    """Erase the reporter and the unmasked text (replaced by the masked one) of complaints resolved (or merged as
    duplicates) more than `older_than_days` days ago, and mask the officers' texts on them; `dry_run` only counts both. `principal`
    None is the operator at the command line (`by` names the OS user). Audited as `retention.purged` unless nothing changed or it is a dry run."""
    if principal is not None:
        principal.require("retention")
    if not isinstance(older_than_days, int) or isinstance(older_than_days, bool) or older_than_days < MIN_DAYS:
        raise InputError("invalid_older_than_days", f"older_than_days must be a whole number of days >= {MIN_DAYS}")
    cutoff = utcnow() - timedelta(days=older_than_days)
    with session_factory.begin() as session:
        count = session.scalar(select(func.count()).select_from(Complaint).where(*_purgeable(cutoff)))
        officer_texts = _officer_texts_to_mask(session, cutoff)
        masked = sum(len(rows) for _, rows in officer_texts)
        if (count or masked) and not dry_run:
            session.execute(update(Complaint).where(*_purgeable(cutoff))
                            .values(reporter=None, text_original=Complaint.text_masked)
                            .execution_options(synchronize_session=False))
            for table, rows in officer_texts:
                if rows:
                    session.execute(update(table), rows)
            detail = {"complaints": count, "officer_texts": masked, "older_than_days": older_than_days,
                      "resolved_before": iso(cutoff)}
            if principal is None or principal.id is None:
                detail |= {"via": "cli", "by": by}
            session.add(AuditEvent(at=utcnow(), user_id=principal.id if principal else None,
                                   action="retention.purged", detail=detail))
    return {"complaints": count, "officer_texts": masked, "resolved_before": iso(cutoff), "dry_run": dry_run}
