"""Every number the Analytics tab and the client report show: ONE read API.

Both the tab and the PDF report call these functions, so a number in the
report is the number on the screen. Each takes the GUI's read-only
``sqlite3`` connection (``StoreReader.db``, or any connection to the
database) and ONE client id: every query is scoped to that client's
accounts, so a report can never carry another client's data.

Periods are local dates in the client's zone (``core.analytics.Period``,
end inclusive) turned into UTC bounds here; times are stored as naive UTC
text (``queries.to_stored``) and come back as aware UTC datetimes.

"Not available" is ``None``: a network without a number stored NULL
(migration 0006) and it stays None up to the chart, which says "not
available" instead of drawing a zero.
"""

from __future__ import annotations

import sqlite3
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime

from smmdesk.core.analytics import (
    Change,
    GoalProjection,
    Period,
    ResponseItem,
    ResponseStats,
    change,
    project_goal,
    response_stats,
)
from smmdesk.core.clock import to_local
from smmdesk.store.analytics_posts import (
    PREVIEW_CHARS,
    ClientFacts,
    Consistency,
    ContentTypeRow,
    PostResult,
    TargetMetrics,
    WeekCount,
    best_time_heat_map,
    bottom_posts,
    client_facts,
    consistency,
    content_performance,
    period_bounds,
    posts_in_period,
    top_posts,
)
from smmdesk.store.inbox_queries import LeaderRow
from smmdesk.store.inbox_queries import audience_leaders as _inbox_leaders
from smmdesk.store.queries import from_stored, to_stored

__all__ = [
    "PREVIEW_CHARS",
    "AccountSeries",
    "AccountSummary",
    "ClientFacts",
    "CompetitorSeries",
    "Consistency",
    "ContentTypeRow",
    "Goal",
    "InboxPerformance",
    "KeyNumbers",
    "LeaderRow",
    "PostResult",
    "TargetMetrics",
    "WeekCount",
    "account_summaries",
    "audience_leaders",
    "best_time_heat_map",
    "bottom_posts",
    "client_facts",
    "competitor_series",
    "consistency",
    "content_performance",
    "follower_series",
    "goal_for",
    "inbox_performance",
    "key_numbers",
    "last_measured_at",
    "period_bounds",
    "posts_in_period",
    "report_note",
    "top_posts",
]


# --- followers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    account_id: int
    target_followers: int
    by_date: date  # local date; the goal is due at its end


@dataclass(frozen=True)
class AccountSeries:
    """Followers of one account over a period: one point per local day.

    ``points`` holds the last known count of each local day that has one
    (days the network gave no number are absent, not zero); ``available`` is
    False when the network never gave a follower count for this account.
    ``projection`` reads the goal against the trend of ``points``.
    """

    account_id: int
    platform: str
    handle: str
    display_name: str
    points: tuple[tuple[datetime, int], ...]
    available: bool
    goal: Goal | None
    projection: GoalProjection | None


def goal_for(db: sqlite3.Connection, account_id: int) -> Goal | None:
    """The account's follower goal, if one is set."""
    row = db.execute(
        "SELECT target_followers, by_date FROM account_goals WHERE account_id = ?", (account_id,)
    ).fetchone()
    if row is None:
        return None
    return Goal(account_id, int(row[0]), date.fromisoformat(str(row[1])[:10]))


def _accounts(
    db: sqlite3.Connection, client_id: int, since: str = ""
) -> list[tuple[int, str, str, str]]:
    """(id, platform, handle, display name) of the client's accounts: active ones
    and those archived at or after ``since`` (stored UTC text), whose history
    still belongs to the period; an account archived before it is left out."""
    return [
        (r[0], r[1], r[2], r[3] or "")
        for r in db.execute(
            "SELECT id, platform, handle, display_name FROM accounts WHERE client_id = ? "
            "AND (archived_at IS NULL OR archived_at >= ?) "
            "ORDER BY archived_at IS NOT NULL, platform, handle",
            (client_id, since),
        )
    ]


