"""The arithmetic of analytics: periods, changes, engagement, heat maps,
response times. Pure: no Qt, no SQL.

A client reads every number in its own time zone: "March" is March on the
client's wall clock, a post at 00:30 Riga time belongs to that Riga day and
hour. So a :class:`Period` is a pair of *local dates* and is turned into UTC
instants only at the edge (:meth:`Period.utc_bounds`), through ``zoneinfo``
(never a fixed offset: a month that contains a DST change is 743 or 745
hours long, and the bounds say so).

"Not available" is ``None`` all the way through: a network that gives no
reposts count has ``None`` reposts, never 0, and every function here passes
``None`` on rather than inventing a zero (rule: never show a zero that is not
a zero).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from smmdesk.core.clock import zone
from smmdesk.core.response_clock import WorkingTime, working_minutes_between

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# --- periods ------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Local dates ``start`` through ``end``, BOTH INCLUSIVE, in the client's zone.

    Inclusive because that is how a person names a period ("1-31 March");
    :meth:`utc_bounds` gives the half-open UTC range ``[start 00:00, the day
    after end 00:00)`` that queries use.
    """

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    @classmethod
    def custom(cls, start: date, end: date) -> Period:
        """Any span of days; ``end`` is included."""
        return cls(start, end)

    @classmethod
    def this_week(cls, today: date) -> Period:
        """Monday through Sunday of the week holding ``today`` (local date)."""
        monday = today - timedelta(days=today.weekday())
        return cls(monday, monday + timedelta(days=6))

    @classmethod
    def last_30_days(cls, today: date) -> Period:
        """The 30 days ending with ``today`` (today included)."""
        return cls(today - timedelta(days=29), today)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """A calendar month."""
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - timedelta(days=1))

    @property
    def days(self) -> int:
        """How many days the period holds (``end`` included)."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same number of days right before this one.

        A calendar month is compared with the calendar month before it (so
        March compares with all of February, not with the 31 days before
        March), every other period with the same number of days before it.
        """
        if self.start.day == 1 and self == Period.month(self.start.year, self.start.month):
            prior = self.start - timedelta(days=1)
            return Period.month(prior.year, prior.month)
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def utc_bounds(self, zone_name: str) -> tuple[datetime, datetime]:
        """``[start, end)`` as aware UTC instants: local midnight of ``start`` to
        local midnight of the day after ``end``, DST included."""
        tz = zone(zone_name)
        begin = datetime.combine(self.start, time(0), tzinfo=tz).astimezone(UTC)
        finish = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=tz)
        return begin, finish.astimezone(UTC)

    def label(self) -> str:
        """Short words for a heading: "March 2026", "2-8 Mar 2026"."""
        if self == Period.month(self.start.year, self.start.month):
            return self.start.strftime("%B %Y")
        if self.start.year == self.end.year:
            return f"{self.start.day} {self.start:%b} - {self.end.day} {self.end:%b %Y}"
        return f"{self.start.day} {self.start:%b %Y} - {self.end.day} {self.end:%b %Y}"


