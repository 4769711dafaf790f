"""`triage retrain`: the gate rejects a candidate trained on corrupted labels (naming the rule), promotes a good
one with its report, rollback restores the previous suggestions exactly, and two retrains never overlap."""

import json
import os
import subprocess

import pandas as pd
import pytest
from http_service import PASSWORD, TRIAGE, Browserless, Service, set_password, triage
from sqlalchemy import select

from training.retrain import exclusive_lock
from training.seed_corpus import build
from triage import registry
from triage.accounts import add_user
from triage.complaints import ComplaintService
from triage.model import CARD_FILE, TriageModel
from triage.service import SuggestionService
from triage.store.db import open_database
from triage.store.tables import AuditEvent


@pytest.fixture()
def decided_service(database_url, seed_model, tmp_path):
    """A database with 300 complaints decided with their true labels, and a registry with the seed model."""
    root = tmp_path / "models"
    registry.register(seed_model, root)
    registry.activate(seed_model.version, root)
    _, sessions = open_database(database_url)
    service = ComplaintService(SuggestionService(seed_model))
    with sessions.begin() as session:
        admin, _ = add_user(session, "admin", "coordinator")
    rows = [r for r in build(seed=11, per_core=2) if r["misinformation"] == "0"][:300]
    for start in range(0, len(rows), 100):
        chunk = rows[start:start + 100]
        results, _ = service.ingest(sessions, admin, [{"external_id": f"c{start + i}", "text": r["text"]}
                                                      for i, r in enumerate(chunk)])
        for result, row in zip(results, chunk, strict=True):
            service.decide(sessions, admin, result["id"], {"category": row["category"], "agency": row["agency"],
                                                           "expected_revision": 0})
    env = {**os.environ, "TRIAGE_DATABASE_URL": database_url, "TRIAGE_MODELS_DIR": str(root)}
    return root, sessions, env, [r["text"] for r in rows]


def retrain(env, *args):
    return subprocess.run([TRIAGE, "retrain", "--by", "tester", *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def corrupted_extra(path):
    """2,400 fresh complaints whose agencies are rotated: every agency label names another agency. More rows than
    the seed corpus (which retraining also learns from), so the corruption dominates the candidate."""
    rows = pd.DataFrame(build(seed=12, per_core=7)).head(2400)
    agencies = sorted(rows.agency.unique())
    rotate = dict(zip(agencies, agencies[1:] + agencies[:1], strict=True))
    rows.assign(agency=rows.agency.map(rotate)).to_csv(path, index=False)
    return path


def test_gate_rejects_corrupted_promotes_good_and_rollback_restores(decided_service, seed_model, tmp_path):
    root, sessions, env, texts = decided_service
    probe = texts[:40] + ["Lampu jalan mati sejak seminggu di gang mawar", "Ada info bansos 5 juta lewat link ini?"]
    before = TriageModel.load(registry.active_dir(root)).suggest_many(probe)

    bad = retrain(env, "--extra", str(corrupted_extra(tmp_path / "lapor_export.csv")), "--reason", "bad export")
    assert bad.returncode == 3, bad.stderr
    summary = json.loads(bad.stdout)
    rules = {f["rule"] for f in summary["gate"]["failed"]}
    assert rules & {"top1_accuracy", "macro_f1"}, f"the accuracy rules should name the failure, got {rules}"
    assert "gate failed: " in bad.stderr and "top1_accuracy" in bad.stderr + json.dumps(summary)
    assert registry.active_version(root) == seed_model.version, "a rejected candidate must not become active"
    rejected = json.loads((root / summary["version"] / CARD_FILE).read_text())
    assert rejected["status"] == "rejected" and rejected["parent"] == seed_model.version
    assert rejected["who"] == "tester" and rejected["reason"] == "bad export"
    assert summary["holdout"]["n"] == 60, "default holdout: the newest 20 % of 300 decisions made today"

    good = retrain(env, "--reason", "weekly")
    assert good.returncode == 0, good.stderr
    promoted = json.loads(good.stdout)
    assert promoted["gate"]["passed"] and promoted["status"] == "promoted"
    assert registry.active_version(root) == promoted["version"]
    report = root / promoted["version"] / "evaluation"
    assert {"report.html", "confusion_agency.png", "reliability.png"} <= {p.name for p in report.iterdir()}
    assert "Gerbang evaluasi: LULUS" in (report / "report.html").read_text()

    _check_report_over_http(env, promoted, summary["version"])

    result = subprocess.run([TRIAGE, "models", "rollback"], env=env, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert registry.active_version(root) == seed_model.version
    assert TriageModel.load(registry.active_dir(root)).suggest_many(probe) == before

    with sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "model.retrained")
                                 .order_by(AuditEvent.id)).all()
    assert [(e.detail["status"], e.detail["by"]) for e in events] == [("rejected", "tester"), ("promoted", "tester")]
    assert events[0].detail["failed_rules"]


def _check_report_over_http(env, promoted, rejected_version):
    """The gate verdict over the API, and the Model page linking the HTML report, which it serves."""
    token = triage(env, "users", "add", "koordinator", "--role", "coordinator")
    set_password(env, "koordinator", PASSWORD)
    server = Service(env, workers=1)
    try:
        status, body = server.call("GET", f"/api/v1/models/{promoted['version']}/report", token)
        assert status == 200 and body["gate"]["passed"] and body["status"] == "promoted", body
        assert body["holdout"]["n"] == 60 and body["who"] == "tester"
        status, body = server.call("GET", "/api/v1/models", token)
        by_version = {v["version"]: v for v in body["versions"]}
        assert by_version[rejected_version]["gate"]["failed"] and by_version[rejected_version]["status"] == "rejected"
        status, body = server.call("GET", "/api/v1/models/no-such-version/report", token)
        assert status == 404 and body["error"]["code"] == "not_found"
        browser = Browserless(server.base)
        assert browser.request("GET", f"/model/{promoted['version']}/laporan/report.html")[0] == 302
        browser.login("koordinator")
        status, _, page = browser.request("GET", "/model")
        assert status == 200 and "lulus gerbang" in page and "gagal: " in page
        link = f"/model/{promoted['version']}/laporan/report.html"
        assert link in page
        status, headers, report = browser.request("GET", link)
        assert status == 200 and "Gerbang evaluasi: LULUS" in report
        assert "img-src 'self'" in headers["Content-Security-Policy"]
        assert browser.request("GET", f"/model/{promoted['version']}/laporan/reliability.png")[0] == 200
        assert browser.request("GET", f"/model/{promoted['version']}/laporan/..%2Fcard.json")[0] == 404
    finally:
        server.stop()


def test_force_is_audited_dry_run_registers_nothing_and_lock_refuses(decided_service, tmp_path):
    root, sessions, env, _ = decided_service
    extra = str(corrupted_extra(tmp_path / "lapor_export.csv"))
    versions = registry.versions(root)
    dry = retrain(env, "--dry-run", "--extra", extra)
    assert dry.returncode == 3 and json.loads(dry.stdout)["status"] == "dry_run"
    assert registry.versions(root) == versions, "a dry run registers nothing"

    with exclusive_lock(root):
        busy = retrain(env)
    assert busy.returncode == 1 and "already running" in busy.stderr and busy.stderr.count("\n") == 1

    forced = retrain(env, "--force", "--extra", extra, "--reason", "urgent")
    assert forced.returncode == 0, forced.stderr
    summary = json.loads(forced.stdout)
    assert summary["forced"] and not summary["gate"]["passed"]
    assert registry.active_version(root) == summary["version"]
    with sessions() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("model.%"))).all()
    assert actions.count("model.force_activated") == 1


