"""Flask application factory: `create_app()` opens the database, loads the active model and
registers the blueprints."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from triage import config, registry
from triage.complaints import ComplaintService
from triage.jobs import JobService
from triage.model import TriageModel
from triage.service import SuggestionService
from triage.store.db import open_database


@dataclass
class Services:
    """What the request handlers use; the web layer holds no other state."""

    engine: Engine
    sessions: sessionmaker[Session]
    suggestions: SuggestionService
    complaints: ComplaintService
    jobs: JobService


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
                            JSON_SORT_KEYS=False)
    if settings:
        app.config.update(settings)
    engine, sessions = open_database(app.config.get("DATABASE_URL") or config.database_url())
    fixed_model = app.config.get("MODEL_DIR")
    suggestions = SuggestionService(TriageModel.load(fixed_model or registry.active_dir()),
                                    registry_root=None if fixed_model else config.models_dir())
    app.extensions["triage"] = Services(engine, sessions, suggestions, ComplaintService(suggestions),
                                        JobService(sessions, lambda: fixed_model or suggestions.model_dir))
    app.extensions["triage.access_log"] = _access_logger()

    from triage.web import api

    app.register_blueprint(api.blueprint)
    api.register_error_handlers(app)
    return app
