"""The gap finder: days in the coming week on which an account has no post.

SMM-PRACTICE: "keep a to-do list so that the next week has no empty days".
The calendar asks this once per paint, so it is plain set arithmetic over
days the caller has already turned into the client's local dates (use
``clock.to_local(...).date()``: a post at 00:30 Riga time belongs to that
Riga day even though it is the day before in UTC).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Gap:
    account_id: int
    day: date


def find_gaps(
    today: date, scheduled_days: Mapping[int, Iterable[date]], days: int = 7
) -> list[Gap]:
    """For each account (the mapping's keys), the days from ``today`` through
    ``today + days - 1`` with no post; sorted by day, then account id.

    An account with an empty iterable has a gap on every day, which is the
    point: it is an account nobody is planning for.
    """
    window = [today + timedelta(days=offset) for offset in range(max(days, 0))]
    gaps: list[Gap] = []
    for account_id, account_days in scheduled_days.items():
        taken = set(account_days)
        gaps.extend(Gap(account_id, day) for day in window if day not in taken)
    gaps.sort(key=lambda gap: (gap.day, gap.account_id))
    return gaps
