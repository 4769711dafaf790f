"""TriageModel: category, agency and misinformation heads over one shared Indonesian text representation.

Features (`triage.features.ComplaintVectorizer`) are computed once per complaint and shared by all
heads: stemmed word 1-2-grams (readable, used for explanations) and character 2-5-grams of the raw
tokens (robust to typos and informal spelling). Each head is a LinearSVC whose scores become
probabilities by per-class sigmoid (Platt) calibration fitted on out-of-fold scores; the same
out-of-fold predictions set the thresholds and the validation metrics in the model card.

When the training data has both category and agency labels and categories determine agencies almost
always, the agency head also listens to the category head: P(agency) mixes the direct prediction with
sum_c P(category c) * P(agency | c), a routing table learned from the data.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import re
import tempfile
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import scipy
import sklearn
from scipy import sparse
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import cross_val_predict
from sklearn.svm import LinearSVC

from triage import __version__
from triage.features import ComplaintVectorizer
from triage.folds import group_codes, stratified_folds
from triage.hoaxes import MATCH_THRESHOLD, HoaxIndex
from triage.misinfo import EvidenceCombiner, cue_counts, cue_reasons
from triage.prior import SEED_ROW_WEIGHT, PriorBlend, fit_blend, log_loss, offered, prior_features, pseudo_labels

log = logging.getLogger(__name__)

OTHER = "Lainnya"
HEADS = ("category", "agency", "misinformation")
MODEL_FILE = "model.joblib"
CARD_FILE = "card.json"
MAX_PLATT_NEGATIVES = 5_000  # negative rows used to calibrate one class (a weighted sample above this)
MAX_COMBINER_NEGATIVES = 10_000  # non-misinformation rows (a uniform sample above this) fitting the evidence combiner
LARGE_PROBLEM = 2_500_000  # training rows x classes above which a head is fitted by SGD (see `linear_svm`)
# Unless `TriageModel.C` is given, heads of at most this many rows and classes take the SVM's C with the lowest
# out-of-fold log-loss from `C_GRID`, larger heads `DEFAULT_C`. Purbalingga 5-fold category accuracy, mean of six CV
# shuffles, with every term kept (`features.SMALL_CORPUS`): C 0.5 0.739, searched 0.742 (0.1 in 26 of 30 folds; 0.728
# with neither change). Searched on Surabaya's agency head (6,370 rows), C fell to 0.2 and coverage at 95 % precision
# from 0.440 to 0.414: drift makes its out-of-fold loss a poor guide, hence the bound.
SMALL_HEAD_ROWS = 5_000
SMALL_HEAD_CLASSES = 50
C_GRID = (0.05, 0.1, 0.2, 0.5, 1.0)
DEFAULT_C = 0.5


class ModelError(Exception):
    """A model cannot be trained, saved or loaded; the message says why."""


class IncompatibleModelError(ModelError):
    """The artifact was built with a scikit-learn version this installation cannot load safely."""


def coverage_at_precision(confidence: np.ndarray, correct: np.ndarray, precision: float = 0.95) -> tuple[float, float]:
    """Largest share of rows, taken most-confident first, whose accuracy is >= `precision`.

    Returns (coverage, confidence threshold); threshold is 1.0 when no prefix reaches the precision.
    """
    if len(confidence) == 0:
        return 0.0, 1.0
    order = np.argsort(-confidence, kind="stable")
    running = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    ok = np.flatnonzero(running >= precision)
    if len(ok) == 0:
        return 0.0, 1.0
    last = ok[-1]
    return (last + 1) / len(order), float(confidence[order][last])


def precision_curve(confidence: np.ndarray, correct: np.ndarray) -> list[dict]:
    """For thresholds 0.00, 0.01, ... 0.99: the share of rows at or above it and their accuracy
    (what a bulk accept at that threshold would route, and how often rightly)."""
    curve = []
    for threshold in np.round(np.arange(0.0, 1.0, 0.01), 2):
        kept = confidence >= threshold
        if not kept.any():
            break
        curve.append({"threshold": float(threshold), "coverage": round(float(kept.mean()), 4),
                      "precision": round(float(correct[kept].mean()), 4), "n": int(kept.sum())})
    return curve


class SigmoidLinear:
    """Linear scores turned into probabilities by per-class Platt (sigmoid) calibration.

    The calibrators are fitted on out-of-fold scores, so the probabilities are honest; prediction is
    one sparse product and a few array operations (no per-call input validation or Python loops).
    """

    def __init__(self, classes: np.ndarray, coef: np.ndarray, intercept: np.ndarray, a: np.ndarray, b: np.ndarray):
        self.classes = classes
        self.coef = np.ascontiguousarray(coef.T, dtype=np.float32)  # (n_features, n_scores)
        self.intercept = intercept.astype(np.float32)
        self.a = a
        self.b = b

    def calibrate(self, scores: np.ndarray) -> np.ndarray:
        """Probabilities (n_samples, n_classes) from raw scores (n_samples, n_scores)."""
        calibrated = 1.0 / (1.0 + np.exp(self.a * scores + self.b))
        if len(self.classes) == 2:
            return np.hstack([1.0 - calibrated, calibrated])
        total = calibrated.sum(axis=1, keepdims=True)
        uniform = np.full_like(calibrated, 1.0 / len(self.classes))
        return np.divide(calibrated, total, out=uniform, where=total != 0)

    def predict_proba(self, blocks) -> np.ndarray:
        """Probabilities from feature column blocks (the leading blocks this classifier was trained on)."""
        scores, start = self.intercept.astype(np.float64), 0
        for block in blocks:
            if start >= self.coef.shape[0]:
                break
            scores = scores + block @ self.coef[start:start + block.shape[1]]
            start += block.shape[1]
        return self.calibrate(np.asarray(scores, dtype=np.float64))

    def word_coef(self, n_words: int) -> np.ndarray:
        """Per-class weights of the first `n_words` features (binary: one row per class)."""
        coef = self.coef[:n_words].T
        return np.vstack([-coef[0], coef[0]]) if len(self.classes) == 2 else coef


def _platt(scores: np.ndarray, positive: np.ndarray, max_negatives: int = MAX_PLATT_NEGATIVES) -> tuple[float, float]:
    """(a, b) with P(positive | score) = 1 / (1 + exp(a * score + b)), fitted by Platt's method: log-loss on
    smoothed targets, minimised over the two parameters (8 ms a class).

    Above `max_negatives` negative rows, the highest-scoring half of that many are kept as they are (they
    decide the high probabilities) and a random sample of the others stands in for all of them, weighted up
    (unbiased; without it, one fit per class at 77,000 rows took 0.1 s, a 500-class model 50 s)."""
    if positive.all() or not positive.any():
        return 0.0, -20.0 if positive.all() else 20.0
    weight = None
    negatives = np.flatnonzero(~positive)
    if len(negatives) > max_negatives:
        ranked = negatives[np.argsort(-scores[negatives], kind="stable")]
        top, rest = ranked[:max_negatives // 2], ranked[max_negatives // 2:]
        sample = np.random.default_rng(0).choice(rest, max_negatives // 2, replace=False)
        rows = np.concatenate([np.flatnonzero(positive), top, sample])
        weight = np.concatenate([np.ones(positive.sum() + len(top)), np.full(len(sample), len(rest) / len(sample))])
        scores, positive = scores[rows], positive[rows]
    # Platt's targets, (n+ + 1) / (n+ + 2) for positives and 1 / (n- + 2) for negatives: with hard 0/1 targets,
    # out-of-fold scores that happen to separate the classes give an arbitrarily steep sigmoid whose midpoint
    # sits at the edge of the negatives, and text unlike any training complaint lands on the wrong side of it.
    weight = np.ones(len(scores)) if weight is None else weight
    n_pos, n_neg = weight[positive].sum(), weight[~positive].sum()
    target = np.where(positive, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))

    def loss(ab: np.ndarray) -> tuple[float, np.ndarray]:
        z = ab[0] * scores + ab[1]  # P(positive) = 1 / (1 + exp(z))
        residual = weight * (target - expit(-z))
        return float(weight @ (np.logaddexp(0, z) - (1 - target) * z)), np.array([residual @ scores, residual.sum()])

    fit = minimize(loss, np.array([0.0, np.log((n_neg + 1) / (n_pos + 1))]), jac=True, method="L-BFGS-B")
    return float(fit.x[0]), float(fit.x[1])


def linear_svm(C: float, n_rows: int, n_classes: int, n_jobs: int | None = None):
    """A linear SVM (hinge loss). LinearSVC solves each one-vs-rest problem exactly, which costs ~45 s for
    60,000 rows x 200 classes; above `LARGE_PROBLEM` rows x classes, 5 epochs of SGD on the same objective
    (alpha = 1 / (C n)) take ~6 s and were as accurate on the Surabaya time split (0.697 vs 0.695)."""
    if n_rows * n_classes >= LARGE_PROBLEM:
        return SGDClassifier(loss="hinge", alpha=1.0 / (C * n_rows), max_iter=5, tol=None, random_state=0,
                             n_jobs=n_jobs)
    return LinearSVC(C=C, random_state=0)


def _linear_parts(svm) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(classes, coef, intercept) of a fitted linear classifier."""
    return svm.classes_, svm.coef_, svm.intercept_


