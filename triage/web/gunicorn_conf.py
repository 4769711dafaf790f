"""gunicorn settings used by `triage serve`: start the job runner in every worker after the fork
(threads do not survive `--preload`'s fork, so the app cannot start it at import time), and remove the metrics
directory `triage serve` made for this run when gunicorn stops."""

import os
import shutil
import tempfile
from pathlib import Path

METRICS_DIR_PREFIX = "triage-metrics-"  # `triage serve` makes PROMETHEUS_MULTIPROC_DIR with this prefix in /tmp


def post_fork(server, worker):
    server.app.wsgi().extensions["triage"].jobs.start_runner()


def on_exit(server):
    """Remove the run's metrics directory; one the operator chose (any other path) is left alone."""
    directory = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or "")
    if directory.name.startswith(METRICS_DIR_PREFIX) and directory.parent == Path(tempfile.gettempdir()):
        shutil.rmtree(directory, ignore_errors=True)
