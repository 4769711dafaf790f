"""Background reclassification jobs: uploaded files scored by a runner thread in each service worker.

State lives in the `jobs` table. A runner claims a job atomically (queued, or running with a stale
heartbeat because its worker died), renews the heartbeat after every chunk, and runs
`triage.batch.reclassify` with `resume=True`, so a job interrupted by a restart continues from its
last completed chunk. After `MAX_ATTEMPTS` claims the job is marked failed with the reason.

An upload is deleted as soon as its job ends: it is a raw export that may hold reporters' personal data, and
nothing needs it once the result (ids and suggestions, no text) is written. The result stays until a coordinator
deletes it (`delete`) or the operator's `triage jobs purge` removes those older than some days; the job's row
stays, with status `deleted`, so the list and the audit trail still say what was run.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import or_, select, update

from triage import config
from triage.accounts import Principal
from triage.batch import BatchError, reclassify
from triage.complaints import Conflict, NotFound
from triage.model import ModelError
from triage.service import InputError
from triage.store.tables import AuditEvent, Job, User, utcnow
from triage.times import iso

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
FORMATS = (".csv", ".jsonl", ".ndjson", ".parquet")
MAX_LIST = 200
ENDED = ("done", "failed")


def _rejects_file(job: Job) -> Path:
    return Path(job.output_path + ".rejects.csv")


def job_view(job: Job, created_by: str | None = None) -> dict:
    done = job.status == "done"
    return {"id": job.id, "kind": job.kind, "filename": job.filename, "created_by": created_by,
            "status": job.status, "created_at": iso(job.created_at), "started_at": iso(job.started_at),
            "finished_at": iso(job.finished_at), "rows_done": job.rows_done, "rows_rejected": job.rows_rejected,
            "attempts": job.attempts, "summary": job.summary, "error": job.error,
            "result": f"/api/v1/jobs/{job.id}/result" if done else None,
            "rejects": f"/api/v1/jobs/{job.id}/rejects" if done and _rejects_file(job).is_file() else None}


def list_jobs(session, limit: int = 50) -> list[dict]:
    """The newest jobs first, with who uploaded them."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIST:
        raise InputError("invalid_limit", f"limit must be a whole number from 1 to {MAX_LIST}")
    rows = session.execute(select(Job, User.username).join(User, User.id == Job.created_by)
                           .order_by(Job.created_at.desc(), Job.id).limit(limit))
    return [job_view(job, username) for job, username in rows]


def _mark_deleted(session, job: Job, user_id: int | None, detail: dict) -> Path:
    """Mark `job` deleted and audit it; its directory, to remove once this is committed."""
    job.status = "deleted"
    session.add(AuditEvent(at=utcnow(), user_id=user_id, action="job.deleted", complaint_id=None,
                           detail={"job": job.id, "filename": job.filename, **detail}))
    return Path(job.output_path).parent


def _remove(directory: Path, job_id: str) -> None:
    if directory.name == job_id:  # the job's own directory, never anything above it
        shutil.rmtree(directory, ignore_errors=True)


