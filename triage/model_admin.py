"""Model registry use cases for people: list versions with their cards, activate, roll back (audited).

Activation only moves the registry's `active` pointer; every running worker follows it
(`SuggestionService.follow_registry`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path

from triage import registry
from triage.accounts import Principal
from triage.complaints import Conflict, NotFound
from triage.model import CARD_FILE, ModelError
from triage.store.tables import AuditEvent, utcnow

REPORT_DIR = "evaluation"  # where `triage retrain` writes a candidate's report, inside its version directory
LOG_LINES = 20  # lines of the retrain log shown with the model list


class RetrainRunning(Conflict):
    """A retrain is already running."""

    def __init__(self, holder: str):
        super().__init__(f"a retrain is already running ({holder})", 0)


def _summary(card: dict) -> dict:
    oof = card.get("metrics", {}).get("out_of_fold", {})
    gate = card.get("retrain", {}).get("gate")
    return {"version": card.get("version"), "created_at": card.get("created_at"),
            "rows": card.get("data", {}).get("rows"), "labelled": card.get("data", {}).get("labelled", {}),
            "parent": card.get("parent"), "who": card.get("who"), "reason": card.get("reason"),
            "status": card.get("status"),
            "gate": {"passed": gate["passed"], "failed": [f["rule"] for f in gate["failed"]]} if gate else None,
            "metrics": {head: {k: v for k, v in values.items() if k != "precision_curve"}
                        for head, values in oof.items()}}


def list_models(principal: Principal, root: Path | None) -> dict:
    """Registered versions (newest first) with their card summaries, which one is active and which one a
    rollback would re-activate."""
    principal.require("stats")
    if root is None:
        return {"active": None, "versions": [], "registry": False}
    active = registry.active_version(root)
    versions = []
    for version in reversed(registry.versions(root)):
        card = json.loads((root / version / CARD_FILE).read_text(encoding="utf-8"))
        versions.append({**_summary(card), "active": version == active})
    return {"active": active, "versions": versions, "registry": True, "retrain": retrain_status(root),
            "rollback_to": registry.rollback_target(root)}


def retrain_status(root: Path) -> dict:
    """Whether a retrain runs now (and who started it) and the end of the log of retrains started here."""
    try:
        with open(root / registry.RETRAIN_LOG, encoding="utf-8", errors="replace") as fh:
            tail = [line.rstrip("\n") for line in deque(fh, LOG_LINES)]
    except OSError:
        tail = []
    return {"running": registry.retrain_holder(root), "log": tail}


def start_retrain(session_factory, principal: Principal, root: Path | None, reason: str | None) -> dict:
    """Start `triage retrain` in its own process (it trains, gates, registers and promotes as from cron; the
    running workers follow a promotion). Its one-line verdict or error goes to `models/retrain.log` (the full
    summary is in the new version's card and report); one audit event."""
    principal.require("models")
    if root is None:
        raise ModelError("this service runs a fixed model directory, not the registry")
    holder = registry.retrain_holder(root)
    if holder:
        raise RetrainRunning(holder)
    reason = (reason or "").strip()[:200] or "diminta dari layanan"
    command = [sys.executable, "-m", "triage.cli", "retrain", "--by", principal.username, "--reason", reason]
    with open(root / registry.RETRAIN_LOG, "a", encoding="utf-8") as log:
        log.write(f"== {utcnow():%Y-%m-%d %H:%M:%S} UTC retrain requested by {principal.username}: {reason}\n")
        log.flush()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, stdin=subprocess.DEVNULL,
                                 env={**os.environ, "TRIAGE_MODELS_DIR": str(root)}, start_new_session=True)
    (root / registry.RETRAIN_STARTED).write_text(f"pid {child.pid} since {utcnow():%Y-%m-%d %H:%M:%S} UTC\n",
                                                 encoding="utf-8")
    threading.Thread(target=child.wait, name="triage-retrain-reaper", daemon=True).start()
    _audit(session_factory, principal, "model.retrain_requested", reason=reason, pid=child.pid)
    return {"status": "started", "pid": child.pid, "reason": reason}


def retrain_report(principal: Principal, root: Path | None, version: str) -> dict:
    """The retraining summary in a version's card (gate verdict, holdout, old vs new metrics)."""
    principal.require("stats")
    card_path = root / version / CARD_FILE if root is not None and version in registry.versions(root) else None
    if card_path is None:
        raise NotFound(f"unknown model version {version!r}")
    card = json.loads(card_path.read_text(encoding="utf-8"))
    if "retrain" not in card:
        raise NotFound(f"model {version} was not built by `triage retrain`; it has no gate report")
    return {"version": version, "parent": card.get("parent"), "who": card.get("who"), "reason": card.get("reason"),
            "status": card.get("status"), **card["retrain"]}


def report_file(principal: Principal, root: Path | None, version: str) -> Path:
    """Directory of a version's HTML report and PNGs (for serving them)."""
    retrain_report(principal, root, version)
    return root / version / REPORT_DIR


def activate(session_factory, principal: Principal, root: Path | None, version: str) -> dict:
    """Make `version` active (refused when it cannot load); one audit event."""
    principal.require("models")
    if root is None:
        raise ModelError("this service runs a fixed model directory, not the registry")
    previous = registry.active_version(root)
    registry.activate(version, root)
    _audit(session_factory, principal, "model.activated", version=version, previous=previous)
    return {"active": version, "previous": previous}


def rollback(session_factory, principal: Principal, root: Path | None) -> dict:
    """Re-activate the previously active version; one audit event."""
    principal.require("models")
    if root is None:
        raise ModelError("this service runs a fixed model directory, not the registry")
    previous = registry.active_version(root)
    version = registry.rollback(root)
    _audit(session_factory, principal, "model.rolled_back", version=version, previous=previous)
    return {"active": version, "previous": previous}


def _audit(session_factory, principal: Principal, action: str, **detail) -> None:
    with session_factory.begin() as session:
        session.add(AuditEvent(at=utcnow(), user_id=principal.id, action=action, detail=detail))
