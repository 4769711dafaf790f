"""Users, API tokens and what each role may do."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from triage.config import login_lockout
from triage.store.tables import ROLES, ApiToken, AuditEvent, User, utcnow

# Action -> roles allowed. Agency users are further limited to their own complaints.
PERMISSIONS: dict[str, frozenset[str]] = {
    "suggest": frozenset(ROLES),
    "ingest": frozenset({"coordinator", "integration"}),
    "read": frozenset({"coordinator", "agency", "auditor"}),
    "identity": frozenset({"coordinator"}),  # a confidential reporter and the unmasked text; each look audited
    "decide": frozenset({"coordinator", "agency"}),
    "resolve": frozenset({"coordinator", "agency"}),
    "follow_up": frozenset({"coordinator", "agency"}),
    "return": frozenset({"agency"}),  # hand a misrouted complaint back; coordinators route it again instead
    "reopen": frozenset({"coordinator"}),  # a resolution the reporter objects to
    "merge": frozenset({"coordinator"}),  # close a duplicate report into the complaint it repeats
    "stats": frozenset({"coordinator", "auditor"}),
    "metrics": frozenset({"coordinator", "auditor", "integration"}),  # GET /metrics, for a monitoring system
    "audit": frozenset({"coordinator", "auditor"}),
    "jobs": frozenset({"coordinator"}),
    "models": frozenset({"coordinator"}),
    "users": frozenset({"coordinator"}),
    "retention": frozenset({"coordinator"}),
    "changes": frozenset({"coordinator", "integration"}),  # what reporters may learn, for the LAPOR! sync
    "list_users": frozenset({"coordinator", "auditor"}),  # who has access is an audit question
}


class Forbidden(Exception):
    """The principal's role does not allow this action."""


class Unauthorized(Exception):
    """No valid credentials."""


class AccountError(Exception):
    """An account change cannot be carried out; `code` is machine-readable (`user_not_found`, `user_exists`,
    `invalid_username`, `invalid_role`, `invalid_agency`, `invalid_password`, `cannot_disable_self`)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class LockedOut(Unauthorized):
    """Too many failed logins; the account accepts none until `until` (naive UTC)."""

    def __init__(self, until):
        super().__init__(f"account locked until {until:%Y-%m-%d %H:%M} UTC")
        self.until = until

MIN_PASSWORD_LENGTH = 10
# Names appear in URLs, logs and CSV exports: letters and digits first, then also . _ @ -
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,79}")


@dataclass(frozen=True)
class Principal:
    id: int | None  # None: the command line, acting without an account (its events name the OS user)
    username: str
    role: str
    agency: str | None

    def require(self, action: str) -> None:
        if self.role not in PERMISSIONS[action]:
            raise Forbidden(f"role {self.role!r} may not {action}")


# Whoever runs the command line already holds the database; it reads the audit trail as an auditor would.
COMMAND_LINE = Principal(None, "cli", "auditor", None)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _principal(user: User) -> Principal:
    return Principal(user.id, user.username, user.role, user.agency)


def add_user(session: Session, username: str, role: str, agency: str | None = None,
             by: str | None = None, via: str | None = None) -> tuple[Principal, str]:
    """Create a user with one API token; returns (user, token). The token is shown only here. `by` names the
    operator and `via` the way in (cli, api, web) for the audit trail, here and in the other account changes."""
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise AccountError("invalid_username", "a username has 2-80 characters: letters or digits first, then "
                                               "also . _ @ -")
    if role not in ROLES:
        raise AccountError("invalid_role", f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if (role == "agency") != bool(agency):
        raise AccountError("invalid_agency", "an agency user needs an agency code, and only agency users have one")
    if session.scalar(select(User).where(User.username == username)):
        raise AccountError("user_exists", f"user {username!r} exists")
    now = utcnow()
    user = User(username=username, role=role, agency=agency, active=True, created_at=now)
    session.add(user)
    session.flush()
    token = _issue_token(session, user, now)
    session.add(AuditEvent(at=now, user_id=user.id, action="user.created",
                           detail=_by({"role": role, "agency": agency}, by, via)))
    return _principal(user), token


def _by(detail: dict, by: str | None, via: str | None) -> dict:
    return {**detail, **({"by": by} if by else {}), **({"via": via} if via else {})}


def _issue_token(session: Session, user: User, now) -> str:
    """A new API token for `user`; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_hash(token), created_at=now, revoked=False))
    return token


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def _existing(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError("user_not_found", f"no user {username!r}")
    return user


def disable_user(session: Session, username: str, by: str | None = None, via: str | None = None) -> None:
    """Stop the user: their tokens and web sessions are refused until `enable_user`."""
    user = _existing(session, username)
    user.active = False
    session.add(AuditEvent(at=utcnow(), user_id=user.id, action="user.disabled", detail=_by({}, by, via)))


def enable_user(session: Session, username: str, by: str | None = None, via: str | None = None) -> None:
    """Let a disabled user in again (with the tokens and password they had)."""
    user = _existing(session, username)
    user.active = True
    session.add(AuditEvent(at=utcnow(), user_id=user.id, action="user.enabled", detail=_by({}, by, via)))


def replace_token(session: Session, username: str, by: str | None = None, via: str | None = None) -> str:
    """Revoke every API token of the user and return a new one (shown only here), e.g. after a leak."""
    user = _existing(session, username)
    revoked = session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False))
                              .values(revoked=True)).rowcount
    now = utcnow()
    token = _issue_token(session, user, now)
    session.add(AuditEvent(at=now, user_id=user.id, action="user.token_replaced",
                           detail=_by({"revoked": revoked}, by, via)))
    return token


