"""Planning aids beside the calendar: observances, gaps, the content mix.

Plain Python over the sqlite3 reader (no Qt); loaded with the rest of the
calendar's first load, after its first paint. The rules themselves are in
``smmdesk.core`` (observances, gaps, content_mix); this module gives them the
calendar's rows and remembers what does not change (observances).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta

from smmdesk.core.clock import local_to_utc, zone
from smmdesk.core.content_mix import MixReport, analyse_mix, parse_target_mix
from smmdesk.core.gaps import Gap, find_gaps
from smmdesk.core.observances import Observance, observances_between
from smmdesk.store.calendar_queries import (
    ClientPlan,
    Source,
    account_post_times,
    content_type_counts,
)
from smmdesk.store.queries import AccountRow
from smmdesk.ui.calendar.calendar_data import scheduled_days

GAP_DAYS = 7


class ObservanceBook:
    """Observances of several countries, merged per range and remembered:
    they are fixed data, and going back to a month should not recount them."""

    def __init__(self, limit: int = 64) -> None:
        self._merged: dict[tuple[date, date, tuple[str, ...]], dict[date, list[Observance]]] = {}
        self._limit = limit

    def between(
        self, first: date, end: date, countries: Iterable[str]
    ) -> dict[date, list[Observance]]:
        """Days in [first, end) with their observances; a fun day shared by two
        countries is listed once."""
        key = (first, end, tuple(countries))
        found = self._merged.get(key)
        if found is not None:
            return found
        merged: dict[date, list[Observance]] = defaultdict(list)
        seen: set[tuple[date, str]] = set()
        for country in key[2]:
            for day, items in observances_between(first, end, country).items():
                if not first <= day < end:
                    continue
                for item in items:
                    if (day, item.name) not in seen:
                        seen.add((day, item.name))
                        merged[day].append(item)
        if len(self._merged) >= self._limit:
            self._merged.clear()
        found = self._merged[key] = dict(merged)
        return found


def account_gaps(
    source: Source,
    accounts: list[AccountRow],
    plans: Mapping[int, ClientPlan],
    now: datetime,
    client_id: int | None = None,
    days: int = GAP_DAYS,
) -> list[Gap]:
    """Days of the next ``days`` (each account's client's days, from its today)
    on which an account has nothing planned."""
    if not accounts:
        return []
    times = account_post_times(
        source,
        now - timedelta(days=1),
        now + timedelta(days=days + 1),
        client_id=client_id,
        account_ids=[a.id for a in accounts],
    )
    client_of = {a.id: a.client_id for a in accounts}

    def zone_of(account_id: int) -> str:
        plan = plans.get(client_of[account_id])
        return plan.timezone if plan is not None else "UTC"

    planned = scheduled_days(times, zone_of)
    by_client: dict[int, list[int]] = defaultdict(list)
    for account in accounts:
        by_client[account.client_id].append(account.id)
    gaps: list[Gap] = []
    for account_ids in by_client.values():
        today = now.astimezone(zone(zone_of(account_ids[0]))).date()
        gaps += find_gaps(today, {a: planned.get(a, set()) for a in account_ids}, days)
    return gaps


def content_mix(
    source: Source,
    first: date,
    last: date,
    zone_name: str,
    client_id: int | None,
    plan: ClientPlan | None,
) -> tuple[MixReport, str]:
    """The mix of content types planned from ``first`` to ``last`` (local days)
    against the client's target, and a caption saying what was counted."""
    start = local_to_utc(first, time(), zone_name)
    end = local_to_utc(last + timedelta(days=1), time(), zone_name)
    counts = content_type_counts(source, start, end, client_id)
    target = parse_target_mix(plan.target_mix) if plan is not None else {}
    report = analyse_mix(counts, target)
    total = sum(counts.values())
    caption = (
        f"{first:%a %d %b} – {last:%a %d %b} · {total} planned post{'s' if total != 1 else ''}"
    )
    if plan is None:
        caption += " · all clients, no target"
    elif not target:
        caption += " · no target mix set for this client"
    return report, caption


def observance_countries(plans: Mapping[int, ClientPlan], client_id: int | None) -> list[str]:
    """The countries whose observances are shown: the client's, or every client's."""
    if client_id is not None:
        plan = plans.get(client_id)
        return [plan.country if plan is not None else ""]
    countries = sorted({plan.country for plan in plans.values() if plan.country})
    return countries or [""]


def mix_days(key: str, period: list[date], today: date) -> tuple[date, date, str]:
    """The first and last day of the content mix's range, and its name: the
    shown period, this week or next week (Monday to Sunday)."""
    if key == "shown":
        return period[0], period[-1], "Shown period"
    monday = today - timedelta(days=today.weekday())
    if key == "next_week":
        monday += timedelta(days=7)
    return (
        monday,
        monday + timedelta(days=6),
        "This week" if key == "this_week" else "Next week",
    )
