"""Scoring many complaints: chunks spread over worker processes, each loading the model once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from triage.model import TriageModel


@lru_cache(maxsize=2)
def worker_model(model_dir: str) -> TriageModel:
    """The model for `model_dir`, loaded once per process (pool workers reuse it across chunks)."""
    return TriageModel.load(Path(model_dir))


def suggest_chunk(model_dir: str, texts: list[str]) -> list[dict]:
    """Suggestions (without explanations) for one chunk of texts."""
    return worker_model(model_dir).suggest_many(texts)


def suggest_all(model_dir: str | Path, texts: list[str], jobs: int = 1, chunk_size: int = 2000) -> list[dict]:
    """Suggestions for every text in order, using `jobs` processes (joblib/loky)."""
    chunks = [texts[i:i + chunk_size] for i in range(0, len(texts), chunk_size)]
    if jobs <= 1:
        return [s for chunk in chunks for s in suggest_chunk(str(model_dir), chunk)]
    from joblib import Parallel, delayed

    results = Parallel(n_jobs=jobs)(delayed(suggest_chunk)(str(model_dir), chunk) for chunk in chunks)
    return [s for chunk in results for s in chunk]
