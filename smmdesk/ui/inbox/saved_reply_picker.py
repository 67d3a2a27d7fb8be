"""Pick one of the client's saved replies by typing a few letters of it.

SMM-PRACTICE rule 2: the answers agreed with the client are a keystroke away.
The list comes ordered by the store (the item's category first, then the
client's own, then the shared ones); the filter matches title and text. The
saved replies are the manager's own text, but they are still shown as plain
text: a title is never markup.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from smmdesk.store.saved_replies import SavedReplyRow
from smmdesk.ui.inbox.reply_checks import category_word

_ROW_ROLE = Qt.ItemDataRole.UserRole + 1
_SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2


class SavedReplyPicker(QDialog):
    """A filter line and the list; Enter takes the highlighted reply."""

    def __init__(self, rows: list[SavedReplyRow], category: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Insert a saved reply")
        self.resize(520, 420)
        self._chosen: SavedReplyRow | None = None
        self._rows = list(rows)
        self.model = QStandardItemModel(self)
        for number, row in enumerate(rows, start=1):
            shortcut = f"Alt+{number}   " if number <= 9 else ""
            scope = "shared" if row.client_id is None else category_word(row.category)
            item = QStandardItem(f"{shortcut}{row.title}  ·  {scope}")
            item.setData(number - 1, _ROW_ROLE)
            item.setData(f"{row.title}\n{row.body}".casefold(), _SEARCH_ROLE)
            item.setToolTip("")  # never a rich-text guess on hover
            item.setEditable(False)
            self.model.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(_SEARCH_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type to filter by title or text")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.filter.installEventFilter(self)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setUniformItemSizes(True)
        self.list.setStyleSheet("QListView::item { padding: 4px 2px; }")
        self.list.activated.connect(self._take)
        self.list.selectionModel().currentChanged.connect(self._preview)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setFixedHeight(110)
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        hint = QLabel(
            f"{category_word(category)} replies first. Fields such as {{name}} and {{client}} "
            "are filled in when the reply is inserted."
            if rows
            else "This client has no saved replies yet: add them with Tools → Saved replies."
        )
        hint.setObjectName("ViewHint")
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Insert")
        buttons.accepted.connect(lambda: self._take(self.list.currentIndex()))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.preview)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self._select_first()

    @property
    def chosen(self) -> SavedReplyRow | None:
        return self._chosen

    def _filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.casefold())
        self._select_first()

    def _select_first(self) -> None:
        first = self.proxy.index(0, 0)
        self.list.setCurrentIndex(first)
        self._preview(first)

    def _row(self, index: QModelIndex) -> SavedReplyRow | None:
        number = index.data(_ROW_ROLE) if index.isValid() else None
        return self._rows[number] if isinstance(number, int) else None

    def _preview(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        row = self._row(index)
        self.preview.setPlainText(row.body if row is not None else "")

    def _take(self, index: QModelIndex) -> None:
        row = self._row(index)
        if row is None:
            return
        self._chosen = row
        self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the filter move through the list; Enter takes the reply."""
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                step = -1 if key == Qt.Key.Key_Up else 1
                row = min(max(self.list.currentIndex().row() + step, 0), self.proxy.rowCount() - 1)
                self.list.setCurrentIndex(self.proxy.index(row, 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._take(self.list.currentIndex())
                return True
        return super().eventFilter(watched, event)
