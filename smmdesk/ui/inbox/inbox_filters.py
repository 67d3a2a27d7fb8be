"""The row of filters above the inbox list, and the search box.

Each change produces a new ``InboxFilter`` at once, except typing in the
search box, which waits for a short pause so a fast typist runs one query
per word rather than one per key.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.vocabulary import InboxCategory, InboxKind, InboxStatus
from smmdesk.store.inbox_queries import InboxFilter, account_choices, platform_choices
from smmdesk.store.queries import StoreReader
from smmdesk.ui.theme import platform_icon

SEARCH_PAUSE_MS = 120


class InboxFilterBar(QWidget):
    changed = Signal(object)  # InboxFilter

    def __init__(self, reader: StoreReader) -> None:
        super().__init__()
        self.reader = reader
        self.current = InboxFilter()
        self.client_id: int | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search text and authors (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self._apply)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._apply)

        self.account = QComboBox()
        self.network = QComboBox()
        self.kind = _combo("Any kind", [(k.label, k.value) for k in InboxKind])
        self.status = _combo("Any status", [(s.value.capitalize(), s.value) for s in InboxStatus])
        self.category = _combo(
            "Any category",
            [(c.value.capitalize(), c.value) for c in InboxCategory],
        )
        self.overdue = QCheckBox("Overdue only")
        self.overdue.setToolTip("Items waiting longer than the client's reply target")
        for combo in (self.account, self.network, self.kind, self.status, self.category):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(7)
            combo.currentIndexChanged.connect(self._apply)
        self.overdue.toggled.connect(self._apply)

        # Two rows, and combos that may shrink, so the list side stays narrow
        # enough for a 1280-pixel window with the reading pane beside it.
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.overdue)
        combos = QHBoxLayout()
        for combo in (self.account, self.network, self.kind, self.status, self.category):
            combos.addWidget(combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(combos)
        self.refresh_choices()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.refresh_choices()  # the account list is this client's
        self._apply()

    def show_overdue(self) -> None:
        """From the status bar's "N overdue": every client's overdue items."""
        self.overdue.setChecked(True)

    def refresh_choices(self) -> None:
        """Account and network lists follow the clients and accounts in the store."""
        for combo in (self.account, self.network):
            combo.blockSignals(True)
        try:
            selected = self.account.currentData()
            self.account.clear()
            self.account.addItem("All accounts", None)
            for account_id, handle, platform in account_choices(self.reader.db, self.client_id):
                self.account.addItem(platform_icon(platform), handle, account_id)
            index = self.account.findData(selected)
            self.account.setCurrentIndex(max(0, index))
            chosen = self.network.currentData()
            self.network.clear()
            self.network.addItem("All networks", "")
            for platform in platform_choices(self.reader.db):
                self.network.addItem(platform_icon(platform), platform.capitalize(), platform)
            self.network.setCurrentIndex(max(0, self.network.findData(chosen)))
        finally:
            for combo in (self.account, self.network):
                combo.blockSignals(False)

    def _apply(self) -> None:
        self._search_timer.stop()
        flt = InboxFilter(
            client_id=self.client_id,
            account_id=self.account.currentData(),
            platform=self.network.currentData() or "",
            kind=self.kind.currentData() or "",
            status=self.status.currentData() or "",
            category=self.category.currentData() or "",
            overdue_only=self.overdue.isChecked(),
            search=self.search.text().strip(),
        )
        if flt != self.current:
            self.current = flt
            self.changed.emit(flt)


def _combo(any_label: str, entries: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    combo.addItem(any_label, "")
    for label, value in entries:
        combo.addItem(label, value)
    return combo
