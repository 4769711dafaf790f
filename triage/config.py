"""Settings from `TRIAGE_*` environment variables, read in one place, with safe defaults."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """Taxonomy, lexicons and seed corpus (`TRIAGE_DATA_DIR`, default `data/` beside the package)."""
    return Path(os.environ.get("TRIAGE_DATA_DIR", PROJECT_ROOT / "data"))


def models_dir() -> Path:
    """Model registry root (`TRIAGE_MODELS_DIR`, default `models/`)."""
    return Path(os.environ.get("TRIAGE_MODELS_DIR", PROJECT_ROOT / "models"))


def max_text_chars() -> int:
    """Longest complaint text accepted (`TRIAGE_MAX_TEXT_CHARS`, default 20,000 characters)."""
    return int(os.environ.get("TRIAGE_MAX_TEXT_CHARS", "20000"))
