"""Time-zone rules: store UTC, show each client's own wall clock.

A scheduled post means one instant whatever zone the laptop is in (DESIGN
invariant 6), so every conversion goes through the client's IANA zone, never
through the machine's local time.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def zone(name: str) -> ZoneInfo:
    """The zone called ``name``; UTC for an empty or unknown name."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@cache
def zone_names() -> tuple[str, ...]:
    """IANA zone names for a picker: the Area/City ones, sorted."""
    return tuple(sorted(n for n in available_timezones() if "/" in n and not n.startswith("Etc")))


def as_utc(moment: datetime, name: str) -> datetime:
    """``moment`` in UTC; a naive datetime is refused, naming the argument.

    A naive time could mean the laptop's zone or the client's, so the
    exports and decisions that take one from a caller refuse to guess.
    """
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment.astimezone(UTC)


def to_local(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(zone(zone_name))


def local_to_utc(day: date, at: time, zone_name: str) -> datetime:
    """A wall-clock time in a client's zone as a UTC instant."""
    return datetime.combine(day, at, tzinfo=zone(zone_name)).astimezone(UTC)


def month_grid(year: int, month: int, first_weekday: int = 0) -> list[date]:
    """The 42 days (6 weeks) a month view shows, starting on ``first_weekday``."""
    first = date(year, month, 1)
    offset = (first.weekday() - first_weekday) % 7
    start = first - timedelta(days=offset)
    return [start + timedelta(days=i) for i in range(42)]


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def month_name(year: int, month: int) -> str:
    return f"{calendar.month_name[month]} {year}"
