"""`triage export-training`: decisions become masked, de-duplicated examples (SQLite and PostgreSQL)."""

import os
import subprocess

import pandas as pd
from http_service import TRIAGE

from training.export import decided_examples
from triage.accounts import add_user
from triage.complaints import ComplaintService
from triage.service import SuggestionService
from triage.store.db import open_database

PHONE_TEXT = "Sampah menumpuk di TPS pasar, hubungi saya 0812-3456-7890 kalau petugas datang"


def test_export_uses_latest_decision_final_agency_masks_and_dedupes(database_url, seed_model, tmp_path):
    _, sessions = open_database(database_url)
    service = ComplaintService(SuggestionService(seed_model))
    with sessions.begin() as session:
        admin, _ = add_user(session, "admin", "coordinator")
    texts = [PHONE_TEXT, "Jalan rusak di depan SD, mohon diperbaiki", "Jalan rusak di depan SD, mohon diperbaiki ",
             "Lampu PJU mati di gang 3", "Air PDAM keruh sejak kemarin"]
    results, _ = service.ingest(sessions, admin, [{"external_id": f"e{i}", "text": t} for i, t in enumerate(texts)])
    ids = [r["id"] for r in results]

    def decide(complaint_id, agency, category, revision, bulk=False):
        service.decide(sessions, admin, complaint_id,
                       {"category": category, "agency": agency, "expected_revision": revision}, bulk=bulk)

    decide(ids[0], "DISHUB", "SAMPAH", 0)
    decide(ids[0], "DLH", "SAMPAH", 1)  # a revised decision: the latest counts
    decide(ids[1], "PUPR", "JALAN", 0)
    decide(ids[2], "PUPR", "JALAN", 0)  # same masked text as ids[1]: one example
    service.resolve(sessions, admin, ids[1], {"outcome": "diperbaiki", "final_agency": "DISPERKIM"})
    decide(ids[3], "DISHUB", "PJU", 0, bulk=True)
    extra = tmp_path / "lapor.csv"
    pd.DataFrame({"text": ["Air PDAM keruh sejak kemarin", "Pungli di kantor kelurahan"],
                  "agency": ["PDAM", "INSPEKTORAT"], "category": ["AIR", "APARATUR"]}).to_csv(extra, index=False)
    out = tmp_path / "train.csv"
    env = {**os.environ, "TRIAGE_DATABASE_URL": database_url}
    run = subprocess.run([TRIAGE, "export-training", "-o", str(out), "--extra", str(extra)], env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    # Only the phone number's own digits: timestamps in other columns may contain "0812" by chance.
    assert "3456-7890" not in out.read_text() and "<telepon>" in frame.text.iloc[0]
    by_text = dict(zip(frame.text, frame.agency, strict=True))
    assert by_text[frame.text.iloc[0]] == "DLH"
    assert by_text["Jalan rusak di depan SD, mohon diperbaiki"] == "DISPERKIM", "the resolution's agency wins"
    assert len(frame) == 5, "two identical road texts collapse; the undecided complaint is left out; +1 extra"
    assert frame.set_index("text").loc["Lampu PJU mati di gang 3", "bulk"] == "True"
    assert frame.set_index("text").loc["Pungli di kantor kelurahan", "source"] == str(extra)
    no_bulk = subprocess.run([TRIAGE, "export-training", "-o", str(out), "--no-bulk"], env=env, capture_output=True,
                             text=True, timeout=120, check=False)
    assert no_bulk.returncode == 0 and "Lampu PJU" not in out.read_text()
    bad = subprocess.run([TRIAGE, "export-training", "-o", str(out), "--extra", str(tmp_path / "nope.csv")], env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("triage: error:") and "nope.csv" in bad.stderr


def test_a_duplicate_report_learns_the_labels_of_the_complaint_it_repeats(database_url, seed_model):
    _, sessions = open_database(database_url)
    service = ComplaintService(SuggestionService(seed_model))
    with sessions.begin() as session:
        admin, _ = add_user(session, "admin", "coordinator")
    texts = {"primary": "Pohon besar tumbang menutup jalan di depan SD 4", "same": "pohon tumbang tutup jalan dpn sd 4",
             "routed-before": "Jalan depan SD 4 tertutup pohon roboh sejak subuh",
             "undecided": "Sampah di sungai belakang pasar", "its-copy": "Sampah menumpuk di sungai blkg pasar"}
    results, _ = service.ingest(sessions, admin, [{"external_id": k, "text": t} for k, t in texts.items()])
    ids = {r["external_id"]: r["id"] for r in results}
    service.decide(sessions, admin, ids["primary"], {"category": "BENCANA", "agency": "BPBD", "expected_revision": 0})
    service.decide(sessions, admin, ids["routed-before"], {"category": "JALAN", "agency": "PUPR",
                                                           "expected_revision": 0})
    for key, into, revision in (("same", "primary", 0), ("routed-before", "primary", 1), ("its-copy", "undecided", 0)):
        service.merge(sessions, admin, ids[key], {"into": ids[into], "expected_revision": revision})
    service.resolve(sessions, admin, ids["primary"], {"outcome": "pohon dipotong", "final_agency": "DLH"})
    with sessions() as session:
        frame = decided_examples(session)
    labels = {text: (category, agency) for text, category, agency in zip(frame.text, frame.category, frame.agency,
                                                                         strict=True)}
    assert labels == {texts[key]: ("BENCANA", "DLH") for key in ("primary", "same", "routed-before")}, \
        "duplicates take the final labels of what they repeat; nothing comes from an undecided complaint"
