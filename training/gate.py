"""The evaluation gate: a candidate model against the active one on the same holdout of recent decisions.

Rules (each named in the result when it fails):
- `holdout_size`: the holdout has at least `min_holdout` labelled cases (else the comparison is noise);
- `macro_f1`, `top1_accuracy`: the candidate's agency macro-F1 / top-1 accuracy are not below the active
  model's by more than `tolerance`;
- `agency_recall`: no agency with >= `min_agency_cases` holdout cases loses more than `max_recall_drop`
  of recall;

A comparison rule fails only when the fall is also beyond chance on this holdout (one-sided, 95 %): an exact
McNemar test on the cases one model gets right and the other wrong (top-1, per-agency recall), a paired
bootstrap for macro-F1. Without this, two equally good models "fail" each other on a few hundred cases.
- `calibration`: the candidate's expected calibration error (agency top-1 confidence) is <= `max_ece`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.metrics import f1_score

from training.evaluate import _fold_unknown, head_metrics
from triage.model import TriageModel, _labels

BINS = 10


@dataclass(frozen=True)
class GateRules:
    tolerance: float = 0.01
    max_recall_drop: float = 0.10
    min_agency_cases: int = 20
    max_ece: float = 0.15
    min_holdout: int = 30
    significance: float = 0.05


@dataclass
class HoldoutResult:
    """One model's agency predictions on the holdout, with the figures the gate and report need.

    Routing figures count a case right only when the model names the agency the humans chose (an office the
    model folded into `Lainnya` is a miss), so two models with different class sets are judged on the same
    truth. Calibration is judged in the model's own terms (`Lainnya` right for an office it folded).
    """

    version: str
    labels: np.ndarray  # true agencies as decided
    predicted: np.ndarray
    confidence: np.ndarray
    own_correct: np.ndarray  # right in the model's own label space
    metrics: dict

    @property
    def correct(self) -> np.ndarray:
        return self.predicted == self.labels

    def recall_by_agency(self) -> pd.Series:
        return pd.Series(self.correct).groupby(self.labels).mean()

    def reliability(self) -> list[dict]:
        """Per confidence bin: count, mean confidence, accuracy."""
        edges = np.linspace(0, 1, BINS + 1)
        which = np.clip(np.digitize(self.confidence, edges[1:-1]), 0, BINS - 1)
        out = []
        for b in range(BINS):
            inside = which == b
            if inside.any():
                out.append({"low": float(edges[b]), "high": float(edges[b + 1]), "n": int(inside.sum()),
                            "confidence": float(self.confidence[inside].mean()),
                            "accuracy": float(self.own_correct[inside].mean())})
        return out


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by their share of rows."""
    if len(confidence) == 0:
        return 0.0
    edges = np.linspace(0, 1, BINS + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, BINS - 1)
    total = 0.0
    for b in np.unique(which):
        inside = which == b
        total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def score_holdout(model: TriageModel, texts: list[str], agencies) -> HoldoutResult:
    """The model's agency predictions and metrics on labelled holdout texts."""
    labels = _labels(agencies)
    classes, P = model.predict_proba(texts)["agency"]
    metrics = head_metrics(labels, classes, P)
    confidence = P.max(axis=1)
    predicted = classes[P.argmax(axis=1)]
    metrics["macro_f1"] = float(f1_score(labels, predicted, labels=np.unique(labels), average="macro",
                                         zero_division=0)) if len(labels) else 0.0
    own_correct = predicted == _fold_unknown(labels, classes)
    metrics["ece"] = expected_calibration_error(confidence, own_correct)
    return HoldoutResult(model.version, labels, predicted, confidence, own_correct, metrics)


