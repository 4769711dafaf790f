"""Retention: reporters and unmasked texts of long-resolved complaints are erased and officers' texts on them
masked; nothing else changes."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from test_cli import run

from triage.accounts import add_user
from triage.complaints import ComplaintService
from triage.retention import purge_identities
from triage.service import InputError, SuggestionService
from triage.store.db import open_database
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

TEXT = "Lampu jalan di gang 5 mati, hubungi saya di 0812 3456 7890 atau budi@contoh.id"
PHONE, NIK = "0813 2222 3333", "3578 0101 0101 0001"


def test_purge_erases_identities_of_long_resolved_complaints_only(database_url, seed_model):
    _, sessions = open_database(database_url)
    service = ComplaintService(SuggestionService(seed_model))
    with sessions.begin() as session:
        admin, _ = add_user(session, "admin", "coordinator")
        liaison, _ = add_user(session, "dishub", "agency", agency="DISHUB")
    results, _ = service.ingest(sessions, admin, [{"external_id": key, "text": TEXT, "reporter": "Budi"}
                                                  for key in ("old", "recent", "open")])
    ids = {r["external_id"]: r["id"] for r in results}
    for key in ("old", "recent"):  # officers copy the reporter's details into what they write
        routed = {"category": "PJU", "agency": "DISHUB", "note": f"pelapor bisa dihubungi di {PHONE}"}
        service.decide(sessions, admin, ids[key], routed | {"expected_revision": 0})
        service.return_routing(sessions, liaison, ids[key], {"reason": f"sudah dicek dengan pelapor {PHONE}",
                                                             "expected_revision": 1})
        service.decide(sessions, admin, ids[key], routed | {"expected_revision": 2})
        service.follow_up(sessions, liaison, ids[key], {"text": f"petugas menelepon {PHONE}, lampu dijadwalkan"})
        service.resolve(sessions, admin, ids[key], {"outcome": f"lampu diganti, pelapor NIK {NIK}",
                                                    "final_agency": "DISHUB"})
        service.reopen(sessions, admin, ids[key], {"reason": f"pelapor ({PHONE}) menyatakan masih mati",
                                                   "expected_revision": 5})
        service.resolve(sessions, admin, ids[key], {"outcome": f"lampu diganti lagi, pelapor NIK {NIK}",
                                                    "final_agency": "DISHUB"})
    with sessions.begin() as session:  # one resolved 400 days ago, one 10 days ago, one still open
        for key, days in (("old", 400), ("recent", 10)):
            session.execute(update(Complaint).where(Complaint.id == ids[key])
                            .values(resolved_at=utcnow() - timedelta(days=days)))
    env = {"TRIAGE_DATABASE_URL": database_url}

    dry = run("purge-identities", "--older-than", "365", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout) | {"resolved_before": None} == {"complaints": 1, "officer_texts": 7,
                                                                 "resolved_before": None, "dry_run": True}
    real = run("purge-identities", "--older-than", "365", env=env)
    assert json.loads(real.stdout) | {"resolved_before": None} == {"complaints": 1, "officer_texts": 7,
                                                                  "resolved_before": None, "dry_run": False}
    with sessions() as session:
        rows = {c.external_id: c for c in session.scalars(select(Complaint))}
        assert rows["old"].reporter is None and rows["old"].text_original == rows["old"].text_masked
        assert "0812" not in rows["old"].text_original and "budi@contoh.id" not in rows["old"].text_original
        for key in ("recent", "open"):
            assert rows[key].reporter == "Budi" and rows[key].text_original == TEXT, f"{key} is kept"
        assert session.scalar(select(Decision.agency).where(Decision.complaint_id == ids["old"])) == "DISHUB"
        for key, digits in (("old", False), ("recent", True)):
            written = [*session.scalars(select(Decision.note).where(Decision.complaint_id == ids[key])),
                       *session.scalars(select(RoutingReturn.reason).where(RoutingReturn.complaint_id == ids[key])),
                       *session.scalars(select(FollowUp.text).where(FollowUp.complaint_id == ids[key])),
                       *session.scalars(select(Resolution.outcome).where(Resolution.complaint_id == ids[key])),
                       *session.scalars(select(Reopening.reason).where(Reopening.complaint_id == ids[key]))]
            assert len(written) == 7
            for text in written:
                assert ("2222" in text or "0101" in text) is digits, f"{key}: {text!r}"
                assert digits or ("<telepon>" in text or "<nik>" in text), f"{key}: the rest of {text!r} is kept"
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purged")).one()
        assert event.detail["complaints"] == 1 and event.detail["officer_texts"] == 7 and event.detail["via"] == "cli"
    again = run("purge-identities", "--older-than", "365", env=env)
    assert json.loads(again.stdout)["complaints"] == 0 and json.loads(again.stdout)["officer_texts"] == 0, \
        "nothing left to purge or mask"

    too_soon = run("purge-identities", "--older-than", "7", env=env)
    assert too_soon.returncode == 2 and too_soon.stderr.startswith("triage: error: --older-than: ")
    with pytest.raises(InputError, match="whole number of days"):
        purge_identities(sessions, admin, "365")


def test_purge_covers_duplicate_reports_merged_long_ago(database_url, seed_model):
    _, sessions = open_database(database_url)
    service = ComplaintService(SuggestionService(seed_model))
    with sessions.begin() as session:
        admin, _ = add_user(session, "admin", "coordinator")
    results, _ = service.ingest(sessions, admin, [{"external_id": key, "text": TEXT, "reporter": "Budi"}
                                                  for key in ("primary", "old-duplicate", "new-duplicate")])
    ids = {r["external_id"]: r["id"] for r in results}
    for key in ("old-duplicate", "new-duplicate"):
        service.merge(sessions, admin, ids[key], {"into": ids["primary"], "expected_revision": 0})
    with sessions.begin() as session:
        session.execute(update(Complaint).where(Complaint.id == ids["old-duplicate"])
                        .values(merged_at=utcnow() - timedelta(days=400)))
    assert purge_identities(sessions, admin, 365)["complaints"] == 1
    with sessions() as session:
        rows = {c.external_id: c for c in session.scalars(select(Complaint))}
    assert rows["old-duplicate"].reporter is None and "0812" not in rows["old-duplicate"].text_original
    assert rows["new-duplicate"].reporter == "Budi" and rows["primary"].reporter == "Budi", "still open or recent"
