"""WSGI entry point: `gunicorn api:app`."""

from triage.web import create_app

app = create_app()
