"""Reports that read every complaint of a period (the dashboard, the period recap) kept per process for a while.

Computing them takes from a tenth of a second to a few seconds at 50,000 complaints, so each process keeps recent
results for `TRIAGE_STATS_CACHE_SECONDS` and adds `max_age_seconds` to them (each report says when it was computed);
`fresh=True` computes at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

from triage.accounts import Principal
from triage.config import stats_cache_seconds

MAX_ENTRIES = 32  # reports with their arguments (periods of the recap); the oldest computed is dropped first


class ReportCache:
    """Results by key (the report and its arguments), reused for `max_age` seconds (0: computed every time)."""

    def __init__(self, max_age: float | None = None):
        self.max_age = stats_cache_seconds() if max_age is None else max_age
        self._lock = threading.Lock()
        self._kept: dict[Hashable, tuple[float, dict]] = {}

    def get(self, principal: Principal, key: Hashable, compute: Callable[[], dict], fresh: bool = False) -> dict:
        """`compute()`'s result for `key`, kept unless `fresh` or older than `max_age`. The permission to read
        statistics is checked first, cached or not. One thread computes at a time; those that waited for it take
        what it computed."""
        principal.require("stats")
        asked = time.monotonic()
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and (kept[0] >= asked or (not fresh and asked - kept[0] < self.max_age)):
                return kept[1]
            report = {**compute(), "max_age_seconds": self.max_age}
            self._kept.pop(key, None)
            self._kept[key] = (time.monotonic(), report)
            while len(self._kept) > MAX_ENTRIES:
                del self._kept[next(iter(self._kept))]
            return report
