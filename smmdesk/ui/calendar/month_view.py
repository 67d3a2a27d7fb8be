"""The month grid: six weeks of days, each with its posts as coloured chips.

A ``QTableView`` over ``MonthModel`` (month_model.py). Each day also shows
its weekday theme (small, muted), its observances (a pill), a red "!" when
the posting guard is broken that day (the posts involved get a red outline)
and an amber ring when an account has nothing planned (a gap in the next 7
days).

The view paints all days itself in one ``paintEvent`` with ``paint_day``
(month_painting.py); this module holds what the grid does with the mouse and
keyboard: hit tests, tooltips, double-clicks, menus, and drag and drop. A
chip dragged to another day moves the post there at the same local time;
the view only reports the drop (``post_dropped``), the tab decides.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QPoint, QRect, QSize, Qt, Signal
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
    QFrame,
    QHeaderView,
    QTableView,
    QToolTip,
    QWidget,
)

from smmdesk.store.calendar_queries import PlanEntry
from smmdesk.ui.calendar import chips, tooltips
from smmdesk.ui.calendar.month_model import (
    CHIP_HEIGHT,
    CellGeometry,
    MonthModel,
    cell_geometry,
    chips_shown,
)
from smmdesk.ui.calendar.month_painting import paint_day
from smmdesk.ui.theme import HEADER_SECTION_QSS

_TOOLTIP = QEvent.Type.ToolTip
_LEFT_BUTTON = Qt.MouseButton.LeftButton
_MOVE = Qt.DropAction.MoveAction


class MonthGrid(QTableView):
    """The month's table view: hit tests, tooltips, double-click, drag and drop."""

    post_activated = Signal(int)  # double-click on a post
    day_activated = Signal(object)  # double-click on a day's free space: date
    day_menu_requested = Signal(object, object, QPoint)  # date, post id or None, global pos
    post_dropped = Signal(int, object)  # post id, date
    note_activated = Signal(object, str, str)  # date, "theme" or "observance", its name

    def __init__(self) -> None:
        super().__init__()
        # A viewport of our own, held here: when Python first sees the default
        # one, PySide6 looks for the most derived type of a bare QWidget and
        # makes the Python classes of some seventy widget classes on the way
        # (about 30 ms of start-up).
        self._viewport = QWidget(self)
        self.setViewport(self._viewport)
        self.month_model = MonthModel()
        self.setModel(self.month_model)
        self.chip_painter = chips.ChipPainter()
        self.month_model.text_of = self.chip_painter.raw_text
        self.setShowGrid(False)
        self.setFrameShape(QFrame.Shape.NoFrame)  # as the app's sheet has it (QTableView)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setHighlightSections(False)
        # The weekday names as the app's style sheet has them: that comes after
        # the first paint (see smmdesk.ui.theme).
        self.horizontalHeader().setStyleSheet(HEADER_SECTION_QSS)
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
        days = model.days
        if not days:
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
                    day = days[row * 7 + column]
                    paint_day(cp, painter, rect, model, day, day == selected)
        painter.end()

    def ensure_texts(self) -> None:
        """Read the texts of the chips that will be painted (the rows may have come
        without them): one query for the month, not one per chip."""
        model = self.month_model
        if not model.days or self.chip_painter.text_source is None:
            return
        shown: list[PlanEntry] = []
        for row in range(model.rowCount()):
            height = self.rowHeight(row)
            for day in model.days[row * 7 : row * 7 + 7]:
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
        for day in self.month_model.days:
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
            return tooltips.warnings_tooltip(day, note)
        if geometry.marker.contains(pos) and note.gap_accounts:
            return tooltips.gaps_tooltip(day, note, model.account_label)
        if geometry.observance is not None and geometry.observance.contains(pos):
            return tooltips.observances_tooltip(note)
        post = self.post_at(pos)
        if post is not None:
            cp = self.chip_painter
            flagged = post[1].id in cp.flagged
            text = cp.raw_text(post[1])
            return tooltips.post_tooltip(post[0], post[1], model.account_label, flagged, text)
        posts = model.posts_on(day)
        self.chip_painter.prefetch(entry for _local, entry in posts[:12])
        return tooltips.day_tooltip(day, note, posts, model.account_label, model.text_of)

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
        chips.accept_post_drag(event, self.drag_enabled)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not chips.accept_post_drag(event, self.drag_enabled):
            return
        found = self.geometry_at(event.position().toPoint())
        self._set_drop_day(found[0] if found else None)

    def dragLeaveEvent(self, event: Any) -> None:
        self._set_drop_day(None)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drop_day(None)
        post_id = chips.dropped_post(event)
        found = self.geometry_at(event.position().toPoint())
        if post_id is None or found is None:
            event.ignore()
            return
        event.setDropAction(_MOVE)
        event.accept()
        self.post_dropped.emit(post_id, found[0])
