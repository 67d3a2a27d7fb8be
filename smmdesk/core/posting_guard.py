"""The posting guard: rule 1 of SMM-PRACTICE ("don't post too often").

Each account has a maximum number of posts a day and a minimum gap between
two posts. The composer warns when a time breaks either, and the calendar
marks the posts involved.

Why the rules are counted the way they are:

- A "day" is the *client's* local day, in the client's time zone, not the
  laptop's and not UTC: the audience lives there, and "three posts on
  Tuesday" must mean their Tuesday.
- A gap is real elapsed time (the difference of the UTC instants), so two
  posts around a daylight-saving change are judged by how far apart they
  really are, not by what the wall clock says.
- Only neighbouring posts are compared for gaps: when three posts crowd
  together, every one of them is already in some flagged pair.

Times are aware datetimes (the store returns aware UTC); a naive datetime is
taken to be UTC rather than refused, so a stray one cannot crash a calendar
paint.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from smmdesk.core.clock import to_local

PER_DAY = "per_day"
GAP = "gap"

NEW_POST_ID = 0
"""The id a not-yet-saved post has in :func:`check_slot` results (SQLite ids
start at 1, so 0 never collides)."""

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class GuardRule:
    """One account's limits. A value of 0 or less switches that check off."""

    max_per_day: int
    min_gap_minutes: int
    timezone: str


@dataclass(frozen=True)
class GuardViolation:
    kind: str  # "per_day" | "gap"
    day: date  # the client's local day (for a gap: the day of the later post)
    post_ids: tuple[int, ...]  # in time order
    message: str


def day_label(day: date) -> str:
    """A day as "Tue 14 Apr", in fixed English names whatever the machine's locale."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _sorted(posts: Sequence[tuple[int, datetime]]) -> list[tuple[int, datetime]]:
    return sorted(((post_id, _utc(at)) for post_id, at in posts), key=lambda p: (p[1], p[0]))


def _per_day(rule: GuardRule, posts: list[tuple[int, datetime]]) -> list[GuardViolation]:
    if rule.max_per_day <= 0:
        return []
    by_day: dict[date, list[int]] = defaultdict(list)
    for post_id, at in posts:
        by_day[to_local(at, rule.timezone).date()].append(post_id)
    violations = []
    for day in sorted(by_day):
        ids = by_day[day]
        if len(ids) > rule.max_per_day:
            message = (
                f"{len(ids)} posts on {day_label(day)}; the limit is {rule.max_per_day} a day."
            )
            violations.append(GuardViolation(PER_DAY, day, tuple(ids), message))
    return violations


def _gap_message(rule: GuardRule, first: datetime, second: datetime, minutes: int) -> str:
    a = to_local(first, rule.timezone)
    b = to_local(second, rule.timezone)
    if a.date() == b.date():
        when = f"{a:%H:%M} and {b:%H:%M}"
    else:
        when = f"{_WEEKDAYS[a.weekday()]} {a:%H:%M} and {_WEEKDAYS[b.weekday()]} {b:%H:%M}"
    apart = "1 minute" if minutes == 1 else f"{minutes} minutes"
    return f"Posts at {when} are {apart} apart; keep at least {rule.min_gap_minutes}."


def _gaps(rule: GuardRule, posts: list[tuple[int, datetime]]) -> list[GuardViolation]:
    if rule.min_gap_minutes <= 0:
        return []
    violations: list[GuardViolation] = []
    for (first_id, first), (second_id, second) in itertools.pairwise(posts):
        elapsed = (second - first).total_seconds() / 60
        if elapsed < rule.min_gap_minutes:
            minutes = int(elapsed)  # floor: 119.5 minutes is "119", still short of 120
            violations.append(
                GuardViolation(
                    GAP,
                    to_local(second, rule.timezone).date(),
                    (first_id, second_id),
                    _gap_message(rule, first, second, minutes),
                )
            )
    return violations


def find_violations(rule: GuardRule, posts: Sequence[tuple[int, datetime]]) -> list[GuardViolation]:
    """Everything the posts of ONE account break: per-day first, then gaps.

    ``posts`` are ``(post_id, aware datetime)`` pairs, in any order.
    """
    ordered = _sorted(posts)
    return _per_day(rule, ordered) + _gaps(rule, ordered)


def check_slot(
    rule: GuardRule,
    posts: Sequence[tuple[int, datetime]],
    candidate: datetime,
    moving_post_id: int | None = None,
) -> list[GuardViolation]:
    """What placing a post at ``candidate`` would break, and only that.

    For a move, pass ``moving_post_id``: the post's old time is ignored, and
    the post appears under its id in the violations. A new post appears as
    :data:`NEW_POST_ID`. Violations the candidate is not part of (other days,
    other crowded pairs) are left out: the composer asks about this slot.
    """
    candidate_id = NEW_POST_ID if moving_post_id is None else moving_post_id
    others = [(pid, at) for pid, at in posts if moving_post_id is None or pid != moving_post_id]
    ordered = _sorted([*others, (candidate_id, candidate)])
    candidate_day = to_local(_utc(candidate), rule.timezone).date()
    result = [v for v in _per_day(rule, ordered) if v.day == candidate_day]
    for violation in _gaps(rule, ordered):
        if candidate_id in violation.post_ids:
            result.append(violation)
    return result
