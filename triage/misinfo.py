"""Misinformation evidence: cues (phrases typical of chain messages and scams, explained to the admin as
reasons) and the combination of classifier, cues and catalogue match into one calibrated score.

The cues never decide on their own; they are shown as reasons and weigh in the combined score. Patterns
live in `data/misinfo_cues.csv` (regular expression, reason in Bahasa Indonesia).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sklearn.linear_model import LogisticRegression

from triage.config import data_dir

MAX_CUES = 3  # cue kinds counted in the combined score (more adds nothing measurable)


@lru_cache(maxsize=1)
def _cues() -> tuple[tuple[re.Pattern, str], ...]:
    with open(data_dir() / "misinfo_cues.csv", newline="", encoding="utf-8") as fh:
        return tuple((re.compile(row["cue"]), row["reason"]) for row in csv.DictReader(fh))


@lru_cache(maxsize=1)
def _any_cue() -> re.Pattern:
    """Every cue in one alternation: it matches a text exactly when some cue does, in one scan instead of one a
    cue (most complaints have none; the separate scans were 30 % of batch scoring)."""
    return re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _cues()))


def cue_reasons(text: str) -> list[str]:
    """Reasons (in Bahasa Indonesia) for every misinformation cue found in `text`, in catalogue order."""
    if not isinstance(text, str) or not text:
        return []
    lowered = unicodedata.normalize("NFKC", text).lower()
    if not _any_cue().search(lowered):
        return []
    return [reason for pattern, reason in _cues() if pattern.search(lowered)]


def cue_counts(reasons: list[list[str]]) -> np.ndarray:
    """Number of cue kinds found in each text (its `cue_reasons`), capped at `MAX_CUES`."""
    return np.array([min(len(r), MAX_CUES) for r in reasons], dtype=np.float64)


@dataclass
class EvidenceCombiner:
    """One calibrated misinformation probability from three pieces of evidence: the classifier's probability
    (as log-odds), the number of cue kinds and the best catalogue similarity (0 below `match_threshold`, as
    the service sees it). A logistic regression fitted on out-of-fold evidence of the training rows, whose
    catalogue similarities are leave-one-out against the other misinformation rows."""

    coef: np.ndarray  # (3,)
    intercept: float
    match_threshold: float

    @staticmethod
    def _features(probability, cues, similarity, match_threshold: float) -> np.ndarray:
        p = np.clip(np.asarray(probability, dtype=np.float64), 1e-6, 1 - 1e-6)
        similarity = np.asarray(similarity, dtype=np.float64)
        return np.column_stack([np.log(p / (1 - p)), np.asarray(cues, dtype=np.float64),
                                np.where(similarity >= match_threshold, similarity, 0.0)])

    @classmethod
    def fit(cls, probability, cues, similarity, truth, match_threshold: float) -> EvidenceCombiner:
        """Evidence whose fitted weight comes out negative is left out and the rest refitted: more evidence
        (a cue, a closer match) never lowers the score."""
        features = cls._features(probability, cues, similarity, match_threshold)
        truth = np.asarray(truth, dtype=bool)
        used = np.ones(features.shape[1], dtype=bool)
        while True:
            fit = LogisticRegression(C=1.0).fit(features[:, used], truth)
            if (fit.coef_[0] >= 0).all():
                break
            used[np.flatnonzero(used)[fit.coef_[0] < 0]] = False
        coef = np.zeros(features.shape[1])
        coef[used] = fit.coef_[0]
        return cls(coef, float(fit.intercept_[0]), match_threshold)

    def score(self, probability, cues, similarity) -> np.ndarray:
        logit = self._features(probability, cues, similarity, self.match_threshold) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-logit))

    def as_dict(self) -> dict:
        return {"classifier_log_odds": round(float(self.coef[0]), 4), "cue_kinds": round(float(self.coef[1]), 4),
                "catalogue_similarity": round(float(self.coef[2]), 4), "intercept": round(self.intercept, 4),
                "match_threshold": self.match_threshold}
