"""Users, API tokens and what each role may do."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from triage.store.tables import ROLES, ApiToken, AuditEvent, User, utcnow

# Action -> roles allowed. Agency users are further limited to their own complaints.
PERMISSIONS: dict[str, frozenset[str]] = {
    "suggest": frozenset(ROLES),
    "ingest": frozenset({"coordinator", "integration"}),
    "read": frozenset({"coordinator", "agency", "auditor"}),
    "decide": frozenset({"coordinator", "agency"}),
    "resolve": frozenset({"coordinator", "agency"}),
    "stats": frozenset({"coordinator", "auditor"}),
    "audit": frozenset({"coordinator", "auditor"}),
    "jobs": frozenset({"coordinator"}),
}


class Forbidden(Exception):
    """The principal's role does not allow this action."""


class Unauthorized(Exception):
    """No valid credentials."""


class AccountError(Exception):
    """A user command cannot be carried out (unknown role, duplicate name, ...)."""


@dataclass(frozen=True)
class Principal:
    id: int
    username: str
    role: str
    agency: str | None

    def require(self, action: str) -> None:
        if self.role not in PERMISSIONS[action]:
            raise Forbidden(f"role {self.role!r} may not {action}")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _principal(user: User) -> Principal:
    return Principal(user.id, user.username, user.role, user.agency)


def add_user(session: Session, username: str, role: str, agency: str | None = None) -> tuple[Principal, str]:
    """Create a user with one API token; returns (user, token). The token is shown only here."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if (role == "agency") != bool(agency):
        raise AccountError("an agency user needs --agency CODE, and only agency users have one")
    if session.scalar(select(User).where(User.username == username)):
        raise AccountError(f"user {username!r} exists")
    now = utcnow()
    user = User(username=username, role=role, agency=agency, active=True, created_at=now)
    session.add(user)
    session.flush()
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_hash(token), created_at=now, revoked=False))
    session.add(AuditEvent(at=now, user_id=user.id, action="user.created", detail={"role": role, "agency": agency}))
    return _principal(user), token


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def disable_user(session: Session, username: str) -> None:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}")
    user.active = False
    session.add(AuditEvent(at=utcnow(), user_id=user.id, action="user.disabled", detail={}))


def authenticate(session: Session, token: str | None) -> Principal:
    """The active user holding `token`, or Unauthorized."""
    if not token:
        raise Unauthorized("missing bearer token")
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token), ApiToken.revoked.is_(False)))
    if row is None or not row.user.active:
        raise Unauthorized("invalid or revoked token")
    return _principal(row.user)
