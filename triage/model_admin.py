"""Model registry use cases for people: list versions with their cards, activate, roll back (audited).

Activation only moves the registry's `active` pointer; every running worker follows it
(`SuggestionService.follow_registry`).
"""

from __future__ import annotations

import json
from pathlib import Path

from triage import registry
from triage.accounts import Principal
from triage.complaints import NotFound
from triage.model import CARD_FILE, ModelError
from triage.store.tables import AuditEvent, utcnow

REPORT_DIR = "evaluation"  # where `triage retrain` writes a candidate's report, inside its version directory


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
    """Registered versions (newest first) with their card summaries and which one is active."""
    principal.require("stats")
    if root is None:
        return {"active": None, "versions": [], "registry": False}
    active = registry.active_version(root)
    versions = []
    for version in reversed(registry.versions(root)):
        card = json.loads((root / version / CARD_FILE).read_text(encoding="utf-8"))
        versions.append({**_summary(card), "active": version == active})
    return {"active": active, "versions": versions, "registry": True}


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
