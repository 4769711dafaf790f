"""Flask application factory: `create_app()` opens the database, loads the active model and
registers the blueprints."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine
from werkzeug.routing import IntegerConverter

from triage import config, registry
from triage.complaints import ComplaintService
from triage.hoaxes import CatalogueMatcher
from triage.jobs import JobService
from triage.model import TriageModel
from triage.report_cache import ReportCache
from triage.service import INT_MAX, SuggestionService
from triage.store.db import Sessions, open_database


@dataclass
class Services:
    """What the request handlers use; the web layer holds no other state."""

    engine: Engine
    sessions: Sessions
    suggestions: SuggestionService
    complaints: ComplaintService
    jobs: JobService
    reports: ReportCache


class DatabaseId(IntegerConverter):
    """`<int:...>` in a path matches only numbers a database id can be: a larger one is no page (404), not a
    number the database refuses."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, *args, **{"max": INT_MAX, **kwargs})


def _access_logger() -> logging.Logger:
    logger = logging.getLogger("triage.access")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def create_app(settings: dict | None = None) -> Flask:
    """Build the app. `settings` may set MODEL_DIR and DATABASE_URL (else the registry and
    TRIAGE_DATABASE_URL / the SQLite file under instance/)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(MAX_CONTENT_LENGTH=config.max_upload_bytes(), MAX_JSON_BYTES=8 * 1024 * 1024,
                            JSON_SORT_KEYS=False, SECRET_KEY=config.secret_key(),
                            SESSION_COOKIE_NAME="triage_session", SESSION_COOKIE_HTTPONLY=True,
                            SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=config.secure_cookies(),
                            PERMANENT_SESSION_LIFETIME=timedelta(hours=10), WTF_CSRF_TIME_LIMIT=None)
    if settings:
        app.config.update(settings)
    engine, sessions = open_database(app.config.get("DATABASE_URL") or config.database_url())
    fixed_model = app.config.get("MODEL_DIR")
    suggestions = SuggestionService(TriageModel.load(fixed_model or registry.active_dir()),
                                    registry_root=None if fixed_model else config.models_dir(),
                                    catalogue=CatalogueMatcher(config.hoax_index_path()))
    app.extensions["triage"] = Services(engine, sessions, suggestions, ComplaintService(suggestions),
                                        JobService(sessions, lambda: fixed_model or suggestions.model_dir),
                                        ReportCache())
    app.extensions["triage.access_log"] = _access_logger()

    from triage.web import admin, api, auth, errors

    app.url_map.converters["int"] = DatabaseId  # before the blueprints' rules are built
    app.register_blueprint(api.blueprint)
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(admin.blueprint)
    csrf = CSRFProtect(app)
    csrf.exempt(api.blueprint)  # the JSON API authenticates with bearer tokens, never with the cookie
    errors.register_error_handlers(app)
    app.after_request(_security_headers)
    return app


CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def _security_headers(response):
    """Headers on every response: strict CSP (no inline script or style), no sniffing, no framing,
    no referrer outside the site, and no caching of pages that show complaints."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
