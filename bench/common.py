"""Helpers shared by the benchmark scripts: where the real data is, timing, clear skips."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def dataset(relative: str) -> Path:
    """Path of a shared dataset file; exits 0 with a clear SKIP line when it is absent."""
    path = DATASETS / relative
    if not path.is_file():
        print(f"SKIP: {path} not found (the shared datasets are not on this machine)")
        sys.exit(0)
    return path


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}/s"


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
