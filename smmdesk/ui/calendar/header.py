"""The calendar's header row: title, summary, undo, views, navigation, panel.

Layout only: the tab connects the buttons to what they do. The keys their
tooltips name are set up here too, for the whole tab (``add_shortcuts``).
The header is part of the first paint, which comes before the application
style sheet: it carries its own (``look.HEADER_STYLE``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from smmdesk.ui.calendar.look import HEADER_STYLE
from smmdesk.ui.calendar.shown_range import LIST, MONTH, WEEK


class CalendarHeader(QWidget):
    mode_chosen = Signal(str)
    step = Signal(int)  # -1 back, +1 forward
    today_clicked = Signal()
    panel_toggled = Signal(bool)

    def __init__(self, undo_stack: QUndoStack) -> None:
        super().__init__()
        self.setStyleSheet(HEADER_STYLE)
        self.title = QLabel()
        self.title.setObjectName("MonthTitle")
        self.title.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.summary = QLabel()
        self.summary.setObjectName("ViewHint")
        # A long summary is cut, not allowed to widen the window.
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.mode_buttons = QButtonGroup(self)
        switch = QHBoxLayout()
        switch.setSpacing(0)
        self.mode_button: dict[str, QToolButton] = {}
        for n, (mode, label, tip) in enumerate(
            (
                (MONTH, "Month", "Six weeks at a glance"),
                (WEEK, "Week", "Seven days by the hour; drag to another time"),
                (LIST, "List", "The month's posts in order"),
            )
        ):
            button = QToolButton()
            button.setText(label)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setObjectName("SegmentButton")
            button.setProperty("segment", ("first", "middle", "last")[n])
            button.setChecked(mode == MONTH)
            self.mode_buttons.addButton(button)
            button.clicked.connect(lambda _checked=False, m=mode: self.mode_chosen.emit(m))
            switch.addWidget(button)
            self.mode_button[mode] = button
        today_button = QPushButton("Today")
        today_button.setToolTip("Back to today (Home)")
        today_button.clicked.connect(self.today_clicked)
        self.previous_button = QPushButton("‹")
        self.previous_button.setFixedWidth(36)
        self.previous_button.clicked.connect(lambda: self.step.emit(-1))
        self.next_button = QPushButton("›")
        self.next_button.setFixedWidth(36)
        self.next_button.clicked.connect(lambda: self.step.emit(+1))
        self.set_step_name("month")

        self.undo_button = QToolButton()
        self.undo_button.setText("↶")
        self.undo_button.setObjectName("IconButton")
        self.undo_button.setEnabled(False)
        self.undo_button.setToolTip("Undo (Ctrl+Z)")
        self.undo_button.clicked.connect(undo_stack.undo)
        self.redo_button = QToolButton()
        self.redo_button.setText("↷")
        self.redo_button.setObjectName("IconButton")
        self.redo_button.setEnabled(False)
        self.redo_button.setToolTip("Redo (Ctrl+Shift+Z)")
        self.redo_button.clicked.connect(undo_stack.redo)
        undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        undo_stack.undoTextChanged.connect(
            lambda text: self.undo_button.setToolTip(f"Undo: {text} (Ctrl+Z)" if text else "Undo")
        )
        undo_stack.redoTextChanged.connect(
            lambda text: self.redo_button.setToolTip(
                f"Redo: {text} (Ctrl+Shift+Z)" if text else "Redo"
            )
        )

        self.panel_button = QToolButton()
        self.panel_button.setText("Plan")
        self.panel_button.setObjectName("PanelToggle")
        self.panel_button.setCheckable(True)
        self.panel_button.setChecked(True)
        self.panel_button.setToolTip("Show or hide gaps and the content mix")
        self.panel_button.toggled.connect(self._on_panel_toggled)

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.title)
        row.addSpacing(10)
        row.addWidget(self.summary, 1)
        row.addWidget(self.undo_button)
        row.addWidget(self.redo_button)
        row.addSpacing(8)
        row.addLayout(switch)
        row.addSpacing(8)
        row.addWidget(today_button)
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        row.addSpacing(8)
        row.addWidget(self.panel_button)

    def add_shortcuts(self, scope: QWidget, undo_stack: QUndoStack) -> None:
        """The keys of the navigation and undo buttons, anywhere in ``scope``."""
        for key, slot in (
            ("PgUp", lambda: self.step.emit(-1)),
            ("PgDown", lambda: self.step.emit(+1)),
            ("Home", self.today_clicked.emit),
            ("Ctrl+Z", undo_stack.undo),
            ("Ctrl+Shift+Z", undo_stack.redo),
            ("Ctrl+Y", undo_stack.redo),
        ):
            shortcut = QShortcut(QKeySequence(key), scope)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def set_mode(self, mode: str) -> None:
        self.mode_button[mode].setChecked(True)
        self.set_step_name("week" if mode == WEEK else "month")

    def set_step_name(self, name: str) -> None:
        self.previous_button.setToolTip(f"Previous {name} (Page Up)")
        self.next_button.setToolTip(f"Next {name} (Page Down)")

    def _on_panel_toggled(self, shown: bool) -> None:
        self.panel_button.setText("Plan" if shown else "Plan ›")
        self.panel_toggled.emit(shown)
