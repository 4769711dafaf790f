"""Shared complaint features: stemmed word n-grams and character n-grams of the raw tokens.

`CharNgramTfidf` produces the same n-grams as scikit-learn's `TfidfVectorizer(analyzer="char_wb")` on
space-joined tokens, but resolves each distinct word to its column indices once per process, so
transforming a complaint is a few dictionary lookups and one vectorised TF-IDF step for the batch.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from triage.text import _ELONGATION, IndonesianPreprocessor, ProcessCache

_CACHE_LIMIT = 1_000_000
# Unless `min_df` is given, corpora of at most this many texts keep every term, also those seen once: on Purbalingga
# (460 training rows a fold) dropping them cost 1.1 points of 5-fold accuracy; on Surabaya's 6,370 rows keeping them
# cost 0.7-1.3 points of coverage at 95 % precision (the singletons there are mostly typos and names).
SMALL_CORPUS = 5_000


def char_wb_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """Character n-grams of one word padded with spaces, as scikit-learn's `char_wb` analyzer makes them."""
    padded = f" {word} "
    grams = []
    for n in range(min_n, max_n + 1):
        if len(padded) <= n:
            grams.append(padded)  # a short word counts once, whole
            break
        grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


def _counts(columns: list[int] | np.ndarray, indptr: list[int] | np.ndarray, n_columns: int) -> sparse.csr_matrix:
    """Rows of column indices (row i: columns[indptr[i]:indptr[i + 1]]) as a count matrix (float32, sorted indices)."""
    M = sparse.csr_matrix((np.ones(len(columns), dtype=np.float32), np.asarray(columns, dtype=np.int32), indptr),
                          shape=(len(indptr) - 1, n_columns))
    M.sum_duplicates()
    return M


def _word_counts(documents: list[list[str]]) -> tuple[sparse.csr_matrix, list[str]]:
    """(documents x distinct words count matrix, the distinct words in column order)."""
    index: dict[str, int] = {}
    columns: list[int] = []
    indptr = [0]
    for tokens in documents:
        columns.extend([index.setdefault(word, len(index)) for word in tokens])
        indptr.append(len(columns))
    return _counts(columns, indptr, len(index)), list(index)


def _rows_matrix(rows: list[np.ndarray], n_columns: int) -> sparse.csr_matrix:
    """One sparse row per array of column indices (a repeated index counts twice)."""
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    indices = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int32)
    return _counts(indices, np.concatenate([[0], np.cumsum(lengths)]), n_columns)


