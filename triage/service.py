"""Use cases behind the CLI, the JSON API and the web UI: one place that validates and suggests."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from triage import registry
from triage.config import max_text_chars, reload_seconds
from triage.hoaxes import CatalogueMatcher, suggest_with_matches
from triage.model import TriageModel
from triage.taxonomy import Taxonomy, load_taxonomy

log = logging.getLogger(__name__)


class InputError(Exception):
    """Input the service cannot accept; `code` is machine-readable, the message is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


INT_MAX = 2**31 - 1  # ids, revisions and cursors are INTEGER columns (32 bits on PostgreSQL)


def whole_number(value: object, code: str, message: str, low: int = 0, high: int = INT_MAX) -> int:
    """`value` when it is an integer (not a boolean) from `low` to `high`, else InputError(code, message)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(code, message)
    return value


def number_in(text: str) -> int | None:
    """A query-string or form value of ASCII digits (not "²" or "５", which Python's `isdigit` also accepts) that an
    INTEGER column holds, as an int; None for anything else."""
    digits = text.strip()
    number = int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 10 else None
    return number if number is not None and number <= INT_MAX else None


def whole_number_text(text: str, code: str, message: str, low: int = 0, high: int = INT_MAX) -> int:
    """`number_in(text)` checked as `whole_number`."""
    return whole_number(number_in(text), code, message, low, high)


class TextTooLong(InputError):
    def __init__(self, length: int, limit: int):
        super().__init__("text_too_long", f"text has {length} characters; the limit is {limit}")


def validate_complaint(payload: object) -> tuple[str, str | None]:
    """(text, district) from a JSON object, or InputError saying which field is wrong."""
    if not isinstance(payload, dict):
        raise InputError("invalid_body", "body must be a JSON object with a 'text' field")
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("invalid_text", "'text' must be a non-empty string")
    limit = max_text_chars()
    if len(text) > limit:
        raise TextTooLong(len(text), limit)
    district = payload.get("district")
    if district is not None and not isinstance(district, str):
        raise InputError("invalid_district", "'district' must be a string when given")
    return text, district or None


class SuggestionService:
    """Suggestions from one loaded model, with Indonesian names from the taxonomy.

    With `registry_root`, `follow_registry()` swaps in the registry's active model when its pointer
    changes (checked at most every `TRIAGE_RELOAD_SECONDS`): the new model is loaded first and the
    reference swapped after, so requests never wait or fail; a model that fails to load is refused,
    the old one stays, and the error is kept in `reload_error`.
    """

    def __init__(self, model: TriageModel, taxonomy: Taxonomy | None = None, registry_root: Path | None = None,
                 catalogue: CatalogueMatcher | None = None):
        self.model = model
        self.catalogue = catalogue
        self.taxonomy = taxonomy or load_taxonomy()
        self.registry_root = registry_root
        self.reload_error: str | None = None
        self._checked_at = time.monotonic()
        self._pointer_mtime = self._mtime()
        self._lock = threading.Lock()

    def _mtime(self) -> float | None:
        if self.registry_root is None:
            return None
        try:
            return (self.registry_root / registry.ACTIVE).stat().st_mtime_ns
        except OSError:
            return None

    @property
    def model_dir(self) -> Path | None:
        """Directory of the model in use, when it comes from the registry."""
        return self.registry_root / self.model.version if self.registry_root else None

    def follow_registry(self) -> None:
        """Load and swap in a newly activated model (cheap when nothing changed)."""
        if self.registry_root is None or time.monotonic() - self._checked_at < reload_seconds():
            return
        if not self._lock.acquire(blocking=False):
            return  # another thread of this process is already checking
        try:
            self._checked_at = time.monotonic()
            mtime = self._mtime()
            if mtime == self._pointer_mtime:
                return
            self._pointer_mtime = mtime
            version = registry.active_version(self.registry_root)
            if version is None or version == self.model.version:
                return
            try:
                model = TriageModel.load(self.registry_root / version)
            except Exception as exc:  # noqa: BLE001 - any failure keeps the old model
                self.reload_error = f"model {version} refused, keeping {self.model.version}: {exc}"
                log.error(self.reload_error)
                return
            self.model, self.reload_error = model, None
            log.warning("now serving model %s", version)
        finally:
            self._lock.release()

    validate = staticmethod(validate_complaint)

    def _named(self, suggestion: dict) -> dict:
        for kind in ("category", "agency"):
            for candidate in suggestion.get(f"{kind}_top", []):
                candidate["name"] = self.taxonomy.name(kind, candidate["code"])
        return suggestion

    def _scored(self, texts: list[str], districts: list[str | None]) -> list[dict]:
        """Model suggestions with the best known-hoax match: its similarity weighs into the misinformation
        score, and a match (similarity >= the catalogue threshold) flags the complaint for verification."""
        matches = self.catalogue.match_many(texts) if self.catalogue is not None else [None] * len(texts)
        suggestions = suggest_with_matches(self.model, texts, matches, districts, explain=True)
        if self.catalogue is not None:
            for suggestion, match in zip(suggestions, matches, strict=True):
                suggestion["misinformation"]["match"] = match.as_dict() if match else None
        return [self._named(s) for s in suggestions]

    def suggest(self, payload: object) -> dict:
        text, district = validate_complaint(payload)
        return self._scored([text], [district])[0]

    def suggest_many(self, texts: list[str], districts: list[str | None]) -> list[dict]:
        """Suggestions with explanations for already validated texts."""
        return self._scored(texts, districts)

    def expected_error_rate(self, threshold: float) -> float | None:
        """Share of wrong top-1 agencies among out-of-fold suggestions at or above `threshold` (from the
        model card's precision curve); None when the card has no curve point at or below it."""
        curve = self.model.metrics.get("out_of_fold", {}).get("agency", {}).get("precision_curve", [])
        points = [p for p in curve if p["threshold"] <= threshold + 1e-9]
        return round(1 - points[-1]["precision"], 4) if points else None

    def known_codes(self, kind: str) -> set[str]:
        """Codes a human may choose: the taxonomy's plus the labels the active model learned."""
        table = self.taxonomy.categories if kind == "category" else self.taxonomy.agencies
        head = self.model.heads.get(kind)
        return set(table) | ({str(c) for c in head.classes} if head else set())

    def require_known(self, kind: str, code: object) -> None:
        if not isinstance(code, str) or code not in self.known_codes(kind):
            raise InputError(f"unknown_{kind}", f"unknown {kind} {code!r}; see the taxonomy (data/taxonomy.csv)")
