"""Retention of reporters' personal data: once a complaint has been resolved long enough, its reporter and its
unmasked text are erased. The complaint stays, with its masked text, suggestions, decisions, resolution and audit
trail, so reports and retraining are unchanged.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, select, update

from triage.accounts import Principal
from triage.service import InputError
from triage.store.tables import AuditEvent, Complaint, utcnow
from triage.times import iso

MIN_DAYS = 30  # a complaint may be reopened or audited shortly after resolution


def _purgeable(cutoff):
    return (Complaint.status == "resolved", Complaint.resolved_at < cutoff,
            or_(Complaint.reporter.is_not(None), Complaint.text_original != Complaint.text_masked))


def purge_identities(session_factory, principal: Principal | None, older_than_days: object, dry_run: bool = False,
                     by: str | None = None) -> dict:
    """Erase the reporter and the unmasked text (replaced by the masked one) of complaints resolved more than
    `older_than_days` days ago; `dry_run` only counts them. `principal` None is the operator at the command line
    (`by` names the OS user). Audited as `retention.purged` unless nothing changed or it is a dry run."""
    if principal is not None:
        principal.require("retention")
    if not isinstance(older_than_days, int) or isinstance(older_than_days, bool) or older_than_days < MIN_DAYS:
        raise InputError("invalid_older_than_days", f"older_than_days must be a whole number of days >= {MIN_DAYS}")
    cutoff = utcnow() - timedelta(days=older_than_days)
    with session_factory.begin() as session:
        count = session.scalar(select(func.count()).select_from(Complaint).where(*_purgeable(cutoff)))
        if count and not dry_run:
            session.execute(update(Complaint).where(*_purgeable(cutoff))
                            .values(reporter=None, text_original=Complaint.text_masked)
                            .execution_options(synchronize_session=False))
            detail = {"complaints": count, "older_than_days": older_than_days, "resolved_before": iso(cutoff)}
            if principal is None or principal.id is None:
                detail |= {"via": "cli", "by": by}
            session.add(AuditEvent(at=utcnow(), user_id=principal.id if principal else None,
                                   action="retention.purged", detail=detail))
    return {"complaints": count, "resolved_before": iso(cutoff), "dry_run": dry_run}
