"""Audience cards: how the inbox was answered, and who talks the most.

Inbox performance is a handful of counts, not a trend, so it is a grid of
numbers rather than a chart (rule 8 of SMM-PRACTICE: answer everyone; the
median first response within the target, in working hours). Leaders are
the most active people of the client's audience in the period, from the
inbox (the client's own accounts are never among them).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from smmdesk.reports.csv_import import network_name
from smmdesk.store import analytics_queries as aq
from smmdesk.ui.analytics import look
from smmdesk.ui.analytics.card import Card
from smmdesk.ui.inbox.leaders_dialog import TextTableModel, at_handle, table_view


class _Number(QWidget):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = QLabel(name)
        self.name.setObjectName("ViewHint")
        self.value = QLabel()
        self.value.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.change = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(0)
        for label in (self.name, self.value, self.change):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            layout.addWidget(label)

    def set(self, value: str, change: str = "", colour: str = look.NEUTRAL) -> None:
        self.value.setText(value)
        self.change.setText(change or " ")
        self.change.setStyleSheet(f"color: {colour};")


class InboxCard(Card):
    KEYS = (
        ("received", "Received"),
        ("answered", "Answered"),
        ("median", "Median first response"),
        ("in_time", "Answered within target"),
        ("overdue", "Overdue now"),
        ("escalated", "Escalated to the client"),
    )

    def __init__(self) -> None:
        super().__init__("Inbox performance")
        self.numbers: dict[str, _Number] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(8)
        for n, (key, name) in enumerate(self.KEYS):
            number = _Number(name)
            self.numbers[key] = number
            grid.addWidget(number, n // 3, n % 3)
        self.body.addLayout(grid)
        self.body.addStretch(1)

    def show_inbox(self, now: aq.InboxPerformance, before: aq.InboxPerformance) -> None:
        def changed(current: float | None, previous: float | None, kind: str, up: bool) -> tuple:
            text = look.change_text(current, previous, kind)
            return text, look.change_colour(current, previous, up)

        self.numbers["received"].set(
            look.whole(now.received), *changed(now.received, before.received, "count", True)
        )
        self.numbers["answered"].set(
            look.whole(now.answered), *changed(now.answered, before.answered, "count", True)
        )
        median_h = None if now.median_minutes is None else now.median_minutes / 60
        before_h = None if before.median_minutes is None else before.median_minutes / 60
        self.numbers["median"].set(
            "nothing answered" if median_h is None else look.hours(median_h),
            *changed(median_h, before_h, "hours", False),
        )
        self.numbers["in_time"].name.setText(f"Answered within {now.target_hours:g} working h")
        share = now.share_within_target
        self.numbers["in_time"].set(
            "–" if share is None else f"{look.percent(share, 0)} ({now.within_target:,})",
            *changed(share, before.share_within_target, "share", True),
        )
        self.numbers["overdue"].set(
            look.whole(now.overdue_now),
            "waiting past the target" if now.overdue_now else "none waiting too long",
            look.BAD if now.overdue_now else look.GOOD,
        )
        self.numbers["escalated"].set(
            look.whole(now.escalated), *changed(now.escalated, before.escalated, "count", False)
        )
        self.set_hint(
            f"Items received in the period (spam left out); times in the client's working "
            f"hours; target {now.target_hours:g} h."
        )


class LeadersCard(Card):
    def __init__(self) -> None:
        super().__init__("Audience leaders")
        self.model = TextTableModel(["Person", "Handle", "On", "Items", "Comments"], (3, 4))
        self.table = table_view(self.model, 0)
        self.table.setObjectName("NumbersTable")
        self.empty = QLabel("Nobody wrote to the client's accounts in this period.")
        self.empty.setObjectName("ViewHint")
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)
        self.set_hint("The people who wrote the most in the period: thank them, invite them.")

    def show_leaders(self, leaders: Sequence[aq.LeaderRow]) -> None:
        self.model.set_rows(
            [
                (
                    r.author_name or r.author_id,
                    at_handle(r.author_handle),
                    f"{network_name(r.platform)} {r.handle}",
                    str(r.items),
                    str(r.comments),
                )
                for r in leaders
            ]
        )
        rows = max(1, len(leaders))
        self.table.setFixedHeight(
            self.table.horizontalHeader().sizeHint().height()
            + rows * max(self.table.verticalHeader().defaultSectionSize(), 24)
            + 4
        )
        # Some networks give no handles: no empty column then.
        self.table.setColumnHidden(1, not any(r.author_handle for r in leaders))
        self.table.setVisible(bool(leaders))
        self.empty.setVisible(not leaders)