def _daily(rows: list[tuple[str, int]], zone_name: str) -> tuple[tuple[datetime, int], ...]:
    last: dict[date, tuple[datetime, int]] = {}
    for measured_at, followers in rows:
        moment = from_stored(measured_at)
        last[to_local(moment, zone_name).date()] = (moment, int(followers))
    return tuple(last[day] for day in sorted(last))


def follower_series(db: sqlite3.Connection, client_id: int, period: Period) -> list[AccountSeries]:
    """Followers per account of the client over the period, with goal and on-track.

    The goal projection uses the period's points; for a goal judged on a
    longer history, pass a longer period.
    """
    zone_name, start, end = period_bounds(db, client_id, period)
    result = []
    for account_id, platform, handle, name in _accounts(db, client_id, start):
        rows = db.execute(
            "SELECT measured_at, followers FROM account_metrics WHERE account_id = ? "
            "AND measured_at >= ? AND measured_at < ? AND followers IS NOT NULL "
            "ORDER BY measured_at, id",
            (account_id, start, end),
        ).fetchall()
        points = _daily(rows, zone_name)
        available = bool(points) or _ever_had_followers(db, account_id)
        goal = goal_for(db, account_id)
        projection = (
            project_goal(points, goal.target_followers, goal.by_date, zone_name) if goal else None
        )
        result.append(
            AccountSeries(account_id, platform, handle, name, points, available, goal, projection)
        )
    return result


def _ever_had_followers(db: sqlite3.Connection, account_id: int) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM account_metrics WHERE account_id = ? AND followers IS NOT NULL LIMIT 1",
            (account_id,),
        ).fetchone()
        is not None
    )


@dataclass(frozen=True)
class AccountSummary:
    """One account at the end of a period: the last snapshot up to then.

    None in any count means the network does not give it (or nothing was
    measured yet). ``followers_change`` compares with the end of the
    previous period.
    """

    account_id: int
    platform: str
    handle: str
    display_name: str
    followers: int | None
    following: int | None
    posts: int | None
    measured_at: datetime | None
    followers_change: Change


def _latest(db: sqlite3.Connection, account_id: int, before: str, column: str) -> int | None:
    row = db.execute(
        f"SELECT {column} FROM account_metrics WHERE account_id = ? AND measured_at < ? "
        f"AND {column} IS NOT NULL ORDER BY measured_at DESC, id DESC LIMIT 1",
        (account_id, before),
    ).fetchone()
    return None if row is None else int(row[0])


def account_summaries(
    db: sqlite3.Connection, client_id: int, period: Period
) -> list[AccountSummary]:
    """Followers (and totals) per account at the period's end, with change."""
    zone_name, start, end = period_bounds(db, client_id, period)
    _p, prev_end = period.previous().utc_bounds(zone_name)
    result = []
    for account_id, platform, handle, name in _accounts(db, client_id, start):
        row = db.execute(
            "SELECT measured_at FROM account_metrics WHERE account_id = ? AND measured_at < ? "
            "ORDER BY measured_at DESC, id DESC LIMIT 1",
            (account_id, end),
        ).fetchone()
        followers = _latest(db, account_id, end, "followers")
        before = _latest(db, account_id, to_stored(prev_end), "followers")
        result.append(
            AccountSummary(
                account_id,
                platform,
                handle,
                name,
                followers,
                _latest(db, account_id, end, "following"),
                _latest(db, account_id, end, "posts"),
                from_stored(row[0]) if row else None,
                change(followers, before),
            )
        )
    return result


# --- inbox ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxPerformance:
    """The inbox in a period (see core.analytics.ResponseStats), in working minutes.

    ``received``/``answered``/``median_minutes``/``within_target`` are over
    items received in the period (spam left out); ``overdue_now`` counts all
    the client's items still waiting past their due time at ``now``;
    ``escalated`` the items escalated during the period.
    """

    received: int
    answered: int
    median_minutes: float | None
    within_target: int
    share_within_target: float | None
    overdue_now: int
    escalated: int
    target_hours: float


