"""Growth cards: the five numbers, followers against goals, and competitors.

The five numbers are those a client asks about first (``KeyNumbers``), each
with its change against the period before in colour: green when it moved
the good way (a shorter response time is good), red when not. Followers are
one line per account in the client's time zone; a goal is a dashed line
from the latest count to the target on its date (cut at the chart's edge
when the date is far off) with "on track" or "behind" in words beside it.
Competitors are compared by growth in percent, since a brand ten times the
client's size would flatten every other line on a shared axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from smmdesk.core.analytics import Change, Period
from smmdesk.core.clock import to_local
from smmdesk.reports.csv_import import network_name
from smmdesk.store import analytics_queries as aq
from smmdesk.ui.analytics import look
from smmdesk.ui.analytics.card import ChartCard
from smmdesk.ui.analytics.charts import BarSet, Line, chart_view, draw_bars, draw_lines
from smmdesk.ui.analytics.period_bar import describe


def local(moment: datetime, zone_name: str) -> datetime:
    """A UTC instant as the client's wall-clock time (naive, for the chart axis)."""
    return to_local(moment, zone_name).replace(tzinfo=None)


def day_end(period: Period) -> datetime:
    return datetime.combine(period.end + timedelta(days=1), time(0))


class KpiCard(QFrame):
    def __init__(self, name: str, tip: str) -> None:
        super().__init__()
        self.setObjectName("KpiCard")
        self.setToolTip(tip)
        self.name = QLabel(name)
        self.name.setObjectName("KpiName")
        self.value = QLabel()
        self.value.setObjectName("KpiValue")
        self.change = QLabel()
        self.before = QLabel()
        self.before.setObjectName("ViewHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(1)
        for label in (self.name, self.value, self.change, self.before):
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)

    def show_change(
        self, value: Change, words: str, before_words: str, kind: str, better_up: bool = True
    ) -> None:
        available = value.current is not None
        self.value.setText(words)
        self.value.setObjectName("KpiValue" if available else "NotAvailable")
        self.value.setStyleSheet("" if available else "font-size: 14pt;")
        text = look.change_text(value.current, value.previous, kind)
        self.change.setText(text or " ")
        colour = look.change_colour(value.current, value.previous, better_up)
        self.change.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.before.setText(f"before: {before_words}")


