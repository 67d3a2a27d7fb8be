"""Follower goals, one per account of a client: a number by a date.

Rule 7 of SMM-PRACTICE asks for a strategic plan per account; the goal is
its measurable part ("5,000 followers by 31 March"). The Followers card
draws it and says whether the trend gets there. A goal of 0 (or "No goal")
removes it.

Open with ``GoalsDialog(reader, store, client_id, parent).exec()``; it writes
through ``store.goals`` in one transaction when the user presses Save.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from smmdesk.reports.csv_import import network_name
from smmdesk.store.analytics_queries import goal_for
from smmdesk.store.goals import clear_goal, set_goal
from smmdesk.store.queries import StoreReader
from smmdesk.ui.analytics.look import STYLE
from smmdesk.ui.theme import platform_pixmap

if TYPE_CHECKING:
    from smmdesk.store.database import Store

#: The followers a goal may name at most (spin box ceiling).
MOST_FOLLOWERS = 2_000_000_000


class GoalRow:
    def __init__(self, account_id: int, current: int | None, target: int, by: date) -> None:
        self.account_id = account_id
        self.current = current
        self.original = (target, by)
        self.target = QSpinBox()
        self.target.setRange(0, MOST_FOLLOWERS)
        self.target.setGroupSeparatorShown(True)
        self.target.setSpecialValueText("No goal")
        self.target.setSingleStep(100)
        self.target.setMinimumWidth(110)
        self.target.setValue(target)
        self.by = QDateEdit(QDate(by.year, by.month, by.day))
        self.by.setCalendarPopup(True)
        self.by.setDisplayFormat("d MMM yyyy")
        self.target.valueChanged.connect(lambda v: self.by.setEnabled(v > 0))
        self.by.setEnabled(target > 0)

    def chosen(self) -> tuple[int, date]:
        day = self.by.date()
        return self.target.value(), date(day.year(), day.month(), day.day())


class GoalsDialog(QDialog):
    def __init__(
        self, reader: StoreReader, store: Store, client_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Follower goals")
        self.setStyleSheet(STYLE)
        self.store = store
        self.rows: list[GoalRow] = []
        intro = QLabel(
            "A goal per account: how many followers by which day. The Followers chart "
            "shows it as a dashed line and says whether the account is on track."
        )
        intro.setWordWrap(True)
        intro.setObjectName("ViewHint")
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        for column, text in enumerate(("Account", "Followers now", "Goal", "By")):
            heading = QLabel(text)
            heading.setStyleSheet("font-weight: 600; color: #4a5262;")
            grid.addWidget(heading, 0, column)
        default_day = date.today() + timedelta(days=90)
        accounts = reader.list_accounts(client_id)
        for n, account in enumerate(accounts, start=1):
            current = _latest_followers(reader, account.id)
            goal = goal_for(reader.db, account.id)
            row = GoalRow(
                account.id,
                current,
                goal.target_followers if goal else 0,
                goal.by_date if goal else default_day,
            )
            self.rows.append(row)
            name = QLabel(f"{account.handle}  ({network_name(account.platform)})")
            name.setTextFormat(Qt.TextFormat.PlainText)
            badge = QLabel()
            badge.setPixmap(platform_pixmap(account.platform, 16))
            cell = QGridLayout()
            cell.addWidget(badge, 0, 0)
            cell.addWidget(name, 0, 1)
            cell.setColumnStretch(1, 1)
            grid.addLayout(cell, n, 0)
            now_label = QLabel("not available" if current is None else f"{current:,}")
            now_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(now_label, n, 1)
            grid.addWidget(row.target, n, 2)
            grid.addWidget(row.by, n, 3)
        if not accounts:
            grid.addWidget(QLabel("This client has no accounts yet."), 1, 0, 1, 4)
        self.error = QLabel()
        self.error.setObjectName("ErrorText")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def save(self) -> None:
        today = date.today()
        for row in self.rows:
            target, by = row.chosen()
            if target > 0 and by < today and (target, by) != row.original:
                self.error.setText("A goal's day is in the past: choose a day from today on.")
                self.error.show()
                row.by.setFocus()
                return
        with self.store.transaction() as session:
            for row in self.rows:
                target, by = row.chosen()
                if (target, by) == row.original:
                    continue
                if target > 0:
                    set_goal(session, row.account_id, target, by)
                else:
                    clear_goal(session, row.account_id)
        self.accept()


def _latest_followers(reader: StoreReader, account_id: int) -> int | None:
    row = reader.db.execute(
        "SELECT followers FROM account_metrics WHERE account_id = ? AND followers IS NOT NULL "
        "ORDER BY measured_at DESC LIMIT 1",
        (account_id,),
    ).fetchone()
    return None if row is None else int(row[0])
