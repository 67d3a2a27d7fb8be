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
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from smmdesk.core.analytics import (
    Change,
    GoalProjection,
    HeatMap,
    Period,
    ResponseItem,
    ResponseStats,
    change,
    engagement,
    engagement_rate,
    heat_map,
    project_goal,
    response_stats,
)
from smmdesk.core.client_rules import parse_work_days
from smmdesk.core.clock import to_local
from smmdesk.core.content_mix import label_for, parse_target_mix
from smmdesk.core.response_clock import WorkingTime
from smmdesk.store.inbox_queries import LeaderRow
from smmdesk.store.inbox_queries import audience_leaders as _inbox_leaders
from smmdesk.store.queries import from_stored, to_stored

#: Characters of a post's text shown as its preview.
PREVIEW_CHARS = 200

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
    "posts_in_period",
    "report_note",
    "top_posts",
]


# --- the client ------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientFacts:
    """The client settings analytics depends on."""

    client_id: int
    name: str
    colour: str
    timezone: str
    working_time: WorkingTime
    reply_target_hours: float
    max_posts_per_day: int
    target_mix: dict[str, float]  # content type -> weight, as stored (not normalised)


def client_facts(db: sqlite3.Connection, client_id: int) -> ClientFacts:
    """The client's name, colour, zone, working time, targets; KeyError if unknown."""
    row = db.execute(
        "SELECT name, colour, timezone, country, work_start_minute, work_end_minute, "
        "work_days, reply_target_hours, max_posts_per_day, target_mix FROM clients WHERE id = ?",
        (client_id,),
    ).fetchone()
    if row is None:
        raise KeyError(client_id)
    name, colour, zone_name, country, start, end, days, target, per_day, mix = row
    hours = WorkingTime(zone_name or "UTC", start, end, parse_work_days(days or ""), country or "")
    return ClientFacts(
        client_id,
        name,
        colour,
        zone_name or "UTC",
        hours,
        float(target),
        int(per_day),
        parse_target_mix(mix or ""),
    )


def _bounds(db: sqlite3.Connection, client_id: int, period: Period) -> tuple[str, str, str]:
    """(zone, stored start, stored end) of a period for a client."""
    zone_name = client_facts(db, client_id).timezone
    begin, finish = period.utc_bounds(zone_name)
    return zone_name, to_stored(begin), to_stored(finish)


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


