"""Settings from `TRIAGE_*` environment variables, read in one place, with safe defaults."""

from __future__ import annotations

import math
import os
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class SettingError(ValueError):
    """A `TRIAGE_*` variable whose value cannot be used; the message names it."""


def _text(name: str, default: str) -> str:
    """The variable's value; unset or empty means `default`."""
    return os.environ.get(name) or default


def _number(name: str, default: float, kind: type = int) -> float:
    value = _text(name, str(default))
    try:
        number = kind(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise SettingError(f"{name}={value!r}: not a {'whole number' if kind is int else 'number'}")
    if number < 0:
        raise SettingError(f"{name}={value!r}: must not be negative")
    return number


def data_dir() -> Path:
    """Taxonomy, lexicons and seed corpus (`TRIAGE_DATA_DIR`, default `data/` beside the package)."""
    return Path(_text("TRIAGE_DATA_DIR", str(PROJECT_ROOT / "data")))


def models_dir() -> Path:
    """Model registry root (`TRIAGE_MODELS_DIR`, default `models/`)."""
    return Path(_text("TRIAGE_MODELS_DIR", str(PROJECT_ROOT / "models")))


def max_text_chars() -> int:
    """Longest complaint text accepted (`TRIAGE_MAX_TEXT_CHARS`, default 20,000 characters)."""
    return _number("TRIAGE_MAX_TEXT_CHARS", 20000)


def database_url() -> str:
    """`TRIAGE_DATABASE_URL` (e.g. postgresql+psycopg://user@host/db); default a SQLite file in instance/."""
    default = f"sqlite:///{PROJECT_ROOT / 'instance' / 'triage.db'}"
    url = _text("TRIAGE_DATABASE_URL", default)
    try:
        make_url(url)
    except ArgumentError:  # the value is not shown: it may hold a password
        raise SettingError("TRIAGE_DATABASE_URL: not a database URL such as postgresql+psycopg://user@host/db") from None
    return url


def sop_days() -> dict[str, int]:
    """SOP deadlines: routing and response in working days, resolution in calendar days."""
    return {
        "routing": _number("TRIAGE_ROUTING_DAYS", 3),
        "response": _number("TRIAGE_RESPONSE_DAYS", 5),
        "resolution": _number("TRIAGE_RESOLUTION_DAYS", 60),
    }


def jobs_dir() -> Path:
    """Uploaded files and results of background jobs (`TRIAGE_JOBS_DIR`, default instance/jobs)."""
    return Path(_text("TRIAGE_JOBS_DIR", str(PROJECT_ROOT / "instance" / "jobs")))


def job_stale_seconds() -> int:
    """A running job whose heartbeat is older than this is taken over (`TRIAGE_JOB_STALE_SECONDS`, 30)."""
    return _number("TRIAGE_JOB_STALE_SECONDS", 30)


def job_poll_seconds() -> float:
    """How often each worker looks for jobs to run (`TRIAGE_JOB_POLL_SECONDS`, 1)."""
    return _number("TRIAGE_JOB_POLL_SECONDS", 1, float)


def max_upload_bytes() -> int:
    """Largest file accepted by the jobs endpoint (`TRIAGE_MAX_UPLOAD_MB`, default 512 MB)."""
    return _number("TRIAGE_MAX_UPLOAD_MB", 512) * 1024 * 1024


def hoax_index_path() -> Path:
    """Match index of the known-hoax catalogue (`TRIAGE_HOAX_INDEX`, default instance/hoax_index.joblib)."""
    return Path(_text("TRIAGE_HOAX_INDEX", str(PROJECT_ROOT / "instance" / "hoax_index.joblib")))


def reload_seconds() -> float:
    """How often a running service checks for a newly activated model (`TRIAGE_RELOAD_SECONDS`, 2)."""
    return _number("TRIAGE_RELOAD_SECONDS", 2, float)


def login_lockout() -> tuple[int, int]:
    """(failed logins in a row that lock an account, minutes it stays locked):
    `TRIAGE_LOGIN_MAX_FAILURES` (5) and `TRIAGE_LOGIN_LOCK_MINUTES` (15)."""
    return _number("TRIAGE_LOGIN_MAX_FAILURES", 5), _number("TRIAGE_LOGIN_LOCK_MINUTES", 15)


def secret_key() -> str:
    """Key signing web sessions and CSRF tokens: `TRIAGE_SECRET_KEY`, else one generated once and kept in
    `instance/secret_key` (mode 0600) so every worker and restart shares it."""
    key = _text("TRIAGE_SECRET_KEY", "")
    if key:
        return key
    import secrets

    path = PROJECT_ROOT / "instance" / "secret_key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}")
        tmp.write_text(secrets.token_hex(32), encoding="utf-8")
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # fails when another process made the key first: then theirs is used
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="utf-8").strip()


def secure_cookies() -> bool:
    """Mark the session cookie `Secure` (`TRIAGE_SECURE_COOKIES=1`; set it when served over HTTPS)."""
    value = _text("TRIAGE_SECURE_COOKIES", "0")
    if value not in ("0", "1"):
        raise SettingError(f"TRIAGE_SECURE_COOKIES={value!r}: 0 or 1")
    return value == "1"


def stats_cache_seconds() -> float:
    """How long each process reuses the dashboard's figures before computing them again
    (`TRIAGE_STATS_CACHE_SECONDS`, 60; 0 computes them on every request)."""
    return _number("TRIAGE_STATS_CACHE_SECONDS", 60, float)


def check() -> None:
    """Read every setting once, so that a value that cannot be used stops a start with its name (SettingError)
    rather than the first request that needs it."""
    for setting in (data_dir, models_dir, max_text_chars, database_url, sop_days, jobs_dir, job_stale_seconds,
                    job_poll_seconds, max_upload_bytes, hoax_index_path, reload_seconds, login_lockout,
                    secure_cookies, stats_cache_seconds):
        setting()
