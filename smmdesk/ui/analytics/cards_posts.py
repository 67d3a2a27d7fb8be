"""Post cards: engagement per post, top and bottom posts, content types, the
best time to post, and publishing consistency.

Engagement is likes + reposts + replies (``core.analytics.engagement``);
a post whose network gives none of them has no bar and reads "not
available" in the table, rather than a zero that would pull it to the
bottom of the ranking.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout

from smmdesk.core.analytics import HeatMap, Period
from smmdesk.core.clock import to_local
from smmdesk.core.content_mix import label_for
from smmdesk.reports.csv_import import network_name
from smmdesk.store import analytics_queries as aq
from smmdesk.ui.analytics import look
from smmdesk.ui.analytics.card import Card, ChartCard
from smmdesk.ui.analytics.charts import BarSet, add_level, chart_view, draw_bars
from smmdesk.ui.analytics.heat_map import WEEKDAYS, HeatMapView
from smmdesk.ui.analytics.period_bar import describe
from smmdesk.ui.analytics.post_list import PostLine, PostList, count_words, preview

#: Bars labelled one by one up to this many posts; beyond, the axis is unlabelled.
LABELLED_BARS = 16


def when(post: aq.PostResult, zone_name: str) -> str:
    moment = to_local(post.published_at, zone_name)
    return f"{moment:%a} {moment.day} {moment:%b}, {moment:%H:%M}"


def networks(post: aq.PostResult) -> str:
    return ", ".join(network_name(p) for p in post.networks)


def _sum(values: Sequence[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def post_line(post: aq.PostResult, zone_name: str) -> PostLine:
    targets = post.targets
    detail = " · ".join(
        count_words(name, _sum([getattr(t, attr) for t in targets]))
        for name, attr in (
            ("likes", "likes"),
            ("reposts", "reposts"),
            ("replies", "replies"),
            ("views", "views"),
        )
    )
    handles = ", ".join(sorted({t.handle for t in targets}))
    rate = (
        ""
        if post.engagement_rate is None
        else f"{look.percent(post.engagement_rate, 2)} of followers"
    )
    return PostLine(
        when=when(post, zone_name),
        platform=post.networks[0] if post.networks else "sandbox",
        handle=handles,
        preview=preview(post.preview),
        engagement=look.NOT_AVAILABLE if post.engagement is None else f"{post.engagement:,}",
        detail=detail,
        rate=rate,
    )


class EngagementCard(ChartCard):
    def __init__(self) -> None:
        self.view = chart_view()
        super().__init__(
            "Engagement per post",
            self.view,
            ["#", "Published", "Networks", "Type", "Engagement", "Rate", "Text"],
            numeric=(0, 4, 5),
            height=300,
        )

    def show_posts(self, posts: Sequence[aq.PostResult], key: aq.KeyNumbers, zone: str) -> None:
        rate = key.engagement_rate
        change = look.change_text(rate.current, rate.previous, "share")
        known = [p.engagement for p in posts if p.engagement is not None]
        mean = sum(known) / len(known) if known else None
        if rate.current is None:
            self.set_hint("Engagement rate: not available.")
        else:
            self.set_hint(
                f"Engagement rate {look.percent(rate.current, 2)} of followers per post"
                + (f" ({change} on the period before)" if change else "")
                + f" · {look.decimal(mean)} likes, reposts and replies per post on average"
            )
        rows = [
            [
                str(n),
                when(p, zone),
                networks(p),
                label_for(p.content_type),
                look.whole(p.engagement),
                look.percent(p.engagement_rate, 2),
                preview(p.preview, 80),
            ]
            for n, p in enumerate(posts, start=1)
        ]
        self.set_numbers(rows)
        if not posts:
            self.set_empty("No posts were published in this period.")
            return
        if not known:
            self.set_empty("Engagement: not available from these networks yet.")
            return
        self.set_empty("")
        labels = [str(n) for n in range(1, len(posts) + 1)]
        draw_bars(
            self.view.chart(),
            labels,
            [BarSet("Engagement", look.ACCENT, [p.engagement for p in posts])],
        )
        chart = self.view.chart()
        for axis in chart.axes():
            if axis.orientation().name == "Horizontal":
                axis.setLabelsVisible(len(posts) <= LABELLED_BARS)
                axis.setTitleText("posts in the order they were published")
                font = axis.titleFont()
                font.setPointSizeF(8.5)
                font.setBold(False)
                axis.setTitleFont(font)
                axis.setTitleBrush(look.qcolor(look.NEUTRAL))


class RankedPostsCard(Card):
    """Top and bottom posts, side by side."""

    def __init__(self) -> None:
        super().__init__("Top and bottom posts")
        self.top = PostList("Most engagement", "No post with engagement numbers in this period.")
        self.bottom = PostList("Least engagement", "")
        row = QHBoxLayout()
        row.setSpacing(18)
        row.addWidget(self.top, 1)
        row.addWidget(self.bottom, 1)
        self.body.addLayout(row)

    def show_posts(
        self, top: Sequence[aq.PostResult], bottom: Sequence[aq.PostResult], zone: str
    ) -> None:
        self.top.set_lines([post_line(p, zone) for p in top])
        # A post in both lists (few posts) is shown once, at the top.
        shown = {p.post_id for p in top}
        self.bottom.set_lines([post_line(p, zone) for p in bottom if p.post_id not in shown])
        self.bottom.setVisible(bool(self.bottom.rows))


class ContentCard(ChartCard):
    """Per content type: its share of the posts, of the engagement, and of the plan.

    All three in percent on one axis, so "questions were 10% of the posts and
    brought 25% of the engagement" is read off one group of bars; the mean
    engagement per post is in the table and the hint.
    """

    def __init__(self) -> None:
        self.view = chart_view()
        super().__init__(
            "Content types",
            self.view,
            [
                "Type",
                "Posts",
                "Share of posts",
                "Plan",
                "Share of engagement",
                "Engagement per post",
                "Measured",
            ],
            numeric=(1, 2, 3, 4, 5, 6),
            height=300,
        )

    def show_types(self, rows: Sequence[aq.ContentTypeRow]) -> None:
        shares = engagement_shares(rows)
        self.set_numbers(
            [
                [
                    r.label,
                    str(r.posts),
                    look.percent(r.share, 0),
                    "–" if r.target_share is None else look.percent(r.target_share, 0),
                    look.percent(shares[r.content_type], 0),
                    look.decimal(r.mean_engagement),
                    str(r.measured),
                ]
                for r in rows
            ]
        )
        measured = [r for r in rows if r.mean_engagement is not None and r.measured]
        best = max(measured, key=lambda r: r.mean_engagement or 0.0, default=None)
        self.set_hint(
            (
                f"{best.label} got the most per post ({look.decimal(best.mean_engagement)}). "
                if best is not None
                else ""
            )
            + "Share of the period's posts, of their engagement, and of the plan."
        )
        if not any(r.posts for r in rows):
            self.set_empty("No posts were published in this period.")
            return
        if not measured:
            self.set_empty("Engagement: not available from these networks yet.")
            return
        self.set_empty("")
        shown = list(reversed(rows))  # horizontal bars are drawn bottom-up
        sets = [
            BarSet("posts", look.PREVIOUS, [r.share * 100 for r in shown]),
            BarSet(
                "engagement",
                look.ACCENT,
                [percent_of(shares[r.content_type]) for r in shown],
            ),
        ]
        if any(r.target_share is not None for r in rows):
            sets.append(
                BarSet(
                    "plan",
                    look.NEUTRAL,
                    [percent_of(r.target_share) for r in shown],
                )
            )
        draw_bars(
            self.view.chart(),
            [r.label for r in shown],
            sets,
            horizontal=True,
            value_format="%.0f%%",
        )


def percent_of(share: float | None) -> float | None:
    return None if share is None else share * 100


def engagement_shares(rows: Sequence[aq.ContentTypeRow]) -> dict[str, float | None]:
    """Each type's share of the engagement of all measured posts (None: no numbers)."""
    totals = {
        r.content_type: (r.mean_engagement or 0.0) * r.measured
        for r in rows
        if r.mean_engagement is not None
    }
    whole = sum(totals.values())
    return {
        r.content_type: (totals[r.content_type] / whole if whole else 0.0)
        if r.content_type in totals
        else None
        for r in rows
    }


