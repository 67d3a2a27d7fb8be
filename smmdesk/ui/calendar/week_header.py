"""The week view's header: each day's date, weekday theme, observances and markers.

Painted in one pass over the seven columns of ``DayColumns`` (the timeline
below uses the same columns). Its tooltips explain the markers (posting
guard, gaps) and observances; a double-click on a theme or an observance
asks for a draft about it, elsewhere for a draft on that day.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from smmdesk.ui.calendar import chips, tooltips
from smmdesk.ui.calendar.week_layout import HEADER_HEIGHT, WEEKEND, DayColumns, WeekData


class WeekHeader(QWidget):
    """Day names and dates, with themes, observances and markers."""

    day_activated = Signal(object)
    day_menu_requested = Signal(object, object, QPoint)
    note_activated = Signal(object, str, str)  # date, "theme" or "observance", its name

    def __init__(self, data: WeekData, columns: DayColumns, painter: chips.ChipPainter) -> None:
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
                painter.fillRect(cell, WEEKEND)
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
                text = tooltips.warnings_tooltip(day, note)
            elif marker.contains(event.pos()) and note.gap_accounts:
                text = tooltips.gaps_tooltip(day, note, self.data.account_label)
            elif observance.contains(event.pos()) and note.observances:
                text = tooltips.observances_tooltip(note)
            else:
                text = tooltips.day_tooltip(
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
