"""What the JSON API and the HTML pages share: the services, and reading queue filters from a query string."""

from __future__ import annotations

from flask import current_app
from werkzeug.datastructures import MultiDict

from triage.service import InputError

FILTER_KEYS = ("status", "agency", "category", "district", "q", "received_from", "received_to", "cursor")


def services():
    return current_app.extensions["triage"]


def flag(args: MultiDict, name: str) -> bool | None:
    """A true/false query parameter; None when absent or empty."""
    value = args.get(name)
    if value is None or value == "":
        return None
    if value.lower() in ("true", "1", "ya"):
        return True
    if value.lower() in ("false", "0", "tidak"):
        return False
    raise InputError(f"invalid_{name}", f"{name} must be true or false")


def list_filters(args: MultiDict, default_limit: int = 50) -> dict:
    """Queue filters from a query string (the same names in the API and the pages)."""
    limit = args.get("limit", str(default_limit))
    if not limit.isdigit():
        raise InputError("invalid_limit", "limit must be between 1 and 200")
    filters = {key: args.get(key, "").strip() or None for key in FILTER_KEYS}
    filters.update(flagged=flag(args, "flagged"), overdue=flag(args, "overdue"), limit=int(limit))
    return filters
