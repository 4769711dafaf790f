"""Prior knowledge for small training sets: what the seed model (trained on the project's own corpus) says
about a complaint, blended into a head's probabilities when out-of-fold evidence shows it helps.

The seed model's category and agency probabilities (standardised) are mapped to the head's classes by a
logistic regression; the blend `alpha * head + (1 - alpha) * regression` takes the alpha (and the
regression's regularisation) with the lowest out-of-fold log-loss. The seed complaints themselves, labelled by such
a regression, can also join the head's own training (`SEED_ROW_WEIGHT`). With a few hundred labelled complaints
(Purbalingga) the seed model's knowledge of roads, lamps, schools and social aid helps (5-fold accuracy 0.70 ->
0.73); with thousands (Surabaya) alpha stayed 1, so heads above `MAX_ROWS` rows or `MAX_CLASSES` classes are not offered the prior.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from triage.folds import stratified_folds

ALPHAS = (0.9, 0.8, 0.7, 0.6, 0.5, 0.4)
REGULARISATION = (0.1, 0.3, 1.0)  # C of the regression, chosen with alpha on out-of-fold log-loss
MIN_GAIN = 0.005  # out-of-fold log-loss a blend must save to be kept
# Offered to small heads only: with Surabaya's 6,000 rows alpha stayed 1, and the regression's cost grows with
# rows x classes (300 operator topics x 6,000 rows took minutes).
MAX_ROWS = 5_000
MAX_CLASSES = 50
PRIOR_HEADS = ("category", "agency")
# The seed complaints also join a small head's SVM as training rows, labelled with the head's classes by a
# regression (C `PSEUDO_LABEL_C`) from their prior features, each with this weight, when that lowers the head's
# out-of-fold log-loss. Purbalingga 5-fold category accuracy, mean of six CV shuffles: 0.742 without them; weight
# 0.1 0.750, 0.3 0.759.
SEED_ROW_WEIGHT = 0.3
PSEUDO_LABEL_C = 0.3


def prior_features(prior, texts: list[str]) -> np.ndarray:
    """Probabilities of the prior model's category and agency heads, side by side."""
    probs = prior.predict_proba(texts)
    return np.hstack([probs[name][1] for name in PRIOR_HEADS if name in probs])


def offered(y: np.ndarray, classes) -> bool:
    """Whether a head with these labels is small enough for the prior (`MAX_ROWS`, `MAX_CLASSES`)."""
    return len(y) <= MAX_ROWS and len(classes) <= MAX_CLASSES


def pseudo_labels(features: np.ndarray, y: np.ndarray, seed_features: np.ndarray) -> np.ndarray:
    """The head's classes for the seed complaints, from a regression of the head's labels on prior features."""
    return _regression(PSEUDO_LABEL_C).fit(features, y).predict(seed_features)


def _regression(C: float) -> Pipeline:
    """Standardised probabilities -> the head's classes. Purbalingga 5-fold category accuracy, mean of three CV
    shuffles (`bench/quality.py --cv-seeds 3`): 0.732, against 0.720 for a regression on log-probabilities; Surabaya
    agency heads trained on 300 / 1,000 rows with the prior: unchanged (0.694 / 0.734)."""
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))


@dataclass
class PriorBlend:
    """A regression from prior features to a head's classes, and the weight the head keeps.

    `log_features`: the regression reads log(p + 1e-4), as blends fitted before the standardised probabilities
    did (their pickles lack the field and take this class default)."""

    regression: Pipeline | LogisticRegression
    alpha: float
    log_features: bool = True

    def blend(self, P: np.ndarray, features: np.ndarray) -> np.ndarray:
        features = np.log(features + 1e-4) if self.log_features else features
        return self.alpha * P + (1 - self.alpha) * self.regression.predict_proba(features)

    @property
    def C(self) -> float:
        """The regression's regularisation (for the model card)."""
        return self.regression[-1].C if isinstance(self.regression, Pipeline) else self.regression.C


def log_loss(P: np.ndarray, truth: np.ndarray) -> float:
    """Mean log-loss of probabilities `P` for the class indices `truth`."""
    return float(-np.mean(np.log(P[np.arange(len(truth)), truth] + 1e-9)))


def fit_blend(features: np.ndarray, y: np.ndarray, out_of_fold: np.ndarray, classes: np.ndarray,
              groups: np.ndarray | None = None) -> tuple[PriorBlend | None, np.ndarray]:
    """(blend or None, out-of-fold probabilities after blending) for one head's labelled rows."""
    if not offered(y, classes):
        return None, out_of_fold
    folds = stratified_folds(y, 5, groups)
    truth = np.searchsorted(classes, y)
    no_prior = log_loss(out_of_fold, truth)
    best = (no_prior, 1.0, None, None)  # (out-of-fold log-loss, alpha, C, blended out-of-fold)
    for C in REGULARISATION:
        prior_oof = cross_val_predict(_regression(C), features, y, cv=folds, method="predict_proba")
        for alpha in ALPHAS:
            blended = alpha * out_of_fold + (1 - alpha) * prior_oof
            loss = log_loss(blended, truth)
            if loss < best[0]:
                best = (loss, alpha, C, blended)
    loss, alpha, C, blended = best
    if no_prior - loss < MIN_GAIN:
        return None, out_of_fold
    regression = _regression(C).fit(features, y)
    if list(regression.classes_) != list(classes):
        return None, out_of_fold
    return PriorBlend(regression, alpha, log_features=False), blended
