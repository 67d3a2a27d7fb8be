"""The tab's parts built after its first paint, in places kept for them.

The first paint shows the month's posts and little more (see calendar_tab).
The filter bar and the side panel come with the rest of the first load, a
moment later: their rows are laid out from the start at their final size, so
that nothing moves when they arrive, and their modules are imported only
then. Each place forwards its part's signals and hands it what it was given
before it existed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from smmdesk.ui.calendar.look import PARTS_STYLE

if TYPE_CHECKING:
    from smmdesk.ui.calendar.filters import FilterBar
    from smmdesk.ui.calendar.side_panel import SidePanel

FILTER_ROW_HEIGHT = 32  # kept while the filter bar is built, after the first paint
PANEL_WIDTH = 280
NOTICE_MS = 6000


class FilterRow(QWidget):
    """The row under the header: the filter bar, and a notice on the right (why a
    move did not happen) that hides itself after a few seconds."""

    changed = Signal(object)  # CalendarFilter, from the bar

    def __init__(self) -> None:
        super().__init__()
        self.setFixedHeight(FILTER_ROW_HEIGHT)
        self._bar: FilterBar | None = None
        self.notice = QLabel()
        self.notice.setObjectName("ErrorText")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addStretch(1)  # keeps the notice right until the bar comes
        self._layout.addWidget(self.notice)

    @property
    def bar(self) -> FilterBar:
        if self._bar is None:
            from smmdesk.ui.calendar.filters import FilterBar

            bar = self._bar = FilterBar()
            bar.setStyleSheet(PARTS_STYLE)
            bar.changed.connect(self.changed)
            self._layout.takeAt(0)  # the stretch
            self._layout.insertWidget(0, bar, 1)
        return self._bar

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()
        self._notice_timer.start(NOTICE_MS)


class PanelSlot(QWidget):
    """The side panel's place beside the views (hidden with the header's "Plan")."""

    gap_activated = Signal(object)  # Gap
    mix_range_changed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setFixedWidth(PANEL_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.built: SidePanel | None = None
        self._lookups: tuple[Callable[[int], str], Callable[[int], str]] | None = None

    @property
    def panel(self) -> SidePanel:
        if self.built is None:
            from smmdesk.ui.calendar.side_panel import SidePanel

            panel = self.built = SidePanel()
            panel.setStyleSheet(PARTS_STYLE)
            panel.gap_activated.connect(self.gap_activated)
            panel.mix_range_changed.connect(self.mix_range_changed)
            layout = self.layout()
            assert layout is not None
            layout.addWidget(panel)
            self._apply_lookups()
        return self.built

    def set_lookups(
        self, account_label: Callable[[int], str], account_platform: Callable[[int], str]
    ) -> None:
        """The account names and networks for the gap list, now or once it is built."""
        self._lookups = (account_label, account_platform)
        self._apply_lookups()

    def _apply_lookups(self) -> None:
        if self.built is not None and self._lookups is not None:
            model = self.built.gap_model
            model.account_label, model.account_platform = self._lookups
