"""Shared fixtures: one model trained on the seed corpus per test session, small CSVs, a registry."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from triage import registry
from triage.config import data_dir
from triage.model import TriageModel

SHARED_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


@pytest.fixture(scope="session")
def seed_frame() -> pd.DataFrame:
    return pd.read_csv(data_dir() / "seed_complaints.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def seed_model(seed_frame) -> TriageModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TriageModel().fit(seed_frame.text, seed_frame.category, seed_frame.agency,
                                 seed_frame.misinformation, seed_frame.district)


@pytest.fixture(scope="session")
def model_registry(tmp_path_factory, seed_model) -> Path:
    """A models/ directory holding the seed model as the active version."""
    root = tmp_path_factory.mktemp("models")
    registry.register(seed_model, root)
    registry.activate(seed_model.version, root)
    return root


@pytest.fixture()
def small_csv(tmp_path, seed_frame) -> Path:
    """300 seed rows as a CSV file."""
    path = tmp_path / "small.csv"
    seed_frame.sample(300, random_state=1).to_csv(path, index=False)
    return path
