"""The week view: seven days side by side on a 24-hour timeline.

Each post is a chip at its local time in its client's zone (a post at 09:00
in Riga stays at 09:00 across a daylight-saving change); posts closer than
half an hour share the slot side by side. The header above the timeline shows
each day's date, weekday theme, observances and markers (posting guard,
gaps). Drag a chip to another day or time: the drop snaps to 15 minutes and
the view reports it (``post_dropped``); the tab decides what happens.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, NamedTuple

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
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from smmdesk.store.calendar_queries import PlanEntry
from smmdesk.ui.calendar import chips
from smmdesk.ui.calendar.calendar_data import EMPTY_NOTE, DayNote, DayPosts

HOUR_HEIGHT = 48
GUTTER = 56
SNAP_MINUTES = 15
SLOT_MINUTES = 45  # how long a chip looks: posts are instants, chips need room
HEADER_HEIGHT = 66
_LEFT_BUTTON = Qt.MouseButton.LeftButton
_MOVE = Qt.DropAction.MoveAction
_HOUR_LINE = QColor("#e6e9ef")
_HALF_LINE = QColor("#f1f3f6")
_WEEKEND = QColor("#fafbfc")
_TODAY_COLUMN = QColor("#f5f8ff")
_NOW = QColor("#d93025")


class PlacedPost(NamedTuple):
    rect: QRect
    local: datetime
    entry: PlanEntry


def snap(minutes: float) -> int:
    """Minutes after midnight, rounded to the 15-minute grid and kept in the day."""
    snapped = round(minutes / SNAP_MINUTES) * SNAP_MINUTES
    return max(0, min(24 * 60 - SNAP_MINUTES, snapped))


class _Columns:
    """The x geometry both the header and the timeline use."""

    def __init__(self) -> None:
        self.width = 700

    def column(self, n: int) -> QRect:
        usable = max(7, self.width - GUTTER)
        left = GUTTER + usable * n // 7
        right = GUTTER + usable * (n + 1) // 7
        return QRect(left, 0, right - left, 0)

    def index_at(self, x: int) -> int | None:
        if x < GUTTER:
            return None
        usable = max(7, self.width - GUTTER)
        n = (x - GUTTER) * 7 // usable
        return n if 0 <= n < 7 else None


class WeekData:
    def __init__(self) -> None:
        self.days: list[date] = []
        self.posts: dict[date, DayPosts] = {}
        self.notes: dict[date, DayNote] = {}
        self.today: date | None = None
        self.now_minutes: int | None = None
        self.account_label = lambda account_id: f"account {account_id}"

    def note_on(self, day: date) -> DayNote:
        return self.notes.get(day, EMPTY_NOTE)


class WeekHeader(QWidget):
    """Day names and dates, with themes, observances and markers."""

    day_activated = Signal(object)
    day_menu_requested = Signal(object, object, QPoint)
    note_activated = Signal(object, str, str)  # date, "theme" or "observance", its name

    def __init__(self, data: WeekData, columns: _Columns, painter: chips.ChipPainter) -> None:
        super().__init__()
        self.data, self.columns, self.chips = data, columns, painter
        self.setFixedHeight(HEADER_HEIGHT)
        self.setMouseTracking(True)
        self.right_margin = 0

    def _parts(self, n: int) -> tuple[QRect, QRect, QRect, QRect, QRect]:
        column = self.columns.column(n)
        left, width = column.left(), column.width()
        cell = QRect(left, 0, width, HEADER_HEIGHT)
        title = QRect(left + 8, 6, width - 34, 20)
        marker = QRect(left + width - 22, 8, 15, 15)
        theme = QRect(left + 8, 27, width - 14, 16)
        observance = QRect(left + 6, 45, width - 12, 15)
        return cell, title, marker, theme, observance

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(chips.ANTIALIAS)
        cp = self.chips
        cp.set_base_font(self.font())
        painter.fillRect(self.rect(), chips.WHITE)
        for n, day in enumerate(self.data.days):
            cell, title, marker, theme, observance = self._parts(n)
            note = self.data.note_on(day)
            if day.weekday() >= 5:
                painter.fillRect(cell, _WEEKEND)
            painter.setPen(chips.GRID)
            painter.drawLine(cell.left(), 0, cell.left(), HEADER_HEIGHT)
            today = day == self.data.today
            painter.setFont(cp.bold if today else cp.font)
            painter.setPen(chips.TODAY if today else chips.TEXT)
            painter.drawText(title, chips.LEFT_VCENTER, f"{day:%a} {day.day}")
            painter.setFont(cp.small)
            if note.theme:
                painter.setPen(chips.SOFT)
                cp.draw_small(painter, theme, note.theme)
            if note.observances:
                chips.paint_observances(cp, painter, observance, note.observances)
            if note.warnings or note.gap_accounts:
                chips.paint_marker(cp, painter, marker, note)
            if today:
                painter.fillRect(
                    QRect(cell.left(), HEADER_HEIGHT - 3, cell.width(), 3), chips.TODAY
                )
        painter.setPen(chips.GRID)
        painter.drawLine(0, HEADER_HEIGHT - 1, self.width(), HEADER_HEIGHT - 1)
        painter.end()

    def day_at(self, pos: QPoint) -> int | None:
        n = self.columns.index_at(pos.x())
        return n if n is not None and n < len(self.data.days) else None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            n = self.day_at(event.pos())
            if n is None:
                QToolTip.hideText()
                return True
            day = self.data.days[n]
            note = self.data.note_on(day)
            _cell, _title, marker, _theme, observance = self._parts(n)
            if marker.contains(event.pos()) and note.warnings:
                text = chips.warnings_tooltip(day, note)
            elif marker.contains(event.pos()) and note.gap_accounts:
                text = chips.gaps_tooltip(day, note, self.data.account_label)
            elif observance.contains(event.pos()) and note.observances:
                text = chips.observances_tooltip(note)
            else:
                text = chips.day_tooltip(
                    day, note, self.data.posts.get(day, []), self.data.account_label
                )
            QToolTip.showText(event.globalPos(), text, self)
            return True
        return super().event(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        n = self.day_at(pos)
        if n is None:
            return
        day = self.data.days[n]
        note = self.data.note_on(day)
        _cell, _title, _marker, theme, observance = self._parts(n)
        if note.observances and observance.contains(pos):
            self.note_activated.emit(day, "observance", note.observances[0].name)
        elif note.theme and theme.contains(pos):
            self.note_activated.emit(day, "theme", note.theme)
        else:
            self.day_activated.emit(day)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        n = self.day_at(event.pos())
        if n is not None:
            self.day_menu_requested.emit(self.data.days[n], None, event.globalPos())


class WeekCanvas(QWidget):
    """The 24-hour timeline, inside a scroll area."""

    post_activated = Signal(int)
    day_activated = Signal(object)
    day_menu_requested = Signal(object, object, QPoint)
    post_dropped = Signal(int, object, object)  # post id, date, time

    def __init__(self, data: WeekData, columns: _Columns, painter: chips.ChipPainter) -> None:
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
            self.placed[day] = self._lay_out_day(column, self.data.posts.get(day, []))
        self.update()

    def _lay_out_day(self, column: QRect, posts: DayPosts) -> list[PlacedPost]:
        """Chips at their local time; posts that overlap share the width in lanes."""
        slot = SLOT_MINUTES
        out: list[PlacedPost] = []
        cluster: list[tuple[int, int, datetime, PlanEntry]] = []  # start, lane, local, entry
        lane_ends: list[int] = []
        cluster_end = -1

        def flush() -> None:
            lanes = max(1, len(lane_ends))
            width = max(8, (column.width() - 6) // lanes)
            for start, lane, local, entry in cluster:
                top = start * HOUR_HEIGHT // 60
                height = max(20, slot * HOUR_HEIGHT // 60 - 2)
                rect = QRect(column.left() + 3 + lane * width, top + 1, width - 2, height)
                out.append(PlacedPost(rect, local, entry))

        for local, entry in posts:
            start = local.hour * 60 + local.minute
            if cluster and start >= cluster_end:
                flush()
                cluster, lane_ends, cluster_end = [], [], -1
            for lane, end in enumerate(lane_ends):
                if end <= start:
                    lane_ends[lane] = start + slot
                    break
            else:
                lane = len(lane_ends)
                lane_ends.append(start + slot)
            cluster.append((start, lane, local, entry))
            cluster_end = max(cluster_end, start + slot)
        if cluster:
            flush()
        return out

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
                painter.fillRect(column.left(), clip.top(), column.width(), clip.height(), _WEEKEND)
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
                text = chips.post_tooltip(
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
        if event.mimeData().hasFormat(chips.MIME_POST) and self.drag_enabled:
            event.setDropAction(_MOVE)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not event.mimeData().hasFormat(chips.MIME_POST) or not self.drag_enabled:
            event.ignore()
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
        event.setDropAction(_MOVE)
        event.accept()

    def dragLeaveEvent(self, event: Any) -> None:
        self._set_drop(None)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drop(None)
        if not event.mimeData().hasFormat(chips.MIME_POST):
            event.ignore()
            return
        slot = self.slot_at(event.position().toPoint(), self._grab_offset)
        if slot is None:
            event.ignore()
            return
        post_id = int(bytes(event.mimeData().data(chips.MIME_POST).data()).decode())
        event.setDropAction(_MOVE)
        event.accept()
        self.post_dropped.emit(post_id, slot[0], slot[1])


class WeekView(QFrame):
    """Header and scrolling timeline; signals come from both."""

    post_activated = Signal(int)
    day_activated = Signal(object)
    day_menu_requested = Signal(object, object, QPoint)
    post_dropped = Signal(int, object, object)
    note_activated = Signal(object, str, str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("WeekView")
        self.data = WeekData()
        self.columns = _Columns()
        self.chip_painter = chips.ChipPainter()
        self.header = WeekHeader(self.data, self.columns, self.chip_painter)
        self.canvas = WeekCanvas(self.data, self.columns, self.chip_painter)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.canvas)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.scroll_area, 1)
        for source in (self.header, self.canvas):
            source.day_activated.connect(self.day_activated)
            source.day_menu_requested.connect(self.day_menu_requested)
        self.canvas.post_activated.connect(self.post_activated)
        self.header.note_activated.connect(self.note_activated)
        self.canvas.post_dropped.connect(self.post_dropped)
        self._week_start: date | None = None

    @property
    def drag_enabled(self) -> bool:
        return self.canvas.drag_enabled

    @drag_enabled.setter
    def drag_enabled(self, value: bool) -> None:
        self.canvas.drag_enabled = value

    def set_week(
        self,
        days: list[date],
        posts: dict[date, DayPosts],
        notes: dict[date, DayNote],
        today: date,
        now_minutes: int | None,
    ) -> None:
        data = self.data
        data.days, data.posts, data.notes = days, posts, notes
        data.today, data.now_minutes = today, now_minutes
        self.chip_painter.forget_texts()
        self.canvas.relayout()
        self.header.update()
        if days and days[0] != self._week_start:
            self._week_start = days[0]
            self.scroll_to_first_post()

    def set_notes(self, notes: dict[date, DayNote]) -> None:
        self.data.notes = notes
        self.header.update()

    def scroll_to_first_post(self) -> None:
        starts = [
            local.hour * 60 + local.minute
            for day in self.data.days
            for local, _entry in self.data.posts.get(day, [])[:1]
        ]
        minutes = min([8 * 60, *starts]) - 30
        self.scroll_area.verticalScrollBar().setValue(max(0, minutes) * HOUR_HEIGHT // 60)

    def posts_on(self, day: date) -> DayPosts:
        return self.data.posts.get(day, [])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._sync_columns()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._sync_columns()

    def _sync_columns(self) -> None:
        # The header spans the scroll bar too; give it the canvas's width.
        self.columns.width = self.scroll_area.viewport().width()
        self.canvas.relayout()
        self.header.update()
