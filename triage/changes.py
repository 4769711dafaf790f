"""What happened to complaints, in order, for the system they came from: a LAPOR! synchronisation reads it to show
reporters where their complaint went, what the agency answered and how it ended.

Built on the audit trail (its ids are the cursor). Only what a reporter may learn is included: routing, the
agency's follow-ups, hand-backs (without the internal reason), the resolution, a reopening (without its
reason), and a merge as a duplicate report (which complaint it repeats, so the reporter can follow that one) or its
undoing; never misinformation verdicts, notes or who acted. Events show once they are `SETTLE` old: on PostgreSQL
ids are handed out before commit, so a transaction could commit an id below one a reader has already passed; these
transactions last milliseconds.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from triage.accounts import Principal
from triage.service import INT_MAX, whole_number
from triage.store.tables import AuditEvent, Complaint, FollowUp, Resolution, utcnow
from triage.times import iso

KINDS = {"complaint.decided": "routed", "complaint.followed_up": "followed_up", "complaint.returned": "returned",
         "complaint.resolved": "resolved", "complaint.reopened": "reopened", "complaint.merged": "merged",
         "complaint.unmerged": "unmerged"}
MAX_LIMIT = 500
SETTLE = timedelta(seconds=5)


def list_changes(session: Session, principal: Principal, after: object = 0, limit: object = 100) -> dict:
    """Changes with an id above `after`, oldest first, and `next_after` to ask for the following ones."""
    principal.require("changes")
    for name, value, high in (("after", after, INT_MAX), ("limit", limit, MAX_LIMIT)):
        low = 1 if name == "limit" else 0
        whole_number(value, f"invalid_{name}", f"{name} must be a whole number from {low} to {high}", low, high)
    rows = session.execute(select(AuditEvent, Complaint.external_id)
                           .join(Complaint, Complaint.id == AuditEvent.complaint_id)
                           .where(AuditEvent.id > after, AuditEvent.action.in_(list(KINDS)),
                                  AuditEvent.at <= utcnow() - SETTLE)
                           .order_by(AuditEvent.id).limit(limit)).all()
    notes = _by_id(session, FollowUp, [e.detail.get("follow_up_id") for e, _ in rows])
    resolved = [e for e, _ in rows if e.action == "complaint.resolved"]
    endings = _by_id(session, Resolution, [(e.detail or {}).get("resolution_id") for e in resolved])
    # events written before resolutions were named in them: the complaint's latest resolution
    latest = {r.complaint_id: r for r in session.scalars(select(Resolution).order_by(Resolution.id).where(
        Resolution.complaint_id.in_([e.complaint_id for e in resolved if "resolution_id" not in (e.detail or {})])))}
    items = [_change(event, external_id, notes, endings, latest) for event, external_id in rows]
    return {"items": items, "next_after": rows[-1][0].id if rows else after}


def _by_id(session: Session, table, ids: list) -> dict:
    wanted = [i for i in ids if isinstance(i, int)]
    return {row.id: row for row in session.scalars(select(table).where(table.id.in_(wanted)))} if wanted else {}


def _change(event: AuditEvent, external_id: str, notes: dict, endings: dict, latest: dict) -> dict:
    detail = event.detail or {}
    change = {"id": event.id, "at": iso(event.at), "kind": KINDS[event.action], "complaint_id": event.complaint_id,
              "external_id": external_id}
    if change["kind"] == "routed":
        change |= {"agency": detail.get("agency"), "category": detail.get("category")}
    elif change["kind"] == "followed_up":
        note = notes.get(detail.get("follow_up_id"))
        change |= {"agency": detail.get("agency"), "text": note.text if note else None}
    elif change["kind"] in ("returned", "reopened"):
        change |= {"agency": detail.get("agency")}
    elif change["kind"] == "merged":
        change |= {"into_complaint_id": detail.get("into"), "into_external_id": detail.get("into_external_id")}
    elif change["kind"] == "resolved":
        ending = endings.get(detail.get("resolution_id")) or latest.get(event.complaint_id)
        change |= {"agency": detail.get("final_agency"), "outcome": ending.outcome if ending else None}
    return change
