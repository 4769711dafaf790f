"""Use cases behind the CLI, the JSON API and the web UI: one place that validates and suggests."""

from __future__ import annotations

from triage.config import max_text_chars
from triage.model import TriageModel
from triage.taxonomy import Taxonomy, load_taxonomy


class InputError(Exception):
    """Input the service cannot accept; `code` is machine-readable, the message is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


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
    """Suggestions from one loaded model, with Indonesian names from the taxonomy."""

    def __init__(self, model: TriageModel, taxonomy: Taxonomy | None = None):
        self.model = model
        self.taxonomy = taxonomy or load_taxonomy()

    validate = staticmethod(validate_complaint)

    def _named(self, suggestion: dict) -> dict:
        for kind in ("category", "agency"):
            for candidate in suggestion.get(f"{kind}_top", []):
                candidate["name"] = self.taxonomy.name(kind, candidate["code"])
        return suggestion

    def suggest(self, payload: object) -> dict:
        text, district = validate_complaint(payload)
        return self._named(self.model.suggest(text, district))

    def suggest_many(self, texts: list[str], districts: list[str | None]) -> list[dict]:
        """Suggestions with explanations for already validated texts."""
        return [self._named(s) for s in self.model.suggest_many(texts, districts, explain=True)]

    def known_codes(self, kind: str) -> set[str]:
        """Codes a human may choose: the taxonomy's plus the labels the active model learned."""
        table = self.taxonomy.categories if kind == "category" else self.taxonomy.agencies
        head = self.model.heads.get(kind)
        return set(table) | ({str(c) for c in head.classes} if head else set())

    def require_known(self, kind: str, code: object) -> None:
        if not isinstance(code, str) or code not in self.known_codes(kind):
            raise InputError(f"unknown_{kind}", f"unknown {kind} {code!r}; see the taxonomy (data/taxonomy.csv)")
