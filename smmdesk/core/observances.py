"""Observances for the content calendar: fun days plus public holidays.

Practitioners recommend posting about unusual and fun days (8 October is
Octopus Day) and about the public holidays of the client's country; the
calendar shows both, and each can start a draft.

- Fun and international days are data, not code: ``resources/observances.json``
  (installed as ``smmdesk.resources``), each entry with the place where the
  day is documented, so that a questionable day can be checked and removed.
  It holds fixed-date days only; it is read once, lazily, on first use.
- Public holidays come from the ``holidays`` package, which tracks moving
  feasts (Easter, Meskel, Eid) and law changes year by year, in English.
  An empty or unknown country simply has no holidays: a typo in a client's
  settings must not break the calendar.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

log = logging.getLogger(__name__)

FUN = "fun"
HOLIDAY = "holiday"
DATA_FILE = "observances.json"


@dataclass(frozen=True)
class Observance:
    day: date
    name: str
    kind: str  # "fun" | "holiday"
    source: str


@dataclass(frozen=True)
class FixedDay:
    """One entry of the data file: the same month and day every year."""

    month: int
    day: int
    name: str
    source: str


def _valid_month_day(month: int, day: int) -> bool:
    try:
        date(2000, month, day)  # a leap year, so 29 February is allowed
    except ValueError:
        return False
    return True


def parse_fixed_days(json_text: str) -> tuple[FixedDay, ...]:
    """The well-formed entries of an observances JSON document.

    Malformed entries (and entries with a ``rule`` instead of a fixed date:
    floating days are not supported yet) are skipped, not fatal.
    """
    try:
        data = json.loads(json_text)
    except ValueError:
        return ()
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return ()
    days = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        month, day = entry.get("month"), entry.get("day")
        name, source = entry.get("name"), entry.get("source")
        if (
            isinstance(month, int)
            and isinstance(day, int)
            and _valid_month_day(month, day)
            and isinstance(name, str)
            and name.strip()
            and isinstance(source, str)
            and source.strip()
        ):
            days.append(FixedDay(month, day, name.strip(), source.strip()))
    return tuple(days)


@cache
def fixed_days() -> tuple[FixedDay, ...]:
    """The bundled fun and international days (read once)."""
    try:
        text = resources.files("smmdesk.resources").joinpath(DATA_FILE).read_text("utf-8")
    except (OSError, ModuleNotFoundError) as error:
        log.warning("observance data not readable: %s", error)
        return ()
    return parse_fixed_days(text)


@cache
def _by_month_day() -> dict[tuple[int, int], tuple[FixedDay, ...]]:
    index: dict[tuple[int, int], list[FixedDay]] = {}
    for entry in fixed_days():
        index.setdefault((entry.month, entry.day), []).append(entry)
    return {key: tuple(value) for key, value in index.items()}


@cache
def _holidays_in(country: str, year: int) -> tuple[tuple[date, str], ...]:
    """Public holidays of ``country`` in ``year``; empty when unknown."""
    if not country:
        return ()
    try:
        import holidays  # imported late: it is slow to import and only needed here

        table = holidays.country_holidays(country, years=year, language="en_US")
        pairs: list[tuple[date, str]] = []
        for day, names in sorted(table.items()):
            # the package joins several holidays on one day with "; "
            pairs.extend((day, name.strip()) for name in str(names).split("; ") if name.strip())
        return tuple(pairs)
    except Exception as error:  # unknown country, or a quirk of the package
        log.info("no public holidays for %r: %s", country, error)
        return ()


def observances_between(start: date, end: date, country: str = "") -> dict[date, list[Observance]]:
    """Every observance from ``start`` up to, not including, ``end``.

    Only days with something on them are keys, in date order; on each day the
    public holidays come first (they matter more to a brand's audience), then
    the fun days by name. ``country`` is an ISO 3166 alpha-2 code ("LV").
    """
    result: dict[date, list[Observance]] = {}
    if end <= start:
        return result
    code = country.strip().upper()
    for year in range(start.year, (end - timedelta(days=1)).year + 1):
        for day, name in _holidays_in(code, year):
            if start <= day < end:
                source = f"holidays package ({code})"
                result.setdefault(day, []).append(Observance(day, name, HOLIDAY, source))
    index = _by_month_day()
    day = start
    while day < end:
        for entry in sorted(index.get((day.month, day.day), ()), key=lambda e: e.name):
            result.setdefault(day, []).append(Observance(day, entry.name, FUN, entry.source))
        day += timedelta(days=1)
    return dict(sorted(result.items()))
