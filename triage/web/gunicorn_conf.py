"""gunicorn settings used by `triage serve`: start the job runner in every worker after the fork
(threads do not survive `--preload`'s fork, so the app cannot start it at import time)."""


def post_fork(server, worker):
    server.app.wsgi().extensions["triage"].jobs.start_runner()
