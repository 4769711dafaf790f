"""The audit trail: every recorded action (ingest, decisions, model changes, logins, jobs, …), newest first.

Read by coordinators and auditors through the JSON API, the web page and the CLI, all with the same filters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from triage.accounts import Principal
from triage.service import InputError, whole_number_text
from triage.spreadsheet import csv_chunks
from triage.store.tables import AuditEvent, User
from triage.times import iso, parse_time

MAX_LIMIT = 200
EXPORT_BATCH = 1000
CSV_COLUMNS = ("id", "at", "user", "action", "complaint_id", "detail")


def _filtered(filters: dict):
    """Events joined with their user's name, narrowed by `action` (an action such as `complaint.decided` or
    its group `complaint`), `user` (username), `complaint_id`, `since` and `until` (dates or date-times;
    a date alone in `until` includes that day)."""
    query = select(AuditEvent, User.username).outerjoin(User, User.id == AuditEvent.user_id)
    if filters.get("action"):
        action = filters["action"]
        query = query.where(or_(AuditEvent.action == action, AuditEvent.action.startswith(action + ".",
                                                                                           autoescape=True)))
    if filters.get("user"):
        query = query.where(User.username == filters["user"])
    if filters.get("complaint_id") not in (None, ""):
        number = whole_number_text(str(filters["complaint_id"]), "invalid_complaint_id",
                                   "complaint_id must be a complaint number")
        query = query.where(AuditEvent.complaint_id == number)
    if filters.get("since"):
        query = query.where(AuditEvent.at >= parse_time(filters["since"], "since"))
    if filters.get("until"):
        query = query.where(AuditEvent.at < parse_time(filters["until"], "until", end_of_day=True))
    return query


def event_view(event: AuditEvent, username: str | None) -> dict:
    return {"id": event.id, "at": iso(event.at), "user": username, "user_id": event.user_id,
            "action": event.action, "complaint_id": event.complaint_id, "detail": event.detail or {}}


def list_events(session: Session, principal: Principal, filters: dict) -> dict:
    """One page of events matching `filters`, newest first; `next_cursor` continues where it stopped."""
    principal.require("audit")
    limit = filters.get("limit") or 50
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InputError("invalid_limit", f"limit must be between 1 and {MAX_LIMIT}")
    query = _filtered(filters)
    if filters.get("cursor"):
        cursor = whole_number_text(str(filters["cursor"]), "invalid_cursor", "cursor is not one this API returned")
        query = query.where(AuditEvent.id < cursor)
    rows = session.execute(query.order_by(AuditEvent.id.desc()).limit(limit + 1)).all()
    page, more = rows[:limit], len(rows) > limit
    return {"items": [event_view(event, name) for event, name in page],
            "next_cursor": str(page[-1][0].id) if more else None}


def export_csv(session_factory, principal: Principal, filters: dict, limit: int | None = None) -> Iterator[str]:
    """Every event matching `filters` (at most `limit` >= 1) as CSV text, header first, newest first, in batches.

    Permission and filters are checked at once, so a bad request fails before any row is sent."""
    principal.require("audit")
    query = _filtered(filters)
    return _csv_chunks(session_factory, query, limit)


def _csv_chunks(session_factory, query, limit: int | None) -> Iterator[str]:
    return csv_chunks(CSV_COLUMNS, ([(event.id, iso(event.at), name or "", event.action, event.complaint_id or "",
                                      json.dumps(event.detail or {}, ensure_ascii=False, sort_keys=True))
                                     for event, name in batch] for batch in _batches(session_factory, query, limit)))


def _batches(session_factory, query, limit: int | None) -> Iterator[list]:
    """Lists of (event, username), newest first, EXPORT_BATCH at a time (at most `limit` in all)."""
    remaining = limit
    with session_factory() as session:
        before = None
        while remaining is None or remaining > 0:
            batch = query if before is None else query.where(AuditEvent.id < before)
            size = EXPORT_BATCH if remaining is None else min(EXPORT_BATCH, remaining)
            rows = session.execute(batch.order_by(AuditEvent.id.desc()).limit(size)).all()
            yield rows
            if len(rows) < size:
                return
            before = rows[-1][0].id
            remaining = None if remaining is None else remaining - len(rows)