def _accounts(db: sqlite3.Connection, client_id: int) -> list[tuple[int, str, str, str]]:
    """(id, platform, handle, display name) of the client's accounts, archived ones too
    (their history belongs to the period they were active in)."""
    return [
        (r[0], r[1], r[2], r[3] or "")
        for r in db.execute(
            "SELECT id, platform, handle, display_name FROM accounts WHERE client_id = ? "
            "ORDER BY archived_at IS NOT NULL, platform, handle",
            (client_id,),
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
    zone_name, start, end = _bounds(db, client_id, period)
    result = []
    for account_id, platform, handle, name in _accounts(db, client_id):
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
    zone_name, _start, end = _bounds(db, client_id, period)
    _p, prev_end = period.previous().utc_bounds(zone_name)
    result = []
    for account_id, platform, handle, name in _accounts(db, client_id):
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


# --- posts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetMetrics:
    """One post on one account, with its latest measured counts (None = not available)."""

    target_id: int
    account_id: int
    platform: str
    handle: str
    url: str
    published_at: datetime
    likes: int | None
    reposts: int | None
    replies: int | None
    views: int | None
    measured_at: datetime | None  # None: never measured
    followers_at_publish: int | None
    engagement: int | None
    engagement_rate: float | None  # engagement / followers at publish time


@dataclass(frozen=True)
class PostResult:
    """A published post of the period, summed over the networks it went to.

    ``engagement`` sums the targets whose engagement is known (None if
    none is); ``engagement_rate`` is that sum over the same targets'
    followers at publish time. ``networks`` are platform names, sorted.
    """

    post_id: int
    published_at: datetime  # the first network's publish time
    content_type: str
    preview: str  # the first PREVIEW_CHARS characters of the text
    networks: tuple[str, ...]
    targets: tuple[TargetMetrics, ...]
    engagement: int | None
    engagement_rate: float | None


_TARGET_SQL = (
    "SELECT t.id, t.post_id, t.account_id, a.platform, a.handle, t.remote_url, t.published_at, "
    "p.content_type, substr(coalesce(t.variant_body, p.body), 1, ?), "
    "m.likes, m.reposts, m.replies, m.views, m.measured_at, "
    "coalesce((SELECT am.followers FROM account_metrics am WHERE am.account_id = t.account_id "
    "  AND am.measured_at <= t.published_at AND am.followers IS NOT NULL "
    "  ORDER BY am.measured_at DESC LIMIT 1), "
    " (SELECT am.followers FROM account_metrics am WHERE am.account_id = t.account_id "
    "  AND am.measured_at > t.published_at AND am.followers IS NOT NULL "
    "  ORDER BY am.measured_at LIMIT 1)) "
    "FROM post_targets t JOIN posts p ON p.id = t.post_id "
    "JOIN accounts a ON a.id = t.account_id "
    "LEFT JOIN post_metrics m ON m.id = (SELECT pm.id FROM post_metrics pm "
    "  WHERE pm.target_id = t.id ORDER BY pm.measured_at DESC, pm.id DESC LIMIT 1) "
    "WHERE p.client_id = ? AND a.client_id = ? AND t.status = 'published' "
    "AND t.published_at >= ? AND t.published_at < ? "
    "ORDER BY t.published_at, t.id"
)


def posts_in_period(db: sqlite3.Connection, client_id: int, period: Period) -> list[PostResult]:
    """Posts published in the period (by their first network), oldest first."""
    _zone, start, end = _bounds(db, client_id, period)
    grouped: dict[int, list[TargetMetrics]] = defaultdict(list)
    facts: dict[int, tuple[str, str]] = {}
    for row in db.execute(_TARGET_SQL, (PREVIEW_CHARS, client_id, client_id, start, end)):
        (tid, pid, aid, platform, handle, url, published, ctype, text) = row[:9]
        likes, reposts, replies, views, measured, followers = row[9:]
        value = engagement(likes, reposts, replies) if measured is not None else None
        grouped[pid].append(
            TargetMetrics(
                tid,
                aid,
                platform,
                handle,
                url or "",
                from_stored(published),
                likes,
                reposts,
                replies,
                views,
                from_stored(measured) if measured else None,
                followers,
                value,
                engagement_rate(value, followers),
            )
        )
        facts.setdefault(pid, (ctype, text or ""))
    result = [_post_result(pid, facts[pid], tuple(targets)) for pid, targets in grouped.items()]
    result.sort(key=lambda p: (p.published_at, p.post_id))
    return result


def _post_result(
    post_id: int, facts: tuple[str, str], targets: tuple[TargetMetrics, ...]
) -> PostResult:
    known = [t for t in targets if t.engagement is not None]
    total = sum(t.engagement or 0 for t in known) if known else None
    rated = [t for t in known if t.followers_at_publish]
    rate = (
        engagement_rate(
            sum(t.engagement or 0 for t in rated), sum(t.followers_at_publish or 0 for t in rated)
        )
        if rated
        else None
    )
    return PostResult(
        post_id,
        min(t.published_at for t in targets),
        facts[0],
        facts[1],
        tuple(sorted({t.platform for t in targets})),
        targets,
        total,
        rate,
    )


def top_posts(
    db: sqlite3.Connection, client_id: int, period: Period, n: int = 5
) -> list[PostResult]:
    """The ``n`` posts of the period with the most engagement (known only), best first."""
    ranked = [p for p in posts_in_period(db, client_id, period) if p.engagement is not None]
    ranked.sort(key=lambda p: (-(p.engagement or 0), p.published_at))
    return ranked[:n]


def bottom_posts(
    db: sqlite3.Connection, client_id: int, period: Period, n: int = 5
) -> list[PostResult]:
    """The ``n`` posts with the least engagement (known only), weakest first."""
    ranked = [p for p in posts_in_period(db, client_id, period) if p.engagement is not None]
    ranked.sort(key=lambda p: (p.engagement or 0, p.published_at))
    return ranked[:n]


@dataclass(frozen=True)
class ContentTypeRow:
    """How one content type did in the period, beside its share in the plan."""

    content_type: str
    label: str
    posts: int
    measured: int  # posts whose engagement is known
    mean_engagement: float | None
    share: float  # of the period's posts, 0..1
    target_share: float | None  # from the client's target mix, 0..1; None if not planned


def content_performance(
    db: sqlite3.Connection, client_id: int, period: Period
) -> list[ContentTypeRow]:
    """Posts and mean engagement per content type, most posts first; types the
    plan asks for appear even with no post."""
    posts = posts_in_period(db, client_id, period)
    mix = client_facts(db, client_id).target_mix
    weight = sum(v for v in mix.values() if v > 0)
    by_type: dict[str, list[PostResult]] = defaultdict(list)
    for post in posts:
        by_type[post.content_type].append(post)
    for key, value in mix.items():
        if value > 0:
            by_type.setdefault(key, [])
    rows = []
    for key, items in by_type.items():
        values = [p.engagement for p in items if p.engagement is not None]
        rows.append(
            ContentTypeRow(
                key,
                label_for(key),
                len(items),
                len(values),
                statistics.fmean(values) if values else None,
                len(items) / len(posts) if posts else 0.0,
                mix[key] / weight if weight and mix.get(key, 0) > 0 else None,
            )
        )
    rows.sort(key=lambda r: (-r.posts, r.label))
    return rows


def best_time_heat_map(db: sqlite3.Connection, client_id: int, period: Period) -> HeatMap:
    """Weekday x hour of the period's posts in the client's zone, with mean
    engagement and the number of posts behind each cell. Pass a long period
    (e.g. the last 180 days) for a map of the client's own history."""
    zone_name = client_facts(db, client_id).timezone
    posts = posts_in_period(db, client_id, period)
    return heat_map(
        ((p.published_at, None if p.engagement is None else float(p.engagement)) for p in posts),
        zone_name,
    )


@dataclass(frozen=True)
class WeekCount:
    week_start: date  # a local Monday
    posts: int


@dataclass(frozen=True)
class Consistency:
    """Publishing rhythm over a period, against the plan and the posting guard.

    ``guard_per_week`` = max posts per day x 7 (the posting guard's ceiling);
    ``planned_per_week``: the target mix read as posts per week when its
    weights are whole numbers summing to at most the guard and not 100 (a
    plan such as {"photo": 3, "question": 2}), else None (a mix in percent
    says nothing about how many). ``empty_days``: local days of the period up
    to today with no post on any account; ``over_guard_days``: days with more
    posts than the guard allows.
    """

    weeks: tuple[WeekCount, ...]
    mean_per_week: float
    planned_per_week: int | None
    guard_per_week: int
    empty_days: tuple[date, ...]
    over_guard_days: tuple[date, ...]


def consistency(
    db: sqlite3.Connection, client_id: int, period: Period, now: datetime | None = None
) -> Consistency:
    """Posts per local week, empty days and days over the guard in the period."""
    facts = client_facts(db, client_id)
    posts = posts_in_period(db, client_id, period)
    per_day: dict[date, int] = defaultdict(int)
    for post in posts:
        per_day[to_local(post.published_at, facts.timezone).date()] += 1
    first_monday = period.start - timedelta(days=period.start.weekday())
    weeks = []
    monday = first_monday
    while monday <= period.end:
        days = [monday + timedelta(days=i) for i in range(7)]
        weeks.append(WeekCount(monday, sum(per_day[d] for d in days if period.contains(d))))
        monday += timedelta(days=7)
    today = to_local(now or datetime.now(UTC), facts.timezone).date()
    last = min(period.end, today)
    empty = []
    day = period.start
    while day <= last:
        if not per_day.get(day):
            empty.append(day)
        day += timedelta(days=1)
    guard = facts.max_posts_per_day * 7
    planned = None
    weights = list(facts.target_mix.values())
    if weights and all(float(w).is_integer() for w in weights):
        total = int(sum(weights))
        if 0 < total <= guard and total != 100:
            planned = total
    return Consistency(
        tuple(weeks),
        len(posts) / (period.days / 7),
        planned,
        guard,
        tuple(empty),
        tuple(sorted(d for d, n in per_day.items() if n > facts.max_posts_per_day)),
    )


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
    zone_name, start, end = _bounds(db, client_id, period)
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
    db: sqlite3.Connection, client_id: int, ends: tuple[str, str]
) -> tuple[int | None, int | None]:
    now_total = prev_total = 0
    counted = False
    for account_id, *_rest in _accounts(db, client_id):
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
    db: sqlite3.Connection, client_id: int, period: Period, now: datetime | None = None
) -> KeyNumbers:
    """Followers, engagement rate, posts published, median response time and
    share answered in time, each with its change vs ``period.previous()``."""
    zone_name = client_facts(db, client_id).timezone
    prior = period.previous()
    _s, end = period.utc_bounds(zone_name)
    _ps, prev_end = prior.utc_bounds(zone_name)
    followers_now, followers_before = _followers_total(
        db, client_id, (to_stored(end), to_stored(prev_end))
    )
    posts, prev_posts = (
        posts_in_period(db, client_id, period),
        posts_in_period(db, client_id, prior),
    )
    inbox = inbox_performance(db, client_id, period, now)
    prev_inbox = inbox_performance(db, client_id, prior, now)
    return KeyNumbers(
        change(followers_now, followers_before),
        change(_mean_rate(posts), _mean_rate(prev_posts)),
        change(len(posts), len(prev_posts)),
        change(inbox.median_minutes, prev_inbox.median_minutes),
        change(inbox.share_within_target, prev_inbox.share_within_target),
    )


# --- notes ---------------------------------------------------------------------------------


def report_note(db: sqlite3.Connection, client_id: int, period: Period) -> str:
    """The manager's notes for this client and exactly this period ("" if none)."""
    row = db.execute(
        "SELECT body FROM report_notes WHERE client_id = ? AND period_start = ? AND period_end = ?",
        (client_id, period.start.isoformat(), period.end.isoformat()),
    ).fetchone()
    return str(row[0]) if row else ""