class JobService:
    """Create, inspect and run reclassification jobs."""

    def __init__(self, sessions, model_dir, jobs_dir: Path | None = None):
        """`model_dir` is a callable giving the directory of the model in use when a job starts."""
        self.sessions = sessions
        self.model_dir = model_dir
        self.jobs_dir = Path(jobs_dir or config.jobs_dir())
        self._runner_pid: int | None = None
        self._lock = threading.Lock()

    # ---- API use cases ----------------------------------------------------------------------------
    def create(self, principal: Principal, filename: str, stream) -> dict:
        """Store an uploaded file and queue its reclassification (coordinators only)."""
        principal.require("jobs")
        name = Path((filename or "").replace("\\", "/")).name[:255]  # browsers on Windows may send a full path
        suffix = Path(name).suffix.lower()
        if suffix not in FORMATS:
            raise InputError("invalid_file", f"upload a {', '.join(FORMATS)} file (got {filename!r})")
        job_id = uuid.uuid4().hex
        directory = self.jobs_dir / job_id
        directory.mkdir(parents=True)
        input_path = directory / f"input{suffix}"
        with open(input_path, "wb") as out:
            shutil.copyfileobj(stream, out)
        with self.sessions.begin() as session:
            job = Job(id=job_id, kind="reclassify", status="queued", created_by=principal.id, created_at=utcnow(),
                      filename=name, input_path=str(input_path), output_path=str(directory / "output.csv"),
                      rows_done=0, attempts=0)
            session.add(job)
            session.add(AuditEvent(at=utcnow(), user_id=principal.id, action="job.created", complaint_id=None,
                                   detail={"job": job_id, "file": suffix, "filename": name}))
            return job_view(job, principal.username)

    def recent(self, principal: Principal, limit: int = 50) -> list[dict]:
        principal.require("jobs")
        with self.sessions() as session:
            return list_jobs(session, limit)

    def get(self, principal: Principal, job_id: str) -> dict:
        principal.require("jobs")
        with self.sessions() as session:
            row = session.execute(select(Job, User.username).join(User, User.id == Job.created_by)
                                  .where(Job.id == job_id)).first()
            if row is None:
                raise NotFound(f"no job {job_id}")
            return job_view(*row)

    def result_path(self, principal: Principal, job_id: str) -> Path:
        """The scored file of a finished job."""
        view = self.get(principal, job_id)
        if view["status"] != "done":
            raise Conflict(f"job {job_id} is {view['status']}, no result yet", 0)
        with self.sessions() as session:
            return Path(session.get(Job, job_id).output_path)

    def rejects_path(self, principal: Principal, job_id: str) -> Path:
        """The rows a finished job could not score, with the reason for each."""
        view = self.get(principal, job_id)
        if view["rejects"] is None:
            raise NotFound(f"job {job_id} has no rejected rows" if view["status"] == "done"
                           else f"job {job_id} is {view['status']}, no result yet")
        with self.sessions() as session:
            return _rejects_file(session.get(Job, job_id))

    def delete(self, principal: Principal, job_id: str) -> dict:
        """Remove an ended job's files (result and rejected rows); 409 while it is queued or running."""
        principal.require("jobs")
        self.get(principal, job_id)
        with self.sessions.begin() as session:
            job = session.get(Job, job_id, with_for_update=True)
            if job.status not in ENDED:
                raise Conflict(f"job {job_id} is {job.status}; delete its files once it has ended", 0)
            by = {"via": "cli", "by": principal.username} if principal.id is None else {}  # the command line
            directory = _mark_deleted(session, job, principal.id, by)
        _remove(directory, job_id)
        return self.get(principal, job_id)

    def purge(self, older_than_days: int, by: str, dry_run: bool = False) -> list[str]:
        """Remove the files of jobs that ended more than `older_than_days` days ago (the operator at the command
        line, `by`, e.g. from cron); the ids of those jobs."""
        cutoff = utcnow() - timedelta(days=older_than_days)
        with self.sessions.begin() as session:
            jobs = list(session.scalars(select(Job).where(Job.status.in_(ENDED), Job.finished_at < cutoff)
                                        .order_by(Job.finished_at)))
            if dry_run:
                return [job.id for job in jobs]
            detail = {"via": "cli", "by": by, "older_than_days": older_than_days}
            directories = {job.id: _mark_deleted(session, job, None, detail) for job in jobs}
        for job_id, directory in directories.items():  # once the rows say so: a failed commit keeps the files
            _remove(directory, job_id)
        return list(directories)

    # ---- running ----------------------------------------------------------------------------------
    def claim(self, worker: str) -> Job | None:
        """Atomically take one queued job, or one whose runner stopped renewing its heartbeat."""
        stale = utcnow() - timedelta(seconds=config.job_stale_seconds())
        claimable = or_(Job.status == "queued", (Job.status == "running") & (Job.heartbeat_at < stale))
        with self.sessions.begin() as session:
            candidates = session.scalars(select(Job.id).where(claimable).order_by(Job.created_at).limit(5)).all()
            for job_id in candidates:
                now = utcnow()
                taken = session.execute(update(Job).where(Job.id == job_id, claimable).values(
                    status="running", claimed_by=worker, heartbeat_at=now, attempts=Job.attempts + 1,
                    started_at=now).execution_options(synchronize_session=False))
                if taken.rowcount == 1:
                    return session.get(Job, job_id)
        return None

    def run(self, job: Job, worker: str) -> None:
        """Score the job's file (resuming from finished chunks), then record success or the failure."""
        if job.attempts > MAX_ATTEMPTS:
            self._finish(job.id, "failed", error=f"gave up after {MAX_ATTEMPTS} attempts (worker stopped each time)")
            return
        done = [job.rows_done if job.attempts > 1 else 0]

        def progress(rows: int) -> None:
            done[0] += rows
            with self.sessions.begin() as session:
                session.execute(update(Job).where(Job.id == job.id, Job.claimed_by == worker)
                                .values(rows_done=done[0], heartbeat_at=utcnow()))

        try:
            summary = reclassify(job.input_path, job.output_path, self.model_dir(), resume=True, progress=progress,
                                 catalogue=config.hoax_index_path())
        except (BatchError, ModelError, OSError) as exc:
            # named as uploaded: where the service keeps its files is no business of the uploader's
            error = str(exc).replace(job.input_path, job.filename or "upload")
            self._finish(job.id, "failed", error=error.replace(str(Path(job.output_path).parent) + os.sep, ""))
            return
        except Exception as exc:
            log.exception("job %s failed", job.id)
            self._finish(job.id, "failed", error=f"internal error: {exc!r}")
            return
        self._finish(job.id, "done", summary=summary.line("output.csv"), rows=summary.rows,
                     rejected=summary.rejected)

    def _finish(self, job_id: str, status: str, error: str | None = None, summary: str | None = None,
                rows: int | None = None, rejected: int | None = None) -> None:
        """Record the outcome, then delete the upload (and, for a failed job, whatever it had written)."""
        with self.sessions.begin() as session:
            job = session.get(Job, job_id)
            job.status, job.error, job.summary, job.finished_at = status, error, summary, utcnow()
            if rows is not None:
                job.rows_done, job.rows_rejected = rows, rejected
            session.add(AuditEvent(at=utcnow(), user_id=None, action=f"job.{status}", complaint_id=None,
                                   detail={"job": job_id, "error": error}))
            input_path, output_path = Path(job.input_path), Path(job.output_path)
        if status == "done":
            input_path.unlink(missing_ok=True)
        else:
            _remove(output_path.parent, job_id)

    def start_runner(self) -> None:
        """Start this process's runner thread (once per process; safe to call after a fork)."""
        with self._lock:
            if self._runner_pid == os.getpid():
                return
            self._runner_pid = os.getpid()
        worker = f"{socket.gethostname()}:{os.getpid()}"
        threading.Thread(target=self._loop, args=(worker,), name="triage-jobs", daemon=True).start()

    def _loop(self, worker: str) -> None:
        stop = threading.Event()
        while not stop.wait(config.job_poll_seconds()):
            try:
                job = self.claim(worker)
                if job is not None:
                    self.run(job, worker)
            except Exception:
                log.exception("job runner error")
