"""The Inbox tab: every comment, mention and message, in one list.

The list (a paged model over the store) and its filters sit on the left, the
reading pane on the right. What the manager does to an item is written at
once through ``InboxActions``; the list then re-reads its count and pages and
keeps the same item selected, or moves on to the next one when the item
left the filter (a done item under "New"), as mail clients do.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.response_clock import format_time_left
from smmdesk.store.inbox_detail import item_detail
from smmdesk.store.inbox_queries import InboxFilter, overdue_count
from smmdesk.store.queries import StoreReader
from smmdesk.ui.inbox.inbox_actions import InboxActions
from smmdesk.ui.inbox.inbox_filters import InboxFilterBar
from smmdesk.ui.inbox.inbox_model import InboxTableModel
from smmdesk.ui.inbox.inbox_row_delegate import ROW_HEIGHT, InboxRowDelegate
from smmdesk.ui.inbox.reading_pane import ReadingPane

if TYPE_CHECKING:
    from smmdesk.store.database import Store
    from smmdesk.sync.coordinator import SyncCoordinator
    from smmdesk.sync.overdue_watch import OverdueWatch

#: The reply clocks in the list are redrawn this often.
CLOCK_TICK_MS = 60_000


class InboxTab(QWidget):
    #: The manager wants a post about this item's topic (SMM-PRACTICE: ideas
    #: from comments). Carries the inbox item id.
    idea_requested = Signal(int)

    def __init__(self, reader: StoreReader) -> None:
        super().__init__()
        self.reader = reader
        self.client_id: int | None = None
        self._current_id: int | None = None
        self.model = InboxTableModel(reader)
        self.filters = InboxFilterBar(reader)
        self.filters.changed.connect(self._filter_changed)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        # One column drawn as a two-line card per item; the model keeps its
        # columns (for the tests and for assistive tools), the view shows one.
        self.row_delegate = InboxRowDelegate(self.model)
        self.table.setItemDelegateForColumn(0, self.row_delegate)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.horizontalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for column in range(1, self.model.columnCount()):
            self.table.setColumnHidden(column, True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.count_label = QLabel()
        self.count_label.setObjectName("ViewHint")
        self.more = QToolButton()
        self.more.setText("Tools")
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_menu = QMenu(self.more)
        self.more.setMenu(self.more_menu)

        self.pane = ReadingPane(reader)
        self.actions = InboxActions(self)

        top = QHBoxLayout()
        top.addWidget(self.count_label, 1)
        top.addWidget(self.more)
        list_side = QWidget()
        list_layout = QVBoxLayout(list_side)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.filters)
        list_layout.addLayout(top)
        list_layout.addWidget(self.table, 1)

        splitter = QSplitter()
        splitter.addWidget(list_side)
        splitter.addWidget(self.pane)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([1000, 1000])  # proportions; Qt scales them to the width
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.addWidget(splitter)

        self._install_keys()
        self._tick = QTimer(self)
        self._tick.setInterval(CLOCK_TICK_MS)
        self._tick.timeout.connect(self.model.tick)
        self._tick.start()
        self.reload()

    def attach(self, store: Store, coordinator: SyncCoordinator, watch: OverdueWatch) -> None:
        """Second step of start-up: writes and network jobs become possible."""
        self.actions.attach(store, coordinator)
        self.actions.on_changed = watch.check
        self._fill_tools(store)

    def _fill_tools(self, store: Store) -> None:
        from smmdesk.ui.inbox import tools_menu

        tools_menu.fill(self.more_menu, self, store)

    # --- keyboard -----------------------------------------------------------------

    def _install_keys(self) -> None:
        """The pane's keys work from the list too; text boxes keep their letters
        (Qt lets an editor override plain-key shortcuts while it has focus)."""
        for action in self.pane.actions_for_tab:
            self.addAction(action)
        moves = (("J", 1), ("K", -1), ("Alt+Down", 1), ("Alt+Up", -1))
        for keys, step in moves:
            move = QAction(self.table if len(keys) == 1 else self)
            move.setShortcut(QKeySequence(keys))
            move.setShortcutContext(
                Qt.ShortcutContext.WidgetShortcut
                if len(keys) == 1
                else Qt.ShortcutContext.WidgetWithChildrenShortcut
            )
            move.triggered.connect(lambda _c=False, s=step: self.move_selection(s))
            (self.table if len(keys) == 1 else self).addAction(move)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.filters.focus_search)
        back = QShortcut(QKeySequence("Escape"), self.pane)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.table.setFocus)

    def move_selection(self, step: int) -> None:
        count = self.model.rowCount()
        if not count:
            return
        current = self.table.currentIndex().row()
        row = min(max(0, (current if current >= 0 else -1) + step), count - 1)
        self.select_row(row)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    # --- data ---------------------------------------------------------------------

    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.filters.set_client(client_id)

    def show_overdue(self) -> None:
        self.filters.show_overdue()
        self.table.setFocus()

    def _filter_changed(self, flt: InboxFilter) -> None:
        self.model.set_filter(flt)
        self._after_reload(keep=None)

    def reload(self) -> None:
        """After a sync or an action: same filter, same item if it is still listed."""
        self.filters.refresh_choices()
        self.model.reload()
        self._after_reload(keep=self._current_id)

    def refresh_after_action(self, item_id: int, advance: bool = False) -> None:
        """Re-read after changing ``item_id``; ``advance`` moves on to the next item."""
        row = self.table.currentIndex().row()
        self.model.reload()
        found = self.model.row_of(item_id, near=row)
        if found is not None and advance:
            found = min(found + 1, self.model.rowCount() - 1)
        elif found is None:
            found = min(max(row, 0), self.model.rowCount() - 1)
        self._update_count()
        if found >= 0:
            self.select_row(found)
            self.show_current(force=True)
        else:
            self._show(None)

    def _after_reload(self, keep: int | None) -> None:
        self._update_count()
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self.select_row(row)
            self.show_current(force=True)
        else:
            self.table.clearSelection()
            self._show(None)

    def _update_count(self) -> None:
        count = self.model.rowCount()
        late = overdue_count(self.reader.db)
        text = f"{count:,} item{'s' if count != 1 else ''}" if count else "No items match"
        if not count and self.model.filter == InboxFilter(client_id=self.client_id):
            text = "No inbox items yet: comments, mentions and messages arrive here after a sync"
        if late:
            text += f" · {late} overdue everywhere"
        self.count_label.setText(text)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.row_at(current.row()) if current.isValid() else None
        if item is None or item.id == self._current_id:
            return
        self._show(item.id)

    def show_current(self, force: bool = False) -> None:
        item = self.model.row_at(self.table.currentIndex().row())
        if item is not None and (force or item.id != self._current_id):
            self._show(item.id)

    def _show(self, item_id: int | None) -> None:
        self._current_id = item_id
        detail = item_detail(self.reader.db, item_id) if item_id is not None else None
        left = (
            self.model.working_minutes_left(
                detail.client_id, detail.status, detail.due_at, datetime.now(UTC)
            )
            if detail is not None
            else None
        )
        self.pane.show_item(detail, format_time_left(left) if left is not None else "")

    @property
    def current_item_id(self) -> int | None:
        return self._current_id
