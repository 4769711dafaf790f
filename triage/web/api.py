"""JSON API: `/healthz`, `/readyz` and `/api/v1/...` with bearer tokens.

Errors are `{"error": {"code", "message"}}` with a 4xx status; one JSON log line per request
(method, path, status, duration, user id; never complaint text).
"""

from __future__ import annotations

import json
import re
import time

from flask import Blueprint, Response, current_app, g, jsonify, request, send_file
from werkzeug.exceptions import RequestEntityTooLarge

from triage import audit, catalogue, changes, model_admin, retention, user_admin
from triage.accounts import Principal, authenticate
from triage.config import hoax_index_path
from triage.hoaxes import CatalogueError, normalise_entry
from triage.service import InputError, whole_number_text
from triage.stats import monitoring_figures
from triage.store.db import ping
from triage.web import metrics
from triage.web.common import (
    audit_csv_response,
    audit_filters,
    complaints_csv_response,
    dashboard_figures,
    flag,
    list_filters,
    recap_csv_response,
    recap_figures,
    services,
)
from triage.web.openapi import OPENAPI

blueprint = Blueprint("api", __name__)
MAX_HOAX_BATCH = 5000
_SURROGATE = re.compile("[\ud800-\udfff]")


class BodyTooLarge(RequestEntityTooLarge):
    pass


def principal() -> Principal:
    """The caller, from `Authorization: Bearer <token>`; Unauthorized otherwise."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    with services().sessions() as session:
        user = authenticate(session, token)
    g.user_id = user.id
    return user


def json_body() -> object:
    if (request.content_length or 0) > current_app.config["MAX_JSON_BYTES"]:
        raise BodyTooLarge(f"JSON bodies are limited to {current_app.config['MAX_JSON_BYTES'] // 2**20} MiB")
    if not request.is_json:
        raise InputError("unsupported_media_type", "send application/json")
    try:
        payload = request.get_json(silent=True)
        if payload is None:
            raise InputError("invalid_json", "request body is not valid JSON")
        return _without_surrogates(payload)
    except RecursionError as exc:
        raise InputError("invalid_json", "request body is nested too deeply") from exc


def _without_surrogates(value: object) -> object:
    """`value` with each lone UTF-16 surrogate (a JSON escape such as \\ud800 that pairs with nothing, so no text)
    replaced by U+FFFD, as undecodable bytes are in files."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_surrogates(key): _without_surrogates(item) for key, item in value.items()}
    return value


@blueprint.before_app_request
def _start_timer():
    g.started = time.perf_counter()
    services().suggestions.follow_registry()
    services().jobs.start_runner()  # no-op after the first request of a process (see also `triage serve`)


@blueprint.after_app_request
def _log_request(response):
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    current_app.extensions["triage.access_log"].info(json.dumps({
        "event": "request", "method": request.method, "path": request.path, "status": response.status_code,
        "duration_ms": round(seconds * 1000, 2), "user_id": g.get("user_id")}))
    metrics.observe(request.method, request.url_rule.rule if request.url_rule else "(none)", response.status_code,
                    seconds)
    return response


@blueprint.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@blueprint.get("/readyz")
def readyz():
    database = ping(services().engine)
    suggestions = services().suggestions
    body = {"status": "ok" if database else "unavailable", "database": database,
            "model_version": suggestions.model.version, "model_error": suggestions.reload_error}
    return jsonify(body), 200 if database else 503


@blueprint.get("/metrics")
def prometheus_metrics():
    """Prometheus text format (coordinator, auditor, integration tokens): requests and latency per route, complaints
    by status, overdue ones by status and agency, jobs by status, the model version."""
    principal().require("metrics")
    with services().sessions() as session:
        figures = monitoring_figures(session)
    body, content_type = metrics.exposition(figures, services().suggestions.model.version)
    return Response(body, content_type=content_type)


@blueprint.get("/api/v1/openapi.json")
def openapi():
    return jsonify(OPENAPI)


