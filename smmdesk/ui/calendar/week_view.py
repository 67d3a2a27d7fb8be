"""The week view: seven days side by side on a 24-hour timeline.

Each post is a chip at its local time in its client's zone. The view puts
together the header (week_header.py: each day's date, weekday theme,
observances and markers) and the scrolling timeline (week_canvas.py: the
chips, and dragging them to another day or time), over one ``WeekData`` and
one set of ``DayColumns`` (week_layout.py), and forwards their signals. The
tab imports this module the first time the week is shown.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout

from smmdesk.ui.calendar import chips
from smmdesk.ui.calendar.calendar_data import DayNote, DayPosts
from smmdesk.ui.calendar.week_canvas import WeekCanvas
from smmdesk.ui.calendar.week_header import WeekHeader
from smmdesk.ui.calendar.week_layout import HOUR_HEIGHT, DayColumns, WeekData


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
        self.columns = DayColumns()
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