def test_retrain_without_decisions_says_so(tmp_path, model_registry):
    env = {**os.environ, "TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
           "TRIAGE_MODELS_DIR": str(tmp_path / "models")}
    result = retrain(env)
    assert result.returncode == 1
    assert result.stderr.strip() == "triage: error: no decided complaints to learn from"


def test_retrain_started_from_the_api_and_the_model_page(decided_service):
    """A coordinator starts a retrain over HTTP; it runs in its own process, is refused while one runs, and its
    verdict shows on the Model page. Other roles may not start one."""
    root, sessions, env, _ = decided_service
    token = triage(env, "users", "add", "koordinator", "--role", "coordinator")
    agency = triage(env, "users", "add", "dinas", "--role", "agency", "--agency", "DLH")
    set_password(env, "koordinator", PASSWORD)
    server = Service(env, workers=1)
    try:
        assert server.call("POST", "/api/v1/models/retrain", agency, {"reason": "x"})[0] == 403
        with exclusive_lock(root):
            status, body = server.call("POST", "/api/v1/models/retrain", token, {"reason": "uji"})
            assert status == 409 and body["error"]["code"] == "retrain_running", body
        before = set(registry.versions(root))
        status, body = server.call("POST", "/api/v1/models/retrain", token, {"reason": "uji"})
        assert status == 202 and body["status"] == "started", body
        status, body = server.call("POST", "/api/v1/models/retrain", token, {"reason": "lagi"})
        assert status == 409 and body["error"]["code"] == "retrain_running", "a second start must wait"
        listing = _wait_for_retrain(server, token)
        new = [v for v in listing["versions"] if v["version"] not in before]
        assert len(new) == 1 and new[0]["who"] == "koordinator" and new[0]["reason"] == "uji", listing
        assert any("candidate" in line for line in listing["retrain"]["log"]), listing["retrain"]["log"]
        with sessions() as session:
            actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("model.retrain%"))).all()
        assert actions == ["model.retrain_requested", "model.retrained"]
        browser = Browserless(server.base)
        browser.login("koordinator")
        status, _, page = browser.request("GET", "/model")
        assert status == 200 and "Latih ulang sekarang" in page and "Log pelatihan ulang terakhir" in page
        started = browser.request("POST", "/model/latih-ulang",
                                  {"csrf_token": browser.csrf("/model"), "reason": "dari halaman"})
        assert started[0] == 302
        assert "Pelatihan ulang dimulai" in browser.request("GET", "/model")[2]
        assert _wait_for_retrain(server, token)["retrain"]["log"][-1].startswith("candidate ")
    finally:
        server.stop()


def _wait_for_retrain(server, token, seconds=240):
    """The model listing once no retrain runs any more."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        listing = server.call("GET", "/api/v1/models", token)[1]
        if not listing["retrain"]["running"] or time.monotonic() > deadline:
            return listing
        time.sleep(1)
