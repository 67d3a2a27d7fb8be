"""The month grid: six weeks of days, each with its posts as coloured chips.

A ``QTableView`` over ``MonthModel``: the model holds plain ``PlanEntry`` rows
bucketed by the *client's* local date, so a post at 00:30 in Riga sits on the
Riga day whatever the laptop's zone. Each day also shows its weekday theme
(small, muted), its observances (a pill), a red "!" when the posting guard is
broken that day (the posts involved get a red outline) and an amber ring when
an account has nothing planned (a gap in the next 7 days).

The view paints all days itself in one ``paintEvent`` (Qt's per-item painting
costs more than the days), and that cost is bounded by the 42 cells, not by
the posts: a day paints the chips that fit and "+N more". One
``cell_geometry`` function lays a day out for both the painting and the hit
tests (tooltips, double-click, drag), so they always agree.

Drag a chip to another day to move the post there at the same local time;
the view only reports the drop (``post_dropped``), the tab decides.
"""

from __future__ import annotations

from collections.abc import Callable
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
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QTableView,
    QToolTip,
)

from smmdesk.store.calendar_queries import PlanEntry
from smmdesk.ui.calendar import chips
from smmdesk.ui.calendar.calendar_data import EMPTY_NOTE, DayNote, DayPosts

_Index = QModelIndex | QPersistentModelIndex
_TOOLTIP = QEvent.Type.ToolTip
_LEFT_BUTTON = Qt.MouseButton.LeftButton
_MOVE = Qt.DropAction.MoveAction
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PostsRole = Qt.ItemDataRole.UserRole + 1
DateRole = Qt.ItemDataRole.UserRole + 2
CHIP_HEIGHT = 17
CHIP_STEP = CHIP_HEIGHT + 2


class CellGeometry(NamedTuple):
    number: QRect
    theme: QRect
    marker: QRect
    observance: QRect | None
    chips: list[QRect]
    more: QRect | None
    hidden: int


def chips_shown(height: int, with_observance: bool, count: int) -> int:
    """How many of a day's ``count`` chips a cell ``height`` high shows (the rest
    are "+N more")."""
    room = max(0, (height - 26 - (17 if with_observance else 0)) // CHIP_STEP)
    return count if count <= room else max(0, room - 1)


def cell_geometry(rect: QRect, note: DayNote, count: int) -> CellGeometry:
    left, top, width = rect.left(), rect.top(), rect.width()
    number = QRect(left + 4, top + 3, 24, 20)
    marker = QRect(rect.right() - 20, top + 5, 15, 15)
    theme = QRect(left + 31, top + 3, max(0, width - 56), 20)
    y = top + 24
    observance = None
    if note.observances:
        observance = QRect(left + 4, y, width - 8, 15)
        y += 17
    shown = chips_shown(rect.height(), bool(note.observances), count)
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
        self.text_of: Callable[[PlanEntry], str] = lambda entry: entry.body
        self.drop_day: date | None = None

    def set_month(
        self,
        days: list[date],
        month: int,
        posts: dict[date, DayPosts],
        today: date,
        notes: dict[date, DayNote] | None = None,
    ) -> None:
        if len(days) == len(self._days):
            # Same six weeks' shape: new contents only, no reset of the view's
            # geometry, headers and selection.
            self._days, self._month, self._today = days, month, today
            self._posts, self._notes = posts, notes or {}
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 6))
            return
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
            return chips.day_tooltip(day, self.note_on(day), self.posts_on(day), self.account_label)
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


