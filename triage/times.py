"""Timestamps as the API writes them (ISO 8601, UTC, `Z`) and reads them (dates or date-times, Asia/Jakarta
when no zone is given); everything stored is naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from triage import deadlines
from triage.service import InputError


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def parse_time(value, field: str, end_of_day: bool = False) -> datetime | None:
    """An ISO 8601 date or date-time (Asia/Jakarta when it has no zone) as naive UTC; None when empty.

    With `end_of_day`, a date alone means the end of that day (the next midnight), so an upper bound
    given as a date includes the whole day."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InputError("invalid_" + field, f"'{field}' must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputError("invalid_" + field, f"'{field}' is not an ISO 8601 date-time: {value!r}") from exc
    if end_of_day and len(value.strip()) == 10:  # YYYY-MM-DD
        moment += timedelta(days=1)
    if moment.tzinfo is None:  # a time without zone is taken as Asia/Jakarta, where complaints arrive
        moment = moment.replace(tzinfo=deadlines.LOCAL)
    return moment.astimezone(UTC).replace(tzinfo=None)
