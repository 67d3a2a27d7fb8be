"""The calendar's three views in one stack: month, week and list.

The month grid is built at once: it is the first paint. The week and list
views are built, and their modules imported, the first time they are asked
for. Whatever view the stack holds, its gestures come out as the stack's own
signals, it gets the same lookups (account names, networks, post texts), and
it is handed a range in the form it paints.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QPoint, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from smmdesk.ui.calendar.calendar_data import DayNote, DayPosts
from smmdesk.ui.calendar.look import PARTS_STYLE
from smmdesk.ui.calendar.month_view import MonthGrid
from smmdesk.ui.calendar.shown_range import LIST, MONTH, WEEK

if TYPE_CHECKING:
    from smmdesk.ui.calendar.agenda_view import AgendaView
    from smmdesk.ui.calendar.week_view import WeekView


class ViewLookups(NamedTuple):
    """What the views ask the tab while they paint; set again on every reload."""

    account_label: Callable[[int], str]
    account_platform: Callable[[int], str]
    post_texts: Callable[[list[int]], dict[int, str]]
    client_name: Callable[[int], str]
    post_images: Callable[[list[int]], dict[int, Path]]  # first image of each post


class CalendarViews(QStackedWidget):
    """The month grid, and the week and list views once built."""

    post_activated = Signal(int)  # double-click on a post
    day_activated = Signal(object)  # double-click on a day's free space: date
    day_menu_requested = Signal(object, object, QPoint)  # date, post id or None, global pos
    note_activated = Signal(object, str, str)  # date, "theme" or "observance", its name
    post_dropped = Signal(int, object, object)  # post id, date, time (None: the post's own)

    def __init__(self) -> None:
        super().__init__()
        self.grid = MonthGrid()
        self._week: WeekView | None = None
        self._agenda: AgendaView | None = None
        self._drag_enabled = False  # until the tab has a store to write to
        self._lookups: ViewLookups | None = None
        self._add_view(self.grid)
        self.grid.post_dropped.connect(self._on_month_drop)

    def _add_view(self, view: QWidget) -> None:
        self.addWidget(view)
        view.post_activated.connect(self.post_activated)  # type: ignore[attr-defined]
        view.day_activated.connect(self.day_activated)  # type: ignore[attr-defined]
        view.day_menu_requested.connect(self.day_menu_requested)  # type: ignore[attr-defined]
        if hasattr(view, "note_activated"):
            view.note_activated.connect(self.note_activated)

    def _on_month_drop(self, post_id: int, day: date) -> None:
        self.post_dropped.emit(post_id, day, None)  # the month keeps the post's time

    @property
    def week(self) -> WeekView:
        if self._week is None:
            from smmdesk.ui.calendar.week_view import WeekView

            self._week = WeekView()
            self._week.setStyleSheet(PARTS_STYLE)
            self._week.drag_enabled = self._drag_enabled
            self._add_view(self._week)
            self._week.post_dropped.connect(self.post_dropped)
            self._apply_lookups()
        return self._week

    @property
    def agenda(self) -> AgendaView:
        if self._agenda is None:
            from smmdesk.ui.calendar.agenda_view import AgendaView

            self._agenda = AgendaView()
            self._add_view(self._agenda)
            self._apply_lookups()
        return self._agenda

    @property
    def drag_enabled(self) -> bool:
        return self._drag_enabled

    @drag_enabled.setter
    def drag_enabled(self, value: bool) -> None:
        self._drag_enabled = value
        self.grid.drag_enabled = value
        if self._week is not None:
            self._week.drag_enabled = value

    def set_lookups(self, lookups: ViewLookups) -> None:
        self._lookups = lookups
        self._apply_lookups()

    def _apply_lookups(self) -> None:
        """Give the views built so far the account names, networks and texts."""
        lookups = self._lookups
        if lookups is None:
            return
        painters = [self.grid.chip_painter]
        self.grid.month_model.account_label = lookups.account_label
        if self._week is not None:
            painters.append(self._week.chip_painter)
            self._week.data.account_label = lookups.account_label
        for painter in painters:
            painter.set_platform_lookup(lookups.account_platform)
            painter.text_source = lookups.post_texts
        if self._agenda is not None:
            model = self._agenda.agenda_model
            model.account_label = lookups.account_label
            model.account_platform = lookups.account_platform
            model.client_name = lookups.client_name
            model.post_images = lookups.post_images

    def show_mode(self, mode: str) -> None:
        self.setCurrentWidget({MONTH: self.grid, WEEK: self.week, LIST: self.agenda}[mode])

    def show_month(
        self,
        days: list[date],
        month: int,
        posts: dict[date, DayPosts],
        notes: dict[date, DayNote],
        today: date,
    ) -> None:
        grid = self.grid
        grid.chip_painter.forget_texts()
        grid.month_model.set_month(days, month, posts, today, notes)
        grid.ensure_texts()

    def show_week(
        self,
        days: list[date],
        posts: dict[date, DayPosts],
        notes: dict[date, DayNote],
        today: date,
        now_minutes: int,
        flagged: set[int],
    ) -> None:
        self.week.chip_painter.flagged = flagged
        self.week.set_week(days, posts, notes, today, now_minutes)

    def show_notes(
        self,
        mode: str,
        days: list[date],
        posts: dict[date, DayPosts],
        notes: dict[date, DayNote],
        today: date,
    ) -> None:
        """New day notes for the range shown (observances have come)."""
        if mode == MONTH:
            self.grid.month_model.set_notes(notes)
        elif mode == WEEK:
            self.week.set_notes(notes)
        else:
            self.agenda.agenda_model.set_range(days, posts, notes, today)

    def show_list(
        self,
        days: list[date],
        posts: dict[date, DayPosts],
        notes: dict[date, DayNote],
        today: date,
        flagged: set[int],
        one_client: bool,
    ) -> None:
        """The list scrolls to today when the range holds it, else to its top."""
        agenda = self.agenda
        agenda.setColumnHidden(1, one_client)  # the client's own column
        agenda.agenda_model.flagged = flagged
        agenda.agenda_model.set_range(days, posts, notes, today)
        if days[0] <= today <= days[-1]:
            agenda.scroll_to_day(today)
        else:
            agenda.scrollToTop()