def _averaged_fold_svms(X, y: np.ndarray, C: float, folds: list, n_classes: int,
                        n_jobs: int) -> tuple[tuple, np.ndarray] | None:
    """SGD SVMs of the folds (each on its training rows, the classes over two threads): ((classes, coef, intercept)
    of their mean, out-of-fold scores); None when a training fold lacks a class. The mean of the two half-data
    models stands in for a third fit on all rows, which took 36 of a 100k retrain's 162 s. On Surabaya's split with
    every head on this path: agency top-1 / top-3 / coverage@95 0.778 / 0.937 / 0.416 against 0.777 / 0.936 / 0.420
    (206 agencies unfolded: 0.717 / 0.826 / 0.348 against 0.715 / 0.821 / 0.359); its 300-topic head 0.594 against
    0.579."""
    classes = np.unique(y)
    scores = np.zeros((len(y), 1 if len(classes) == 2 else len(classes)))
    coef, intercept = 0.0, 0.0
    for train, test in folds:
        fold = linear_svm(C, len(y), n_classes, n_jobs=n_jobs).fit(X[train], y[train])
        if not np.array_equal(fold.classes_, classes):
            return None
        scores[test] = fold.decision_function(X[test]).reshape(len(test), -1)
        coef, intercept = coef + fold.coef_ / len(folds), intercept + fold.intercept_ / len(folds)
    return (classes, coef, intercept), scores


