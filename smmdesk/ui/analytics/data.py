"""Everything one dashboard shows, read in one go (on the loader's thread).

``read_dashboard`` only calls ``store.analytics_queries`` (the one API the
client report uses too, so the tab and the report agree) and returns plain
frozen data for the GUI thread to draw. It touches no widget, so it can run
on any thread with its own connection.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from smmdesk.core.analytics import HeatMap, Period
from smmdesk.store import analytics_queries as aq

#: The heat map reads the client's own history: this many days up to the
#: period's end (a week or a month holds too few posts per weekday-hour).
HEAT_MAP_DAYS = 180
#: Posts shown at the top and at the bottom.
RANKED = 5


@dataclass(frozen=True)
class Dashboard:
    client_id: int
    period: Period
    previous: Period
    facts: aq.ClientFacts
    key: aq.KeyNumbers
    followers: list[aq.AccountSeries]
    summaries: list[aq.AccountSummary]
    posts: list[aq.PostResult]
    top: list[aq.PostResult]
    bottom: list[aq.PostResult]
    content: list[aq.ContentTypeRow]
    heat: HeatMap
    heat_period: Period
    consistency: aq.Consistency
    inbox: aq.InboxPerformance
    previous_inbox: aq.InboxPerformance
    leaders: list[aq.LeaderRow]
    competitors: list[aq.CompetitorSeries]
    read_at: datetime = field(compare=False)  # equal numbers read later are equal


def heat_period(period: Period) -> Period:
    return Period(period.end - timedelta(days=HEAT_MAP_DAYS - 1), period.end)


def read_dashboard(
    db: sqlite3.Connection, client_id: int, period: Period, now: datetime | None = None
) -> Dashboard:
    now = now or datetime.now(UTC)
    previous = period.previous()
    history = heat_period(period)
    posts = aq.posts_in_period(db, client_id, period)
    inbox = aq.inbox_performance(db, client_id, period, now)
    previous_inbox = aq.inbox_performance(db, client_id, previous, now)
    return Dashboard(
        client_id=client_id,
        period=period,
        previous=previous,
        facts=aq.client_facts(db, client_id),
        key=aq.key_numbers(
            db, client_id, period, now, posts=posts, inbox=inbox, previous_inbox=previous_inbox
        ),
        followers=aq.follower_series(db, client_id, period),
        summaries=aq.account_summaries(db, client_id, period),
        posts=posts,
        top=aq.top_posts(db, client_id, period, RANKED),
        bottom=aq.bottom_posts(db, client_id, period, RANKED),
        content=aq.content_performance(db, client_id, period),
        heat=aq.best_time_heat_map(db, client_id, history),
        heat_period=history,
        consistency=aq.consistency(db, client_id, period, now),
        inbox=inbox,
        previous_inbox=previous_inbox,
        leaders=aq.audience_leaders(db, client_id, period, 10),
        competitors=aq.competitor_series(db, client_id, period),
        read_at=now,
    )
