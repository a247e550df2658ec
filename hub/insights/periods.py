"""Periods and time windows: how insights bucket events in time.

Events are bucketed by their *local* start (the wall-clock date in the event's own
zone), so an event at 00:30 on 1 April in Berlin counts in April, although it is
still March in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum


class Granularity(str, Enum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


def period_key(day: date, granularity: Granularity) -> str:
    """``2026-03``, ``2026-Q1`` or ``2026``: sortable, and readable in a table."""
    if granularity is Granularity.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    if granularity is Granularity.QUARTER:
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}"


def period_start(key: str) -> date:
    """The first day of a period given by its key."""
    year, _, rest = key.partition("-")
    if not rest:
        return date(int(year), 1, 1)
    if rest.startswith("Q"):
        return date(int(year), (int(rest[1:]) - 1) * 3 + 1, 1)
    return date(int(year), int(rest), 1)


def granularity_of(key: str) -> Granularity:
    if "-Q" in key:
        return Granularity.QUARTER
    return Granularity.MONTH if "-" in key else Granularity.YEAR


def _months_per_period(granularity: Granularity) -> int:
    return {Granularity.MONTH: 1, Granularity.QUARTER: 3, Granularity.YEAR: 12}[granularity]


def shift_period(key: str, steps: int) -> str:
    """The period ``steps`` periods after (negative: before) ``key``."""
    granularity = granularity_of(key)
    start = period_start(key)
    months = start.year * 12 + start.month - 1 + steps * _months_per_period(granularity)
    return period_key(date(months // 12, months % 12 + 1, 1), granularity)


def previous_period(key: str) -> str:
    return shift_period(key, -1)


def period_range(first: str, last: str) -> list[str]:
    """Every period from ``first`` to ``last`` inclusive (empty when ``last`` comes first)."""
    periods: list[str] = []
    current = first
    while period_start(current) <= period_start(last):
        periods.append(current)
        current = shift_period(current, 1)
    return periods


@dataclass(frozen=True)
class TimeWindow:
    """Local dates ``start <= day < end``; an open side is unbounded."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"the time window ends ({self.end}) before it starts ({self.start})")

    def contains(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day < self.end)

    @property
    def is_open(self) -> bool:
        return self.start is None and self.end is None

    def describe(self) -> str:
        return f"{self.start or '…'} – {self.end or '…'}"


#: The window without bounds: every event.
ALL_TIME = TimeWindow()
