"""Known-hoax catalogue use cases: import, list, add from a confirmed complaint, keep the match index in step,
and match complaints in every worker.

The catalogue lives in the `hoaxes` table; the match index (`triage.hoaxes.HoaxIndex`) is a file
(`TRIAGE_HOAX_INDEX`) extended with the new rows after each import/addition and replaced atomically.
Each worker reloads it when its modification time changes (checked at most every `TRIAGE_RELOAD_SECONDS`).
"""

from __future__ import annotations

import fcntl
import hashlib
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from triage.accounts import Principal
from triage.complaints import NotFound
from triage.hoaxes import HoaxIndex, entry_text, normalise_entry
from triage.service import InputError, whole_number
from triage.store.tables import AuditEvent, Complaint, Decision, Hoax, utcnow
from triage.text import normalise

BATCH = 5000
MAX_LIST = 10_000  # entries in one listing (the command line allows as many)


def fingerprint(entry: dict) -> str:
    return hashlib.sha256(" ".join(normalise(entry_text(entry)).split()).encode()).hexdigest()


def _as_dict(hoax: Hoax) -> dict:
    return {"id": hoax.id, "title": hoax.title, "claim": hoax.claim, "verdict": hoax.verdict, "url": hoax.url,
            "date": hoax.published, "tags": hoax.tags, "source": hoax.source, "complaint_id": hoax.complaint_id,
            "created_at": hoax.created_at.isoformat(timespec="seconds")}


def import_entries(session_factory, entries: list[dict], source: str, index_path: Path,
                   principal: Principal | None = None) -> dict:
    """Store new entries (an entry already in the catalogue, by fingerprint, is skipped) and extend the index.
    `principal` None is the operator at the command line."""
    if principal is not None:
        principal.require("models")
    added = skipped = 0
    for start in range(0, len(entries), BATCH):
        chunk = {fingerprint(e): e for e in entries[start:start + BATCH]}
        skipped += len(entries[start:start + BATCH]) - len(chunk)
        with session_factory.begin() as session:
            known = set(session.scalars(select(Hoax.fingerprint).where(Hoax.fingerprint.in_(list(chunk)))))
            now = utcnow()
            fresh = [Hoax(fingerprint=fp, title=e["title"], claim=e["claim"], verdict=e["verdict"], url=e["url"],
                          published=e["date"], tags=e["tags"], source=source[:200], created_at=now,
                          added_by=principal.id if principal else None)
                     for fp, e in chunk.items() if fp not in known]
            session.add_all(fresh)
            skipped += len(known)
            added += len(fresh)
    with session_factory.begin() as session:
        session.add(AuditEvent(at=utcnow(), user_id=principal.id if principal else None, action="hoaxes.imported",
                               detail={"source": source[:200], "added": added, "skipped": skipped}))
    size = sync_index(session_factory, index_path)
    return {"added": added, "skipped": skipped, "catalogue": size}


def sync_index(session_factory, index_path: Path, rebuild: bool = False) -> int:
    """Extend the index file with catalogue rows it does not hold yet (all of them when there is no file, or
    with `rebuild`, e.g. after the database was restored or moved). A lock file serialises writers. Returns
    the number of indexed entries."""
    index_path.parent.mkdir(parents=True, exist_ok=True)
    with open(index_path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        index = HoaxIndex.load(index_path) if index_path.is_file() and not rebuild else HoaxIndex()
        last = int(index.ids.max()) if len(index) else 0
        with session_factory() as session:
            rows = session.scalars(select(Hoax).where(Hoax.id > last).order_by(Hoax.id)).all()
        if rows or rebuild or not index_path.is_file():
            index.add([{"title": r.title, "claim": r.claim, "verdict": r.verdict, "url": r.url} for r in rows],
                      [r.id for r in rows])
            index.save(index_path)
        return len(index)


def list_entries(session: Session, principal: Principal | None, q: str | None = None, verdict: str | None = None,
                 limit: int = 50, offset: int = 0) -> dict:
    """Catalogue entries, newest first, optionally filtered by words in title/claim and by verdict.
    `principal` None is the operator at the command line."""
    if principal is not None:
        principal.require("stats")
    whole_number(limit, "invalid_limit", f"limit must be from 1 to {MAX_LIST}", 1, MAX_LIST)
    whole_number(offset, "invalid_offset", "offset must be a whole number")
    query = select(Hoax)
    if q:
        like = f"%{q.lower()}%"
        # typed as the columns, so the pattern is bound as they are (without NUL)
        query = query.where(or_(*(func.lower(c, type_=c.type).like(like) for c in (Hoax.title, Hoax.claim))))
    if verdict:
        query = query.where(Hoax.verdict == verdict)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Hoax.id.desc()).limit(limit).offset(offset)).all()
    return {"total": total, "entries": [_as_dict(h) for h in rows]}


def get_entry(session: Session, principal: Principal, hoax_id: int) -> dict:
    principal.require("read")
    hoax = session.get(Hoax, hoax_id)
    if hoax is None:
        raise NotFound(f"catalogue entry {hoax_id} not found")
    return _as_dict(hoax)


def add_from_complaint(session_factory, principal: Principal, complaint_id: int, payload: object,
                       index_path: Path) -> dict:
    """Catalogue the claim of a complaint whose latest decision confirmed misinformation, and link that
    decision to the new entry. Body: title (required), url, tags. The claim is the masked complaint text."""
    principal.require("models")
    if not isinstance(payload, dict) or not isinstance(payload.get("title"), str) or not payload["title"].strip():
        raise InputError("invalid_title", "'title' (a short name of the hoax) is required")
    with session_factory.begin() as session:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None:
            raise NotFound(f"complaint {complaint_id} not found")
        decision = session.scalars(select(Decision).where(Decision.complaint_id == complaint_id)
                                   .order_by(Decision.id.desc()).limit(1)).first()
        if decision is None or not decision.misinformation:
            raise InputError("not_confirmed_misinformation",
                             f"complaint {complaint_id} has no decision confirming misinformation")
        entry = normalise_entry({"title": payload["title"], "claim": complaint.text_masked, "verdict": "hoax",
                                 "url": payload.get("url") or "", "tags": payload.get("tags") or []},
                                f"complaint {complaint_id}")
        fp = fingerprint(entry)
        hoax = session.scalars(select(Hoax).where(Hoax.fingerprint == fp)).first()
        if hoax is None:
            hoax = Hoax(fingerprint=fp, title=entry["title"], claim=entry["claim"], verdict="hoax", url=entry["url"],
                        published=utcnow().date().isoformat(), tags=entry["tags"], source=f"pengaduan {complaint_id}",
                        complaint_id=complaint_id, added_by=principal.id, created_at=utcnow())
            session.add(hoax)
            session.flush()
        decision.hoax_id = hoax.id
        session.add(AuditEvent(at=utcnow(), user_id=principal.id, action="hoaxes.added_from_complaint",
                               complaint_id=complaint_id, detail={"hoax_id": hoax.id}))
        result = _as_dict(hoax)
    sync_index(session_factory, index_path)
    return result
