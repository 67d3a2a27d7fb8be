"""The Calendar tab: a month of posts for the selected client (or all)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from smmdesk.core.clock import month_grid, month_name, shift_month
from smmdesk.core.vocabulary import PostStatus
from smmdesk.store.queries import StoreReader
from smmdesk.ui.calendar.month_view import MonthGrid


class CalendarTab(QWidget):
    def __init__(self, reader: StoreReader) -> None:
        super().__init__()
        self.reader = reader
        self.client_id: int | None = None
        today = date.today()
        self.year, self.month = today.year, today.month

        self.title = QLabel()
        self.title.setObjectName("MonthTitle")
        self.summary = QLabel()
        self.summary.setObjectName("ViewHint")
        previous = QPushButton("‹")
        previous.setToolTip("Previous month (Page Up)")
        previous.setFixedWidth(36)
        following = QPushButton("›")
        following.setToolTip("Next month (Page Down)")
        following.setFixedWidth(36)
        today_button = QPushButton("Today")
        today_button.setToolTip("Back to this month (Home)")
        previous.clicked.connect(lambda: self.go(-1))
        following.clicked.connect(lambda: self.go(+1))
        today_button.clicked.connect(self.go_today)
        for key, slot in (
            ("PgUp", lambda: self.go(-1)),
            ("PgDown", lambda: self.go(+1)),
            ("Home", self.go_today),
        ):
            QShortcut(QKeySequence(key), self, activated=slot)

        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(12)
        header.addWidget(self.summary, 1)
        header.addWidget(today_button)
        header.addWidget(previous)
        header.addWidget(following)

        self.grid = MonthGrid()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.addLayout(header)
        layout.addWidget(self.grid, 1)
        self.reload()

    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.reload()

    def go(self, delta: int) -> None:
        self.year, self.month = shift_month(self.year, self.month, delta)
        self.reload()

    def go_today(self) -> None:
        today = date.today()
        self.year, self.month = today.year, today.month
        self.reload()

    def reload(self) -> None:
        days = month_grid(self.year, self.month)
        # One day of margin each side: a client's local day can start up to
        # 14 hours away from UTC midnight.
        start = datetime.combine(days[0] - timedelta(days=1), time(), tzinfo=UTC)
        end = datetime.combine(days[-1] + timedelta(days=2), time(), tzinfo=UTC)
        posts = self.reader.posts_between(start, end, self.client_id)
        self.grid.month_model.set_month(days, self.month, posts, date.today())
        self.title.setText(month_name(self.year, self.month))
        in_month = [
            p
            for p in posts
            if p.scheduled_at.year == self.year and p.scheduled_at.month == self.month
        ]
        counts = Counter(p.status for p in in_month)
        parts = [f"{len(in_month)} posts"]
        for status in (PostStatus.PUBLISHED, PostStatus.SCHEDULED, PostStatus.DRAFT):
            if counts[status]:
                parts.append(f"{counts[status]} {status.label.lower()}")
        if counts[PostStatus.FAILED]:
            parts.append(f"{counts[PostStatus.FAILED]} failed")
        self.summary.setText(" · ".join(parts))
