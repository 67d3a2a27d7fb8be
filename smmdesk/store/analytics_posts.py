"""Client facts and the posts side of analytics: engagement per post, top and
bottom posts, content types, the best-time heat map, publishing consistency.

Part of the one analytics API; import everything from
``smmdesk.store.analytics_queries`` (which re-exports this module), so the
tab and the report keep reading the same numbers. Same rules: one client per
call, periods in the client's zone, None for "not available".
"""

from __future__ import annotations

import sqlite3
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from smmdesk.core.analytics import HeatMap, Period, engagement, engagement_rate, heat_map
from smmdesk.core.clock import to_local
from smmdesk.core.content_mix import label_for, parse_target_mix
from smmdesk.core.response_clock import WorkingTime
from smmdesk.store.queries import from_stored, to_stored

#: Characters of a post's text shown as its preview.
PREVIEW_CHARS = 200

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
    hours = WorkingTime.from_columns(zone_name, start, end, days, country)
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


def period_bounds(db: sqlite3.Connection, client_id: int, period: Period) -> tuple[str, str, str]:
    """(zone, stored start, stored end) of a period for a client."""
    zone_name = client_facts(db, client_id).timezone
    begin, finish = period.utc_bounds(zone_name)
    return zone_name, to_stored(begin), to_stored(finish)


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


def posts_in_period(
    db: sqlite3.Connection, client_id: int, period: Period, text_chars: int = PREVIEW_CHARS
) -> list[PostResult]:
    """Posts published in the period (by their first network), oldest first.

    ``preview`` holds the first ``text_chars`` characters: a preview for the
    views, the whole text for the CSV export (pass a large number).
    """
    _zone, start, end = period_bounds(db, client_id, period)
    grouped: dict[int, list[TargetMetrics]] = defaultdict(list)
    facts: dict[int, tuple[str, str]] = {}
    for row in db.execute(_TARGET_SQL, (text_chars, client_id, client_id, start, end)):
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
