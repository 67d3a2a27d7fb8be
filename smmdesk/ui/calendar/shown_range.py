"""The range the calendar shows: its days, its UTC bounds, and what the header says.

Plain functions of the mode (month, week or list) and the anchor day, with
no Qt here, so the tab keeps only the glue. Days are the client's local days
(or each client's, on "All clients"): a range is read from the store between
UTC bounds that cover every zone shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from smmdesk.core.clock import local_to_utc, month_grid, month_name, shift_month
from smmdesk.core.vocabulary import PostStatus
from smmdesk.store.calendar_queries import ClientPlan
from smmdesk.ui.calendar.calendar_data import DayNote, DayPosts, week_of

MONTH, WEEK, LIST = "month", "week", "list"


def visible_days(mode: str, anchor: date) -> list[date]:
    """The days a mode shows around ``anchor``: the month's six weeks, the week,
    or the month's own days for the list."""
    if mode == WEEK:
        return week_of(anchor)
    if mode == LIST:
        first = anchor.replace(day=1)
        following = date(*shift_month(first.year, first.month, 1), 1)
        return [first + timedelta(days=n) for n in range((following - first).days)]
    return month_grid(anchor.year, anchor.month)


def period_days(mode: str, days: list[date], anchor: date) -> list[date]:
    """The days the title names: the month (without the grid's margins) or the week."""
    if mode == WEEK:
        return days
    return [day for day in days if day.month == anchor.month]


def shown_zones(plans: Mapping[int, ClientPlan], client_id: int | None) -> set[str]:
    """The zones whose days are shown: the client's, or every client's."""
    if client_id is not None:
        plan = plans.get(client_id)
        return {(plan.timezone if plan is not None else "") or "UTC"}
    return {plan.timezone for plan in plans.values()} or {"UTC"}


def utc_bounds(first: date, last: date, zone_names: set[str]) -> tuple[datetime, datetime]:
    """The UTC instants from the start of ``first`` to the end of ``last``, in
    every zone shown."""
    following = last + timedelta(days=1)
    start = min(local_to_utc(first, time(), name) for name in zone_names)
    end = max(local_to_utc(following, time(), name) for name in zone_names)
    return start, end


def range_title(mode: str, days: list[date], anchor: date) -> str:
    """ "16 – 22 March 2026" for a week, "March 2026" for a month or a list."""
    if mode != WEEK:
        return month_name(anchor.year, anchor.month)
    first, last = days[0], days[-1]
    if first.month == last.month:
        title = f"{first.day} – {last.day} {last:%B %Y}"
    elif first.year == last.year:
        title = f"{first:%d %b} – {last:%d %b %Y}"
    else:
        title = f"{first:%d %b %Y} – {last:%d %b %Y}"
    return title.lstrip("0")


def range_summary(
    period: list[date],
    posts: Mapping[date, DayPosts],
    notes: Mapping[date, DayNote],
    filtered: bool,
) -> str:
    """The header's one line about the period: posts by status, the days on
    which the posting guard is broken, and whether a filter hides some."""
    counts = Counter([entry[5] for day in period for _local, entry in posts.get(day, ())])
    total = sum(counts.values())
    parts = [f"{total} post{'s' if total != 1 else ''}"]
    for status in (PostStatus.PUBLISHED, PostStatus.SCHEDULED, PostStatus.DRAFT):
        if counts[status]:
            parts.append(f"{counts[status]} {status.label.lower()}")
    if counts[PostStatus.FAILED]:
        parts.append(f"{counts[PostStatus.FAILED]} failed")
    warned = sum(1 for day in period if notes.get(day, DayNote()).warnings)
    if warned:
        parts.append(f"⚠ posting guard broken on {warned} day{'s' if warned != 1 else ''}")
    if filtered:
        parts.append("filtered")
    return " · ".join(parts)
