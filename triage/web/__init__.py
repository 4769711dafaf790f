"""Flask application factory: `create_app()` loads the active model and registers the blueprints."""

from __future__ import annotations

from flask import Flask

from triage import registry
from triage.model import TriageModel
from triage.service import SuggestionService


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config["MODEL_DIR"]` overrides the registry's active model."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(MAX_CONTENT_LENGTH=2 * 1024 * 1024, JSON_SORT_KEYS=False)
    if config:
        app.config.update(config)
    model_dir = app.config.get("MODEL_DIR") or registry.active_dir()
    app.extensions["triage.suggestions"] = SuggestionService(TriageModel.load(model_dir))

    from triage.web import api

    app.register_blueprint(api.blueprint)
    api.register_error_handlers(app)
    return app
