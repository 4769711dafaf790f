"""SOP deadlines in Indonesian working days (weekends and national holidays from `holidays.ID`).

Routing is due within `TRIAGE_ROUTING_DAYS` (3) working days of receipt, the agency's response within
`TRIAGE_RESPONSE_DAYS` (5) working days of routing, resolution within `TRIAGE_RESOLUTION_DAYS` (60)
calendar days of receipt. A deadline falls at the end of its day in Asia/Jakarta time; times are
naive UTC like everything stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from triage import config

LOCAL = ZoneInfo("Asia/Jakarta")


@lru_cache(maxsize=64)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("ID", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def _local_date(moment: datetime) -> date:
    return moment.replace(tzinfo=UTC).astimezone(LOCAL).date()


def _end_of_local_day(day: date) -> datetime:
    end = datetime.combine(day, time(23, 59, 59), tzinfo=LOCAL)
    return end.astimezone(UTC).replace(tzinfo=None)


def add_working_days(start: datetime, days: int) -> datetime:
    """End of the `days`-th working day after the local date of `start` (naive UTC in and out)."""
    return _working_days_after(_local_date(start), days)


@lru_cache(maxsize=8192)
def _working_days_after(day: date, days: int) -> datetime:
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return _end_of_local_day(day)


@dataclass(frozen=True)
class Sop:
    """The SOP periods, read from the settings once (reading them costs more than a cached deadline)."""

    routing: int
    response: int
    resolution: int

    @classmethod
    def from_settings(cls) -> Sop:
        return cls(**config.sop_days())

    def routing_due(self, received_at: datetime) -> datetime:
        return add_working_days(received_at, self.routing)

    def resolution_due(self, received_at: datetime) -> datetime:
        return _end_of_local_day(_local_date(received_at) + timedelta(days=self.resolution))

    def response_due(self, routed_at: datetime, received_at: datetime) -> datetime:
        """The agency's response deadline, never later than the resolution deadline."""
        return min(add_working_days(routed_at, self.response), self.resolution_due(received_at))


def routing_due(received_at: datetime) -> datetime:
    return Sop.from_settings().routing_due(received_at)


def resolution_due(received_at: datetime) -> datetime:
    return Sop.from_settings().resolution_due(received_at)


def response_due(routed_at: datetime, received_at: datetime) -> datetime:
    """The agency's response deadline, never later than the resolution deadline."""
    return Sop.from_settings().response_due(routed_at, received_at)
