"""What the calendar views show, computed from plain rows (no Qt here).

The tab reads one range of ``PlanEntry`` rows per switch and turns them into
an ``Analysis``: the posts of each *local* day (the client's zone, never the
laptop's) and the posting guard's warnings; ``day_notes`` adds each day's
weekday theme, observances and the accounts with nothing planned (gaps). The
rules themselves live in ``smmdesk.core`` (posting guard, themes, gaps,
content mix); this module only feeds them the calendar's rows. The rule
modules are imported where they are first used: the first paint of the
calendar needs none of them.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from smmdesk.core.clock import zone
from smmdesk.store.calendar_queries import UNPLANNED_STATUSES, ClientPlan, PlanEntry

if TYPE_CHECKING:
    from smmdesk.core.gaps import Gap
    from smmdesk.core.observances import Observance
    from smmdesk.core.posting_guard import GuardRule, GuardViolation

DayPosts = list[tuple[datetime, PlanEntry]]  # (local time, post), by local time of day


class DraftRequest(NamedTuple):
    """Start a new draft: emitted by the calendar, handled by the composer.

    ``theme`` and ``observance`` are set when the user picked one to write
    about; ``account_id`` when the draft fills a gap of one account.
    """

    client_id: int | None
    day: date
    account_id: int | None = None
    theme: str | None = None
    observance: str | None = None


class CalendarFilter(NamedTuple):
    """The filter bar's choice; the client comes from the sidebar."""

    account_id: int | None = None
    status: str | None = None
    content_type: str | None = None

    @property
    def active(self) -> bool:
        return not (self.account_id is None and self.status is None and self.content_type is None)

    def matches(self, entry: PlanEntry) -> bool:
        return (
            (self.status is None or entry.status == self.status)
            and (self.content_type is None or entry.content_type == self.content_type)
            and (self.account_id is None or self.account_id in entry.account_ids)
        )


class DayNote(NamedTuple):
    theme: str | None = None
    observances: tuple[Observance, ...] = ()
    warnings: tuple[str, ...] = ()  # posting-guard messages, one line each
    gap_accounts: tuple[int, ...] = ()  # accounts with nothing planned that day


EMPTY_NOTE = DayNote()


class Analysis(NamedTuple):
    posts: dict[date, DayPosts]  # per local day, filtered, in wall-clock order
    warnings: dict[date, list[str]]  # posting-guard messages per local day
    flagged: set[int]  # ids of the posts those messages are about


class GcPause:
    """Pause the cyclic garbage collector while a range is built and painted.

    Reading a month creates some ten thousand small objects that all stay
    alive; the collector would otherwise walk them again and again while they
    are made (a collection per 700 new objects), to find no garbage at all.
    Mercurial's ``util.nogc`` does the same for the same reason. ``resume``
    restores the collector only if ``pause`` was the one to stop it.
    """

    def __init__(self) -> None:
        self._paused = False

    def pause(self) -> None:
        if not self._paused and gc.isenabled():
            gc.disable()
            self._paused = True

    def resume(self) -> None:
        if self._paused:
            self._paused = False
            gc.enable()


def guard_rule(plan: ClientPlan) -> GuardRule:
    from smmdesk.core.posting_guard import GuardRule

    return GuardRule(plan.max_posts_per_day, plan.min_gap_minutes, plan.timezone)