def inbox_performance(
    db: sqlite3.Connection, client_id: int, period: Period, now: datetime | None = None
) -> InboxPerformance:
    """Received, answered, median first response (working minutes), share in target."""
    facts = client_facts(db, client_id)
    begin, finish = period.utc_bounds(facts.timezone)
    moment = now or datetime.now(UTC)
    accounts = "SELECT id FROM accounts WHERE client_id = ?"
    items = [
        ResponseItem(from_stored(r[0]), from_stored(r[1]) if r[1] else None, r[2])
        for r in db.execute(
            "SELECT created_at, first_response_at, status FROM inbox_items "
            f"WHERE account_id IN ({accounts}) AND created_at >= ? AND created_at < ? "
            "AND category != 'spam'",
            (client_id, to_stored(begin), to_stored(finish)),
        )
    ]
    stats: ResponseStats = response_stats(
        items, facts.working_time, facts.reply_target_hours, moment
    )
    overdue = db.execute(
        f"SELECT count(*) FROM inbox_items WHERE account_id IN ({accounts}) "
        "AND status = 'new' AND due_at < ?",
        (client_id, to_stored(moment)),
    ).fetchone()[0]
    escalated = db.execute(
        f"SELECT count(*) FROM inbox_items WHERE account_id IN ({accounts}) "
        "AND escalated_at >= ? AND escalated_at < ?",
        (client_id, to_stored(begin), to_stored(finish)),
    ).fetchone()[0]
    return InboxPerformance(
        stats.received,
        stats.answered,
        stats.median_minutes,
        stats.within_target,
        stats.share_within_target,
        int(overdue),
        int(escalated),
        facts.reply_target_hours,
    )


def audience_leaders(
    db: sqlite3.Connection, client_id: int, period: Period, limit: int = 10
) -> list[LeaderRow]:
    """The most active people of the client's audience in the period (inbox_queries)."""
    zone_name = client_facts(db, client_id).timezone
    begin, finish = period.utc_bounds(zone_name)
    return _inbox_leaders(db, client_id, begin, finish, limit)


# --- competitors --------------------------------------------------------------------------


@dataclass(frozen=True)
class CompetitorSeries:
    """A competitor's public followers over the period, one point per local day.

    ``available`` is False when its network never gave a count (not
    readable there); ``followers_change`` compares the last count in the
    period with the last one before it.
    """

    competitor_id: int
    platform: str
    handle: str
    label: str
    points: tuple[tuple[datetime, int], ...]
    available: bool
    followers_change: Change


def competitor_series(
    db: sqlite3.Connection, client_id: int, period: Period
) -> list[CompetitorSeries]:
    """Followers of the client's (non-archived) competitors over the period."""
    zone_name, start, end = period_bounds(db, client_id, period)
    result = []
    for cid, platform, handle, label in db.execute(
        "SELECT id, platform, handle, label FROM competitors WHERE client_id = ? "
        "AND archived_at IS NULL ORDER BY lower(coalesce(nullif(label, ''), handle))",
        (client_id,),
    ).fetchall():
        rows = db.execute(
            "SELECT measured_at, followers FROM competitor_metrics WHERE competitor_id = ? "
            "AND measured_at >= ? AND measured_at < ? AND followers IS NOT NULL "
            "ORDER BY measured_at, id",
            (cid, start, end),
        ).fetchall()
        points = _daily(rows, zone_name)
        before = db.execute(
            "SELECT followers FROM competitor_metrics WHERE competitor_id = ? "
            "AND measured_at < ? AND followers IS NOT NULL ORDER BY measured_at DESC LIMIT 1",
            (cid, start),
        ).fetchone()
        ever = db.execute(
            "SELECT 1 FROM competitor_metrics WHERE competitor_id = ? "
            "AND followers IS NOT NULL LIMIT 1",
            (cid,),
        ).fetchone()
        result.append(
            CompetitorSeries(
                cid,
                platform,
                handle,
                label or handle,
                points,
                ever is not None,
                change(points[-1][1] if points else None, before[0] if before else None),
            )
        )
    return result