@blueprint.post("/api/v1/suggest")
def suggest():
    principal().require("suggest")
    return jsonify(services().suggestions.suggest(json_body()))


@blueprint.post("/api/v1/complaints")
def ingest():
    user = principal()
    results, created = services().complaints.ingest(services().sessions, user, json_body())
    body = results if isinstance(request.get_json(silent=True), list) else results[0]
    return jsonify(body), 201 if created else 200


@blueprint.get("/api/v1/complaints")
def list_complaints():
    """A page of complaints, most urgent first; `format=csv` streams every match, oldest first."""
    user = principal()
    filters = list_filters(request.args)
    if request.args.get("format") == "csv":
        return complaints_csv_response(user, filters)
    with services().sessions() as session:
        return jsonify(services().complaints.list(session, user, filters))


@blueprint.get("/api/v1/complaints/<int:complaint_id>")
def complaint_detail(complaint_id: int):
    user = principal()
    if flag(request.args, "identity"):
        return jsonify(services().complaints.reveal_identity(services().sessions, user, complaint_id))
    with services().sessions() as session:
        return jsonify(services().complaints.detail(session, user, complaint_id))


@blueprint.post("/api/v1/complaints/<int:complaint_id>/decision")
def decide(complaint_id: int):
    user = principal()
    return jsonify(services().complaints.decide(services().sessions, user, complaint_id, json_body()))


@blueprint.post("/api/v1/complaints/<int:complaint_id>/hoax")
def add_to_catalogue(complaint_id: int):
    """Catalogue the claim of a complaint confirmed as misinformation (coordinator)."""
    user = principal()
    return jsonify(catalogue.add_from_complaint(services().sessions, user, complaint_id, json_body(),
                                                hoax_index_path())), 201


@blueprint.get("/api/v1/hoaxes")
def list_hoaxes():
    user = principal()
    filters = list_filters(request.args)
    with services().sessions() as session:
        return jsonify(catalogue.list_entries(session, user, q=request.args.get("q"),
                                              verdict=request.args.get("verdict"), limit=filters["limit"],
                                              offset=_offset()))


@blueprint.get("/api/v1/hoaxes/<int:hoax_id>")
def get_hoax(hoax_id: int):
    user = principal()
    with services().sessions() as session:
        return jsonify(catalogue.get_entry(session, user, hoax_id))


@blueprint.post("/api/v1/hoaxes")
def import_hoaxes():
    """Add one entry or a list (<= 5,000) of {title, claim, verdict, url, date, tags} (coordinator)."""
    user = principal()
    user.require("models")
    payload = json_body()
    items = payload if isinstance(payload, list) else [payload]
    if not items or len(items) > MAX_HOAX_BATCH:
        raise InputError("invalid_batch_size", f"send 1 to {MAX_HOAX_BATCH} entries per request")
    entries = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError("invalid_body", f"item {i}: each entry must be a JSON object")
        try:
            entries.append(normalise_entry(item, f"item {i}"))
        except CatalogueError as exc:
            raise InputError("invalid_entry", str(exc)) from exc
    return jsonify(catalogue.import_entries(services().sessions, entries, f"api:{user.username}",
                                            hoax_index_path(), user)), 201


def _offset() -> int:
    return whole_number_text(request.args.get("offset", "0"), "invalid_offset", "'offset' must be a whole number")


@blueprint.get("/api/v1/complaints/<int:complaint_id>/similar")
def similar(complaint_id: int):
    user = principal()
    with services().sessions() as session:
        return jsonify({"items": services().complaints.similar(session, user, complaint_id)})


@blueprint.post("/api/v1/complaints/bulk-accept")
def bulk_accept():
    """Route the selected complaints to their top suggestion when it is at least `threshold` sure;
    `"dry_run": true` only says which would be routed and the expected error rate."""
    user = principal()
    body = json_body()
    if not isinstance(body, dict):
        raise InputError("invalid_body", "body must be a JSON object with 'ids' and 'threshold'")
    if body.get("dry_run"):
        with services().sessions() as session:
            return jsonify(services().complaints.bulk_candidates(session, user, body.get("ids"), body.get("threshold")))
    return jsonify(services().complaints.bulk_accept(services().sessions, user, body.get("ids"), body.get("threshold")))