# --- change ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A number, the same number in the previous period, and the difference.

    ``delta`` is None when either side is not available; ``percent`` (of the
    previous value, e.g. 12.5 for +12.5%) is None as well when the previous
    value is zero, since growth from nothing has no percentage.
    """

    current: float | None
    previous: float | None
    delta: float | None
    percent: float | None


def change(current: float | None, previous: float | None) -> Change:
    """Current vs previous; never divides by zero, never invents a number."""
    if current is None or previous is None:
        return Change(current, previous, None, None)
    delta = current - previous
    percent = delta / abs(previous) * 100 if previous else None
    return Change(current, previous, delta, percent)


# --- engagement -------------------------------------------------------------------------


def engagement(likes: int | None, reposts: int | None, replies: int | None) -> int | None:
    """Interactions with a post: likes + reposts + replies, each counted once.

    Counts the network does not give (None) are left out; if it gives none
    of them the engagement itself is not available (None), not zero. Views
    are not engagement: seeing a post is not interacting with it.
    """
    known = [n for n in (likes, reposts, replies) if n is not None]
    return sum(known) if known else None


def engagement_rate(engagement_count: int | None, followers: int | None) -> float | None:
    """Engagement per follower, as a fraction (0.034 = 3.4%).

    The denominator is the account's FOLLOWERS AT THE TIME of the post (the
    last snapshot at or before it was published), not views: most networks
    give no views, and followers is the number every network has, so rates
    stay comparable across networks and with the client's competitors. None
    when either number is not available or there are no followers.
    """
    if engagement_count is None or not followers or followers <= 0:
        return None
    return engagement_count / followers


# --- best time: weekday x hour heat map ----------------------------------------------


@dataclass(frozen=True)
class HeatCell:
    """One weekday-hour: the posts behind it and their mean engagement.

    ``posts`` counts every post published in that hour (so thin data is seen
    as thin); ``measured`` those whose engagement is known, over which
    ``mean_engagement`` is taken (None when no post of the cell has one).
    """

    weekday: int  # Monday = 0
    hour: int  # 0..23, local wall clock
    posts: int
    measured: int
    mean_engagement: float | None


@dataclass(frozen=True)
class HeatMap:
    """7 x 24 cells in the client's zone: ``cells[weekday][hour]``."""

    zone: str
    cells: tuple[tuple[HeatCell, ...], ...]

    def cell(self, weekday: int, hour: int) -> HeatCell:
        return self.cells[weekday][hour]

    @property
    def total_posts(self) -> int:
        return sum(c.posts for row in self.cells for c in row)

    def best(self, min_posts: int = 2) -> HeatCell | None:
        """The cell with the highest mean engagement among those with at least
        ``min_posts`` measured posts; None if no cell has that many."""
        cands = [
            c
            for row in self.cells
            for c in row
            if c.measured >= min_posts and c.mean_engagement is not None
        ]
        return max(cands, key=lambda c: (c.mean_engagement, c.measured), default=None)


def local_slot(moment: datetime, zone_name: str) -> tuple[int, int]:
    """(weekday, hour) of an aware instant on the client's wall clock."""
    if moment.tzinfo is None:
        raise ValueError("published_at must be an aware datetime")
    local = moment.astimezone(zone(zone_name))
    return local.weekday(), local.hour


def heat_map(posts: Iterable[tuple[datetime, float | None]], zone_name: str) -> HeatMap:
    """Bucket ``(published_at, engagement or None)`` pairs by local weekday and hour.

    Conversion is per post through ``zoneinfo``: a post at 09:30 local
    time lands in the 9 o'clock cell in winter and in summer alike, even
    though its UTC hour differs. A wall-clock hour that is skipped by a DST
    change simply gets no posts; a repeated hour collects both.
    """
    counts = [[0] * 24 for _ in range(7)]
    measured = [[0] * 24 for _ in range(7)]
    sums = [[0.0] * 24 for _ in range(7)]
    for published_at, value in posts:
        day, hour = local_slot(published_at, zone_name)
        counts[day][hour] += 1
        if value is not None:
            measured[day][hour] += 1
            sums[day][hour] += value
    cells = tuple(
        tuple(
            HeatCell(
                d,
                h,
                counts[d][h],
                measured[d][h],
                sums[d][h] / measured[d][h] if measured[d][h] else None,
            )
            for h in range(24)
        )
        for d in range(7)
    )
    return HeatMap(zone_name, cells)


# --- response times -------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseItem:
    """What the response statistics need to know of one inbox item."""

    received: datetime
    first_response: datetime | None
    status: str = "new"  # InboxStatus value
    due_at: datetime | None = None  # None: no answer was due (e.g. spam, praise)
    escalated_at: datetime | None = None


