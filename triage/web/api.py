"""JSON API: `/healthz` and `/api/v1/...`. Errors are `{"error": {"code", "message"}}` with 4xx status."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from triage.service import InputError, TextTooLong

blueprint = Blueprint("api", __name__)


def error(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message}}), status


@blueprint.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@blueprint.post("/api/v1/suggest")
def suggest():
    if not request.is_json:
        return error(415, "unsupported_media_type", "send the complaint as application/json")
    payload = request.get_json(silent=True)
    if payload is None:
        return error(400, "invalid_json", "request body is not valid JSON")
    service = current_app.extensions["triage.suggestions"]
    return jsonify(service.suggest(payload))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(TextTooLong)
    def too_long(exc: TextTooLong):
        return error(413, exc.code, exc.message)

    @app.errorhandler(InputError)
    def invalid(exc: InputError):
        return error(422, exc.code, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = {413: "body_too_large"}.get(exc.code, (exc.name or "error").lower().replace(" ", "_"))
        return error(exc.code or 500, code, exc.description or exc.name)
