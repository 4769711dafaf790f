"""Ranking candidate complaints by how alike they are to one complaint (possible duplicates)."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from triage.text import IndonesianPreprocessor

MIN_SIMILARITY = 0.2


def rank_similar(preprocessor: IndonesianPreprocessor, text: str, candidates: list[str], k: int = 5,
                 min_similarity: float = MIN_SIMILARITY) -> list[tuple[int, float]]:
    """(candidate index, cosine similarity) of the `k` candidates most alike `text`, best first.

    Texts are compared as TF-IDF vectors of the normalised, stemmed words (the model's own text
    pipeline), with IDF from the query and candidates themselves, so words common to the whole
    neighbourhood ("mohon", "jalan") count less than the ones that make a complaint specific.
    """
    if not candidates:
        return []
    documents = [preprocessor.process(t) for t in [text, *candidates]]
    if not documents[0]:
        return []
    vectors = TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), sublinear_tf=True).fit_transform(documents)
    scores = (vectors[1:] @ vectors[0].T).toarray().ravel()
    best = np.argsort(-scores, kind="stable")[:k]
    return [(int(i), float(scores[i])) for i in best if scores[i] >= min_similarity]
