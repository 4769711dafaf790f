"""Background reclassification jobs over HTTP: upload, progress, result, and surviving a crash."""

import io
import json
import time
from datetime import timedelta

import pandas as pd
import pytest
from http_service import Service, triage
from sqlalchemy import create_engine, update
from test_cli import run

from triage.store.tables import Job, utcnow


@pytest.fixture(scope="module")
def setup(model_registry, tmp_path_factory, seed_frame):
    work = tmp_path_factory.mktemp("jobs")
    env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": f"sqlite:///{work / 'triage.db'}",
           "TRIAGE_JOBS_DIR": str(work / "jobs"), "TRIAGE_JOB_STALE_SECONDS": "3",
           "TRIAGE_JOB_POLL_SECONDS": "0.2"}
    tokens = {"koordinator": triage(env, "users", "add", "koordinator", "--role", "coordinator"),
              "dlh": triage(env, "users", "add", "dlh", "--role", "agency", "--agency", "DLH")}
    frame = pd.concat([seed_frame] * 30, ignore_index=True)[["text"]]
    frame.insert(0, "id", range(len(frame)))
    small, large = work / "small.csv", work / "large.csv"
    frame.head(300).to_csv(small, index=False)
    frame.to_csv(large, index=False)
    model_dir = model_registry / (model_registry / "active").read_text().strip()
    return {"env": env, "tokens": tokens, "small": small, "large": large, "model_dir": model_dir, "work": work}


def wait_for(service, job_id, token, status, seconds=180):
    deadline = time.time() + seconds
    while time.time() < deadline:
        _, job = service.call("GET", f"/api/v1/jobs/{job_id}", token)
        if job["status"] == status:
            return job
        assert job["status"] not in ("failed", "done"), job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} not {status}: {job}")


def cli_output(setup, source, name):
    out = setup["work"] / name
    assert run("reclassify", source, "-o", out, "--model", setup["model_dir"]).returncode == 0
    return out.read_bytes()


def test_upload_progress_and_result(setup):
    service = Service(setup["env"])
    try:
        token = setup["tokens"]["koordinator"]
        status, job = service.upload("/api/v1/jobs/reclassify", setup["small"], token)
        assert status == 202 and job["status"] == "queued"
        done = wait_for(service, job["id"], token, "done")
        assert done["rows_done"] == 300 and done["result"].endswith("/result")
        status, body = service.download(done["result"], token)
        assert status == 200 and body == cli_output(setup, setup["small"], "small_out.csv")
        assert service.upload("/api/v1/jobs/reclassify", setup["small"], setup["tokens"]["dlh"])[0] == 403
        status, bad = service.upload("/api/v1/jobs/reclassify", setup["work"] / "triage.db", token)
        assert (status, bad["error"]["code"]) == (422, "invalid_file")
        assert service.call("GET", "/api/v1/jobs/nope", token)[0] == 404
    finally:
        service.stop()


def test_a_job_interrupted_by_a_crash_resumes_after_restart(setup):
    token = setup["tokens"]["koordinator"]
    first = Service(setup["env"])
    _, job = first.upload("/api/v1/jobs/reclassify", setup["large"], token)
    parts = setup["work"] / "jobs" / job["id"] / "output.csv.parts"
    deadline = time.time() + 120
    while len(list(parts.glob("*.part"))) < 2 and time.time() < deadline:
        time.sleep(0.05)
    first.kill()
    second = Service(setup["env"])
    try:
        _, seen = second.call("GET", f"/api/v1/jobs/{job['id']}", token)
        assert seen["status"] == "running", "the crashed job is still marked running until its heartbeat goes stale"
        done = wait_for(second, job["id"], token, "done")
        assert done["attempts"] == 2
        status, body = second.download(done["result"], token)
        assert status == 200 and body == cli_output(setup, setup["large"], "large_out.csv")
    finally:
        second.stop()


