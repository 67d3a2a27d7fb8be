"""The week view's timeline: seven day columns on 24 hours, with the posts' chips.

The chips are placed by ``lay_out_day`` (week_layout.py) and painted here
with the hour lines, today's column and the line for "now". Drag a chip to
another day or time: the drop snaps to 15 minutes and the timeline reports
it (``post_dropped``); the tab decides what happens.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QToolTip, QWidget

from smmdesk.store.calendar_queries import PlanEntry
from smmdesk.ui.calendar import chips, tooltips
from smmdesk.ui.calendar.week_layout import (
    GUTTER,
    HOUR_HEIGHT,
    SLOT_MINUTES,
    WEEKEND,
    DayColumns,
    PlacedPost,
    WeekData,
    lay_out_day,
    snap,
)

_LEFT_BUTTON = Qt.MouseButton.LeftButton
_MOVE = Qt.DropAction.MoveAction
_HOUR_LINE = QColor("#e6e9ef")
_HALF_LINE = QColor("#f1f3f6")
_TODAY_COLUMN = QColor("#f5f8ff")
_NOW = QColor("#d93025")


class WeekCanvas(QWidget):
    """The 24-hour timeline, inside a scroll area."""

    post_activated = Signal(int)
    day_activated = Signal(object)
    day_menu_requested = Signal(object, object, QPoint)
    post_dropped = Signal(int, object, object)  # post id, date, time

    def __init__(self, data: WeekData, columns: DayColumns, painter: chips.ChipPainter) -> None:
        super().__init__()
        self.data, self.columns, self.chips = data, columns, painter
        self.setMinimumHeight(24 * HOUR_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setAcceptDrops(True)
        self.drag_enabled = False
        self.placed: dict[date, list[PlacedPost]] = {}
        self._press: tuple[QPoint, PlacedPost] | None = None
        self._drop: tuple[int, int, int] | None = None  # column, minutes, chip height
        self._grab_offset = 0

    def sizeHint(self) -> QSize:
        return QSize(700, 24 * HOUR_HEIGHT)

    # --- layout -------------------------------------------------------------------------

    def relayout(self) -> None:
        self.placed = {}
        for n, day in enumerate(self.data.days):
            column = self.columns.column(n)
            self.placed[day] = lay_out_day(column, self.data.posts.get(day, []))
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.columns.width = self.width()
        self.relayout()
        super().resizeEvent(event)

    # --- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        cp = self.chips
        cp.set_base_font(self.font())
        clip = event.rect()
        painter.fillRect(clip, chips.WHITE)
        for n, day in enumerate(self.data.days):
            column = self.columns.column(n)
            if day == self.data.today:
                painter.fillRect(
                    column.left(), clip.top(), column.width(), clip.height(), _TODAY_COLUMN
                )
            elif day.weekday() >= 5:
                painter.fillRect(column.left(), clip.top(), column.width(), clip.height(), WEEKEND)
        first_hour = max(0, clip.top() // HOUR_HEIGHT)
        last_hour = min(24, clip.bottom() // HOUR_HEIGHT + 1)
        painter.setFont(cp.small)
        for hour in range(first_hour, last_hour + 1):
            y = hour * HOUR_HEIGHT
            painter.setPen(_HALF_LINE)
            painter.drawLine(GUTTER, y + HOUR_HEIGHT // 2, self.width(), y + HOUR_HEIGHT // 2)
            painter.setPen(_HOUR_LINE)
            painter.drawLine(GUTTER - 6, y, self.width(), y)
            if 0 < hour < 24:
                painter.setPen(chips.SOFT)
                painter.drawText(
                    QRect(0, y - 8, GUTTER - 10, 16), chips.RIGHT_VCENTER, f"{hour:02d}:00"
                )
        painter.setPen(chips.GRID)
        for n in range(len(self.data.days)):
            x = self.columns.column(n).left()
            painter.drawLine(x, clip.top(), x, clip.bottom())

        painter.setRenderHint(chips.ANTIALIAS)
        for placed in self.placed.values():
            for rect, local, entry in placed:
                if rect.intersects(clip):
                    self._paint_chip(painter, rect, local, entry)
        if self.data.now_minutes is not None and self.data.today in self.data.days:
            n = self.data.days.index(self.data.today)
            column = self.columns.column(n)
            y = self.data.now_minutes * HOUR_HEIGHT // 60
            painter.setPen(QPen(_NOW, 2))
            painter.drawLine(column.left(), y, column.right(), y)
            painter.setBrush(_NOW)
            painter.setPen(chips.NO_PEN)
            painter.drawEllipse(QPoint(column.left(), y), 4, 4)
        if self._drop is not None:
            self._paint_drop(painter)
        painter.end()

    def _paint_chip(
        self, painter: QPainter, rect: QRect, local: datetime, entry: PlanEntry
    ) -> None:
        painter.setBrush(chips.WHITE)
        painter.setPen(chips.NO_PEN)
        painter.drawRoundedRect(rect, 4, 4)  # opaque under the tint: lines do not show through
        painter.setFont(self.chips.small)
        self.chips.paint(painter, rect, local, entry, wrap=True)

    def _paint_drop(self, painter: QPainter) -> None:
        assert self._drop is not None
        n, minutes, height = self._drop
        column = self.columns.column(n)
        top = minutes * HOUR_HEIGHT // 60
        rect = QRect(column.left() + 2, top + 1, column.width() - 4, height)
        painter.setPen(QPen(chips.DROP_EDGE, 1.5, Qt.PenStyle.DashLine))
        fill = QColor(chips.DROP_BG)
        fill.setAlpha(170)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(chips.DROP_EDGE)
        painter.setFont(self.chips.bold)
        painter.drawText(
            rect.adjusted(6, 0, -4, 0),
            chips.LEFT_VCENTER,
            f"{self.data.days[n]:%a} {minutes // 60:02d}:{minutes % 60:02d}",
        )

    # --- hit tests ----------------------------------------------------------------------

    def post_at(self, pos: QPoint) -> PlacedPost | None:
        n = self.columns.index_at(pos.x())
        if n is None or n >= len(self.data.days):
            return None
        for placed in reversed(self.placed.get(self.data.days[n], [])):
            if placed.rect.contains(pos):
                return placed
        return None

    def placed_post(self, post_id: int) -> PlacedPost | None:
        for placed in self.placed.values():
            for item in placed:
                if item.entry.id == post_id:
                    return item
        return None

    def slot_at(self, pos: QPoint, grab_offset: int = 0) -> tuple[date, time] | None:
        """The day and 15-minute slot under ``pos`` (for a chip grabbed ``grab_offset`` down)."""
        n = self.columns.index_at(pos.x())
        if n is None or n >= len(self.data.days):
            return None
        minutes = snap((pos.y() - grab_offset) * 60 / HOUR_HEIGHT)
        return self.data.days[n], time(minutes // 60, minutes % 60)

    # --- events -------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            placed = self.post_at(event.pos())
            if placed is not None:
                text = tooltips.post_tooltip(
                    placed.local,
                    placed.entry,
                    self.data.account_label,
                    placed.entry.id in self.chips.flagged,
                )
                QToolTip.showText(event.globalPos(), text, self, placed.rect)
            else:
                slot = self.slot_at(event.pos())
                if slot is None:
                    QToolTip.hideText()
                else:
                    QToolTip.showText(
                        event.globalPos(),
                        f"{slot[0]:%a %d %b} {slot[1]:%H:%M} · double-click for a new draft",
                        self,
                    )
            return True
        return super().event(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        placed = self.post_at(pos)
        if placed is not None:
            self.post_activated.emit(placed.entry.id)
            return
        slot = self.slot_at(pos)
        if slot is not None:
            self.day_activated.emit(slot[0])

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        slot = self.slot_at(event.pos())
        if slot is None:
            return
        placed = self.post_at(event.pos())
        post_id = placed.entry.id if placed is not None else None
        self.day_menu_requested.emit(slot[0], post_id, event.globalPos())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = None
        if event.button() == _LEFT_BUTTON:
            pos = event.position().toPoint()
            placed = self.post_at(pos)
            if placed is not None:
                self._press = (pos, placed)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and event.buttons() & _LEFT_BUTTON:
            start, placed = self._press
            if (event.position().toPoint() - start).manhattanLength() >= (
                QApplication.startDragDistance()
            ):
                self._press = None
                self._start_drag(start, placed)
                return
        super().mouseMoveEvent(event)

    def _start_drag(self, start: QPoint, placed: PlacedPost) -> None:
        if placed.entry.status == "published":
            QToolTip.showText(self.mapToGlobal(start), chips.PUBLISHED_LOCKED, self)
            return
        if not self.drag_enabled:
            QToolTip.showText(
                self.mapToGlobal(start), "Still loading; try again in a moment.", self
            )
            return
        mime = QMimeData()
        mime.setData(chips.MIME_POST, str(placed.entry.id).encode())
        drag = QDrag(self)
        drag.setMimeData(mime)
        rect = placed.rect
        drag.setPixmap(
            self.chips.drag_pixmap(placed.local, placed.entry, rect.width(), rect.height())
        )
        hot = start - rect.topLeft()
        drag.setHotSpot(hot)
        self._grab_offset = hot.y()
        drag.exec(_MOVE)
        self._grab_offset = 0
        self._set_drop(None)

    def _set_drop(self, drop: tuple[int, int, int] | None) -> None:
        if drop != self._drop:
            self._drop = drop
            self.update()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        chips.accept_post_drag(event, self.drag_enabled)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not chips.accept_post_drag(event, self.drag_enabled):
            return
        pos = event.position().toPoint()
        slot = self.slot_at(pos, self._grab_offset)
        n = self.columns.index_at(pos.x())
        if slot is None or n is None:
            self._set_drop(None)
            event.ignore()
            return
        minutes = slot[1].hour * 60 + slot[1].minute
        self._set_drop((n, minutes, max(20, SLOT_MINUTES * HOUR_HEIGHT // 60 - 2)))

    def dragLeaveEvent(self, event: Any) -> None:
        self._set_drop(None)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drop(None)
        post_id = chips.dropped_post(event)
        slot = self.slot_at(event.position().toPoint(), self._grab_offset)
        if post_id is None or slot is None:
            event.ignore()
            return
        event.setDropAction(_MOVE)
        event.accept()
        self.post_dropped.emit(post_id, slot[0], slot[1])