class HeatMapCard(ChartCard):
    def __init__(self) -> None:
        self.map_view = HeatMapView()
        super().__init__(
            "Best time to post",
            self.map_view,
            ["Day", "Hour", "Posts", "Measured", "Engagement per post"],
            numeric=(2, 3, 4),
            height=250,
        )

    def show_map(self, heat: HeatMap, period: Period) -> None:
        self.map_view.set_map(heat)
        rows = [
            [
                WEEKDAYS[c.weekday],
                f"{c.hour:02d}:00",
                str(c.posts),
                str(c.measured),
                look.decimal(c.mean_engagement),
            ]
            for row in heat.cells
            for c in row
            if c.posts
        ]
        self.set_numbers(rows)
        best = heat.best()
        lead = (
            f"Best so far: {WEEKDAYS[best.weekday]} {best.hour:02d}:00 "
            f"({best.mean_engagement:,.1f} per post over {best.measured} posts). "
            if best is not None and best.mean_engagement is not None
            else "No hour has two measured posts yet. "
        )
        self.set_hint(
            f"{lead}Posts of {describe(period)}, in the client's time zone ({heat.zone}); "
            "each cell says how many posts its colour rests on."
        )
        self.set_empty("" if heat.total_posts else "No published posts in the last months yet.")


class ConsistencyCard(ChartCard):
    def __init__(self) -> None:
        self.view = chart_view()
        super().__init__(
            "Publishing consistency",
            self.view,
            ["Week of", "Posts", "Plan"],
            numeric=(1, 2),
            height=250,
        )

    def show_rhythm(self, rhythm: aq.Consistency, max_per_day: int) -> None:
        plan = rhythm.planned_per_week
        self.set_numbers(
            [
                [
                    f"{w.week_start.day} {w.week_start:%b %Y}",
                    str(w.posts),
                    "–" if plan is None else str(plan),
                ]
                for w in rhythm.weeks
            ]
        )
        empty = len(rhythm.empty_days)
        over = len(rhythm.over_guard_days)
        parts = [f"{rhythm.mean_per_week:.1f} posts a week"]
        parts.append("plan: " + (f"{plan} a week" if plan is not None else "no weekly number set"))
        parts.append(f"{empty} day{'s' if empty != 1 else ''} without a post")
        parts.append(
            f"{over} day{'s' if over != 1 else ''} over the limit of {max_per_day} a day"
            if over
            else f"never over the limit of {max_per_day} a day"
        )
        self.set_hint(" · ".join(parts))
        if not rhythm.weeks:
            self.set_empty("No weeks in this period.")
            return
        self.set_empty("")
        labels = [f"{w.week_start.day} {w.week_start:%b}" for w in rhythm.weeks]
        draw_bars(
            self.view.chart(),
            labels,
            [BarSet("Posts", look.ACCENT, [float(w.posts) for w in rhythm.weeks])],
            at_least=float(plan or 0),
        )
        if plan is not None:
            add_level(self.view.chart(), "plan per week", look.TARGET, float(plan))
        add_level(
            self.view.chart(),
            f"posting limit ({max_per_day} a day)",
            look.BAD,
            float(rhythm.guard_per_week),
        )
