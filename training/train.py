"""Train a TriageModel from labelled tables, and build the default model from data/."""

from __future__ import annotations

from pathlib import Path

from training.data import Columns, DataError, column_or_none, read_tables
from triage import registry
from triage.config import data_dir
from triage.model import TriageModel


def train(paths: list[str | Path], columns: Columns | None = None, **params) -> TriageModel:
    """Fit every head whose label column exists in the data."""
    columns = columns or Columns()
    frame = read_tables(paths, columns)
    labels = {head: column_or_none(frame, col) for head, col in columns.labels().items()}
    if all(v is None for v in labels.values()):
        raise DataError(f"{', '.join(map(str, paths))}: none of the label columns "
                        f"{', '.join(columns.labels().values())} is present")
    return TriageModel(**params).fit(frame[columns.text].tolist(), district=column_or_none(frame, columns.district),
                                     **labels)


def ensure_default(root: Path | None = None) -> tuple[str, bool]:
    """Make sure a model is active; train one from the seed corpus when none is. Returns (version, built)."""
    current = registry.active_version(root)
    if current and current in registry.versions(root):
        return current, False
    model = train([data_dir() / "seed_complaints.csv"])
    registry.register(model, root)
    registry.activate(model.version, root)
    return model.version, True
