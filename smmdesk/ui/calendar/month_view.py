"""The month grid: six weeks of days, each with its posts as coloured chips.

A ``QTableView`` over ``MonthModel`` with a delegate that paints each day:
the model holds plain ``PlanEntry`` rows bucketed by the *client's* local
date, so a post at 00:30 in Riga sits on the Riga day whatever the laptop's
zone. Each day also shows its weekday theme (small, muted), its observances
(a pill), a red "!" when the posting guard is broken that day and an amber
ring when an account has nothing planned (a gap in the next 7 days).

Painting cost is bounded by the 42 cells, not by the posts: a cell paints
the chips that fit and "+N more". One ``CellGeometry`` function lays a cell
out for both the delegate and the view's hit tests (tooltips, double-click,
drag), so they always agree.

Drag a chip to another day to move the post there at the same local time;
the view only reports the drop (``post_dropped``), the tab decides.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QContextMenuEvent,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QHelpEvent,
    QMouseEvent,
    QPainter,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QWidget,
)

from smmdesk.store.calendar_queries import PlanEntry
from smmdesk.ui.calendar import chips
from smmdesk.ui.calendar.calendar_data import EMPTY_NOTE, DayNote, DayPosts

_Index = QModelIndex | QPersistentModelIndex
_SELECTED = QStyle.StateFlag.State_Selected
_TOOLTIP = QEvent.Type.ToolTip
_LEFT_BUTTON = Qt.MouseButton.LeftButton
_MOVE = Qt.DropAction.MoveAction
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PostsRole = Qt.ItemDataRole.UserRole + 1
DateRole = Qt.ItemDataRole.UserRole + 2
CHIP_HEIGHT = 18
CHIP_STEP = CHIP_HEIGHT + 2


class CellGeometry(NamedTuple):
    number: QRect
    theme: QRect
    marker: QRect
    observance: QRect | None
    chips: list[QRect]
    more: QRect | None
    hidden: int


def cell_geometry(rect: QRect, note: DayNote, count: int) -> CellGeometry:
    left, top, width = rect.left(), rect.top(), rect.width()
    number = QRect(left + 4, top + 3, 24, 20)
    marker = QRect(rect.right() - 20, top + 5, 15, 15)
    theme = QRect(left + 31, top + 3, max(0, width - 56), 20)
    y = top + 25
    observance = None
    if note.observances:
        observance = QRect(left + 4, y, width - 8, 15)
        y += 18
    room = max(0, (rect.bottom() - y - 1) // CHIP_STEP)
    shown = count if count <= room else max(0, room - 1)
    rects = [QRect(left + 3, y + n * CHIP_STEP, width - 6, CHIP_HEIGHT) for n in range(shown)]
    more = None
    if count > shown:
        more = QRect(left + 8, y + shown * CHIP_STEP, width - 12, CHIP_HEIGHT)
    return CellGeometry(number, theme, marker, observance, rects, more, count - shown)


class MonthModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._days: list[date] = []
        self._month = 1
        self._today = date.today()
        self._posts: dict[date, DayPosts] = {}
        self._notes: dict[date, DayNote] = {}
        self.account_label = lambda account_id: f"account {account_id}"
        self.drop_day: date | None = None

    def set_month(
        self,
        days: list[date],
        month: int,
        posts: dict[date, DayPosts],
        today: date,
        notes: dict[date, DayNote] | None = None,
    ) -> None:
        self.beginResetModel()
        self._days, self._month, self._today = days, month, today
        self._posts, self._notes = posts, notes or {}
        self.endResetModel()

    def set_notes(self, notes: dict[date, DayNote]) -> None:
        """Replace the day notes only (themes, observances, warnings, gaps)."""
        self._notes = notes
        if self._days:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 6))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._days) // 7

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def day_at(self, index: _Index) -> date:
        return self._days[index.row() * 7 + index.column()]

    def index_of(self, day: date) -> QModelIndex:
        if not self._days or not self._days[0] <= day <= self._days[-1]:
            return QModelIndex()
        offset = (day - self._days[0]).days
        return self.index(offset // 7, offset % 7)

    def posts_on(self, day: date) -> DayPosts:
        return self._posts.get(day, [])

    def note_on(self, day: date) -> DayNote:
        return self._notes.get(day, EMPTY_NOTE)

    def in_month(self, day: date) -> bool:
        return day.month == self._month

    def is_today(self, day: date) -> bool:
        return day == self._today

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        day = self.day_at(index)
        if role == DateRole:
            return day
        if role == PostsRole:
            return self.posts_on(day)
        if role == Qt.ItemDataRole.ToolTipRole:
            return chips.day_tooltip(
                day, self.note_on(day), self.posts_on(day), self.account_label
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            note = self.note_on(day)
            text = f"{day:%A %d %B}, {len(self.posts_on(day))} posts"
            if note.theme:
                text += f", theme {note.theme}"
            if note.warnings:
                text += f", {len(note.warnings)} posting guard warnings"
            return text
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return WEEKDAYS[section]
        return None


class DayDelegate(QStyledItemDelegate):
    """Paints one day: number, theme, marker, observance, then chips while they fit."""

    def __init__(self, painter: chips.ChipPainter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chips = painter

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        model = index.model()
        assert isinstance(model, MonthModel)
        day = model.day_at(index)
        rect: QRect = option.rect  # type: ignore[attr-defined]
        cp = self.chips
        cp.set_base_font(option.font)  # type: ignore[attr-defined]
        note = model.note_on(day)
        posts = model.posts_on(day)
        geometry = cell_geometry(rect, note, len(posts))
        in_month, today = model.in_month(day), model.is_today(day)
        painter.save()
        painter.setRenderHint(chips.ANTIALIAS)
        if day == model.drop_day:
            background = chips.DROP_BG
        elif option.state & _SELECTED:  # type: ignore[attr-defined]
            background = chips.SELECTED_BG
        else:
            background = chips.WHITE if in_month else chips.OTHER_MONTH
        painter.fillRect(rect, background)
        painter.setPen(chips.GRID)
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        if day == model.drop_day:
            painter.setPen(chips.DROP_EDGE)
            painter.drawRect(rect.adjusted(1, 1, -2, -2))

        number = geometry.number
        if today:
            painter.setFont(cp.bold)  # type: ignore[arg-type]
            badge = QRect(number.left(), number.top(), 22, 20)
            painter.setPen(chips.NO_PEN)
            painter.setBrush(chips.TODAY)
            painter.drawEllipse(badge)
            painter.setPen(chips.WHITE)
            painter.drawText(badge, chips.CENTER, str(day.day))
        else:
            painter.setFont(cp.font)  # type: ignore[arg-type]
            painter.setPen(chips.TEXT if in_month else chips.DIM_TEXT)
            painter.drawText(number.adjusted(2, 0, 0, 0), chips.LEFT_VCENTER, str(day.day))

        painter.setFont(cp.small)  # type: ignore[arg-type]
        if note.theme:
            metrics = cp.metrics
            assert metrics is not None
            painter.setPen(chips.SOFT)
            painter.drawText(
                geometry.theme,
                chips.LEFT_VCENTER,
                metrics.elidedText(note.theme, chips.ELIDE, geometry.theme.width()),
            )
        if note.warnings or note.gap_accounts:
            chips.paint_marker(painter, geometry.marker, note)
        if geometry.observance is not None:
            chips.paint_observances(painter, geometry.observance, note.observances)

        for chip_rect, (local, entry) in zip(geometry.chips, posts, strict=False):
            cp.paint(painter, chip_rect, local, entry)
        if geometry.more is not None:
            painter.setPen(chips.MUTED)
            painter.drawText(geometry.more, chips.LEFT_VCENTER, f"+{geometry.hidden} more")
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(120, 110)


class MonthGrid(QTableView):
    """The month's table view: hit tests, tooltips, double-click, drag and drop."""

    post_activated = Signal(int)  # double-click on a post
    day_activated = Signal(object)  # double-click on a day's free space: date
    day_menu_requested = Signal(object, object, QPoint)  # date, post id or None, global pos
    post_dropped = Signal(int, object)  # post id, date

    def __init__(self) -> None:
        super().__init__()
        self.month_model = MonthModel()
        self.setModel(self.month_model)
        self.chip_painter = chips.ChipPainter()
        self.setItemDelegate(DayDelegate(self.chip_painter, self))
        self.setShowGrid(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setHighlightSections(False)
        self.setMouseTracking(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.drag_enabled = False  # until the tab has a store to write to
        self._press: tuple[QPoint, int] | None = None  # where a chip was pressed, its post id

    def visible_range(self) -> tuple[date, date]:
        first = self.month_model.day_at(self.month_model.index(0, 0))
        return first, first + timedelta(days=42)

    # --- hit tests ----------------------------------------------------------------------

    def geometry_at(self, pos: QPoint) -> tuple[date, CellGeometry] | None:
        index = self.indexAt(pos)
        if not index.isValid():
            return None
        day = self.month_model.day_at(index)
        rect = self.visualRect(index)
        posts = self.month_model.posts_on(day)
        return day, cell_geometry(rect, self.month_model.note_on(day), len(posts))

    def post_at(self, pos: QPoint) -> tuple[datetime, PlanEntry] | None:
        found = self.geometry_at(pos)
        if found is None:
            return None
        day, geometry = found
        for chip_rect, pair in zip(geometry.chips, self.month_model.posts_on(day), strict=False):
            if chip_rect.contains(pos):
                return pair
        return None

    def chip_rect(self, post_id: int) -> QRect | None:
        """Where a post's chip is painted, if it is (for tests and drag images)."""
        for day in self.month_model._days:
            posts = self.month_model.posts_on(day)
            for n, (_local, entry) in enumerate(posts):
                if entry.id == post_id:
                    index = self.month_model.index_of(day)
                    rect = self.visualRect(index)
                    geometry = cell_geometry(rect, self.month_model.note_on(day), len(posts))
                    return geometry.chips[n] if n < len(geometry.chips) else None
        return None

    # --- tooltips, clicks, menus ---------------------------------------------------------

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == _TOOLTIP:
            assert isinstance(event, QHelpEvent)
            text = self._tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def _tooltip_at(self, pos: QPoint) -> str:
        found = self.geometry_at(pos)
        if found is None:
            return ""
        day, geometry = found
        model = self.month_model
        note = model.note_on(day)
        if geometry.marker.contains(pos) and note.warnings:
            return chips.warnings_tooltip(day, note)
        if geometry.marker.contains(pos) and note.gap_accounts:
            return chips.gaps_tooltip(day, note, model.account_label)
        if geometry.observance is not None and geometry.observance.contains(pos):
            return chips.observances_tooltip(note)
        post = self.post_at(pos)
        if post is not None:
            return chips.post_tooltip(post[0], post[1], model.account_label)
        return chips.day_tooltip(day, note, model.posts_on(day), model.account_label)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        post = self.post_at(pos)
        if post is not None:
            self.post_activated.emit(post[1].id)
            return
        found = self.geometry_at(pos)
        if found is not None:
            self.day_activated.emit(found[0])

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        pos = self.viewport().mapFrom(self, event.pos())
        found = self.geometry_at(pos)
        if found is None:
            return
        self.setCurrentIndex(self.indexAt(pos))
        post = self.post_at(pos)
        self.day_menu_requested.emit(found[0], post[1].id if post else None, event.globalPos())

    # --- drag and drop -------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = None
        if event.button() == _LEFT_BUTTON:
            pos = event.position().toPoint()
            post = self.post_at(pos)
            if post is not None:
                self._press = (pos, post[1].id)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and event.buttons() & _LEFT_BUTTON:
            start, post_id = self._press
            pos = event.position().toPoint()
            if (pos - start).manhattanLength() >= QApplication.startDragDistance():
                self._press = None
                self._start_drag(post_id, start)
                return
        super().mouseMoveEvent(event)

    def _start_drag(self, post_id: int, start: QPoint) -> None:
        post = self.post_at(start)
        if post is None:
            return
        local, entry = post
        if entry.status == "published":
            QToolTip.showText(self.viewport().mapToGlobal(start), chips.PUBLISHED_LOCKED, self)
            return
        if not self.drag_enabled:
            QToolTip.showText(
                self.viewport().mapToGlobal(start), "Still loading; try again in a moment.", self
            )
            return
        rect = self.chip_rect(post_id) or QRect(start, QSize(120, CHIP_HEIGHT))
        mime = QMimeData()
        mime.setData(chips.MIME_POST, str(post_id).encode())
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.setPixmap(self.chip_painter.drag_pixmap(local, entry, rect.width(), rect.height()))
        drag.setHotSpot(start - rect.topLeft())
        drag.exec(_MOVE)
        self._set_drop_day(None)

    def _set_drop_day(self, day: date | None) -> None:
        if self.month_model.drop_day != day:
            self.month_model.drop_day = day
            self.viewport().update()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(chips.MIME_POST) and self.drag_enabled:
            event.setDropAction(_MOVE)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not event.mimeData().hasFormat(chips.MIME_POST) or not self.drag_enabled:
            event.ignore()
            return
        found = self.geometry_at(event.position().toPoint())
        self._set_drop_day(found[0] if found else None)
        event.setDropAction(_MOVE)
        event.accept()

    def dragLeaveEvent(self, event: Any) -> None:
        self._set_drop_day(None)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drop_day(None)
        if not event.mimeData().hasFormat(chips.MIME_POST):
            event.ignore()
            return
        found = self.geometry_at(event.position().toPoint())
        if found is None:
            event.ignore()
            return
        post_id = int(bytes(event.mimeData().data(chips.MIME_POST).data()).decode())
        event.setDropAction(_MOVE)
        event.accept()
        self.post_dropped.emit(post_id, found[0])