class KeyNumbersStrip(QWidget):
    """Five cards in a row."""

    SPECS = (
        ("followers", "Followers", "All accounts' followers at the end of the period"),
        ("rate", "Engagement rate", "Likes, reposts and replies per follower, per post"),
        ("posts", "Posts published", "Posts published in the period (a post on 3 networks is 1)"),
        ("median", "Median first response", "In the client's working hours"),
        ("in_time", "Answered in time", "Share of answered items answered within the target"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, KpiCard] = {}
        row = QGridLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setHorizontalSpacing(10)
        for n, (key, name, tip) in enumerate(self.SPECS):
            card = KpiCard(name, tip)
            self.cards[key] = card
            row.addWidget(card, 0, n)
            row.setColumnStretch(n, 1)

    def show(self, key: aq.KeyNumbers, target_hours: float) -> None:  # type: ignore[override]
        def hours(minutes: float | None) -> str:
            return look.hours(None if minutes is None else minutes / 60)

        def as_hours(c: Change) -> Change:
            def h(v: float | None) -> float | None:
                return None if v is None else v / 60

            return Change(h(c.current), h(c.previous), h(c.delta), c.percent)

        self.cards["followers"].show_change(
            key.followers,
            look.whole(key.followers.current),
            look.whole(key.followers.previous),
            "count",
        )
        self.cards["rate"].show_change(
            key.engagement_rate,
            look.percent(key.engagement_rate.current, 2),
            look.percent(key.engagement_rate.previous, 2),
            "share",
        )
        self.cards["posts"].show_change(
            key.posts_published,
            look.whole(key.posts_published.current),
            look.whole(key.posts_published.previous),
            "count",
        )
        median = key.median_response_minutes
        self.cards["median"].show_change(
            as_hours(median),
            hours(median.current),
            hours(median.previous),
            "hours",
            better_up=False,
        )
        self.cards["in_time"].show_change(
            key.share_answered_in_time,
            look.percent(key.share_answered_in_time.current, 0),
            look.percent(key.share_answered_in_time.previous, 0),
            "share",
        )
        self.cards["in_time"].name.setText(f"Answered within {target_hours:g} h")


def account_name(platform: str, handle: str) -> str:
    return f"{handle} · {network_name(platform)}"


def goal_words(series: aq.AccountSeries) -> tuple[str, str]:
    """(text, object name for its colour) of one account's goal."""
    goal, projection = series.goal, series.projection
    if goal is None:
        return "", ""
    by = f"{goal.by_date.day} {goal.by_date:%b %Y}"
    head = f"{series.handle}: goal {goal.target_followers:,} by {by}"
    if projection is None or projection.on_track is None:
        return f"{head} — too little history to tell", "ViewHint"
    trend = "" if projection.per_day is None else f"trend {projection.per_day:+,.1f} a day"
    needed = (
        ""
        if projection.needed_per_day is None
        else f"needs {projection.needed_per_day:+,.1f} a day"
    )
    reasons = "; ".join(part for part in (trend, needed) if part)
    if projection.current is not None and projection.current >= goal.target_followers:
        return f"{head} — reached", "OkText"
    state = "on track" if projection.on_track else "behind"
    return f"{head} — {state}" + (f" ({reasons})" if reasons else ""), (
        "OkText" if projection.on_track else "ErrorText"
    )


class FollowersCard(ChartCard):
    goals_requested = Signal()

    def __init__(self) -> None:
        self.view = chart_view()
        super().__init__("Followers", self.view, ["Day"], height=270)
        manage = QPushButton("Goals…")
        manage.setToolTip("Set a follower goal for each account (a number by a date)")
        manage.clicked.connect(self.goals_requested)
        self.header.insertWidget(2, manage)
        self.goal_labels: list[QLabel] = []
        self.goals_box = QVBoxLayout()
        self.goals_box.setSpacing(1)
        self.body.addLayout(self.goals_box)

    def show_series(
        self,
        series: Sequence[aq.AccountSeries],
        period: Period,
        zone_name: str,
        today: date | None = None,
    ) -> None:
        """One line per account; goals drawn from today's count, so only for a
        period that reaches today (a past month's last day is no place to
        start a path to a goal from)."""
        reaches_today = period.end >= (today or date.today())
        start = datetime.combine(period.start, time(0))
        end = day_end(period)
        horizon = end + timedelta(days=period.days)  # a goal may stretch the axis this far
        lines: list[Line] = []
        for n, account in enumerate(series):
            colour = look.LINE_COLOURS[n % len(look.LINE_COLOURS)]
            points = [(local(m, zone_name), float(v)) for m, v in account.points]
            if not points:
                continue
            lines.append(Line(account.handle, colour, points))
            if account.goal is not None and reaches_today:
                deadline = datetime.combine(account.goal.by_date + timedelta(days=1), time(0))
                goal_line = _goal_path(points[-1], deadline, account.goal.target_followers, horizon)
                if goal_line:
                    end = max(end, goal_line[-1][0])
                    reached = goal_line[-1][0] == deadline
                    lines.append(
                        Line(
                            f"goal {account.goal.target_followers:,} ({account.handle})",
                            colour,
                            goal_line,
                            dashed=True,
                            markers=[goal_line[-1]] if reached else [],
                            in_legend=False,  # the words below the chart say it
                        )
                    )
        self._show_goals(series)
        if not lines:
            none_given = series and not any(s.available for s in series)
            self.set_empty(
                "Followers: not available from these networks."
                if none_given
                else "No follower counts in this period yet: they are recorded at every sync."
                if series
                else "This client has no accounts yet."
            )
            self.set_numbers([])
            return
        self.set_empty("")
        draw_lines(self.view.chart(), lines, start, end, "d MMM")
        self._fill_table(series, zone_name)

    def _show_goals(self, series: Sequence[aq.AccountSeries]) -> None:
        for label in self.goal_labels:
            label.deleteLater()
        self.goal_labels = []
        for account in series:
            text, name = goal_words(account)
            if not text:
                continue
            label = QLabel(text)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setObjectName(name)
            label.setWordWrap(True)
            self.goals_box.addWidget(label)
            self.goal_labels.append(label)

    def _fill_table(self, series: Sequence[aq.AccountSeries], zone_name: str) -> None:
        """Days down, accounts across: the chart's points, and the goals."""
        days = sorted({to_local(m, zone_name).date() for s in series for m, _v in s.points})
        by_day = [{to_local(m, zone_name).date(): v for m, v in s.points} for s in series]
        headers = ["Day"] + [s.handle for s in series]
        rows: list[list[str]] = []
        for day in days:
            cells = [f"{day:%a} {day.day} {day:%b %Y}"]
            for account, values in zip(series, by_day, strict=True):
                if not account.available:
                    cells.append(look.NOT_AVAILABLE)
                else:
                    cells.append(f"{values[day]:,}" if day in values else "–")
            rows.append(cells)
        if any(s.goal for s in series):
            goal_row = ["Goal"]
            for s in series:
                goal_row.append(
                    f"{s.goal.target_followers:,} by {s.goal.by_date:%d %b %Y}" if s.goal else ""
                )
            rows.append(goal_row)
        self.model.headers = headers
        self.model.numeric = set(range(1, len(headers)))
        self.set_numbers(rows)


def _goal_path(
    last: tuple[datetime, float], deadline: datetime, target: int, horizon: datetime
) -> list[tuple[datetime, float]]:
    """From the latest count to the goal; cut at ``horizon`` (same slope)."""
    start, value = last
    if deadline <= start:
        return []
    if deadline <= horizon:
        return [last, (deadline, float(target))]
    share = (horizon - start) / (deadline - start)
    return [last, (horizon, value + (target - value) * share)]


class CompetitorsCard(ChartCard):
    """Growth in percent over the period: the client's accounts, then competitors."""

    manage_requested = Signal()

    def __init__(self) -> None:
        self.view = chart_view()
        super().__init__(
            "Growth beside competitors",
            self.view,
            ["Account", "Whose", "Followers", "Change", "Growth"],
            numeric=(2, 3, 4),
            height=270,
        )
        manage = QPushButton("Competitors…")
        manage.setToolTip("Add or remove public accounts of other brands to compare with")
        manage.clicked.connect(self.manage_requested)
        self.header.insertWidget(2, manage)

    def show_growth(
        self,
        summaries: Sequence[aq.AccountSummary],
        competitors: Sequence[aq.CompetitorSeries],
        period: Period,
        client_name: str,
    ) -> None:
        rows: list[list[str]] = []
        names: list[str] = []
        own: list[float | None] = []
        theirs: list[float | None] = []
        for s in summaries:
            rows.append(_growth_row(s.handle, client_name, s.platform, s.followers_change))
            names.append(_unique(account_name(s.platform, s.handle), names))
            own.append(s.followers_change.percent)
            theirs.append(None)
        for c in competitors:
            change = c.followers_change if c.available else Change(None, None, None, None)
            rows.append(_growth_row(c.label, "competitor", c.platform, change))
            name = account_name(c.platform, c.label)
            if change.current is None:
                name += " (not available)"
            names.append(_unique(name, names))
            own.append(None)
            theirs.append(change.percent)
        self.set_numbers(rows)
        self.set_hint(
            f"Follower growth in {describe(period)}, in percent."
            if competitors
            else "No competitors yet: add public accounts of other brands with "
            "“Competitors…” to see their growth beside the client's."
        )
        if all(v is None for v in own + theirs):
            self.set_empty("No growth to compare yet: counts are recorded at every sync.")
            return
        self.set_empty("")
        names.reverse()  # horizontal bars are drawn bottom-up: the client's on top
        own.reverse()
        theirs.reverse()
        draw_bars(
            self.view.chart(),
            names,
            [BarSet(client_name, look.ACCENT, own)]
            + ([BarSet("Competitors", "#c98a00", theirs)] if competitors else []),
            horizontal=True,
            value_format="%.1f%%",
            stacked=True,
        )


def _unique(name: str, taken: Sequence[str]) -> str:
    """A bar category name not used yet (categories must differ)."""
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


def _growth_row(name: str, whose: str, platform: str, change: Change) -> list[str]:
    available = change.current is not None
    return [
        account_name(platform, name),
        whose,
        look.whole(change.current),
        "" if change.delta is None else f"{change.delta:+,.0f}",
        (
            look.NOT_AVAILABLE
            if not available
            else "–"
            if change.percent is None
            else f"{change.percent:+.1f}%"
        ),
    ]