@blueprint.post("/api/v1/complaints/<int:complaint_id>/follow-up")
def follow_up(complaint_id: int):
    user = principal()
    return jsonify(services().complaints.follow_up(services().sessions, user, complaint_id, json_body()))


@blueprint.post("/api/v1/complaints/<int:complaint_id>/return")
def return_routing(complaint_id: int):
    user = principal()
    return jsonify(services().complaints.return_routing(services().sessions, user, complaint_id, json_body()))


@blueprint.post("/api/v1/complaints/<int:complaint_id>/resolution")
def resolve(complaint_id: int):
    user = principal()
    return jsonify(services().complaints.resolve(services().sessions, user, complaint_id, json_body()))


@blueprint.post("/api/v1/complaints/<int:complaint_id>/reopen")
def reopen(complaint_id: int):
    user = principal()
    return jsonify(services().complaints.reopen(services().sessions, user, complaint_id, json_body()))


@blueprint.post("/api/v1/complaints/<int:complaint_id>/merge")
def merge(complaint_id: int):
    user = principal()
    return jsonify(services().complaints.merge(services().sessions, user, complaint_id, json_body()))


@blueprint.post("/api/v1/complaints/<int:complaint_id>/unmerge")
def unmerge(complaint_id: int):
    user = principal()
    return jsonify(services().complaints.unmerge(services().sessions, user, complaint_id, json_body()))


@blueprint.get("/api/v1/changes")
def list_changes():
    """Routing, follow-ups, hand-backs and resolutions after the `after` cursor, oldest first."""
    user = principal()
    after, limit = (whole_number_text(request.args.get(name, default), f"invalid_{name}", f"{name} must be a whole number")
                    for name, default in (("after", "0"), ("limit", "100")))
    with services().sessions() as session:
        return jsonify(changes.list_changes(session, user, after, limit))


@blueprint.post("/api/v1/retention/purge")
def purge_identities():
    """Erase reporters and unmasked texts of complaints resolved more than `older_than_days` ago."""
    user = principal()
    body = json_body()
    if not isinstance(body, dict):
        raise InputError("invalid_body", "body must be a JSON object with 'older_than_days'")
    dry_run = body.get("dry_run", False)
    if not isinstance(dry_run, bool):
        raise InputError("invalid_dry_run", "'dry_run' must be true or false")
    return jsonify(retention.purge_identities(services().sessions, user, body.get("older_than_days"), dry_run))


@blueprint.post("/api/v1/jobs/reclassify")
def create_job():
    user = principal()
    upload = request.files.get("file")
    if upload is None:
        raise InputError("invalid_file", "send the backlog as multipart/form-data field 'file'")
    return jsonify(services().jobs.create(user, upload.filename, upload.stream)), 202


@blueprint.get("/api/v1/jobs")
def list_jobs():
    """Background jobs, newest first."""
    user = principal()
    limit = whole_number_text(request.args.get("limit", "50"), "invalid_limit", "limit must be a whole number")
    return jsonify({"jobs": services().jobs.recent(user, limit)})


@blueprint.get("/api/v1/jobs/<job_id>")
def job_status(job_id: str):
    return jsonify(services().jobs.get(principal(), job_id))


@blueprint.delete("/api/v1/jobs/<job_id>")
def delete_job(job_id: str):
    """Remove an ended job's files; the job stays listed as deleted."""
    return jsonify(services().jobs.delete(principal(), job_id))


@blueprint.get("/api/v1/jobs/<job_id>/result")
def job_result(job_id: str):
    path = services().jobs.result_path(principal(), job_id)
    return send_file(path, mimetype="text/csv", as_attachment=True, download_name=f"reclassified-{job_id}.csv")


