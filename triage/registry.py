"""Model registry under `models/`: one directory per version and an `active` pointer file.

The pointer holds the active version's directory name and is replaced atomically (write temp +
rename), so readers never see a half-written pointer.
"""

from __future__ import annotations

import os
from pathlib import Path

from triage.config import models_dir
from triage.model import CARD_FILE, ModelError, TriageModel

ACTIVE = "active"
HISTORY = "history"  # one activated version per line, oldest first (for rollback)
RETRAIN_LOCK = ".retrain.lock"  # held (flock) by the one `triage retrain` that may run; says who holds it
RETRAIN_STARTED = ".retrain.started"  # "pid N since ..." of a retrain the service started
RETRAIN_LOG = "retrain.log"  # output of retrains started from the service


def retrain_holder(root: Path | None = None) -> str | None:
    """Who runs a retrain ("pid N since ..."), or None: the lock file's text (or the marker a retrain started
    from the service leaves before it takes the lock), checked against the process table, so looking never
    gets in a starting retrain's way."""
    root = root or models_dir()
    for name in (RETRAIN_LOCK, RETRAIN_STARTED):
        try:
            holder = (root / name).read_text(encoding="utf-8").strip()
            pid = int(holder.split()[1])
        except (OSError, IndexError, ValueError):
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue  # it ended (the kernel released its lock if it died)
        except PermissionError:
            pass
        return holder
    return None


def versions(root: Path | None = None) -> list[str]:
    """Registered versions, oldest first (version names sort by creation time)."""
    root = root or models_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / CARD_FILE).is_file())


def active_version(root: Path | None = None) -> str | None:
    pointer = (root or models_dir()) / ACTIVE
    return pointer.read_text(encoding="utf-8").strip() or None if pointer.is_file() else None


def active_dir(root: Path | None = None) -> Path:
    root = root or models_dir()
    version = active_version(root)
    if version is None:
        raise ModelError(f"no active model in {root}; run `triage models ensure-default` or `make model`")
    return root / version


def register(model: TriageModel, root: Path | None = None) -> Path:
    """Save `model` as a new version directory (not activated)."""
    return model.save((root or models_dir()) / model.version)


def _point_to(version: str, root: Path) -> None:
    tmp = root / f".{ACTIVE}.tmp"
    tmp.write_text(version + "\n", encoding="utf-8")
    os.replace(tmp, root / ACTIVE)


def _history(root: Path) -> list[str]:
    path = root / HISTORY
    return path.read_text(encoding="utf-8").split() if path.is_file() else []


def activate(version: str, root: Path | None = None) -> None:
    """Make `version` the active model (atomic pointer swap) and record it for rollback."""
    root = root or models_dir()
    if version not in versions(root):
        raise ModelError(f"unknown model version {version!r} in {root}")
    TriageModel.load(root / version)  # refuse a model that cannot load before anyone relies on it
    _point_to(version, root)
    with open(root / HISTORY, "a", encoding="utf-8") as fh:
        fh.write(version + "\n")


def _history_before_current(root: Path) -> list[str]:
    """The activation history without the current version's trailing entries: its last item is what a
    rollback re-activates."""
    history, current = _history(root), active_version(root)
    while history and history[-1] == current:
        history.pop()
    return history


def rollback_target(root: Path | None = None) -> str | None:
    """The version `rollback` would re-activate, or None when there is none."""
    history = _history_before_current(root or models_dir())
    return history[-1] if history else None


def rollback(root: Path | None = None) -> str:
    """Re-activate the version that was active before the current one; returns it."""
    root = root or models_dir()
    history = _history_before_current(root)
    if not history:
        raise ModelError(f"no earlier activated version to roll back to in {root}")
    previous = history[-1]
    _point_to(previous, root)
    (root / HISTORY).write_text("".join(v + "\n" for v in history), encoding="utf-8")
    return previous
