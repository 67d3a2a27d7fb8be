"""The inbox list as a table model that reads one page at a time.

A profile can hold hundreds of thousands of items; the model knows only the
count and keeps a few pages of plain ``InboxRow`` values, fetched by an
indexed query when the view scrolls to them. Network text is returned as
plain strings: the view never interprets it as rich text (invariant 5).
"""

from __future__ import annotations

import html
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from smmdesk.core.clock import to_local
from smmdesk.core.vocabulary import InboxKind, InboxStatus
from smmdesk.store.queries import InboxRow, StoreReader
from smmdesk.ui.theme import platform_icon

_Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200
MAX_CACHED_PAGES = 20
COLUMNS = ("Received", "Account", "Kind", "From", "Text", "Status")


class InboxTableModel(QAbstractTableModel):
    RowRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, reader: StoreReader) -> None:
        super().__init__()
        self.reader = reader
        self.client_id: int | None = None
        self._count = 0
        self._pages: OrderedDict[int, list[InboxRow]] = OrderedDict()

    def reload(self, client_id: int | None = None) -> None:
        self.beginResetModel()
        self.client_id = client_id
        self._pages.clear()
        self._count = self.reader.inbox_count(client_id)
        self.endResetModel()

    def row_at(self, row: int) -> InboxRow | None:
        if not 0 <= row < self._count:
            return None
        page_number = row // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            page = self.reader.inbox_page(page_number * PAGE_SIZE, PAGE_SIZE, self.client_id)
            self._pages[page_number] = page
            while len(self._pages) > MAX_CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_number)
        offset = row % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.row_at(index.row())
        if item is None:
            return None
        column = index.column()
        if role == self.RowRole:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{to_local(item.created_at, item.timezone):%d %b %H:%M}"
            if column == 1:
                return item.handle
            if column == 2:
                return InboxKind(item.kind).label
            if column == 3:
                return item.author_name
            if column == 4:
                return " ".join(item.body.split())[:200]
            if column == 5:
                return item.status.capitalize()
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return platform_icon(item.platform)
        if role == Qt.ItemDataRole.FontRole and column == 3 and item.status == InboxStatus.NEW:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            # Qt guesses whether a tooltip is rich text; escaping it inside an
            # explicit paragraph keeps network text literal (invariant 5).
            return f"<p style='white-space:pre-wrap'>{html.escape(item.body[:1000])}</p>"
        return None