@dataclass(frozen=True)
class ResponseStats:
    """How quickly the inbox was answered, in the client's WORKING minutes.

    ``received``: items that arrived in the period. ``answered``: of those,
    the ones with a first response. ``median_minutes``: median of first
    response minus received, counted only in working time (None when
    nothing was answered). ``within_target``: answered within the client's
    target; ``share_within_target`` = within_target / answered (None when
    nothing was answered). ``overdue_now``: still new and past their due
    time at ``now``. ``escalated``: items escalated to the client.
    """

    received: int
    answered: int
    median_minutes: float | None
    within_target: int
    share_within_target: float | None
    overdue_now: int
    escalated: int


def response_minutes(item: ResponseItem, hours: WorkingTime) -> float | None:
    """Working minutes from arrival to first response; None if unanswered."""
    if item.first_response is None:
        return None
    return max(0.0, working_minutes_between(item.received, item.first_response, hours))


def response_stats(
    items: Iterable[ResponseItem], hours: WorkingTime, target_hours: float, now: datetime
) -> ResponseStats:
    """The inbox-performance numbers for a set of items (see ResponseStats).

    An answer exactly at the target counts as within it. A response time is
    never negative (a reply recorded before the item, by clock skew, is 0).
    """
    received = answered = within = overdue = escalated = 0
    minutes: list[float] = []
    limit = target_hours * 60
    for item in items:
        received += 1
        spent = response_minutes(item, hours)
        if spent is not None:
            answered += 1
            minutes.append(spent)
            within += spent <= limit + 1e-9
        elif item.status == "new" and item.due_at is not None and item.due_at < now:
            overdue += 1
        if item.escalated_at is not None or item.status == "escalated":
            escalated += 1
    return ResponseStats(
        received=received,
        answered=answered,
        median_minutes=statistics.median(minutes) if minutes else None,
        within_target=within,
        share_within_target=within / answered if answered else None,
        overdue_now=overdue,
        escalated=escalated,
    )


# --- goals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProjection:
    """Where a linear trend of the followers reaches by the goal's date.

    ``per_day``: the trend's slope (followers per day, least squares over
    the points given). ``projected``: followers expected on ``by_date``.
    ``on_track``: projected >= target (True once the target is reached);
    None when there is too little history to say (fewer than two points on
    different days).
    """

    target: int
    by_date: date
    current: int | None
    per_day: float | None
    projected: float | None
    on_track: bool | None
    needed_per_day: float | None  # what it would take from the last point on


def project_goal(
    points: Iterable[tuple[datetime, int]], target: int, by_date: date, zone_name: str = "UTC"
) -> GoalProjection:
    """Fit a straight line through (time, followers) and read it on ``by_date``.

    Points are (aware instant, followers); ``by_date`` is a local date whose
    end (midnight after it, in ``zone_name``) is the deadline. Linear
    because a small account's growth over weeks is close to linear, and a
    straight line is what a client can check with a ruler.
    """
    pts = sorted((p for p in points if p[1] is not None), key=lambda p: p[0])
    if not pts:
        return GoalProjection(target, by_date, None, None, None, None, None)
    current = pts[-1][1]
    tz = zone(zone_name)
    deadline = datetime.combine(by_date + timedelta(days=1), time(0), tzinfo=tz)
    origin = pts[0][0]
    xs = [(when - origin).total_seconds() / 86400 for when, _ in pts]
    ys = [float(n) for _, n in pts]
    last_x = xs[-1]
    days_left = (deadline - pts[-1][0]).total_seconds() / 86400
    needed = (target - current) / days_left if days_left > 0 else None
    if current >= target:
        return GoalProjection(target, by_date, current, None, float(current), True, needed)
    if len(pts) < 2 or max(xs) - min(xs) < 0.5:
        return GoalProjection(target, by_date, current, None, None, None, needed)
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var
    at_deadline = (deadline - origin).total_seconds() / 86400
    # Read the line from the latest point, not the fitted intercept: the
    # client's count today is a fact, the slope is the forecast.
    projected = current + slope * max(at_deadline - last_x, 0.0)
    return GoalProjection(target, by_date, current, slope, projected, projected >= target, needed)
