"""Misinformation cues: phrases typical of chain messages and scams, explained to the admin as reasons.

The cues never decide on their own; they are shown next to the classifier score so a human can
verify. Patterns live in `data/misinfo_cues.csv` (regular expression, reason in Bahasa Indonesia).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache

from triage.config import data_dir


@lru_cache(maxsize=1)
def _cues() -> tuple[tuple[re.Pattern, str], ...]:
    with open(data_dir() / "misinfo_cues.csv", newline="", encoding="utf-8") as fh:
        return tuple((re.compile(row["cue"]), row["reason"]) for row in csv.DictReader(fh))


def cue_reasons(text: str) -> list[str]:
    """Reasons (in Bahasa Indonesia) for every misinformation cue found in `text`, in catalogue order."""
    if not isinstance(text, str) or not text:
        return []
    lowered = unicodedata.normalize("NFKC", text).lower()
    return [reason for pattern, reason in _cues() if pattern.search(lowered)]
