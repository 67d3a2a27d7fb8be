"""Dates and labels as the review pack prints them, in plain English.

The pack is read by a client on paper, so it says "Monday 2 March 2026" and
"2–15 March 2026" rather than ISO dates, and the content types and statuses
by their labels. Written out here instead of with ``strftime`` so that the
laptop's locale never changes what the client reads.
"""

from __future__ import annotations

from datetime import date

from smmdesk.core.vocabulary import ContentType, PostStatus

__all__ = ["enum_label", "format_day", "format_range", "short_day"]

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def format_day(day: date) -> str:
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_day(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_range(first: date, last: date) -> str:
    """ "2–15 March 2026", "28 February – 15 March 2026", or with both years."""
    if first == last:
        return short_day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {_MONTHS[last.month - 1]} {last.year}"
    if first.year == last.year:
        return f"{first.day} {_MONTHS[first.month - 1]} – {short_day(last)}"
    return f"{short_day(first)} – {short_day(last)}"


def enum_label(enum_type: type[ContentType] | type[PostStatus], value: str) -> str:
    """The label of a stored content type or status; the raw value if it is unknown."""
    try:
        return enum_type(value).label
    except ValueError:
        return value
