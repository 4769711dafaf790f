"""`triage reclassify --pending`: re-scoring the review queue in the database (SQLite and PostgreSQL)."""

import json
import warnings

import pytest
from sqlalchemy import func, select
from test_cli import run

from triage.accounts import add_user
from triage.complaints import ComplaintService
from triage.hoaxes import CatalogueMatcher, HoaxIndex
from triage.model import TriageModel
from triage.service import SuggestionService
from triage.store.db import open_database
from triage.store.tables import Complaint, Suggestion

TEXTS = ["Sampah di TPS pasar menumpuk seminggu tidak diangkut", "Truk sampah tidak datang ke gang kami",
         "Jalan berlubang besar di depan sekolah", "Sampah liar dibuang di lahan kosong"]


@pytest.fixture(scope="module")
def relabelled_model(tmp_path_factory, seed_frame):
    """A model that routes what the seed model sends to DLH to DISHUB instead."""
    frame = seed_frame.assign(agency=seed_frame.agency.replace("DLH", "DISHUB"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = TriageModel().fit(frame.text, frame.category, frame.agency, frame.misinformation)
    return model.save(tmp_path_factory.mktemp("relabelled") / "model")


def test_pending_dry_run_reports_and_real_run_stores(database_url, seed_model, relabelled_model):
    _, sessions = open_database(database_url)
    service = ComplaintService(SuggestionService(seed_model))
    with sessions.begin() as session:
        admin, _ = add_user(session, "admin", "coordinator")
    results, _ = service.ingest(sessions, admin, [{"external_id": f"q{i}", "text": t} for i, t in enumerate(TEXTS)])
    routed = results[0]["id"]
    service.decide(sessions, admin, routed, {"category": "SAMPAH", "agency": "DLH", "expected_revision": 0})

    def suggestions():
        with sessions() as session:
            return session.scalar(select(func.count()).select_from(Suggestion))

    env = {"TRIAGE_DATABASE_URL": database_url}
    before = suggestions()
    dry = run("reclassify", "--pending", "--dry-run", "--model", relabelled_model, env=env)
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    assert report["complaints"] == 3, "the routed complaint is not in the queue"
    assert report["transitions"] == {"DLH -> DISHUB": 2} and report["changed"] == 2
    assert suggestions() == before, "a dry run stores nothing"

    real = run("reclassify", "--pending", "--model", relabelled_model, env=env)
    assert json.loads(real.stdout)["changed"] == 2
    assert suggestions() == before + 3
    with sessions() as session:
        queue = {c.external_id: c for c in session.scalars(select(Complaint))}
        assert queue["q1"].suggested_agency == "DISHUB" and queue["q3"].suggested_agency == "DISHUB"
        assert queue["q0"].suggested_agency == "DLH" and queue["q0"].agency == "DLH", "decided complaints stay"
        history = session.scalars(select(Suggestion.model_version).where(Suggestion.complaint_id == queue["q1"].id)
                                  .order_by(Suggestion.id)).all()
        assert history == [seed_model.version, TriageModel.load(relabelled_model).version]
    assert run("reclassify", "--pending", "--since", "kemarin", env=env).returncode == 2


def test_pending_rescoring_keeps_catalogue_matches(database_url, seed_model, relabelled_model, tmp_path):
    """A complaint flagged because it repeats a catalogued hoax stays in verification after re-scoring."""
    claim = "Air PDAM di wilayah timur sudah dicampur racun oleh petugas, jangan diminum dan masak air sendiri"
    index_path = tmp_path / "index.joblib"
    HoaxIndex.build([{"title": "Air PDAM beracun", "claim": claim, "verdict": "hoax"}], ids=[1]).save(index_path)
    _, sessions = open_database(database_url)
    service = ComplaintService(SuggestionService(seed_model, catalogue=CatalogueMatcher(index_path)))
    with sessions.begin() as session:
        admin, _ = add_user(session, "admin", "coordinator")
    [result], _ = service.ingest(sessions, admin, [{"external_id": "h1", "text": claim}])
    run_ = run("reclassify", "--pending", "--model", relabelled_model,
               env={"TRIAGE_DATABASE_URL": database_url, "TRIAGE_HOAX_INDEX": str(index_path)})
    assert run_.returncode == 0, run_.stderr
    with sessions() as session:
        complaint = session.get(Complaint, result["id"])
        latest = session.scalars(select(Suggestion).where(Suggestion.complaint_id == complaint.id)
                                 .order_by(Suggestion.id.desc())).first()
        assert latest.model_version == TriageModel.load(relabelled_model).version
        assert latest.misinformation_match and latest.misinformation_match["id"] == 1
        assert complaint.flagged and complaint.status == "needs_verification"