@blueprint.get("/api/v1/jobs/<job_id>/rejects")
def job_rejects(job_id: str):
    path = services().jobs.rejects_path(principal(), job_id)
    return send_file(path, mimetype="text/csv", as_attachment=True, download_name=f"rejected-{job_id}.csv")


@blueprint.get("/api/v1/stats")
def stats():
    return jsonify(dashboard_figures(principal(), fresh=bool(flag(request.args, "fresh"))))


@blueprint.get("/api/v1/stats/recap")
def period_recap():
    """Complaints received in a period, per agency and in total, by where they stand (coordinator, auditor);
    `format=csv` for a spreadsheet; reused like the dashboard's figures unless `fresh=true`."""
    report = recap_figures(principal(), request.args, fresh=bool(flag(request.args, "fresh")))
    if request.args.get("format") == "csv":
        return recap_csv_response(report)
    return jsonify(report)


@blueprint.get("/api/v1/audit")
def audit_trail():
    """Audit events, newest first (coordinator, auditor); `format=csv` streams every matching event."""
    user = principal()
    filters = audit_filters(request.args)
    if request.args.get("format") == "csv":
        return audit_csv_response(user, filters)
    with services().sessions() as session:
        return jsonify(audit.list_events(session, user, filters))


@blueprint.get("/api/v1/models")
def list_models():
    return jsonify(model_admin.list_models(principal(), services().suggestions.registry_root))


@blueprint.get("/api/v1/models/<version>/report")
def model_report(version: str):
    return jsonify(model_admin.retrain_report(principal(), services().suggestions.registry_root, version))


@blueprint.post("/api/v1/models/<version>/activate")
def activate_model(version: str):
    return jsonify(model_admin.activate(services().sessions, principal(), services().suggestions.registry_root,
                                        version))


@blueprint.post("/api/v1/models/retrain")
def retrain_model():
    payload = request.get_json(silent=True)
    reason = payload.get("reason") if isinstance(payload, dict) and isinstance(payload.get("reason"), str) else None
    started = model_admin.start_retrain(services().sessions, principal(), services().suggestions.registry_root,
                                        reason)
    return jsonify(started), 202


@blueprint.post("/api/v1/models/rollback")
def rollback_model():
    return jsonify(model_admin.rollback(services().sessions, principal(), services().suggestions.registry_root))


def _known_agencies() -> set[str]:
    return services().suggestions.known_codes("agency")


@blueprint.get("/api/v1/users")
def list_users():
    """Users with role, agency and state (coordinator)."""
    user = principal()
    with services().sessions() as session:
        return jsonify({"items": user_admin.list_users(session, user)})


@blueprint.post("/api/v1/users")
def create_user():
    """A new user and its API token, shown only in this answer."""
    user, payload = principal(), json_body()
    with services().sessions.begin() as session:
        created, token = user_admin.create_user(session, user, payload, _known_agencies(), via="api")
    return jsonify({"user": created, "token": token}), 201


@blueprint.post("/api/v1/users/<username>/disable")
def disable_user(username: str):
    user = principal()
    with services().sessions.begin() as session:
        return jsonify(user_admin.disable_user(session, user, username, via="api"))


@blueprint.post("/api/v1/users/<username>/enable")
def enable_user(username: str):
    user = principal()
    with services().sessions.begin() as session:
        return jsonify(user_admin.enable_user(session, user, username, via="api"))


@blueprint.post("/api/v1/users/<username>/token")
def replace_token(username: str):
    """Revoke every token of the user; the new one is shown only in this answer."""
    user = principal()
    with services().sessions.begin() as session:
        changed, token = user_admin.replace_token(session, user, username, via="api")
    return jsonify({"user": changed, "token": token})


@blueprint.put("/api/v1/users/<username>/password")
def set_password(username: str):
    user, payload = principal(), json_body()
    password = payload.get("password") if isinstance(payload, dict) else None
    with services().sessions.begin() as session:
        return jsonify(user_admin.set_password(session, user, username, password, via="api"))
