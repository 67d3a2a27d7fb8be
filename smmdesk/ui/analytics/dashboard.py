"""The dashboard: the cards in a scrollable two-column grid, filled from one
``Dashboard`` read.

Order follows the questions of the daily loop's last step (SMM-PRACTICE):
the five numbers; does the audience grow (followers, competitors); does the
content work (engagement, top and bottom posts, best time, content types,
consistency); is the audience looked after (inbox, leaders).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QVBoxLayout, QWidget

from smmdesk.core.clock import to_local
from smmdesk.ui.analytics.card import ChartCard
from smmdesk.ui.analytics.cards_audience import InboxCard, LeadersCard
from smmdesk.ui.analytics.cards_growth import CompetitorsCard, FollowersCard, KeyNumbersStrip
from smmdesk.ui.analytics.cards_posts import (
    ConsistencyCard,
    ContentCard,
    EngagementCard,
    HeatMapCard,
    RankedPostsCard,
)
from smmdesk.ui.analytics.data import Dashboard


class DashboardView(QScrollArea):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("DashboardScroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page = QWidget()
        page.setObjectName("Dashboard")
        self.key = KeyNumbersStrip()
        self.followers = FollowersCard()
        self.competitors = CompetitorsCard()
        self.engagement = EngagementCard()
        self.ranked = RankedPostsCard()
        self.heat = HeatMapCard()
        self.content = ContentCard()
        self.consistency = ConsistencyCard()
        self.inbox = InboxCard()
        self.leaders = LeadersCard()
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        grid.addWidget(self.followers, 0, 0)
        grid.addWidget(self.competitors, 0, 1)
        grid.addWidget(self.engagement, 1, 0)
        grid.addWidget(self.content, 1, 1)
        grid.addWidget(self.ranked, 2, 0, 1, 2)
        grid.addWidget(self.heat, 3, 0, 1, 2)
        grid.addWidget(self.consistency, 4, 0)
        grid.addWidget(self.inbox, 4, 1)
        grid.addWidget(self.leaders, 5, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 6, 12)
        layout.setSpacing(12)
        layout.addWidget(self.key)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.setWidget(page)

    def chart_cards(self) -> list[ChartCard]:
        """Every card with a "Show numbers" toggle."""
        return [
            self.followers,
            self.competitors,
            self.engagement,
            self.heat,
            self.content,
            self.consistency,
        ]

    def show_dashboard(self, data: Dashboard) -> None:
        zone = data.facts.timezone
        self.key.show(data.key, data.facts.reply_target_hours)
        today = to_local(data.read_at, zone).date()
        self.followers.show_series(data.followers, data.period, zone, today)
        self.competitors.show_growth(data.summaries, data.competitors, data.period, data.facts.name)
        self.engagement.show_posts(data.posts, data.key, zone)
        self.ranked.show_posts(data.top, data.bottom, zone)
        self.heat.show_map(data.heat, data.heat_period)
        self.content.show_types(data.content)
        self.consistency.show_rhythm(data.consistency, data.facts.max_posts_per_day)
        self.inbox.show_inbox(data.inbox, data.previous_inbox)
        self.leaders.show_leaders(data.leaders)