def test_jobs_are_listed_with_their_file_name_and_rejected_rows(setup):
    with_rejects = setup["work"] / "tumpukan januari.csv"
    frame = pd.read_csv(setup["small"]).head(20)
    frame.loc[[3, 7], "text"] = ""  # two rows nobody can score
    frame.to_csv(with_rejects, index=False)
    service = Service(setup["env"])
    try:
        token = setup["tokens"]["koordinator"]
        _, clean = service.upload("/api/v1/jobs/reclassify", setup["small"], token)
        _, job = service.upload("/api/v1/jobs/reclassify", with_rejects, token)
        assert job["filename"] == "tumpukan januari.csv" and job["created_by"] == "koordinator"
        done = wait_for(service, job["id"], token, "done")
        clean = wait_for(service, clean["id"], token, "done")
        assert (done["rows_done"], done["rows_rejected"], clean["rows_rejected"]) == (20, 2, 0)
        job_dir = setup["work"] / "jobs" / job["id"]
        assert not list(job_dir.glob("input*")), "the upload (a raw export) is deleted once its job is done"
        status, listing = service.call("GET", "/api/v1/jobs?limit=5", token)
        assert status == 200 and listing["jobs"][0] == done, "newest first, as GET /api/v1/jobs/ID gives it"
        assert len(listing["jobs"]) <= 5
        status, rejects = service.download(done["rejects"], token)
        assert status == 200
        rejected = pd.read_csv(io.BytesIO(rejects))
        assert list(rejected["id"]) == [frame.id[3], frame.id[7]] and set(rejected.reason) == {"empty text"}
        status, result = service.download(done["result"], token)
        assert status == 200 and len(pd.read_csv(io.BytesIO(result))) == 18

        assert clean["rejects"] is None and clean in listing["jobs"]
        assert service.download(f"/api/v1/jobs/{clean['id']}/rejects", token)[0] == 404
        status, error = service.call("GET", "/api/v1/jobs?limit=0", token)
        assert (status, error["error"]["code"]) == (422, "invalid_limit")
        assert service.call("GET", "/api/v1/jobs", setup["tokens"]["dlh"])[0] == 403

        broken = setup["work"] / "rusak.parquet"
        broken.write_bytes(b"not a parquet file")
        _, job = service.upload("/api/v1/jobs/reclassify", broken, token)
        failed = wait_for(service, job["id"], token, "failed")
        assert failed["error"].startswith("rusak.parquet: cannot read") and failed["result"] is None, \
            "the file is named as uploaded, not by the service's own path"
        assert not (setup["work"] / "jobs" / job["id"]).exists(), "a failed job leaves no upload behind"
    finally:
        service.stop()
    listed = run("jobs", "list", "--limit", "3", env=setup["env"])
    assert listed.returncode == 0, listed.stderr
    newest, second = (line.split("\t") for line in listed.stdout.splitlines()[:2])
    assert newest[:2] == [failed["id"], "failed"] and newest[5:] == ["rusak.parquet", failed["error"]]
    assert second[:3] == [done["id"], "done", "20"] and second[4:] == ["koordinator", "tumpukan januari.csv"]


def test_an_ended_jobs_files_are_deleted_by_a_coordinator_or_once_old(setup):
    service = Service(setup["env"])
    try:
        token = setup["tokens"]["koordinator"]
        _, small = service.upload("/api/v1/jobs/reclassify", setup["small"], token)
        _, large = service.upload("/api/v1/jobs/reclassify", setup["large"], token)
        status, busy = service.call("DELETE", f"/api/v1/jobs/{large['id']}", token)
        assert (status, busy["error"]["code"]) == (409, "conflict"), "queued or running: nothing to delete yet"
        done = wait_for(service, small["id"], token, "done")
        assert service.call("DELETE", f"/api/v1/jobs/{small['id']}", setup["tokens"]["dlh"])[0] == 403
        assert service.call("DELETE", "/api/v1/jobs/nope", token)[0] == 404
        status, deleted = service.call("DELETE", f"/api/v1/jobs/{small['id']}", token)
        assert status == 200 and (deleted["status"], deleted["result"], deleted["rows_done"]) == ("deleted", None, 300)
        assert not (setup["work"] / "jobs" / small["id"]).exists() and service.download(done["result"], token)[0] == 409
        wait_for(service, large["id"], token, "done")
    finally:
        service.stop()
    env = setup["env"]
    assert run("jobs", "purge", "--older-than", "1", env=env).stdout.strip() == '{"jobs": [], "dry_run": false}'
    engine = create_engine(env["TRIAGE_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == large["id"]).values(finished_at=utcnow() - timedelta(days=40)))
    engine.dispose()
    dry = json.loads(run("jobs", "purge", "--older-than", "30", "--dry-run", env=env).stdout)
    assert dry == {"jobs": [large["id"]], "dry_run": True} and (setup["work"] / "jobs" / large["id"]).exists()
    assert json.loads(run("jobs", "purge", "--older-than", "30", env=env).stdout)["jobs"] == [large["id"]]
    assert not (setup["work"] / "jobs" / large["id"]).exists()
    again = run("jobs", "delete", large["id"], env=env)
    assert again.returncode == 1 and "deleted" in again.stderr, "its files are already gone"
    unknown = run("jobs", "delete", "nope", env=env)
    assert unknown.returncode == 2 and unknown.stderr.startswith("triage: error: nope: ")
    events = triage(env, "audit", "--action", "job.deleted")
    assert events.count('"job.deleted"') == 2 and '"via": "cli"' in events
