"""What the month grid shows, and where each part of a day goes.

``MonthModel`` holds plain ``PlanEntry`` rows bucketed by the *client's*
local date, so a post at 00:30 in Riga sits on the Riga day whatever the
laptop's zone, with each day's note (theme, observances, posting-guard
warnings, gaps). ``cell_geometry`` lays one day out; the painting
(month_painting.py) and the grid's hit tests (month_view.py) both use it, so
what is clicked is always what was painted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
)

from smmdesk.store.calendar_queries import PlanEntry
from smmdesk.ui.calendar import tooltips
from smmdesk.ui.calendar.calendar_data import EMPTY_NOTE, DayNote, DayPosts

_Index = QModelIndex | QPersistentModelIndex
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

    @property
    def days(self) -> list[date]:
        """The grid's days, from the Monday of its first week (the view paints from it)."""
        return self._days

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
            return tooltips.day_tooltip(
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
