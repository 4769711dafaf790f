"""Shared fixtures: one model trained on the seed corpus per test session, small CSVs, a registry."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd
import pytest

from training.train import SEED_PARAMS
from triage import registry
from triage.accounts import add_user
from triage.complaints import ComplaintService
from triage.config import data_dir
from triage.model import TriageModel
from triage.service import SuggestionService
from triage.store.db import open_database

SHARED_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


@pytest.fixture(scope="session", autouse=True)
def _own_instance_files(tmp_path_factory):
    """Services and commands started by tests keep their catalogue index and job files in a temporary directory
    (unless a test names its own), never in the checkout's instance/ that `make run` uses."""
    work = tmp_path_factory.mktemp("instance")
    defaults = {"TRIAGE_HOAX_INDEX": str(work / "hoax_index.joblib"), "TRIAGE_JOBS_DIR": str(work / "jobs")}
    before = {name: os.environ.get(name) for name in defaults}
    os.environ.update({name: os.environ.get(name) or value for name, value in defaults.items()})
    yield
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def seed_frame() -> pd.DataFrame:
    return pd.read_csv(data_dir() / "seed_complaints.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def seed_model(seed_frame) -> TriageModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TriageModel(**SEED_PARAMS).fit(seed_frame.text, seed_frame.category, seed_frame.agency,
                                 seed_frame.misinformation, seed_frame.district, groups=seed_frame.group)


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


POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_database():
    """A fresh database on the machine's PostgreSQL; yields its SQLAlchemy URL, drops it afterwards."""
    import uuid

    import psycopg

    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"\nSKIP PostgreSQL tests: no server answers at 127.0.0.1:5432 ({exc})")
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432: {exc}")
    name = f"triage_test_{uuid.uuid4().hex[:10]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_database_url(request, tmp_path_factory):
    """Like `database_url`, shared by the tests of one module (for modules that start a server once)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'triage.db'}"
    else:
        yield from postgres_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The same tests run against a temporary SQLite file and a temporary PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'triage.db'}"
    else:
        yield from postgres_database()


@pytest.fixture()
def world(database_url, seed_model):
    """The complaint service in-process on a fresh database, with a coordinator and a DLH liaison:
    (sessions, service, coordinator, liaison)."""
    _, sessions = open_database(database_url)
    with sessions.begin() as session:
        admin, _ = add_user(session, "admin", "coordinator")
        liaison, _ = add_user(session, "dlh", "agency", agency="DLH")
    return sessions, ComplaintService(SuggestionService(seed_model)), admin, liaison