def check(candidate: HoldoutResult, active: HoldoutResult | None, rules: GateRules) -> list[dict]:
    """Failed rules as {rule, message}; empty when the candidate may be promoted."""
    failed = []
    n = len(candidate.labels)
    if n < rules.min_holdout:
        failed.append({"rule": "holdout_size", "message": f"holdout has {n} cases, fewer than {rules.min_holdout}"})
    new = candidate.metrics
    if active is not None:
        old = active.metrics
        worse = {"top1_accuracy": _worse_by_chance(candidate.correct, active.correct, rules.significance),
                 "macro_f1": _f1_worse_by_chance(candidate, active, rules.significance)}
        for rule, key in (("macro_f1", "macro_f1"), ("top1_accuracy", "accuracy")):
            if new[key] < old[key] - rules.tolerance and worse[rule]:
                failed.append({"rule": rule, "message": f"agency {rule} {new[key]:.3f} is below the active "
                                                        f"model's {old[key]:.3f} by more than {rules.tolerance}"})
        counts = pd.Series(candidate.labels).value_counts()
        big = counts[counts >= rules.min_agency_cases].index
        drop = (active.recall_by_agency() - candidate.recall_by_agency()).reindex(big).dropna()
        losers = drop[[points > rules.max_recall_drop and _worse_by_chance(
            candidate.correct[candidate.labels == agency], active.correct[candidate.labels == agency],
            rules.significance) for agency, points in drop.items()]].sort_values(ascending=False)
        if len(losers):
            named = ", ".join(f"{agency} (-{points * 100:.0f} points)" for agency, points in losers.items())
            failed.append({"rule": "agency_recall", "message": f"recall falls by more than "
                                                               f"{rules.max_recall_drop * 100:.0f} points for {named}"})
    if new["ece"] > rules.max_ece:
        failed.append({"rule": "calibration", "message": f"expected calibration error {new['ece']:.3f} "
                                                         f"is above {rules.max_ece}"})
    return failed


def _worse_by_chance(new: np.ndarray, old: np.ndarray, alpha: float) -> bool:
    """Exact one-sided McNemar test: are the cases only the old model gets right too many to be chance?"""
    only_old, only_new = int((old & ~new).sum()), int((new & ~old).sum())
    if only_old == 0:
        return False
    return binomtest(only_old, only_old + only_new, 0.5, alternative="greater").pvalue < alpha


def _macro_f1(truth: np.ndarray, predicted: np.ndarray, n_classes: int) -> float:
    """Macro-F1 over the classes present in `truth` (integer-coded)."""
    tp = np.bincount(truth[truth == predicted], minlength=n_classes)
    support = np.bincount(truth, minlength=n_classes)
    guessed = np.bincount(predicted, minlength=n_classes)
    present = support > 0
    return float((2 * tp[present] / (support[present] + guessed[present])).mean())


def _f1_worse_by_chance(new: HoldoutResult, old: HoldoutResult, alpha: float, rounds: int = 300) -> bool:
    """Paired bootstrap over holdout cases: is the candidate's macro-F1 lower in more than 1 - alpha of them?"""
    codes = {label: i for i, label in enumerate(np.unique(np.concatenate(
        [new.labels, new.predicted, old.predicted]).astype(str)))}
    encode = np.vectorize(codes.__getitem__, otypes=[np.int64])
    truth, new_pred, old_pred = (encode(a.astype(str)) for a in (new.labels, new.predicted, old.predicted))
    rng = np.random.default_rng(0)
    n, k = len(truth), len(codes)
    lower = 0
    for _ in range(rounds):
        pick = rng.integers(0, n, n)
        lower += _macro_f1(truth[pick], new_pred[pick], k) < _macro_f1(truth[pick], old_pred[pick], k)
    return lower / rounds > 1 - alpha


def agency_table(candidate: HoldoutResult, active: HoldoutResult | None) -> pd.DataFrame:
    """Per true agency: holdout cases, recall of the active model and of the candidate, and the change."""
    table = pd.DataFrame({"n": pd.Series(candidate.labels).value_counts(),
                          "candidate": candidate.recall_by_agency()})
    table["active"] = active.recall_by_agency() if active is not None else np.nan
    table["change"] = table.candidate - table.active
    return table.sort_values("n", ascending=False)


def rules_dict(rules: GateRules) -> dict:
    return asdict(rules)
