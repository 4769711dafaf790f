"""What the JSON API and the HTML pages share: the services, filters read from a query string, the audit CSV."""

from __future__ import annotations

from flask import Response, current_app, stream_with_context
from werkzeug.datastructures import MultiDict

from triage import audit, recap, stats
from triage.accounts import Principal
from triage.service import InputError, whole_number_text

FILTER_KEYS = ("status", "agency", "category", "district", "q", "received_from", "received_to", "cursor")
QUEUE_FLAGS = ("flagged", "overdue", "returned", "responded", "reopened")
# what a complaint's page carries back to the queue it was opened from
QUEUE_ARGS = (*(key for key in FILTER_KEYS if key != "cursor"), *QUEUE_FLAGS, "limit")
AUDIT_FILTER_KEYS = ("action", "user", "complaint_id", "since", "until", "cursor")


def services():
    return current_app.extensions["triage"]


def agency_name(code: str) -> str:
    """An agency's Indonesian name from the taxonomy (the code itself when unknown)."""
    return services().suggestions.taxonomy.name("agency", code)


def dashboard_figures(user: Principal, fresh: bool) -> dict:
    """The dashboard's figures, reused for `TRIAGE_STATS_CACHE_SECONDS` unless `fresh`."""
    with services().sessions() as session:
        return services().reports.get(user, "dashboard", lambda: stats.stats(session), fresh)


def recap_figures(user: Principal, args: MultiDict | dict, fresh: bool) -> dict:
    """The period recap for `received_from` / `received_to` in `args`, reused like the dashboard's figures."""
    period = {name: args.get(name) for name in ("received_from", "received_to")}
    with services().sessions() as session:
        return services().reports.get(user, ("recap", *period.values()),
                                      lambda: recap.recap(session, user, period, agency_name), fresh)


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


def _limit(args: MultiDict, default: int) -> int:
    return whole_number_text(args.get("limit", str(default)), "invalid_limit", "limit must be a whole number")


def list_filters(args: MultiDict, default_limit: int = 50) -> dict:
    """Queue filters from a query string (the same names in the API and the pages)."""
    filters = {key: args.get(key, "").strip() or None for key in FILTER_KEYS}
    filters.update({name: flag(args, name) for name in QUEUE_FLAGS}, limit=_limit(args, default_limit))
    return filters


def audit_filters(args: MultiDict) -> dict:
    """Audit trail filters from a query string (the same names in the API and the page)."""
    return {**{key: args.get(key, "").strip() or None for key in AUDIT_FILTER_KEYS}, "limit": _limit(args, 50)}


def audit_csv_response(user: Principal, filters: dict) -> Response:
    """The matching audit events as a CSV download (permission and filters checked before the first byte)."""
    chunks = audit.export_csv(services().sessions, user, filters)
    return Response(stream_with_context(chunks), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=jejak-audit.csv"})


def complaints_csv_response(user: Principal, filters: dict) -> Response:
    """The matching complaints as a CSV download (permission and filters checked, export audited, first)."""
    chunks = services().complaints.export_csv(services().sessions, user, filters)
    return Response(stream_with_context(chunks), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=pengaduan.csv"})


def recap_csv_response(report: dict) -> Response:
    return Response(recap.recap_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=rekap-periode.csv"})