def _sublinear_tfidf(X: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Counts -> (1 + log tf) * idf, each row scaled to unit length (in place; scikit-learn's TfidfTransformer
    with sublinear_tf and the l2 norm, without its input checks)."""
    np.log(X.data, out=X.data)
    X.data += 1.0
    X.data *= idf[X.indices]
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    norms = np.sqrt(np.bincount(rows, weights=X.data.astype(np.float64) ** 2, minlength=X.shape[0]))
    X.data /= np.maximum(norms, 1e-12)[rows].astype(X.dtype)
    return X


def word_tfidf(vectorizer: TfidfVectorizer, documents: list[str]) -> sparse.csr_matrix:
    """`vectorizer.transform(documents)` for the fitted word 1-2-gram TF-IDF of `ComplaintVectorizer`, computed from
    its vocabulary and idf directly: scikit-learn's input validation took half of the 0.4 ms a call for one complaint.
    Same matrix (a test compares them); the vectorizer's own analyzer settings are assumed, not read."""
    vocabulary = vectorizer.vocabulary_
    columns: list[int] = []
    indptr = [0]
    for document in documents:
        tokens = document.lower().split()
        found = map(vocabulary.get, tokens + [f"{a} {b}" for a, b in pairwise(tokens)])
        columns.extend([c for c in found if c is not None])
        indptr.append(len(columns))
    return _sublinear_tfidf(_counts(columns, indptr, len(vocabulary)), np.asarray(vectorizer.idf_, dtype=np.float32))


class CharNgramTfidf(ProcessCache):
    """TF-IDF (sublinear tf, smooth idf, l2 norm) of character n-grams of tokens, with a per-word cache.

    Counting is two sparse products: documents x words (counts) times words x n-grams (each distinct word's
    n-grams, resolved once), so the per-token work is one dictionary lookup. One document alone (`suggest`) has
    its words' n-gram columns counted directly: building the four sparse matrices took most of its time."""

    _cache_name = "_word_cache"

    def __init__(self, ngram_range: tuple[int, int] = (2, 5), min_df: int = 2, max_features: int = 300_000):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features

    def _grams(self, word: str) -> list[str]:
        return char_wb_ngrams(_ELONGATION.sub(r"\1", word), *self.ngram_range)

    def fit(self, documents: list[list[str]]) -> CharNgramTfidf:
        D, words = _word_counts(documents)
        gram_index: dict[str, int] = {}
        rows = [np.array([gram_index.setdefault(g, len(gram_index)) for g in self._grams(word)], dtype=np.int32)
                for word in words]
        G = _rows_matrix(rows, len(gram_index))
        D.data[:] = 1.0
        G.data[:] = 1.0
        df = np.bincount((D @ G).indices, minlength=len(gram_index))  # documents holding each n-gram
        grams = np.array(list(gram_index), dtype=object)
        kept = np.flatnonzero(df >= self.min_df)
        names = grams[kept].astype(str)
        if len(kept) > self.max_features:  # the most frequent, ties by n-gram
            top = np.lexsort((names, -df[kept]))[: self.max_features]
            kept, names = kept[top], names[top]
        kept = kept[np.argsort(names, kind="stable")]
        self.vocabulary_ = {gram: i for i, gram in enumerate(grams[kept])}
        self.idf_ = (np.log((1 + len(documents)) / (1 + df[kept].astype(np.float64))) + 1).astype(np.float32)
        self._word_cache = {}
        return self

    def _columns(self, word: str) -> np.ndarray:
        columns = self._word_cache.get(word)
        if columns is None:
            vocabulary = self.vocabulary_
            columns = np.array([vocabulary[g] for g in self._grams(word) if g in vocabulary], dtype=np.int32)
            if len(self._word_cache) < _CACHE_LIMIT:
                self._word_cache[word] = columns
        return columns

    def transform(self, documents: list[list[str]]) -> sparse.csr_matrix:
        if len(documents) == 1:
            columns = [self._columns(word) for word in documents[0]]
            indices, counts = np.unique(np.concatenate(columns) if columns else np.zeros(0, np.int32), return_counts=True)
            X = sparse.csr_matrix((counts.astype(np.float32), indices.astype(np.int32), [0, len(indices)]),
                                  shape=(1, len(self.vocabulary_)))
            return _sublinear_tfidf(X, self.idf_)
        D, words = _word_counts(documents)
        G = _rows_matrix([self._columns(word) for word in words], len(self.vocabulary_))
        X = (D @ G).tocsr()
        X.sort_indices()
        return _sublinear_tfidf(X, self.idf_)

    def fit_transform(self, documents: list[list[str]]) -> sparse.csr_matrix:
        return self.fit(documents).transform(documents)


class ComplaintVectorizer:
    """Raw complaint text -> sparse features: stemmed word 1-2-grams first, then character n-grams."""

    def __init__(self, max_char_features: int = 300_000, min_df: int | None = None):
        self.min_df = min_df  # documents a term needs to become a feature; None: `SMALL_CORPUS` decides
        self.preprocessor = IndonesianPreprocessor()
        self.words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r"\S+",
                                     dtype=np.float32)
        self.chars = CharNgramTfidf(max_features=max_char_features)

    def _views(self, texts) -> tuple[list[str], list[list[str]]]:
        token_lists = [self.preprocessor.raw_tokens(t) for t in texts]
        words = [self.preprocessor.process_tokens(tokens) for tokens in token_lists]
        return words, token_lists

    def fit_transform(self, texts) -> sparse.csr_matrix:
        self.preprocessor.fit()
        min_df = self.min_df or (1 if len(texts) <= SMALL_CORPUS else 2)
        self.words.set_params(min_df=min_df)
        self.chars.min_df = min_df
        words, tokens = self._views(texts)
        X = sparse.hstack([self.words.fit_transform(words), self.chars.fit_transform(tokens)], format="csr")
        self.word_names = self.words.get_feature_names_out()
        return X

    def transform_blocks(self, texts) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """(word features, character features): the two column blocks, without stacking them."""
        words, tokens = self._views(texts)
        return word_tfidf(self.words, words), self.chars.transform(tokens)

    def transform(self, texts) -> sparse.csr_matrix:
        return sparse.hstack(self.transform_blocks(texts), format="csr")

    @property
    def n_word_features(self) -> int:
        return len(self.words.vocabulary_)
