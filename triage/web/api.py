"""JSON API: `/healthz`, `/readyz` and `/api/v1/...` with bearer tokens.

Errors are `{"error": {"code", "message"}}` with a 4xx status; one JSON log line per request
(method, path, status, duration, user id; never complaint text).
"""

from __future__ import annotations

import json
import time

from flask import Blueprint, Flask, current_app, g, jsonify, request, send_file
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from triage.accounts import Forbidden, Principal, Unauthorized, authenticate
from triage.complaints import Conflict, NotFound
from triage.service import InputError, TextTooLong
from triage.store.db import ping
from triage.web.openapi import OPENAPI

blueprint = Blueprint("api", __name__)


class BodyTooLarge(RequestEntityTooLarge):
    pass


def services():
    return current_app.extensions["triage"]


def error(status: int, code: str, message: str, **extra):
    return jsonify({"error": {"code": code, "message": message, **extra}}), status


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
    payload = request.get_json(silent=True)
    if payload is None:
        raise InputError("invalid_json", "request body is not valid JSON")
    return payload


@blueprint.before_app_request
def _start_timer():
    g.started = time.perf_counter()
    services().suggestions.follow_registry()
    services().jobs.start_runner()  # no-op after the first request of a process (see also `triage serve`)


@blueprint.after_app_request
def _log_request(response):
    current_app.extensions["triage.access_log"].info(json.dumps({
        "event": "request", "method": request.method, "path": request.path, "status": response.status_code,
        "duration_ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2),
        "user_id": g.get("user_id")}))
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


def _flag(name: str) -> bool | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if value.lower() in ("true", "1", "ya"):
        return True
    if value.lower() in ("false", "0", "tidak"):
        return False
    raise InputError(f"invalid_{name}", f"{name} must be true or false")


@blueprint.get("/api/v1/complaints")
def list_complaints():
    user = principal()
    limit = request.args.get("limit", "50")
    if not limit.isdigit():
        raise InputError("invalid_limit", "limit must be between 1 and 200")
    filters = {key: request.args.get(key) for key in ("status", "agency", "category", "received_from",
                                                       "received_to", "cursor")}
    filters.update(flagged=_flag("flagged"), overdue=_flag("overdue"), limit=int(limit))
    with services().sessions() as session:
        return jsonify(services().complaints.list(session, user, filters))


@blueprint.get("/api/v1/complaints/<int:complaint_id>")
def complaint_detail(complaint_id: int):
    user = principal()
    with services().sessions() as session:
        return jsonify(services().complaints.detail(session, user, complaint_id))


@blueprint.post("/api/v1/complaints/<int:complaint_id>/decision")
def decide(complaint_id: int):
    user = principal()
    return jsonify(services().complaints.decide(services().sessions, user, complaint_id, json_body()))


@blueprint.post("/api/v1/complaints/<int:complaint_id>/resolution")
def resolve(complaint_id: int):
    user = principal()
    return jsonify(services().complaints.resolve(services().sessions, user, complaint_id, json_body()))


@blueprint.post("/api/v1/jobs/reclassify")
def create_job():
    user = principal()
    upload = request.files.get("file")
    if upload is None:
        raise InputError("invalid_file", "send the backlog as multipart/form-data field 'file'")
    return jsonify(services().jobs.create(user, upload.filename, upload.stream)), 202


@blueprint.get("/api/v1/jobs/<job_id>")
def job_status(job_id: str):
    return jsonify(services().jobs.get(principal(), job_id))


@blueprint.get("/api/v1/jobs/<job_id>/result")
def job_result(job_id: str):
    path = services().jobs.result_path(principal(), job_id)
    return send_file(path, mimetype="text/csv", as_attachment=True, download_name=f"reclassified-{job_id}.csv")


@blueprint.get("/api/v1/stats")
def stats():
    user = principal()
    with services().sessions() as session:
        return jsonify(services().complaints.stats(session, user))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(TextTooLong)
    def too_long(exc: TextTooLong):
        return error(413, exc.code, exc.message)

    @app.errorhandler(InputError)
    def invalid(exc: InputError):
        status = {"invalid_json": 400, "unsupported_media_type": 415}.get(exc.code, 422)
        return error(status, exc.code, exc.message)

    @app.errorhandler(Unauthorized)
    def unauthorized(exc: Unauthorized):
        return error(401, "unauthorized", str(exc))

    @app.errorhandler(Forbidden)
    def forbidden(exc: Forbidden):
        return error(403, "forbidden", str(exc))

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        return error(404, "not_found", str(exc))

    @app.errorhandler(Conflict)
    def conflict(exc: Conflict):
        return error(409, "conflict", str(exc), current_revision=exc.current_revision)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = {413: "body_too_large"}.get(exc.code, (exc.name or "error").lower().replace(" ", "_"))
        return error(exc.code or 500, code, exc.description or exc.name)
