"""Account administration by coordinators (auditors may list the accounts), shared by the JSON API and the web page: list users, create one,
disable, enable, replace its API token, set its password. Every change is audited with the coordinator's name
(`detail.by`) and the way in (`detail.via`: api or web); `triage users ...` does the same at the command line.

A coordinator cannot disable their own account, so at least one active coordinator always remains.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from triage import accounts
from triage.accounts import AccountError, Principal
from triage.store.tables import ApiToken, AuditEvent, User, utcnow
from triage.times import iso


def _views(session: Session, users: list[User]) -> list[dict]:
    ids = [user.id for user in users]
    last_login = dict(session.execute(select(AuditEvent.user_id, func.max(AuditEvent.at))
                                      .where(AuditEvent.action == "user.login", AuditEvent.user_id.in_(ids))
                                      .group_by(AuditEvent.user_id)).all())
    tokens = dict(session.execute(select(ApiToken.user_id, func.count())
                                  .where(ApiToken.revoked.is_(False), ApiToken.user_id.in_(ids))
                                  .group_by(ApiToken.user_id)).all())
    now = utcnow()
    return [{"username": user.username, "role": user.role, "agency": user.agency, "active": user.active,
             "has_password": bool(user.password_hash),
             "locked_until": iso(user.locked_until) if user.locked_until and user.locked_until > now else None,
             "created_at": iso(user.created_at), "last_login": iso(last_login.get(user.id)),
             "tokens": tokens.get(user.id, 0)} for user in users]


def _view(session: Session, username: str) -> dict:
    return _views(session, [session.scalar(select(User).where(User.username == username))])[0]


def list_users(session: Session, principal: Principal) -> list[dict]:
    """Every user by name, with role, agency, state, last login and number of live API tokens (coordinators and
    auditors; only coordinators change accounts)."""
    principal.require("list_users")
    return _views(session, accounts.list_users(session))


def create_user(session: Session, principal: Principal, payload: object, known_agencies: set[str],
                via: str) -> tuple[dict, str]:
    """(user, API token) from `{"username", "role", "agency"?, "password"?}`; the token is shown only now. An
    agency user's code must be one the service knows (taxonomy or active model)."""
    principal.require("users")
    if not isinstance(payload, dict):
        raise AccountError("invalid_body", "body must be a JSON object with username and role")
    agency = payload.get("agency") or None
    if agency is not None and (not isinstance(agency, str) or agency not in known_agencies):
        raise AccountError("invalid_agency", f"unknown agency code {agency!r}")
    _, token = accounts.add_user(session, payload.get("username"), payload.get("role"), agency,
                                 by=principal.username, via=via)
    if payload.get("password"):
        accounts.set_password(session, payload["username"], payload["password"], by=principal.username, via=via)
    return _view(session, payload["username"]), token


def disable_user(session: Session, principal: Principal, username: str, via: str) -> dict:
    principal.require("users")
    if username == principal.username:
        raise AccountError("cannot_disable_self", "you cannot disable your own account")
    accounts.disable_user(session, username, by=principal.username, via=via)
    return _view(session, username)


def enable_user(session: Session, principal: Principal, username: str, via: str) -> dict:
    principal.require("users")
    accounts.enable_user(session, username, by=principal.username, via=via)
    return _view(session, username)


def replace_token(session: Session, principal: Principal, username: str, via: str) -> tuple[dict, str]:
    """Revoke every API token of `username` and return (user, new token)."""
    principal.require("users")
    token = accounts.replace_token(session, username, by=principal.username, via=via)
    return _view(session, username), token


def set_password(session: Session, principal: Principal, username: str, password: object, via: str) -> dict:
    """Set `username`'s web password (clears a lock-out)."""
    principal.require("users")
    accounts.set_password(session, username, password, by=principal.username, via=via)
    return _view(session, username)
