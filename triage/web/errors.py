"""Library exceptions -> HTTP answers: JSON `{"error": {"code", "message"}}` under /api and for probes,
an HTML page in Bahasa Indonesia elsewhere (a page that needs a login redirects to it)."""

from __future__ import annotations

from flask import Flask, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from triage.accounts import AccountError, Forbidden, Unauthorized
from triage.complaints import Conflict, NotFound
from triage.model import ModelError
from triage.model_admin import RetrainRunning
from triage.service import InputError, TextTooLong

TITLES = {400: "Permintaan tidak valid", 403: "Tidak diizinkan", 404: "Tidak ditemukan", 405: "Metode tidak diizinkan",
          409: "Sudah diubah orang lain", 413: "Terlalu besar", 415: "Format tidak didukung", 422: "Isian tidak valid",
          500: "Terjadi kesalahan", 503: "Basis data tidak tersedia"}
MESSAGES = {403: "Akun Anda tidak berhak membuka halaman atau pengaduan ini.",
            404: "Halaman atau pengaduan yang dicari tidak ada.",
            413: "Berkas atau isian terlalu besar untuk layanan ini.",
            409: "Pengaduan ini sudah diubah pengguna lain. Muat ulang halaman lalu periksa kembali.",
            500: "Terjadi kesalahan di server; sudah dicatat di log layanan. Coba lagi, atau hubungi pengelola layanan.",
            503: "Basis data sedang tidak dapat dihubungi, jadi tidak ada yang disimpan. Coba lagi sebentar lagi."}
RETRY_SECONDS = 5


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in ("/healthz", "/readyz", "/metrics")


def error(status: int, code: str, message: str, **extra):
    if _wants_json():
        return jsonify({"error": {"code": code, "message": message, **extra}}), status
    # the menu for a user this request already identified (never a database lookup here: it may be the outage)
    return render_template("galat.html", status=status, code=code, title=TITLES.get(status, "Terjadi kesalahan"),
                           message=MESSAGES.get(status, message), user=g.get("principal")), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(TextTooLong)
    def too_long(exc: TextTooLong):
        return error(413, exc.code, exc.message)

    @app.errorhandler(InputError)
    def invalid(exc: InputError):
        status = {"invalid_json": 400, "unsupported_media_type": 415}.get(exc.code, 422)
        return error(status, exc.code, exc.message)

    @app.errorhandler(AccountError)
    def account_error(exc: AccountError):
        status = {"user_not_found": 404, "user_exists": 409, "invalid_body": 400}.get(exc.code, 422)
        return error(status, exc.code, exc.message)

    @app.errorhandler(Unauthorized)
    def unauthorized(exc: Unauthorized):
        if _wants_json():
            return error(401, "unauthorized", str(exc))
        return redirect(url_for("auth.login_page", next=request.full_path.rstrip("?") if request.method == "GET" else None))

    @app.errorhandler(Forbidden)
    def forbidden(exc: Forbidden):
        return error(403, "forbidden", str(exc))

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        return error(404, "not_found", str(exc))

    @app.errorhandler(Conflict)
    def conflict(exc: Conflict):
        return error(409, "conflict", str(exc), current_revision=exc.current_revision)

    @app.errorhandler(RetrainRunning)
    def retrain_running(exc: RetrainRunning):
        return error(409, "retrain_running", str(exc))

    @app.errorhandler(ModelError)
    def model_error(exc: ModelError):
        return error(409, "model_refused", str(exc))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error(400, "csrf_failed", "Formulir kedaluwarsa atau tidak sah (token CSRF). Muat ulang halaman.")

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        """The database cannot be reached or is locked: the request changed nothing; the client may retry
        (ingest is idempotent on external_id, decisions carry expected_revision)."""
        current_app.logger.error("database unavailable on %s %s: %s", request.method, request.path,
                                 str(exc.orig or exc).splitlines()[0])
        response, status = error(503, "database_unavailable", "the database cannot be reached; nothing was "
                                 "stored; retry later (ingest is idempotent on external_id)")
        return response, status, {"Retry-After": str(RETRY_SECONDS)}

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        if exc.connection_invalidated:  # the connection dropped mid-request: the same as unreachable
            return database_unavailable(exc)
        return internal_error(exc)

    @app.errorhandler(Exception)
    def internal_error(exc: Exception):
        """Anything unforeseen: logged with its traceback; the client gets a code, never a stack."""
        current_app.logger.error("unhandled error on %s %s", request.method, request.path, exc_info=exc)
        return error(500, "internal_error", "unexpected server error; it is logged")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = {413: "body_too_large"}.get(exc.code, (exc.name or "error").lower().replace(" ", "_"))
        return error(exc.code or 500, code, exc.description or exc.name)

