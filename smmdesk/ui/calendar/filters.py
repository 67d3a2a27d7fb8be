"""The calendar's filter bar: account, status and content type.

The client comes from the sidebar; the accounts offered are that client's
(or everyone's, on "All clients"). A filter narrows what the views paint;
the posting guard still counts every planned post.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from smmdesk.core.vocabulary import ContentType, PostStatus
from smmdesk.store.queries import AccountRow
from smmdesk.ui.calendar.calendar_data import CalendarFilter
from smmdesk.ui.theme import STATUS_COLOURS, colour_dot, platform_icon


class FilterBar(QWidget):
    changed = Signal(object)  # CalendarFilter

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("CalendarFilters")
        self.account_box = QComboBox()
        self.account_box.setMinimumContentsLength(16)
        self.account_box.setToolTip("Show the posts going to one account")
        self.status_box = QComboBox()
        self.status_box.addItem("Any status", None)
        for status in PostStatus:
            self.status_box.addItem(
                colour_dot(STATUS_COLOURS.get(status.value, "#7a8294"), 10),
                status.label,
                status.value,
            )
        self.status_box.setToolTip("Show posts in one status")
        self.type_box = QComboBox()
        self.type_box.addItem("Any content type", None)
        for kind in ContentType:
            self.type_box.addItem(kind.label, kind.value)
        self.type_box.setToolTip("Show posts of one content type")
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setFlat(True)
        self.clear_button.setObjectName("LinkButton")
        self.clear_button.clicked.connect(self.clear)
        self.clear_button.setVisible(False)
        label = QLabel("Show")
        label.setObjectName("ViewHint")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(label)
        layout.addWidget(self.account_box)
        layout.addWidget(self.status_box)
        layout.addWidget(self.type_box)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        self._accounts: list[AccountRow] = []
        self.set_accounts([])
        for box in (self.account_box, self.status_box, self.type_box):
            box.currentIndexChanged.connect(self._emit)

    def set_accounts(self, accounts: Sequence[AccountRow]) -> None:
        """Offer these accounts; keep the chosen one if it is still there."""
        chosen = self.account_box.currentData()
        self.account_box.blockSignals(True)
        self.account_box.clear()
        self.account_box.addItem("All accounts", None)
        for account in accounts:
            self.account_box.addItem(platform_icon(account.platform), account.handle, account.id)
        position = self.account_box.findData(chosen) if chosen is not None else 0
        self.account_box.setCurrentIndex(max(0, position))
        self.account_box.blockSignals(False)
        self._accounts = list(accounts)
        if chosen is not None and position < 0:
            self._emit()

    def current(self) -> CalendarFilter:
        return CalendarFilter(
            self.account_box.currentData(),
            self.status_box.currentData(),
            self.type_box.currentData(),
        )

    def set_filter(self, choice: CalendarFilter) -> None:
        for box, value in (
            (self.account_box, choice.account_id),
            (self.status_box, choice.status),
            (self.type_box, choice.content_type),
        ):
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(value)))
            box.blockSignals(False)
        self._emit()

    def clear(self) -> None:
        self.set_filter(CalendarFilter())

    def _emit(self) -> None:
        choice = self.current()
        self.clear_button.setVisible(choice.active)
        self.changed.emit(choice)
