"""The small parts of the Ideas panel: its two dialogs and its table model.

``FeedDialog`` adds a feed, ``IdeaDialog`` an idea.
Each takes a ``submit`` callback that saves what was typed and returns an
error message, or None when it worked; on an error the dialog stays open with
what was typed and says what to fix (the same shape as the client dialog).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)


class _SubmitDialog(QDialog):
    def __init__(self, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.form = QFormLayout()
        self.hint = QLabel()
        self.hint.setObjectName("ViewHint")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.error = QLabel()
        self.error.setObjectName("ErrorText")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class FeedDialog(_SubmitDialog):
    """Ask for a feed's address (and, optionally, a name for it)."""

    def __init__(
        self, submit: Callable[[str, str], str | None], parent: QWidget | None = None
    ) -> None:
        super().__init__("Add a feed", "Add feed", parent)
        self._submit = submit
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://example.com/feed.xml")
        self.name = QLineEdit()
        self.name.setPlaceholderText("Taken from the feed if left empty")
        self.form.addRow("Address", self.url)
        self.form.addRow("Name", self.name)
        self.hint.setText(
            "The address of an RSS or Atom feed: news sites and blogs link to it as "
            "“RSS” or “Feed”. New entries appear as ideas for this client."
        )

    def accept(self) -> None:
        problem = self._submit(self.url.text(), self.name.text())
        if problem:
            self.show_error(problem)
            self.url.setFocus()
            return
        super().accept()


class IdeaDialog(_SubmitDialog):
    """Write down an idea: a title, notes, a link."""

    def __init__(
        self, submit: Callable[[str, str, str], str | None], parent: QWidget | None = None
    ) -> None:
        super().__init__("Add an idea", "Add idea", parent)
        self._submit = submit
        self.title = QLineEdit()
        self.title.setPlaceholderText("What could the post be about?")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Notes, angles, questions to ask the audience…")
        self.notes.setFixedHeight(110)
        self.link = QLineEdit()
        self.link.setPlaceholderText("https://… (optional)")
        self.form.addRow("Title", self.title)
        self.form.addRow("Notes", self.notes)
        self.form.addRow("Link", self.link)

    def accept(self) -> None:
        problem = self._submit(self.title.text(), self.notes.toPlainText(), self.link.text())
        if problem:
            self.show_error(problem)
            self.title.setFocus()
            return
        super().accept()


AnyIndex = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """A read-only table of rows with their display texts, colours and tooltips."""

    def __init__(self, headers: Sequence[str]) -> None:
        super().__init__()
        self.headers = list(headers)
        self.rows: list[Any] = []
        self._cells: list[tuple[str, ...]] = []
        self._colours: list[QColor | None] = []
        self._tips: list[str] = []

    def set_rows(
        self,
        rows: Sequence[Any],
        cells: Sequence[tuple[str, ...]],
        colours: Sequence[QColor | None] | None = None,
        tips: Sequence[str] | None = None,
    ) -> None:
        self.beginResetModel()
        self.rows, self._cells = list(rows), list(cells)
        self._colours = list(colours) if colours is not None else [None] * len(rows)
        self._tips = list(tips) if tips is not None else [""] * len(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, row_id: int) -> int:
        return next((n for n, r in enumerate(self.rows) if r.id == row_id), -1)

    def cell(self, row: int, column: int) -> str:
        return self._cells[row][column]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colours[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips[index.row()] or self._cells[index.row()][index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None


def table_view(model: RowsModel, stretch: int) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(26)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def plain_label(object_name: str = "") -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # network text: never rich text
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)
    return label
