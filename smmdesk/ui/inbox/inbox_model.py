"""The inbox list as a table model that reads one page at a time.

A profile can hold hundreds of thousands of items; the model knows only the
count for the current filter and keeps a few pages of plain rows, fetched by
an indexed query when the view scrolls to them. Network text is returned as
plain strings: the view never interprets it as rich text (invariant 5).
"""

from __future__ import annotations

import html
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from smmdesk.core.clock import to_local
from smmdesk.core.response_clock import format_time_left, working_minutes_between
from smmdesk.core.vocabulary import InboxKind, InboxStatus
from smmdesk.store.inbox_queries import InboxFilter, InboxListRow, count_items, list_page
from smmdesk.store.queries import StoreReader
from smmdesk.ui.inbox.client_clocks import ClientClocks
from smmdesk.ui.theme import platform_icon

_Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200
MAX_CACHED_PAGES = 20
# Kind shows as a mark before the author; the status column shows the reply
# clock while an answer is due, so the list fits beside the reading pane.
COLUMNS = ("Received", "From", "Account", "Text", "Category", "Status")
FROM_COLUMN = 1
ACCOUNT_COLUMN = 2
TEXT_COLUMN = 3
CLOCK_COLUMN = 5
_KIND_MARKS = {"direct_message": "✉ ", "mention": "@ ", "reply": "↪ "}
_OVERDUE = QColor("#c62828")
_QUIET = QColor("#8a8f98")


class InboxTableModel(QAbstractTableModel):
    RowRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, reader: StoreReader) -> None:
        super().__init__()
        self.reader = reader
        self.filter = InboxFilter()
        self.clocks = ClientClocks(reader.db)
        self._count = 0
        self._now = datetime.now(UTC)
        self._pages: OrderedDict[int, list[InboxListRow]] = OrderedDict()
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_filter(self, flt: InboxFilter) -> None:
        self.filter = flt
        self.reload()

    def reload(self) -> None:
        """Read the count again and forget cached pages (after a sync or an action)."""
        self.beginResetModel()
        self._now = datetime.now(UTC)
        self._pages.clear()
        self.clocks.forget()
        self._count = count_items(self.reader.db, self.filter, self._now)
        self.endResetModel()

    def tick(self) -> None:
        """The clock moved on: repaint the time-left column only."""
        self._now = datetime.now(UTC)
        if self._count:
            # Column 0 too: the list draws each row, clock included, in its first column.
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, CLOCK_COLUMN))

    def row_at(self, row: int) -> InboxListRow | None:
        if not 0 <= row < self._count:
            return None
        page_number = row // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            page = list_page(
                self.reader.db, self.filter, page_number * PAGE_SIZE, PAGE_SIZE, self._now
            )
            self._pages[page_number] = page
            while len(self._pages) > MAX_CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_number)
        offset = row % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def row_of(self, item_id: int, near: int = 0) -> int | None:
        """The row showing ``item_id`` among the cached pages, looking near ``near`` first."""
        for page_number, page in sorted(
            self._pages.items(), key=lambda kv: abs(kv[0] * PAGE_SIZE - near)
        ):
            for offset, item in enumerate(page):
                if item.id == item_id:
                    return page_number * PAGE_SIZE + offset
        return None

    def minutes_left(self, item: InboxListRow) -> float | None:
        return self.working_minutes_left(item.client_id, item.status, item.due_at, self._now)

    def working_minutes_left(
        self, client_id: int, status: str, due_at: datetime | None, now: datetime
    ) -> float | None:
        """The reply clock: working minutes to the deadline; None when no answer is due."""
        if due_at is None or status != InboxStatus.NEW:
            return None
        return working_minutes_between(now, due_at, self.clocks.hours(client_id))

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
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == self.RowRole:
            return item
        if role == Qt.ItemDataRole.DecorationRole and column == ACCOUNT_COLUMN:
            return platform_icon(item.platform)
        if role == Qt.ItemDataRole.FontRole:
            if item.removed:
                return self._italic
            if item.status == InboxStatus.NEW and column in (FROM_COLUMN, CLOCK_COLUMN):
                return self._bold
        if role == Qt.ItemDataRole.ForegroundRole:
            if item.removed or item.hidden or item.status == InboxStatus.DONE:
                return QBrush(_QUIET)
            if column == CLOCK_COLUMN:
                left = self.minutes_left(item)
                if left is not None and left < 0:
                    return QBrush(_OVERDUE)
        if role == Qt.ItemDataRole.ToolTipRole and column == FROM_COLUMN:
            return _kind_label(item.kind)
        if role == Qt.ItemDataRole.ToolTipRole and column == TEXT_COLUMN:
            # Qt guesses whether a tooltip is rich text; escaping it inside an
            # explicit paragraph keeps network text literal (invariant 5).
            return f"<p style='white-space:pre-wrap'>{html.escape(item.body)}</p>"
        return None

    def _display(self, item: InboxListRow, column: int) -> str:
        if column == 0:
            return f"{to_local(item.created_at, item.timezone):%d %b %H:%M}"
        if column == FROM_COLUMN:
            return _KIND_MARKS.get(item.kind, "") + item.author_name
        if column == ACCOUNT_COLUMN:
            return item.handle
        if column == TEXT_COLUMN:
            text = " ".join(item.body.split())[:200]
            if item.removed:
                return "(removed) " + text
            return "(hidden) " + text if item.hidden else text
        if column == 4:
            return "" if item.category == "unsorted" else item.category.capitalize()
        if column == CLOCK_COLUMN:
            left = self.minutes_left(item)
            return item.status.capitalize() if left is None else format_time_left(left)
        return ""


def _kind_label(kind: str) -> str:
    try:
        return InboxKind(kind).label
    except ValueError:
        return kind.capitalize()