def fit_calibrated_svc(X, y: np.ndarray, C: float, n_jobs: int = 2, groups: np.ndarray | None = None,
                       extra: tuple | None = None) -> tuple[SigmoidLinear, np.ndarray]:
    """A linear SVM on all rows, calibrated on its out-of-fold scores (rows of one group in one fold); on large
    problems the mean of the fold SVMs instead (`_averaged_fold_svms`).
    `extra` = (X, y, weight): rows that join every fit, training folds included, with that sample weight (they are
    never scored or calibrated on). Returns (classifier, out-of-fold probabilities)."""
    counts = pd.Series(y).value_counts()
    # Large problems: 2 folds (tens of thousands of out-of-fold rows are plenty).
    large = len(y) * len(counts) >= LARGE_PROBLEM
    folds = stratified_folds(y, 2 if large else 5, groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        averaged = _averaged_fold_svms(X, y, C, folds, len(counts), n_jobs) if large and extra is None else None
        if averaged is not None:
            parts, scores = averaged
        elif extra is None:
            scores = cross_val_predict(linear_svm(C, len(y), len(counts)), X, y, cv=folds,
                                       method="decision_function", n_jobs=n_jobs)
            parts = _linear_parts(linear_svm(C, len(y), len(counts), n_jobs=n_jobs).fit(X, y))
        else:
            X_extra, y_extra, weight = extra
            weights = np.full(len(y_extra), weight)

            def fit(rows: np.ndarray):
                return linear_svm(C, len(rows), len(counts)).fit(
                    sparse.vstack([X[rows], X_extra], format="csr"), np.concatenate([y[rows], y_extra]),
                    sample_weight=np.concatenate([np.ones(len(rows)), weights]))

            n_scores = 1 if len(counts) == 2 else len(counts)
            scores = np.zeros((len(y), n_scores))
            for train, test in folds:
                scores[test] = fit(train).decision_function(X[test]).reshape(len(test), -1)
            parts = _linear_parts(fit(np.arange(len(y))))
    classes, coef, intercept = parts
    scores = scores.reshape(len(y), -1)
    positives = [classes[1]] if len(classes) == 2 else list(classes)
    ab = np.array([_platt(scores[:, k], y == label) for k, label in enumerate(positives)])
    classifier = SigmoidLinear(classes, coef, intercept, ab[:, 0], ab[:, 1])
    return classifier, classifier.calibrate(scores)


@dataclass
class Head:
    """One fitted head: its classifier, classes, what was folded into `Lainnya`, explanation weights."""

    name: str
    classifier: SigmoidLinear
    folded: list[str]
    word_coef: np.ndarray  # (n_classes, n_word_features)
    blend: PriorBlend | None = None  # the seed model's knowledge, when it helped out of fold
    C: float | None = None  # the SVM's regularisation (None in models saved before it was recorded)
    seed_rows: int = 0  # pseudo-labelled seed complaints that joined its SVM's training (`triage.prior`)

    @property
    def classes(self) -> np.ndarray:
        return self.classifier.classes

    def proba(self, blocks) -> np.ndarray:
        return self.classifier.predict_proba(blocks)


def _labels(values) -> np.ndarray:
    """Labels as stripped strings; missing/blank become ''."""
    series = pd.Series(values, dtype="object")
    return series.where(series.notna(), "").astype(str).str.strip().to_numpy()


def _fold_rare(y: np.ndarray, min_count: int, fold: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Fold classes rarer than `min_count` into `Lainnya` (or drop them). Returns (y, keep mask, folded)."""
    counts = pd.Series(y).value_counts()
    rare = sorted(c for c, n in counts.items() if n < min_count and c != OTHER)
    keep = np.ones(len(y), dtype=bool)
    if rare:
        is_rare = pd.Series(y).isin(rare).to_numpy()
        if fold == "drop":
            keep = ~is_rare
        else:
            y = np.where(is_rare, OTHER, y)
    return y, keep, rare


class TriageModel:
    """Three-headed complaint classifier. `fit` on labelled texts, `suggest` one, `predict_proba` many."""

    def __init__(self, min_class_count: int = 5, rare: str = "fold", C: float | None = None,
                 hierarchy_weight: float = 0.3,
                 review_precision: float = 0.95, misinfo_false_alarm: float = 0.01, char_max_classes: int = 50,
                 misinfo_min_tokens: int = 6, misinfo_C_total: float = 500.0, min_df: int | None = None):
        if rare not in ("fold", "drop"):
            raise ModelError(f"rare must be 'fold' or 'drop', not {rare!r}")
        self.min_class_count = min_class_count
        self.rare = rare
        self.C = C
        self.min_df = min_df
        self.misinfo_C_total = misinfo_C_total
        self.hierarchy_weight = hierarchy_weight
        self.review_precision = review_precision
        self.misinfo_false_alarm = misinfo_false_alarm
        self.misinfo_min_tokens = misinfo_min_tokens
        self.char_max_classes = char_max_classes
        self.heads: dict[str, Head] = {}
        self.thresholds: dict[str, float] = {}
        self.metrics: dict[str, dict] = {}
        self.hierarchy: np.ndarray | None = None
        self.misinfo_combiner: EvidenceCombiner | None = None
        self.prior: TriageModel | None = None
        self.version = ""
        self.card: dict = {}

    # ---- training ---------------------------------------------------------------------------------
    def fit(self, texts, category=None, agency=None, misinformation=None, district=None,
            complaint_rows=None, prior: TriageModel | None = None, groups=None, prior_texts=None) -> TriageModel:
        """Train every head that has labels; thresholds and validation metrics come from out-of-fold predictions.

        `groups` (a key per text; blank for none) marks rows that are versions of one complaint, such as the seed
        corpus' renderings of a core: they share a cross-validation fold, so out-of-fold figures, calibration
        and thresholds are those of complaints the model has not seen (`triage.folds`).

        `complaint_rows` (boolean per text; default all) marks real complaints, as opposed to hoax/news
        corpora: the misinformation threshold is set for the false-alarm target on complaints only.
        `prior` (the seed model) is blended into the category and agency heads where it helps out of fold
        (`triage.prior`); it is kept inside this model only then. `prior_texts` (the seed complaints the prior
        learnt from) join those heads' training, pseudo-labelled through the prior, where that helps out of fold."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        self._complaint_rows = (np.ones(len(texts), dtype=bool) if complaint_rows is None
                                else np.asarray(complaint_rows, dtype=bool))
        self._groups = group_codes(groups, len(texts))
        labels = {"category": category, "agency": agency, "misinformation": misinformation}
        labels = {k: _labels(v) for k, v in labels.items() if v is not None}
        if "misinformation" in labels:
            labels["misinformation"] = np.array([_misinfo_label(v) for v in labels["misinformation"]], dtype=object)
        counts = {k: int((v != "").sum()) for k, v in labels.items()}
        labels = {k: v for k, v in labels.items() if counts[k] >= 2}
        if not labels:
            found = ", ".join(f"{k}: {n} labelled row{'' if n == 1 else 's'}" for k, n in counts.items())
            raise ModelError("no labelled column to train on (category, agency or misinformation)"
                             + (f"; at least 2 labelled rows are needed ({found})" if counts else ""))
        self.vectorizer = ComplaintVectorizer(min_df=self.min_df)
        X = self.vectorizer.fit_transform(texts)
        features = prior_features(prior, texts) if prior is not None else None
        seed = None
        if prior is not None and prior_texts is not None and len(prior_texts):
            prior_texts = list(prior_texts)
            seed = (self.vectorizer.transform(prior_texts), prior_features(prior, prior_texts))
        self.heads, out_of_fold = {}, {}
        for name, y in labels.items():
            fitted = self._fit_head(name, X, y, features, seed)
            if fitted:
                self.heads[name], out_of_fold[name] = fitted
        self.prior = prior if any(head.blend for head in self.heads.values()) else None
        if not self.heads:
            raise ModelError("every labelled column has a single class; nothing to learn")
        self.hierarchy = self._routing_table(labels)
        self.misinfo_combiner = None
        if "misinformation" in out_of_fold:
            out_of_fold["misinformation"] = self._fit_combiner(texts, *out_of_fold["misinformation"])
        self._set_thresholds(out_of_fold)
        self.card = self._card(texts, labels)
        self.version = self.card["version"]
        del self._complaint_rows, self._groups
        return self

    def _fit_head(self, name: str, X, y_all: np.ndarray, features=None, seed=None) -> tuple[Head, tuple] | None:
        """(head, (row indices, labels, out-of-fold probabilities)), or None when there is nothing to learn."""
        rows = np.flatnonzero(y_all != "")
        y, keep, folded = _fold_rare(y_all[rows], self.min_class_count, self.rare)
        if folded:
            action = "dropped" if self.rare == "drop" else f"folded into {OTHER!r}"
            warnings.warn(f"{name}: {len(folded)} classes with fewer than {self.min_class_count} examples "
                          f"{action}: {', '.join(folded[:20])}{' ...' if len(folded) > 20 else ''}", stacklevel=3)
        rows, y = rows[keep], y[keep]
        if len(np.unique(y)) < 2:
            warnings.warn(f"{name}: fewer than two classes; head skipped", stacklevel=3)
            return None
        n_words = self.vectorizer.n_word_features
        # Character n-grams hold most non-zeros; with many classes they cost far more than they add.
        n_features = X.shape[1] if len(np.unique(y)) <= self.char_max_classes else n_words
        # Misinformation: complaints from one source are its negatives, so a weakly regularised head learns that
        # source's vocabulary as "not a hoax" and flags other regions' complaints (Surabaya + claims, 11,700 rows:
        # C 0.5 flagged 4 % of Purbalingga, C 0.05 1.6 % at the same recall on hoax tweets). C = total / rows keeps
        # the regularisation from weakening as data grows (the seed corpus alone: C 0.44).
        if name == "misinformation":
            candidates = (self.misinfo_C_total / len(y),)
        elif self.C is not None:
            candidates = (self.C,)
        elif len(y) <= SMALL_HEAD_ROWS and len(np.unique(y)) <= SMALL_HEAD_CLASSES:
            candidates = C_GRID
        else:
            candidates = (DEFAULT_C,)
        # Misinformation keeps folds over rows: with folds over hoax narratives its sigmoid's midpoint moved to SVM
        # score -0.5 (unseen narratives score there), and the seed model flagged 1.05 % of Purbalingga's complaints
        # instead of 0.35 %, while recall on real hoax tweets stayed 85.8 %.
        groups = self._groups[rows] if self._groups is not None and name != "misinformation" else None
        X_head = X[rows][:, :n_features]
        extras = [None]
        if seed is not None and name != "misinformation" and offered(y, np.unique(y)):
            seed_X, seed_features = seed
            extras.append((seed_X[:, :n_features], pseudo_labels(features[rows], y, seed_features), SEED_ROW_WEIGHT))
        fits = ((C, extra, *fit_calibrated_svc(X_head, y, C, groups=groups, extra=extra))
                for C in candidates for extra in extras)
        C, extra, classifier, oof = min(fits, key=lambda fit: log_loss(fit[3], np.searchsorted(fit[2].classes, y)))
        blend = None
        if features is not None and name != "misinformation":
            blend, oof = fit_blend(features[rows], y, oof, classifier.classes, groups)
        head = Head(name, classifier, folded, classifier.word_coef(n_words), blend, C,
                    0 if extra is None else len(extra[1]))
        return head, (rows, y, oof)

    def _routing_table(self, labels: dict[str, np.ndarray]) -> np.ndarray | None:
        """P(agency | category) learned from rows with both labels, used when categories decide agencies."""
        if "category" not in self.heads or "agency" not in self.heads or self.hierarchy_weight <= 0:
            return None
        cat, agency = labels["category"], labels["agency"]
        both = (cat != "") & (agency != "")
        cat = self._fold_to(self.heads["category"], cat[both])
        agency = self._fold_to(self.heads["agency"], agency[both])
        table = pd.crosstab(pd.Series(cat, name="c"), pd.Series(agency, name="a"))
        purity = table.max(axis=1).sum() / max(1, table.to_numpy().sum())
        if purity < 0.8:
            return None
        table = table.reindex(index=self.heads["category"].classes, columns=self.heads["agency"].classes, fill_value=0)
        table = table.to_numpy(dtype=np.float64) + 1e-3
        return table / table.sum(axis=1, keepdims=True)

    def _fit_combiner(self, texts: list[str], rows: np.ndarray, y: np.ndarray, P: np.ndarray) -> tuple:
        """Fit the misinformation evidence combiner on out-of-fold evidence (catalogue similarity: leave-one-out
        against the other misinformation rows, as if they were the catalogue). Returns the out-of-fold rows with
        the combined score in place of the classifier's, so the threshold is set on what the service shows
        (above `MAX_COMBINER_NEGATIVES`, on all positives and a uniform sample of the negatives)."""
        positive = list(self.heads["misinformation"].classes).index("1")
        negatives = np.flatnonzero(y != "1")
        if len(negatives) > MAX_COMBINER_NEGATIVES:  # matching and cues: ~1 s per 1,000 rows
            sample = np.random.default_rng(0).choice(negatives, MAX_COMBINER_NEGATIVES, replace=False)
            keep = np.sort(np.concatenate([np.flatnonzero(y == "1"), sample]))
            rows, y, P = rows[keep], y[keep], P[keep]
        truth = y == "1"
        row_texts = [texts[r] for r in rows]
        catalogue = HoaxIndex.build([{"claim": texts[r], "verdict": "hoax"} for r in rows[truth]], ids=rows[truth])
        _, similarity = catalogue.best_matches(row_texts, exclude_ids=rows)
        probability, cues = P[:, positive], cue_counts([cue_reasons(t) for t in row_texts])
        self.misinfo_combiner = EvidenceCombiner.fit(probability, cues, similarity, truth, MATCH_THRESHOLD)
        combined = self.misinfo_combiner.score(probability, cues, similarity)
        P = P.copy()
        P[:, positive], P[:, 1 - positive] = combined, 1 - combined
        return rows, y, P

    @staticmethod
    def _fold_to(head: Head, y: np.ndarray) -> np.ndarray:
        """Map labels the head does not know (folded or new) to `Lainnya` when it has one."""
        known = pd.Series(y).isin(head.classes).to_numpy()  # hashed: np.isin sorts strings (1 s at 78k rows)
        return np.where(known | (OTHER not in head.classes), y, OTHER)

    def _set_thresholds(self, out_of_fold: dict[str, tuple]) -> None:
        """needs_review cut at `review_precision`, misinformation cut at the false-alarm target."""
        if self.hierarchy is not None:
            rows_a, y_a, p_a = out_of_fold["agency"]
            rows_c, _, p_c = out_of_fold["category"]
            _, ia, ic = np.intersect1d(rows_a, rows_c, return_indices=True)
            mixed = p_a.copy()
            mixed[ia] = (1 - self.hierarchy_weight) * p_a[ia] + self.hierarchy_weight * (p_c[ic] @ self.hierarchy)
            out_of_fold["agency"] = (rows_a, y_a, mixed)
        self.thresholds, self.metrics = {}, {"out_of_fold": {}}
        for name, (rows, y, P) in out_of_fold.items():
            classes = self.heads[name].classes
            if name == "misinformation":
                score, truth = P[:, list(classes).index("1")], y == "1"
                negatives = score[~truth & self._complaint_rows[rows]]
                cut = float(np.quantile(negatives, 1 - self.misinfo_false_alarm)) if len(negatives) else 0.5
                self.thresholds[name] = max(0.5, cut)
                self.metrics["out_of_fold"][name] = {
                    "n": len(y), "threshold": self.thresholds[name],
                    "recall": float((score[truth] >= self.thresholds[name]).mean()) if truth.any() else None,
                    "false_alarms": float((negatives >= self.thresholds[name]).mean()) if len(negatives) else None}
                continue
            pred = classes[P.argmax(1)]
            coverage, cut = coverage_at_precision(P.max(1), pred == y, self.review_precision)
            self.thresholds[name] = cut
            self.metrics["out_of_fold"][name] = {"n": len(y), "accuracy": float((pred == y).mean()),
                                                 "coverage_at_95_precision": float(coverage),
                                                 "precision_curve": precision_curve(P.max(1), pred == y)}

    def _card(self, texts: list[str], labels: dict[str, np.ndarray]) -> dict:
        digest = hashlib.sha256()
        for i, text in enumerate(texts):
            digest.update(text.encode("utf-8", "replace"))
            for y in labels.values():
                digest.update(b"\x1f" + str(y[i]).encode())
        data_hash = digest.hexdigest()
        created = datetime.now(UTC)
        return {
            "version": f"{created:%Y%m%dT%H%M%S}-{data_hash[:8]}",
            "created_at": created.isoformat(timespec="seconds"),
            "data": {"sha256": data_hash, "rows": len(texts),
                     "labelled": {k: int((v != "").sum()) for k, v in labels.items()},
                     "groups": len(np.unique(self._groups)) if self._groups is not None else None},
            "labels": {name: [str(c) for c in head.classes] for name, head in self.heads.items()},
            "folded": {name: head.folded for name, head in self.heads.items()},
            "thresholds": self.thresholds,
            "metrics": self.metrics,
            "misinformation_evidence": self.misinfo_combiner.as_dict() if self.misinfo_combiner else None,
            "prior": {"version": self.prior.version,
                      "alpha": {name: head.blend.alpha for name, head in self.heads.items() if head.blend},
                      "C": {name: head.blend.C for name, head in self.heads.items() if head.blend}}
            if self.prior is not None else None,
            "params": {"min_class_count": self.min_class_count, "rare": self.rare, "C": self.C,
                       "head_C": {name: head.C for name, head in self.heads.items()},
                       "head_seed_rows": {name: head.seed_rows for name, head in self.heads.items()},
                       "min_df": self.vectorizer.chars.min_df,
                       "misinfo_C_total": self.misinfo_C_total,
                       "char_max_classes": self.char_max_classes,
                       "hierarchy_weight": self.hierarchy_weight if self.hierarchy is not None else 0.0,
                       "review_precision": self.review_precision, "misinfo_false_alarm": self.misinfo_false_alarm,
                       "misinfo_min_tokens": self.misinfo_min_tokens},
            "libraries": library_versions(),
        }

    # ---- prediction -------------------------------------------------------------------------------
    def predict_proba(self, texts, blocks=None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Head name -> (classes, probability matrix) for many texts at once."""
        if blocks is None:
            blocks = self.vectorizer.transform_blocks(list(texts))
        out, features = {}, None
        for name, head in self.heads.items():
            P = head.proba(blocks)
            if head.blend is not None:
                features = prior_features(self.prior, list(texts)) if features is None else features
                P = head.blend.blend(P, features)
            out[name] = (head.classes, P)
        if self.hierarchy is not None:
            _, p_cat = out["category"]
            classes, p_direct = out["agency"]
            w = self.hierarchy_weight
            out["agency"] = (classes, (1 - w) * p_direct + w * (p_cat @ self.hierarchy))
        return out

    def suggest_many(self, texts, districts=None, explain: bool = False, hoax_similarity=None) -> list[dict]:
        """Suggestions for many complaints; `explain` adds the words that drove each agency choice;
        `hoax_similarity` (per text, 0 for none) is the best catalogue match, weighed into the misinformation score."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        blocks = self.vectorizer.transform_blocks(texts)
        probs = self.predict_proba(texts, blocks)
        scores = flags = None
        reasons = [cue_reasons(t) for t in texts]
        if "misinformation" in probs:
            classes, P = probs["misinformation"]
            scores = self.misinformation_scores(texts, P[:, list(classes).index("1")], hoax_similarity, reasons)
            flags = self.misinformation_flags(texts, scores)
        tops = {}  # head -> (top-3 codes, their probabilities) per text, sorted for all texts at once
        for name in ("category", "agency"):
            if name in probs:
                classes, P = probs[name]
                order = np.argsort(-P, axis=1)[:, :3]
                tops[name] = (classes[order].astype(str).tolist(), np.take_along_axis(P, order, axis=1).tolist())
        results = []
        for i, text in enumerate(texts):
            result = {"model_version": self.version}
            for name, (codes, probabilities) in tops.items():
                result[f"{name}_top"] = [{"code": code, "probability": round(p, 4)}
                                         for code, p in zip(codes[i], probabilities[i], strict=True)]
            if "agency" in probs:
                confidence = result["agency_top"][0]["probability"]
                result["needs_review"] = bool(confidence < self.thresholds.get("agency", 1.0))
            result["misinformation"] = {"score": None if scores is None else round(float(scores[i]), 4),
                                        "flag": bool(flags is not None and flags[i]), "reasons": reasons[i]}
            if explain:
                name = "agency" if "agency" in probs else "category"
                top = int(np.argmax(probs[name][1][i])) if name in probs else None
                words = blocks[0]
                row = slice(words.indptr[i], words.indptr[i + 1])  # the row's arrays, without slicing the matrix
                result["explanation"] = self.explain(text, (words.indices[row], words.data[row]), top)
            results.append(result)
        return results

    def suggest(self, text: str, district: str | None = None, hoax_similarity: float = 0.0) -> dict:
        """Top-3 categories and agencies with probabilities, misinformation score and flag, explanation."""
        return self.suggest_many([text], [district], explain=True, hoax_similarity=[hoax_similarity])[0]

    def misinformation_scores(self, texts: list[str], probability: np.ndarray, hoax_similarity=None,
                              reasons: list[list[str]] | None = None) -> np.ndarray:
        """The calibrated misinformation score: classifier probability, cues (`reasons`, found when not given)
        and catalogue similarity combined (models trained before the combiner: the classifier's probability)."""
        combiner = getattr(self, "misinfo_combiner", None)
        if combiner is None:
            return np.asarray(probability, dtype=np.float64)
        similarity = np.zeros(len(texts)) if hoax_similarity is None else np.asarray(hoax_similarity, dtype=np.float64)
        reasons = [cue_reasons(t) for t in texts] if reasons is None else reasons
        return combiner.score(probability, cue_counts(reasons), similarity)

    def misinformation_flags(self, texts: list[str], scores: np.ndarray) -> np.ndarray:
        """The classifier's flag: score at or above the threshold, for a text of at least `misinfo_min_tokens`
        content words. A fragment (a name, an address line, "dokumen belum selesai") states no claim, and the
        score of a near-empty text is mostly the classifier's bias: on unseen Surabaya months such fragments
        were a third of the false alarms. Catalogue matches still flag short texts."""
        threshold = self.thresholds.get("misinformation", 0.5)
        flags = np.asarray(scores) >= threshold
        minimum = getattr(self, "misinfo_min_tokens", 0)
        for i in np.flatnonzero(flags):
            flags[i] = len(self.vectorizer.preprocessor.tokens(texts[i])) >= minimum
        return flags

    def explain(self, text: str, row: tuple[np.ndarray, np.ndarray] | None = None, top: int | None = None,
                k: int = 5) -> list[dict]:
        """Stemmed terms that pushed the top agency (else category) most, with the words they came from.

        `row` is the complaint's word features as (column indices, values); `top` the index of the class to explain.
        """
        name = "agency" if "agency" in self.heads else "category" if "category" in self.heads else None
        if name is None:
            return []
        if row is None or top is None:
            blocks = self.vectorizer.transform_blocks([text])
            row = (blocks[0].indices, blocks[0].data)
            top = int(np.argmax(self.predict_proba([text], blocks)[name][1][0]))
        indices, values = row
        contributions = values * self.heads[name].word_coef[top, indices]
        vocabulary = self.vectorizer.word_names
        origins = self.vectorizer.preprocessor.word_origins(text)
        out, seen = [], set()
        for j in np.argsort(-contributions):
            if contributions[j] <= 0 or len(out) == k:
                break
            term = str(vocabulary[indices[j]])
            words = list(dict.fromkeys(w for part in term.split() for w in origins.get(part, [])))
            if set(words) <= seen:  # a bigram whose words are already shown adds nothing readable
                continue
            seen.update(words)
            out.append({"term": term, "words": words, "weight": round(float(contributions[j]), 4)})
        return out

    # ---- persistence ------------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike) -> Path:
        """Write `model.joblib` and `card.json` into `directory` (atomically per file)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".tmp", delete=False) as tmp:
            joblib.dump(self, tmp, compress=3)
        os.replace(tmp.name, directory / MODEL_FILE)
        _write_json(directory / CARD_FILE, self.card)
        return directory

    @classmethod
    def load(cls, directory: str | os.PathLike) -> TriageModel:
        """Load a saved model; refuses one built with an incompatible scikit-learn version."""
        directory = Path(directory)
        card_path, model_path = directory / CARD_FILE, directory / MODEL_FILE
        if not card_path.exists() or not model_path.exists():
            raise ModelError(f"{directory}: not a model directory (needs {MODEL_FILE} and {CARD_FILE})")
        card = json.loads(card_path.read_text(encoding="utf-8"))
        built = card.get("libraries", {}).get("scikit-learn", "unknown")
        if _minor(built) != _minor(sklearn.__version__):
            raise IncompatibleModelError(
                f"{directory}: built with scikit-learn {built}, this installation has {sklearn.__version__}; "
                "retrain the model (triage train) or install the matching scikit-learn")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            model = joblib.load(model_path)
        if not isinstance(model, cls):
            raise ModelError(f"{model_path}: not a TriageModel")
        try:  # an artifact from an older triage can unpickle yet fail to predict
            model.predict_proba(["uji coba"])
        except Exception as exc:
            raise IncompatibleModelError(f"{directory}: cannot predict with this triage version ({exc!r}); "
                                         "retrain the model (triage train)") from exc
        model.card = card
        return model


def _misinfo_label(value: str) -> str:
    """Normalise a misinformation label to '1', '0' or '' (unknown)."""
    value = str(value).strip().lower()
    if value in ("1", "1.0", "true", "yes", "ya", "hoax", "hoaks"):
        return "1"
    if value in ("0", "0.0", "false", "no", "tidak", "valid"):
        return "0"
    return ""


def _minor(version: str) -> str:
    return ".".join(re.findall(r"\d+", version)[:2])


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, path)


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        sastrawi = version("PySastrawi")
    except PackageNotFoundError:
        sastrawi = "unknown"
    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__, "joblib": joblib.__version__, "PySastrawi": sastrawi, "triage": __version__}