def paint_day(
    cp: chips.ChipPainter,
    painter: QPainter,
    rect: QRect,
    model: MonthModel,
    day: date,
    selected: bool,
) -> None:
    """One day: number, theme, marker, observance, then chips while they fit."""
    note = model.note_on(day)
    posts = model.posts_on(day)
    geometry = cell_geometry(rect, note, len(posts))
    in_month = day.month == model._month
    dropping = day == model.drop_day
    if dropping:
        background = chips.DROP_BG
    elif selected:
        background = chips.SELECTED_BG
    else:
        background = chips.WHITE if in_month else chips.OTHER_MONTH
    left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
    painter.setRenderHint(chips.ANTIALIAS, False)
    painter.fillRect(rect, background)
    painter.fillRect(right, top, 1, rect.height(), chips.GRID)
    painter.fillRect(left, bottom, rect.width(), 1, chips.GRID)
    if dropping:
        painter.setPen(chips.DROP_EDGE)
        painter.setBrush(chips.NO_BRUSH)
        painter.drawRect(rect.adjusted(1, 1, -3, -3))
    painter.setRenderHint(chips.ANTIALIAS)

    number = geometry.number
    label = str(day.day)
    if day == model._today:
        painter.setFont(cp.bold)
        painter.setPen(chips.NO_PEN)
        painter.setBrush(chips.TODAY)
        painter.drawEllipse(number.left(), number.top(), 22, 20)
        painter.setPen(chips.WHITE)
        static = cp.static(label, 2)
        x = number.left() + 11 - int(static.size().width()) // 2
        painter.drawStaticText(x, number.top() + 10 - cp.regular_offset, static)
    else:
        painter.setFont(cp.font)
        painter.setPen(chips.TEXT if in_month else chips.DIM_TEXT)
        painter.drawStaticText(
            number.left() + 2, number.top() + 10 - cp.regular_offset, cp.static(label, 1)
        )

    painter.setFont(cp.small)
    if note.theme:
        painter.setPen(chips.SOFT)
        cp.draw_small(painter, geometry.theme, note.theme)
    if note.warnings or note.gap_accounts:
        chips.paint_marker(cp, painter, geometry.marker, note)
    if geometry.observance is not None:
        chips.paint_observances(cp, painter, geometry.observance, note.observances)
    for chip_rect, (local, entry) in zip(geometry.chips, posts, strict=False):
        cp.paint(painter, chip_rect, local, entry)
    if geometry.more is not None:
        painter.setPen(chips.MUTED)
        cp.draw_small(painter, geometry.more, f"+{geometry.hidden} more")


class MonthGrid(QTableView):
    """The month's table view: hit tests, tooltips, double-click, drag and drop."""

    post_activated = Signal(int)  # double-click on a post
    day_activated = Signal(object)  # double-click on a day's free space: date
    day_menu_requested = Signal(object, object, QPoint)  # date, post id or None, global pos
    post_dropped = Signal(int, object)  # post id, date
    note_activated = Signal(object, str, str)  # date, "theme" or "observance", its name

    def __init__(self) -> None:
        super().__init__()
        self.month_model = MonthModel()
        self.setModel(self.month_model)
        self.chip_painter = chips.ChipPainter()
        self.month_model.text_of = self.chip_painter.raw_text
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

    def paintEvent(self, event: QPaintEvent) -> None:
        """All 42 days in one pass, without a delegate.

        Qt's item painting (a style option, a styled panel and a Python call
        per cell) costs more than the days themselves; the table view still
        provides the geometry, selection, keyboard and accessibility.
        """
        model = self.month_model
        if not model._days:
            return
        painter = QPainter(self.viewport())
        cp = self.chip_painter
        cp.set_base_font(self.font())
        clip = event.rect()
        current = self.currentIndex()
        selected = model.day_at(current) if current.isValid() else None
        xs = [self.columnViewportPosition(c) for c in range(7)]
        widths = [self.columnWidth(c) for c in range(7)]
        for row in range(model.rowCount()):
            y, height = self.rowViewportPosition(row), self.rowHeight(row)
            for column in range(7):
                rect = QRect(xs[column], y, widths[column], height)
                if rect.intersects(clip):
                    day = model._days[row * 7 + column]
                    paint_day(cp, painter, rect, model, day, day == selected)
        painter.end()

    def ensure_texts(self) -> None:
        """Read the texts of the chips that will be painted (the rows may have come
        without them): one query for the month, not one per chip."""
        model = self.month_model
        if not model._days or self.chip_painter.text_source is None:
            return
        shown: list[PlanEntry] = []
        for row in range(model.rowCount()):
            height = self.rowHeight(row)
            for day in model._days[row * 7 : row * 7 + 7]:
                posts = model.posts_on(day)
                if posts:
                    with_observance = bool(model.note_on(day).observances)
                    count = chips_shown(height, with_observance, len(posts))
                    shown.extend(entry for _local, entry in posts[:count])
        self.chip_painter.prefetch(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.ensure_texts()  # taller days show more chips

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
            cp = self.chip_painter
            flagged = post[1].id in cp.flagged
            text = cp.raw_text(post[1])
            return chips.post_tooltip(post[0], post[1], model.account_label, flagged, text)
        posts = model.posts_on(day)
        self.chip_painter.prefetch(entry for _local, entry in posts[:12])
        return chips.day_tooltip(day, note, posts, model.account_label, model.text_of)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        post = self.post_at(pos)
        if post is not None:
            self.post_activated.emit(post[1].id)
            return
        found = self.geometry_at(pos)
        if found is None:
            return
        day, geometry = found
        note = self.month_model.note_on(day)
        if geometry.observance is not None and geometry.observance.contains(pos):
            self.note_activated.emit(day, "observance", note.observances[0].name)
        elif note.theme and geometry.theme.contains(pos):
            self.note_activated.emit(day, "theme", note.theme)
        else:
            self.day_activated.emit(day)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.day_activated.emit(self.month_model.day_at(self.currentIndex()))
            return
        super().keyPressEvent(event)

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
