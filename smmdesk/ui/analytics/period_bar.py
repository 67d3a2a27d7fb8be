"""The period bar: this week, last 30 days, a month, or any two days.

Every number on the tab is for the chosen period and is compared with the
period before it (``Period.previous``: a calendar month with the month
before, any other span with as many days right before it). The bar always
says both in words, so "+12%" is never a riddle about "compared with what?".
Days are the client's own (``today`` comes from its time zone).
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from smmdesk.core.analytics import Period
from smmdesk.ui.exchange.dialogs import today_in

WEEK, DAYS_30, MONTH, CUSTOM = "week", "30days", "month", "custom"
_MODES = ((WEEK, "This week"), (DAYS_30, "Last 30 days"), (MONTH, "Month"), (CUSTOM, "Custom"))
#: How many months back the month picker offers.
MONTHS_OFFERED = 24


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def describe(period: Period) -> str:
    """ "1 – 30 Nov 2026" in the app's words (the same day format as elsewhere)."""
    if period == Period.month(period.start.year, period.start.month):
        return f"{period.start:%B %Y}"
    if period.start == period.end:
        return f"{period.start.day} {period.start:%b %Y}"
    if period.start.year != period.end.year:
        return f"{period.start.day} {period.start:%b %Y} – {period.end.day} {period.end:%b %Y}"
    if period.start.month != period.end.month:
        return f"{period.start.day} {period.start:%b} – {period.end.day} {period.end:%b %Y}"
    return f"{period.start.day} – {period.end.day} {period.end:%b %Y}"


class PeriodBar(QWidget):
    """Segmented buttons plus a month list and two day pickers when needed."""

    changed = Signal()

    def __init__(self, zone_name: str = "UTC") -> None:
        super().__init__()
        self.zone_name = zone_name
        self.mode = DAYS_30
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QToolButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        for n, (mode, label) in enumerate(_MODES):
            button = QToolButton()
            button.setText(label)
            button.setCheckable(True)
            button.setObjectName("SegmentButton")
            button.setProperty("segment", "first" if n == 0 else "last" if n == 3 else "middle")
            button.clicked.connect(lambda _c=False, m=mode: self.set_mode(m))
            self.group.addButton(button)
            self.buttons[mode] = button
            row.addWidget(button)
        row.addSpacing(8)
        self.month_box = QComboBox()
        self.month_box.setToolTip("The calendar month to show")
        self.month_box.currentIndexChanged.connect(self._emit)
        row.addWidget(self.month_box)
        self.first = self._picker()
        self.to_label = QLabel("to")
        self.last = self._picker()
        row.addWidget(self.first)
        row.addSpacing(4)
        row.addWidget(self.to_label)
        row.addSpacing(4)
        row.addWidget(self.last)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self._filling = False
        self._fill_months()
        self.set_mode(DAYS_30, emit=False)

    def _picker(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMM yyyy")
        edit.dateChanged.connect(self._emit)
        return edit

    def today(self) -> date:
        return today_in(self.zone_name)

    def set_zone(self, zone_name: str) -> None:
        """The client's zone decides what "today" and "this week" are."""
        if zone_name != self.zone_name:
            self.zone_name = zone_name
            self._fill_months()

    def _fill_months(self) -> None:
        self._filling = True
        chosen = self.month_box.currentData()
        self.month_box.clear()
        first = self.today().replace(day=1)
        for _ in range(MONTHS_OFFERED):
            self.month_box.addItem(f"{first:%B %Y}", (first.year, first.month))
            first = (first - timedelta(days=1)).replace(day=1)
        found = self.month_box.findData(chosen) if chosen is not None else -1
        # The month before this one is complete: a report's usual month.
        self.month_box.setCurrentIndex(found if found >= 0 else 1)
        self._filling = False

    def set_mode(self, mode: str, emit: bool = True) -> None:
        self.mode = mode
        self.buttons[mode].setChecked(True)
        self.month_box.setVisible(mode == MONTH)
        custom = mode == CUSTOM
        if custom:
            shown = self._preset_period(DAYS_30)
            self._filling = True
            self.first.setDate(_qdate(shown.start))
            self.last.setDate(_qdate(shown.end))
            self._filling = False
        for widget in (self.first, self.to_label, self.last):
            widget.setVisible(custom)
        if emit:
            self.changed.emit()

    def set_custom(self, start: date, end: date) -> None:
        self.set_mode(CUSTOM, emit=False)
        self._filling = True
        self.first.setDate(_qdate(start))
        self.last.setDate(_qdate(end))
        self._filling = False
        self.changed.emit()

    def set_month(self, year: int, month: int) -> None:
        self.set_mode(MONTH, emit=False)
        index = self.month_box.findData((year, month))
        if index < 0:
            self.month_box.addItem(f"{date(year, month, 1):%B %Y}", (year, month))
            index = self.month_box.count() - 1
        self._filling = True
        self.month_box.setCurrentIndex(index)
        self._filling = False
        self.changed.emit()

    def _preset_period(self, mode: str) -> Period:
        today = self.today()
        if mode == WEEK:
            return Period.this_week(today)
        if mode == MONTH:
            year, month = self.month_box.currentData() or (today.year, today.month)
            return Period.month(int(year), int(month))
        return Period.last_30_days(today)

    def period(self) -> Period:
        if self.mode == CUSTOM:
            start, end = _pydate(self.first.date()), _pydate(self.last.date())
            return Period.custom(min(start, end), max(start, end))
        return self._preset_period(self.mode)

    def _emit(self) -> None:
        if not self._filling:
            self.changed.emit()