class GuardMemo:
    """``find_violations`` per account and local day, remembered by content.

    The key is the rule and the exact posts looked at (ids and instants), so
    an answer is reused only when it would be the same: after a move only the
    two days involved are judged again, and going back to a month already
    seen costs a dictionary look-up per account and day.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self._memo: dict[tuple[GuardRule, tuple[tuple[int, datetime], ...]], list[GuardViolation]]
        self._memo = {}
        self._limit = limit

    def violations(
        self, rule: GuardRule, posts: tuple[tuple[int, datetime], ...]
    ) -> list[GuardViolation]:
        key = (rule, posts)
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= self._limit:
                self._memo.clear()
            from smmdesk.core.posting_guard import find_violations

            found = self._memo[key] = find_violations(rule, posts)
        return found


def analyse_entries(
    entries: Iterable[PlanEntry],
    flt: CalendarFilter,
    plans: Mapping[int, ClientPlan],
    memo: GuardMemo,
    account_label: Callable[[int], str],
    mixed_zones: bool = False,
) -> Analysis:
    """One pass over a range's posts: the filtered posts per local day, the
    posting-guard messages per local day, and the posts those involve.

    Days are the client's local days; each day's posts are in local time order
    (rows arrive in UTC order, which is local order within one zone; with
    several clients' zones on one calendar each day is sorted by wall clock).
    The guard counts every planned post whatever the status and type filters
    show: a filter narrows what is painted, not what the audience will see.
    Only the account filter narrows the guard, to that account's warnings.
    """
    buckets: dict[date, DayPosts] = {}
    rows = entries if isinstance(entries, list) else list(entries)
    local_days: list[date] = []  # per row, its local day
    # Per account, the row numbers of its planned posts, in time order: an int
    # per post rather than a tuple keeps the garbage collector out of the way.
    planned: dict[int, list[int]] = {}
    client_of: dict[int, int] = {}
    zones: dict[str, tzinfo] = {}
    unplanned = frozenset(UNPLANNED_STATUSES)
    only_account = flt.account_id
    matches = flt.matches if flt.active else None
    for row, entry in enumerate(rows):
        # PlanEntry is a tuple: unpacking beats ten attribute look-ups per post.
        _pid, cid, _colour, zone_name, _body, status, _kind, when, accounts = entry
        tz = zones.get(zone_name)
        if tz is None:
            tz = zones[zone_name] = zone(zone_name)
        local = when.astimezone(tz)
        day = local.date()
        local_days.append(day)
        if matches is None or matches(entry):
            bucket = buckets.get(day)
            if bucket is None:
                buckets[day] = [(local, entry)]
            else:
                bucket.append((local, entry))
        if status in unplanned:
            continue
        for target in accounts:
            if only_account is None or target == only_account:
                numbers = planned.get(target)
                if numbers is None:
                    planned[target] = [row]
                    client_of[target] = cid
                else:
                    numbers.append(row)
    if mixed_zones:
        for items in buckets.values():
            items.sort(key=_wall_clock)

    warnings: dict[date, list[str]] = defaultdict(list)
    flagged: set[int] = set()
    rules: dict[int, GuardRule] = {}
    for target, numbers in planned.items():
        client_id = client_of[target]
        rule = rules.get(client_id)
        if rule is None:
            plan = plans.get(client_id)
            if plan is None:
                continue
            rule = rules[client_id] = guard_rule(plan)
        label = ""
        for day, window in suspect_days(rule, numbers, rows, local_days):
            for violation in memo.violations(rule, window):
                if violation.day == day:
                    label = label or account_label(target)
                    warnings[day].append(f"{label}: {violation.message}")
                    flagged.update(violation.post_ids)
    return Analysis(buckets, dict(warnings), flagged)


def suspect_days(
    rule: GuardRule, numbers: list[int], rows: list[PlanEntry], local_days: list[date]
) -> list[tuple[date, tuple[tuple[int, datetime], ...]]]:
    """The days of one account's posts (row numbers, in time order) that could
    break the guard, each with the posts ``find_violations`` must see: that
    day's, after the post before them (which decides a gap across midnight).

    A cheap screen before ``find_violations``, which decides and words each
    warning: a day can only break the guard with more posts than the limit, or
    with two neighbouring posts closer than the gap. Most days do neither, and
    a month holds a thousand account-days. A test checks that screening
    changes no answer.
    """
    count = len(numbers)
    limit = rule.max_per_day if rule.max_per_day > 0 else count + 1
    gap = timedelta(minutes=rule.min_gap_minutes) if rule.min_gap_minutes > 0 else None
    suspects: list[tuple[date, tuple[tuple[int, datetime], ...]]] = []
    start = 0  # index (into numbers) of the first post of the current day
    while start < count:
        day = local_days[numbers[start]]
        end = start + 1
        while end < count and local_days[numbers[end]] == day:
            end += 1
        first = start - 1 if start else 0
        suspect = end - start > limit
        if not suspect and gap is not None:
            last = rows[numbers[first]][7]
            for n in numbers[first + 1 : end]:
                when = rows[n][7]
                if when - last < gap:
                    suspect = True
                    break
                last = when
        if suspect:
            suspects.append((day, tuple((rows[n][0], rows[n][7]) for n in numbers[first:end])))
        start = end
    return suspects


def _wall_clock(pair: tuple[datetime, PlanEntry]) -> int:
    # Stable sort: posts at the same minute stay in UTC (then id) order.
    local = pair[0]
    return local.hour * 60 + local.minute


def themes_by_client(plans: Mapping[int, ClientPlan]) -> dict[int, dict[int, str]]:
    from smmdesk.core.weekday_themes import parse_themes

    return {client_id: parse_themes(plan.weekday_themes) for client_id, plan in plans.items()}


def day_notes(
    days: list[date],
    themes: Mapping[int, str],
    observances: Mapping[date, list[Observance]],
    warnings: Mapping[date, list[str]],
    gaps: Mapping[date, list[int]],
) -> dict[date, DayNote]:
    """One note per day that has anything to say; other days have none."""
    if themes:
        from smmdesk.core.weekday_themes import theme_for
    notes: dict[date, DayNote] = {}
    for day in days:
        theme = theme_for(day, themes) if themes else None
        seen = observances.get(day, ())
        said = warnings.get(day, ())
        free = gaps.get(day, ())
        if theme or seen or said or free:
            notes[day] = DayNote(theme, tuple(seen), tuple(said), tuple(free))
    return notes


def gaps_by_day(gaps: Iterable[Gap]) -> dict[date, list[int]]:
    by_day: dict[date, list[int]] = defaultdict(list)
    for gap in gaps:
        by_day[gap.day].append(gap.account_id)
    return by_day


def scheduled_days(
    post_times: Mapping[int, list[tuple[int, datetime]]], zone_of: Callable[[int], str]
) -> dict[int, set[date]]:
    """The local days on which each account has a planned post."""
    return {
        account: {when.astimezone(zone(zone_of(account))).date() for _post, when in posts}
        for account, posts in post_times.items()
    }


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=n) for n in range(7)]