def authenticate(session: Session, token: str | None) -> Principal:
    """The active user holding `token`, or Unauthorized."""
    if not token:
        raise Unauthorized("missing bearer token")
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token), ApiToken.revoked.is_(False)))
    if row is None or not row.user.active:
        raise Unauthorized("invalid or revoked token")
    return _principal(row.user)


def set_password(session: Session, username: str, password: str, by: str | None = None, via: str | None = None) -> None:
    """Store a scrypt hash of `password` for the web UI login; clears any lock-out."""
    user = _existing(session, username)
    if user.role == "integration":
        raise AccountError("invalid_password", "integration users use API tokens only; they have no password")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("invalid_password", f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = generate_password_hash(password, method="scrypt")
    user.failed_logins, user.locked_until = 0, None
    session.add(AuditEvent(at=utcnow(), user_id=user.id, action="user.password_set", detail=_by({}, by, via)))


def change_own_password(session: Session, principal: Principal, current: str, new: str) -> None:
    """A user replaces their own web password, proving they know the current one."""
    user = session.get(User, principal.id)
    if user is None or not user.password_hash or not check_password_hash(user.password_hash, current or ""):
        raise AccountError("wrong_password", "the current password is not right")
    if new == current:
        raise AccountError("invalid_password", "the new password must differ from the current one")
    set_password(session, user.username, new, by=user.username, via="web")


def login(session: Session, username: str, password: str) -> Principal:
    """The user for a correct username + password. Every failure is the same Unauthorized (no hint
    whether the name exists); after `TRIAGE_LOGIN_MAX_FAILURES` failures in a row the account is
    locked for `TRIAGE_LOGIN_LOCK_MINUTES` (LockedOut). The caller commits, failures included."""
    max_failures, lock_minutes = login_lockout()
    user = session.scalar(select(User).where(User.username == username))
    now = utcnow()
    if user is None or not user.active or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)  # the same work as a real check: no timing hint
        raise Unauthorized("wrong username or password")
    if user.locked_until and user.locked_until > now:
        raise LockedOut(user.locked_until)
    if not check_password_hash(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        detail = {"failures": user.failed_logins}
        if user.failed_logins >= max_failures:
            user.locked_until, user.failed_logins = now + timedelta(minutes=lock_minutes), 0
            session.add(AuditEvent(at=now, user_id=user.id, action="user.locked", detail=detail))
            raise LockedOut(user.locked_until)
        session.add(AuditEvent(at=now, user_id=user.id, action="user.login_failed", detail=detail))
        raise Unauthorized("wrong username or password")
    user.failed_logins, user.locked_until = 0, None
    session.add(AuditEvent(at=now, user_id=user.id, action="user.login", detail={}))
    return _principal(user)


def _stamp(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def session_stamp(session: Session, user_id: int) -> str:
    """A web session keeps this from its login; it changes with the password, so a new password (set by the
    user or a coordinator) ends every other session of that user."""
    return _stamp(session.get(User, user_id))


def active_principal(session: Session, user_id: object, stamp: object) -> Principal:
    """The principal of a web session's user id, if that user is still active and the password is the one
    the session logged in with (`stamp`)."""
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or not isinstance(stamp, str) or not hmac.compare_digest(
            stamp, _stamp(user)):
        raise Unauthorized("session expired, password changed or user disabled")
    return _principal(user)


_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")
