"""The Inbox tab: every comment, mention and message, newest first."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.clock import to_local
from smmdesk.core.vocabulary import InboxKind
from smmdesk.store.queries import StoreReader
from smmdesk.ui.inbox.inbox_model import InboxTableModel


class InboxTab(QWidget):
    #: The manager wants a post about this item's topic (SMM-PRACTICE: ideas
    #: from comments). Carries the inbox item id.
    idea_requested = Signal(int)

    def __init__(self, reader: StoreReader) -> None:
        super().__init__()
        self.client_id: int | None = None
        self.model = InboxTableModel(reader)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((96, 150, 76, 140, 0, 64)):
            if width:
                self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._show_item)

        self.count_label = QLabel()
        self.count_label.setObjectName("ViewHint")
        self.heading = QLabel("Select an item to read it")
        self.heading.setObjectName("CardTitle")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.meta = QLabel()
        self.meta.setObjectName("ViewHint")
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        # Network text is shown as plain text only (invariant 5).
        self.body = QPlainTextEdit()
        self.body.setReadOnly(True)

        self.idea_button = QPushButton("Turn into an idea")
        self.idea_button.setToolTip("Keep this topic in the client's Ideas for a future post")
        self.idea_button.setEnabled(False)
        self.idea_button.clicked.connect(self._request_idea)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.heading)
        detail_layout.addWidget(self.meta)
        detail_layout.addWidget(self.body, 1)
        detail_layout.addWidget(self.idea_button, 0, Qt.AlignmentFlag.AlignRight)

        list_side = QWidget()
        list_layout = QVBoxLayout(list_side)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.count_label)
        list_layout.addWidget(self.table, 1)

        splitter = QSplitter()
        splitter.addWidget(list_side)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([5000, 2000])  # proportions; Qt scales them to the width
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.addWidget(splitter)
        self.reload()

    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.reload()

    def reload(self) -> None:
        self.model.reload(self.client_id)
        count = self.model.rowCount()
        self.count_label.setText(f"{count:,} items" if count else "No inbox items yet")
        self.heading.setText("Select an item to read it")
        self.meta.clear()
        self.body.clear()
        self.idea_button.setEnabled(False)
        self._current_id: int | None = None

    def _request_idea(self) -> None:
        if self._current_id is not None:
            self.idea_requested.emit(self._current_id)

    def _show_item(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.row_at(current.row()) if current.isValid() else None
        if item is None:
            return
        self.heading.setText(f"{item.author_name} · {InboxKind(item.kind).label}")
        local = to_local(item.created_at, item.timezone)
        self.meta.setText(f"to {item.handle} · {local:%A %d %B %Y, %H:%M} ({item.timezone})")
        self.body.setPlainText(item.body)
        self._current_id = item.id
        self.idea_button.setEnabled(True)
