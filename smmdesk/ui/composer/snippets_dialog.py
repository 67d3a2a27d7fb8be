"""Managing a client's hashtag groups and text snippets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from smmdesk.store import snippets
from smmdesk.store.database import Store


class PieceEditor(QWidget):
    """A list of named pieces of text with a form to edit the chosen one."""

    def __init__(self, store: Store, client_id: int, kind: str) -> None:
        super().__init__()
        self.store, self.client_id, self.kind = store, client_id, kind
        self.list = QListWidget()
        self.name = QLineEdit()
        self.name.setPlaceholderText("Name, e.g. “Coffee tags”")
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(
            "#coffee #riga #kafija" if kind == "hashtags" else "Text to insert"
        )
        self.error = QLabel()
        self.error.setObjectName("ErrorText")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        new, save, delete = QPushButton("New"), QPushButton("Save"), QPushButton("Delete")
        new.clicked.connect(self._new)
        save.clicked.connect(self._save)
        delete.clicked.connect(self._delete)
        self.list.currentItemChanged.connect(self._show)
        buttons = QHBoxLayout()
        for button in (new, save, delete):
            buttons.addWidget(button)
        buttons.addStretch(1)
        form = QVBoxLayout()
        form.addWidget(self.name)
        form.addWidget(self.text, 1)
        form.addWidget(self.error)
        form.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(form, 2)
        self._current: int | None = None
        self.reload()

    def reload(self, select: int | None = None) -> None:
        lister = snippets.list_hashtag_groups if self.kind == "hashtags" else snippets.list_snippets
        with self.store.session() as session:
            pieces = lister(session, self.client_id)
        self.list.clear()
        for piece in pieces:
            item = QListWidgetItem(piece.name)
            item.setData(Qt.ItemDataRole.UserRole, (piece.id, piece.text))
            self.list.addItem(item)
            if piece.id == select:
                self.list.setCurrentItem(item)

    def _show(self, item: QListWidgetItem | None, _old: object = None) -> None:
        if item is None:
            return
        self._current, text = item.data(Qt.ItemDataRole.UserRole)
        self.name.setText(item.text())
        self.text.setPlainText(text)

    def _new(self) -> None:
        self._current = None
        self.list.clearSelection()
        self.name.clear()
        self.text.clear()
        self.name.setFocus()

    def _save(self) -> None:
        saver = snippets.save_hashtag_group if self.kind == "hashtags" else snippets.save_snippet
        try:
            with self.store.transaction() as session:
                piece_id = saver(
                    session,
                    self.client_id,
                    self.name.text(),
                    self.text.toPlainText(),
                    self._current,
                )
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        self.reload(select=piece_id)

    def _delete(self) -> None:
        if self._current is None:
            return
        remover = (
            snippets.delete_hashtag_group if self.kind == "hashtags" else snippets.delete_snippet
        )
        with self.store.transaction() as session:
            remover(session, self._current)
        self._new()
        self.reload()


class SnippetsDialog(QDialog):
    def __init__(self, store: Store, client_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hashtag groups and snippets")
        self.resize(640, 400)
        tabs = QTabWidget()
        self.hashtags = PieceEditor(store, client_id, "hashtags")
        self.snippets = PieceEditor(store, client_id, "snippets")
        tabs.addTab(self.hashtags, "Hashtag groups (Ctrl+Shift+H)")
        tabs.addTab(self.snippets, "Snippets (Ctrl+Shift+J)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
