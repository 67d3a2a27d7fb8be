"""A dashboard card: a heading, a chart, and a "Show numbers" toggle.

Charts are where a person looks; the numbers behind them must still be one
click away (for a client who asks "how many exactly?", and for people who do
not read charts). Every card that has a chart therefore holds the same
numbers as a table and swaps one for the other. The card is told both at
once (``set_numbers``) by the code that fills the chart, from the same rows,
so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from smmdesk.ui.inbox.leaders_dialog import TextTableModel


def hint_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("ViewHint")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class Card(QFrame):
    """A titled panel; ``body`` takes the card's own widgets."""

    def __init__(self, title: str, hint: str = "") -> None:
        super().__init__()
        self.setObjectName("AnalyticsCard")
        self.heading = QLabel(title)
        self.heading.setObjectName("CardHeading")
        self.hint = hint_label(hint)
        self.hint.setVisible(bool(hint))
        self.header = QHBoxLayout()
        self.header.setSpacing(8)
        self.header.addWidget(self.heading)
        self.header.addStretch(1)
        self.body = QVBoxLayout()
        self.body.setSpacing(6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(4)
        layout.addLayout(self.header)
        layout.addWidget(self.hint)
        layout.addLayout(self.body, 1)

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))


class ChartCard(Card):
    """A card with a chart (or any picture) and the same numbers as a table."""

    CHART, TABLE, MESSAGE = range(3)

    def __init__(
        self,
        title: str,
        chart: QWidget,
        headers: Sequence[str],
        numeric: Sequence[int] = (),
        hint: str = "",
        height: int = 260,
    ) -> None:
        super().__init__(title, hint)
        self.chart = chart
        self.toggle = QToolButton()
        self.toggle.setObjectName("NumbersToggle")
        self.toggle.setText("Show numbers")
        self.toggle.setCheckable(True)
        self.toggle.setToolTip("Swap the chart for a table of the same numbers")
        self.toggle.toggled.connect(self._on_toggled)
        self.header.addWidget(self.toggle)
        self.model = TextTableModel(headers, numeric)
        self.table = QTableView()
        self.table.setObjectName("NumbersTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.message = QLabel()
        self.message.setObjectName("ViewHint")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.stack = QStackedWidget()
        self.stack.addWidget(chart)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.message)
        self.stack.setFixedHeight(height)
        self.stack.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.body.addWidget(self.stack)
        self._empty = False

    def set_numbers(self, rows: Sequence[Sequence[str]]) -> None:
        self.model.set_rows(list(rows))

    def numbers(self) -> list[list[str]]:
        """The table's cells as shown (for tests and copying)."""
        return [list(row) for row in self.model.rows]

    def set_empty(self, message: str) -> None:
        """Nothing to draw: say why instead of an empty frame."""
        self._empty = bool(message)
        self.message.setText(message)
        self.toggle.setEnabled(not self._empty)
        self._show()

    def _on_toggled(self, checked: bool) -> None:
        self.toggle.setText("Show chart" if checked else "Show numbers")
        self._show()

    def _show(self) -> None:
        if self._empty:
            self.stack.setCurrentIndex(self.MESSAGE)
        else:
            self.stack.setCurrentIndex(self.TABLE if self.toggle.isChecked() else self.CHART)
