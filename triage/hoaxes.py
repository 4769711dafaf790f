"""Known-hoax catalogue: reading debunk exports, and nearest-neighbour matching of complaints against it.

Texts are normalised (`triage.text.normalise`: personal data masked, lower case, elongations collapsed) and
hashed into word 1-2-grams and character 3-5-grams (spelling variants still share most n-grams). Hashing
needs no vocabulary, so entries are added incrementally: raw sublinear term counts are stored, document
frequencies are kept as counts, and TF-IDF cosine is computed at query time from the current IDF. Query
n-grams found in more than `COMMON_DF` of the entries (and more than `COMMON_MIN_ENTRIES`) are skipped (tiny
IDF weight, long postings).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from triage.config import reload_seconds
from triage.text import normalise

N_FEATURES = 2**20
COMMON_DF = 0.1
COMMON_MIN_ENTRIES = 100  # below this many entries nothing is skipped (a small catalogue is fast anyway)
MAX_SCORES = 4_000_000  # similarities held at once (texts x entries) when matching many texts
MATCH_THRESHOLD = 0.4  # cosine from which a complaint is said to repeat a catalogued hoax (docs/notes.md)
HOAX_VERDICTS = {"hoax": "hoax", "hoaks": "hoax", "salah": "hoax", "disinformasi": "hoax", "misinformasi": "hoax",
                 "false": "hoax", "valid": "valid", "benar": "valid", "fakta": "valid", "true": "valid"}
# Accepted column names, first found wins (TurnBackHoax-style exports use title, text, label, date).
ALIASES = {"title": ("title", "judul"), "claim": ("claim", "text", "content", "narasi", "isi"),
           "verdict": ("verdict", "label", "kesimpulan"), "url": ("url", "source_url", "link", "sumber"),
           "date": ("date", "tanggal", "published"), "tags": ("tags", "tag", "kategori")}


class CatalogueError(Exception):
    """A catalogue file cannot be read; the message names the file, line and problem."""


@dataclass
class Match:
    entry_id: int
    similarity: float
    title: str
    url: str

    def as_dict(self) -> dict:
        return {"id": self.entry_id, "similarity": self.similarity, "title": self.title, "url": self.url}


def _pick(row: dict, field: str, where: str) -> str | list:
    """The first non-empty alias of `field` as text (tags may also be a list)."""
    for name in ALIASES[field]:
        value = row.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, list) and field == "tags":
            return value
        if isinstance(value, list | dict):
            raise CatalogueError(f"{where}: {name} must be text")
        return str(value).strip()
    return ""


def normalise_entry(row: dict, where: str) -> dict:
    """One catalogue entry from a CSV/JSONL row: title, claim, verdict (hoax/valid/other), url, date, tags."""
    claim, title = _pick(row, "claim", where), _pick(row, "title", where)
    if not claim and not title:
        raise CatalogueError(f"{where}: no claim text (columns {', '.join(ALIASES['claim'])}) and no title")
    verdict = _pick(row, "verdict", where).lower() or "hoax"
    tags = _pick(row, "tags", where)
    tags = [str(t).strip() for t in (tags if isinstance(tags, list) else tags.split(",")) if str(t).strip()]
    return {"title": title[:500], "claim": claim, "verdict": HOAX_VERDICTS.get(verdict, verdict)[:40],
            "url": _pick(row, "url", where)[:1000], "date": _pick(row, "date", where)[:40], "tags": tags}


def read_catalogue(path: str | Path) -> list[dict]:
    """Entries from a CSV or JSON Lines file (by extension: .jsonl/.ndjson, else CSV)."""
    path = Path(path)
    if not path.is_file():
        raise CatalogueError(f"{path}: file not found")
    entries = []
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            for line_no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CatalogueError(f"{path}:{line_no}: not JSON ({exc.msg})") from exc
                if not isinstance(row, dict):
                    raise CatalogueError(f"{path}:{line_no}: each line must be a JSON object")
                entries.append(normalise_entry(row, f"{path}:{line_no}"))
        else:
            for line_no, row in enumerate(csv.DictReader(fh), 2):
                entries.append(normalise_entry(row, f"{path}:{line_no}"))
    return entries


def entry_text(entry: dict) -> str:
    return f"{entry.get('title', '')}. {entry.get('claim', '')}"


class HoaxIndex:
    """Vectors of catalogue entries (rows) with their ids and verdicts; `add` appends, `match` queries."""

    def __init__(self):
        self.ids = np.zeros(0, dtype=np.int64)
        self.is_hoax = np.zeros(0, dtype=bool)
        self.titles: list[str] = []
        self.urls: list[str] = []
        self.postings = sp.csr_matrix((2 * N_FEATURES, 0), dtype=np.float32)  # features x entries
        self.df = np.zeros(2 * N_FEATURES, dtype=np.int32)
        self.norms = np.zeros(0)
        self.threshold = MATCH_THRESHOLD

    def __len__(self) -> int:
        return len(self.ids)

    @staticmethod
    def _tf(texts: list[str]) -> sp.csr_matrix:
        cleaned = [normalise(t) for t in texts]
        words = HashingVectorizer(n_features=N_FEATURES, ngram_range=(1, 2), alternate_sign=False, norm=None,
                                  token_pattern=r"(?u)\b\w\w+\b")
        chars = HashingVectorizer(n_features=N_FEATURES, analyzer="char_wb", ngram_range=(3, 5),
                                  alternate_sign=False, norm=None)
        tf = sp.hstack([words.transform(cleaned), chars.transform(cleaned)], format="csr", dtype=np.float32)
        tf.data = np.log1p(tf.data)
        return tf

    def _idf(self) -> np.ndarray:
        return np.log((1 + len(self)) / (1 + self.df)).astype(np.float32) + 1

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_weights_cache"}  # rebuilt on first match

    def _query_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """(IDF, IDF of the n-grams a query keeps, 0 for common ones), computed once per catalogue size:
        two passes over 2 million features cost more than a match."""
        cached = getattr(self, "_weights_cache", None)
        if cached is None or cached[0] != len(self):
            idf = self._idf()
            cached = (len(self), idf, np.where(self.df <= max(COMMON_MIN_ENTRIES, COMMON_DF * len(self)), idf, 0).astype(np.float32))
            self._weights_cache = cached
        return cached[1], cached[2]

    @classmethod
    def build(cls, entries: list[dict], ids=None) -> HoaxIndex:
        index = cls()
        index.add(entries, ids if ids is not None else range(1, len(entries) + 1))
        return index

    def add(self, entries: list[dict], ids) -> None:
        """Append entries (dicts with title, claim, verdict) under `ids`; only the new texts are vectorised."""
        if not entries:
            return
        tf = self._tf([entry_text(e) for e in entries])
        self.df += np.bincount(tf.indices, minlength=self.df.shape[0]).astype(np.int32)
        self.postings = sp.hstack([self.postings, tf.T.tocsr()], format="csr")
        self.ids = np.concatenate([self.ids, np.asarray(list(ids), dtype=np.int64)])
        self.is_hoax = np.concatenate([self.is_hoax, [e.get("verdict") == "hoax" for e in entries]])
        self.titles += [e.get("title", "") for e in entries]
        self.urls += [e.get("url", "") for e in entries]
        squared = self.postings.copy()
        squared.data **= 2
        self.norms = np.sqrt(np.asarray(squared.T @ (self._idf() ** 2))).ravel()

    def best_matches(self, texts: list[str], exclude_ids=None) -> tuple[np.ndarray, np.ndarray]:
        """(entry position, cosine similarity) of the most similar catalogued hoax for each text; position -1
        and similarity 0 when nothing is shared. `exclude_ids[i]` (an entry id, or any id not in the index)
        is left out for text i: leave-one-out similarities of the catalogue's own texts, for training."""
        best, similarity = np.full(len(texts), -1), np.zeros(len(texts))
        if not len(self) or not texts:
            return best, similarity
        idf, rare_idf = self._query_weights()
        rows_per_chunk = max(1, MAX_SCORES // len(self))
        for start in range(0, len(texts), rows_per_chunk):
            weights = self._tf(texts[start:start + rows_per_chunk]).multiply(idf).tocsr()
            norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
            query = weights.multiply(rare_idf).tocsr()  # rare n-grams only, times the entries' IDF
            query.eliminate_zeros()
            scores = np.asarray((query @ self.postings).todense())
            scores /= np.maximum(norms, 1e-9)[:, None] * np.maximum(self.norms, 1e-9)[None, :]
            scores[:, ~self.is_hoax] = 0
            if exclude_ids is not None:
                own = np.asarray(exclude_ids[start:start + len(scores)])[:, None] == self.ids[None, :]
                scores[own] = 0
            top = scores.argmax(axis=1)
            chunk = slice(start, start + len(scores))
            similarity[chunk] = scores[np.arange(len(scores)), top]
            best[chunk] = np.where(similarity[chunk] > 0, top, -1)
        return best, similarity

    def match_many(self, texts: list[str]) -> list[Match | None]:
        """For each text, the most similar catalogued hoax at or above the threshold (else None)."""
        best, similarity = self.best_matches(texts)
        return [Match(int(self.ids[b]), round(float(s), 4), self.titles[b], self.urls[b])
                if b >= 0 and s >= self.threshold else None for b, s in zip(best, similarity, strict=True)]

    def match(self, text: str) -> Match | None:
        return self.match_many([text])[0]

    def save(self, path: Path) -> None:
        """Write atomically (temp file + rename) so readers never load half an index."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
            joblib.dump(self, tmp)
        os.replace(tmp.name, path)

    @staticmethod
    def load(path: Path) -> HoaxIndex:
        return joblib.load(path)


class CatalogueMatcher:
    """The index file as one process sees it, reloaded when the file changes (checked at most every
    `TRIAGE_RELOAD_SECONDS`); no file means an empty catalogue."""

    def __init__(self, path: Path):
        self.path = path
        self.index: HoaxIndex | None = None
        self._mtime: int | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def _current(self) -> HoaxIndex | None:
        if time.monotonic() - self._checked_at >= reload_seconds() and self._lock.acquire(blocking=False):
            try:
                self._checked_at = time.monotonic()
                try:
                    mtime = self.path.stat().st_mtime_ns
                except OSError:
                    mtime = None
                if mtime != self._mtime:
                    self.index = HoaxIndex.load(self.path) if mtime is not None else None
                    self._mtime = mtime
            finally:
                self._lock.release()
        return self.index

    def match_many(self, texts: list[str]) -> list[Match | None]:
        index = self._current()
        return index.match_many(texts) if index is not None else [None] * len(texts)


def suggest_with_matches(model, texts: list[str], matches: list[Match | None], districts=None,
                         explain: bool = False) -> list[dict]:
    """`model.suggest_many` with each text's best catalogue match: its similarity weighs into the misinformation
    score, and a match flags the text for verification (with the debunked claim as the first reason)."""
    similarity = [m.similarity if m else 0.0 for m in matches]
    suggestions = model.suggest_many(texts, districts, explain=explain, hoax_similarity=similarity)
    for suggestion, match in zip(suggestions, matches, strict=True):
        if match:
            misinfo = suggestion["misinformation"]
            misinfo["flag"] = True
            misinfo["reasons"] = [f"mirip hoaks yang sudah dibantah: {match.title}", *misinfo["reasons"]]
    return suggestions