# --- the five numbers ------------------------------------------------------------------


@dataclass(frozen=True)
class KeyNumbers:
    """The five numbers that matter, each against the previous period.

    ``followers``: all accounts' followers at the period's end (accounts
    with a count at both ends). ``engagement_rate``: mean per-post rate
    (fraction). ``posts_published``: posts (not per network).
    ``median_response_minutes``: working minutes. ``share_answered_in_time``:
    fraction of answered items within the target.
    """

    followers: Change
    engagement_rate: Change
    posts_published: Change
    median_response_minutes: Change
    share_answered_in_time: Change


def _followers_total(
    db: sqlite3.Connection, client_id: int, ends: tuple[str, str], since: str
) -> tuple[int | None, int | None]:
    now_total = prev_total = 0
    counted = False
    for account_id, *_rest in _accounts(db, client_id, since):
        current = _latest(db, account_id, ends[0], "followers")
        before = _latest(db, account_id, ends[1], "followers")
        if current is not None and before is not None:
            now_total += current
            prev_total += before
            counted = True
    return (now_total, prev_total) if counted else (None, None)


def _mean_rate(posts: list[PostResult]) -> float | None:
    rates = [p.engagement_rate for p in posts if p.engagement_rate is not None]
    return statistics.fmean(rates) if rates else None


def key_numbers(
    db: sqlite3.Connection,
    client_id: int,
    period: Period,
    now: datetime | None = None,
    *,
    posts: list[PostResult] | None = None,
    inbox: InboxPerformance | None = None,
    previous_inbox: InboxPerformance | None = None,
) -> KeyNumbers:
    """Followers, engagement rate, posts published, median response time and
    share answered in time, each with its change vs ``period.previous()``.

    A caller that already read the period's posts or inbox figures passes
    them in, so a dashboard does not read them twice."""
    zone_name = client_facts(db, client_id).timezone
    prior = period.previous()
    start, end = period.utc_bounds(zone_name)
    _ps, prev_end = prior.utc_bounds(zone_name)
    followers_now, followers_before = _followers_total(
        db, client_id, (to_stored(end), to_stored(prev_end)), to_stored(start)
    )
    if posts is None:
        posts = posts_in_period(db, client_id, period)
    prev_posts = posts_in_period(db, client_id, prior)
    if inbox is None:
        inbox = inbox_performance(db, client_id, period, now)
    prev_inbox = previous_inbox or inbox_performance(db, client_id, prior, now)
    return KeyNumbers(
        change(followers_now, followers_before),
        change(_mean_rate(posts), _mean_rate(prev_posts)),
        change(len(posts), len(prev_posts)),
        change(inbox.median_minutes, prev_inbox.median_minutes),
        change(inbox.share_within_target, prev_inbox.share_within_target),
    )


def last_measured_at(db: sqlite3.Connection, client_id: int) -> datetime | None:
    """When any of the client's accounts was last measured ("numbers as of")."""
    row = db.execute(
        "SELECT max(measured_at) FROM account_metrics WHERE account_id IN "
        "(SELECT id FROM accounts WHERE client_id = ?)",
        (client_id,),
    ).fetchone()
    return from_stored(row[0]) if row and row[0] else None


# --- notes ---------------------------------------------------------------------------------


def report_note(db: sqlite3.Connection, client_id: int, period: Period) -> str:
    """The manager's notes for this client and exactly this period ("" if none)."""
    row = db.execute(
        "SELECT body FROM report_notes WHERE client_id = ? AND period_start = ? AND period_end = ?",
        (client_id, period.start.isoformat(), period.end.isoformat()),
    ).fetchone()
    return str(row[0]) if row else ""
