"""The response clock: reply deadlines counted in the client's working time.

Practitioners promise an answer within a number of *working* hours (six by
default, SMM-PRACTICE rule 8): a comment that arrives on Friday night is not
late on Saturday morning when the client's office is closed. So the clock only
runs while the client is open: on its working days, between its opening and
closing time, in its own time zone, and never on a public holiday of its
country.

Each day's opening hours are built as wall-clock times in the client's zone
and then converted to UTC instants; on a day when the clocks change, the
interval is therefore real elapsed time (an 08:00-18:00 day is nine or eleven
hours long when the change falls inside it). Intervals are kept as integer
microseconds since the Unix epoch, so ``working_minutes_between(received,
deadline(received, h))`` is exactly ``h * 60`` whatever the rounding.

A sync may compute ten thousand deadlines at once, so each day's interval is
cached per (working time, date); a deadline then costs a few microseconds per
day it walks over.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from smmdesk.core.clock import zone
from smmdesk.core.observances import _holidays_in

if TYPE_CHECKING:
    from smmdesk.core.client_rules import ClientSettings

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
_MINUTE_US = 60_000_000
_HOUR_US = 60 * _MINUTE_US
_ONE_DAY = timedelta(days=1)

#: Days without a single working day after which a walk gives up: a client
#: with no working days at all (or hours that end before they start) has no
#: deadline, and the walk must not loop forever looking for one.
MAX_IDLE_DAYS = 400
#: Longest walk for one deadline (about 40 years of calendar days).
MAX_WALK_DAYS = 15_000


@dataclass(frozen=True)
class WorkingTime:
    """When a client is open: its zone, daily hours and working days.

    ``start_minute``/``end_minute`` are minutes after local midnight
    (``end_minute`` may be 1440, midnight at the end of the day);
    ``work_days`` counts Monday as 0. ``country`` is an ISO 3166 alpha-2
    code whose public holidays are days off; "" means no holidays.
    Frozen and hashable, so it keys the per-day cache.
    """

    zone: str
    start_minute: int
    end_minute: int
    work_days: tuple[int, ...]
    country: str = ""

    @classmethod
    def from_settings(cls, settings: ClientSettings) -> WorkingTime:
        return cls(
            zone=settings.timezone or "UTC",
            start_minute=settings.work_start_minute,
            end_minute=settings.work_end_minute,
            work_days=tuple(sorted(set(settings.work_days))),
            country=settings.country,
        )

    @classmethod
    def from_columns(
        cls, zone_name: str | None, start: int, end: int, days: str | None, country: str | None
    ) -> WorkingTime:
        """From a client's stored columns (``work_days`` as "0,1,2,3,4"); a
        client with no readable working days gets Monday to Friday, so the
        clock always has somewhere to run."""
        from smmdesk.core.client_rules import parse_work_days

        work_days = parse_work_days(days or "") or (0, 1, 2, 3, 4)
        return cls(zone_name or "UTC", start, end, work_days, country or "")

    def is_holiday(self, day: date) -> bool:
        """Whether ``day`` (a local date) is a public holiday of the country."""
        return is_public_holiday(self.country, day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.work_days and not self.is_holiday(day)


@cache
def _holiday_dates(country: str, year: int) -> frozenset[date]:
    """The public holidays of ``country`` in ``year`` (from core.observances)."""
    return frozenset(day for day, _name in _holidays_in(country, year))


def is_public_holiday(country: str, day: date) -> bool:
    """Whether ``day`` is a public holiday in ``country``; unknown countries have none."""
    code = country.strip().upper()
    return bool(code) and day in _holiday_dates(code, day.year)


def _to_us(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICRO


def _from_us(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def _wall_time(minute: int) -> tuple[int, time]:
    """``minute`` after midnight as (days to add, wall time); 1440 is next midnight."""
    minute = max(0, min(minute, 24 * 60))
    if minute == 24 * 60:
        return 1, time(0, 0)
    return 0, time(minute // 60, minute % 60)


@lru_cache(maxsize=16_384)
def _day_interval(hours: WorkingTime, day: date) -> tuple[int, int] | None:
    """The open interval of local ``day`` in epoch microseconds, or None if closed."""
    if not hours.is_working_day(day):
        return None
    tz = zone(hours.zone)
    start_shift, start_at = _wall_time(hours.start_minute)
    end_shift, end_at = _wall_time(hours.end_minute)
    try:
        opens = datetime.combine(day + timedelta(days=start_shift), start_at, tzinfo=tz)
        closes = datetime.combine(day + timedelta(days=end_shift), end_at, tzinfo=tz)
    except OverflowError:  # the last day of the calendar
        return None
    open_us, close_us = _to_us(opens), _to_us(closes)
    if close_us <= open_us:  # hours that end before they start: closed
        return None
    return open_us, close_us


def _local_day(moment: datetime, hours: WorkingTime) -> date:
    return moment.astimezone(zone(hours.zone)).date()


def _checked(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment


def deadline(received: datetime, target_hours: float, hours: WorkingTime) -> datetime:
    """The aware-UTC instant when ``target_hours`` of working time have passed.

    The count starts at ``received`` if the client is open then, otherwise at
    its next opening. A target of zero or less is due at ``received``. Raises
    ValueError for a naive ``received``, a target that is not a number, or
    working time that never comes (no working day within MAX_IDLE_DAYS).
    """
    _checked(received, "received")
    if math.isnan(target_hours) or math.isinf(target_hours):
        raise ValueError("The reply target must be a number of hours.")
    if target_hours <= 0:
        return received.astimezone(UTC)
    remaining = round(target_hours * _HOUR_US)
    now = _to_us(received)
    day = _local_day(received, hours)
    idle = 0
    try:
        for _ in range(MAX_WALK_DAYS):
            interval = _day_interval(hours, day)
            day += _ONE_DAY
            if interval is None:
                idle += 1
                if idle > MAX_IDLE_DAYS:
                    raise ValueError(
                        f"The client has no working time in {MAX_IDLE_DAYS} days "
                        "(check its working days and hours)."
                    )
                continue
            idle = 0
            opens, closes = interval
            if closes <= now:
                continue
            begin = max(opens, now)
            if remaining <= closes - begin:
                return _from_us(begin + remaining)
            remaining -= closes - begin
    except OverflowError:
        pass
    raise ValueError("The reply target is too long to count in working time.")


def working_minutes_between(start: datetime, end: datetime, hours: WorkingTime) -> float:
    """Working minutes in [start, end); negative (minus [end, start)) if end < start.

    Used for the time left (now to the deadline), how overdue an item is, and
    response times in analytics.
    """
    _checked(start, "start")
    _checked(end, "end")
    begin, finish = _to_us(start), _to_us(end)
    if finish < begin:
        return -working_minutes_between(end, start, hours)
    if finish == begin:
        return 0.0
    total = 0
    day = _local_day(start, hours)
    last = _local_day(end, hours)
    while day <= last:
        interval = _day_interval(hours, day)
        if interval is not None:
            opens, closes = interval
            low, high = max(opens, begin), min(closes, finish)
            if high > low:
                total += high - low
        if day == date.max:
            break
        day += _ONE_DAY
    return total / _MINUTE_US


def _hours_minutes(minutes: int) -> str:
    whole_hours, rest = divmod(minutes, 60)
    if not whole_hours:
        return f"{rest} min"
    if not rest:
        return f"{whole_hours} h"
    return f"{whole_hours} h {rest} min"


def format_time_left(minutes: float) -> str:
    """Working minutes left as short text: "2 h 15 min left", "overdue by 5 min".

    Time left is rounded up (44.5 minutes left shows as 45: the item is not
    yet due at "44"); time overdue is rounded down. Under a minute either way
    reads "due now". Not a number gives "".
    """
    if math.isnan(minutes) or math.isinf(minutes):
        return ""
    if minutes >= 0:
        whole = math.ceil(minutes)
        return f"{_hours_minutes(whole)} left" if whole else "due now"
    whole = math.floor(-minutes)
    return f"overdue by {_hours_minutes(whole)}" if whole else "due now"
