"""Prometheus metrics for `GET /metrics`: requests and their latency per route, counted in every gunicorn worker
(prometheus_client's multiprocess mode: `triage serve` points PROMETHEUS_MULTIPROC_DIR at a fresh directory), and
the queue's figures, read from the database at each scrape."""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter("triage_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=None)
LATENCY = Histogram("triage_http_request_duration_seconds", "Time to answer an HTTP request", ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=None)


METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe(method: str, route: str, status: int, seconds: float) -> None:
    """Count one request; `route` is the URL rule (`/pengaduan/<int:complaint_id>`), never the path itself, and a
    method outside `METHODS` counts as OTHER: labels a client chooses would make a series each."""
    method = method if method in METHODS else "OTHER"
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


class _Figures:
    """The database's figures (`triage.stats.monitoring_figures`) and the model this worker serves, as gauges."""

    def __init__(self, figures: dict, model_version: str):
        self.figures, self.model_version = figures, model_version

    def collect(self):
        complaints = GaugeMetricFamily("triage_complaints", "Complaints stored, by status", labels=["status"])
        for status, n in sorted(self.figures["complaints"].items()):
            complaints.add_metric([status], n)
        overdue = GaugeMetricFamily("triage_complaints_overdue", "Open complaints past their due date, by status "
                                    "and routed agency", labels=["status", "agency"])
        for (status, agency), n in sorted(self.figures["overdue"].items()):
            overdue.add_metric([status, agency], n)
        jobs = GaugeMetricFamily("triage_jobs", "Background reclassification jobs, by status", labels=["status"])
        for status, n in sorted(self.figures["jobs"].items()):
            jobs.add_metric([status], n)
        model = GaugeMetricFamily("triage_model_info", "The model version this worker serves", labels=["version"])
        model.add_metric([self.model_version], 1)
        yield from (complaints, overdue, jobs, model)


def exposition(figures: dict, model_version: str) -> tuple[bytes, str]:
    """The text Prometheus scrapes, and its content type."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # every worker's counts, from the files they write
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(_Figures(figures, model_version))
    return generate_latest(registry), CONTENT_TYPE_LATEST
