"""The text of a post: one shared text, plus a tab per account with its own.

Text typed here is the manager's own; it is still edited as plain text
(no rich-text paste), since networks take plain text.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTabWidget

from smmdesk.store.database import Store


class PostTextTabs(QTabWidget):
    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.main = QPlainTextEdit()
        self.main.setPlaceholderText(
            "Write the post once; add an account's own version with its “Own text” button."
        )
        self.main.textChanged.connect(self.edited)
        self.addTab(self.main, "All networks")
        self._variants: dict[int, QPlainTextEdit] = {}
        self._store: Store | None = None
        self._client_id: int | None = None

    def set_client(self, store: Store, client_id: int) -> None:
        self._store, self._client_id = store, client_id

    def show_post(self, body: str, variants: dict[int, tuple[str, str]]) -> None:
        """``variants``: account id -> (handle, text)."""
        for account_id in list(self._variants):
            self.remove_variant(account_id)
        self.main.blockSignals(True)
        self.main.setPlainText(body)
        self.main.blockSignals(False)
        for account_id, (handle, text) in variants.items():
            self.add_variant(account_id, handle, text)
        self.setCurrentIndex(0)

    def add_variant(self, account_id: int, handle: str, text: str | None = None) -> None:
        if account_id in self._variants:
            return
        editor = QPlainTextEdit()
        editor.setPlainText(self.main.toPlainText() if text is None else text)
        editor.textChanged.connect(self.edited)
        self._variants[account_id] = editor
        self.addTab(editor, f"Own text: {handle}")

    def remove_variant(self, account_id: int) -> None:
        editor = self._variants.pop(account_id, None)
        if editor is not None:
            self.removeTab(self.indexOf(editor))
            editor.deleteLater()

    def main_text(self) -> str:
        return self.main.toPlainText()

    def set_main_text(self, text: str) -> None:
        self.main.setPlainText(text)

    def variants(self) -> dict[int, str]:
        return {a: e.toPlainText() for a, e in self._variants.items()}

    def text_for(self, account_id: int) -> str:
        editor = self._variants.get(account_id)
        return (editor or self.main).toPlainText()

    def current_editor(self) -> QPlainTextEdit:
        widget = self.currentWidget()
        return widget if isinstance(widget, QPlainTextEdit) else self.main

    # --- hashtag groups and snippets ------------------------------------------------

    def insert_hashtags(self) -> None:
        self._insert_from("hashtags")

    def insert_snippet(self) -> None:
        self._insert_from("snippets")

    def _insert_from(self, kind: str) -> None:
        if self._store is None or self._client_id is None:
            return
        from smmdesk.store.snippets import list_hashtag_groups, list_snippets

        with self._store.session() as session:
            pieces = (list_hashtag_groups if kind == "hashtags" else list_snippets)(
                session, self._client_id
            )
        menu = QMenu(self)
        for piece in pieces:
            action = menu.addAction(piece.name)
            action.setToolTip(piece.text)
            action.triggered.connect(lambda _c=False, t=piece.text: self._insert(t))
        if pieces:
            menu.addSeparator()
        manage = menu.addAction("Manage hashtag groups and snippets…")
        manage.triggered.connect(self._manage)
        editor = self.current_editor()
        menu.exec(
            editor.mapToGlobal(editor.cursorRect().bottomRight())
            if editor.hasFocus()
            else QCursor.pos()
        )

    def _insert(self, text: str) -> None:
        editor = self.current_editor()
        cursor = editor.textCursor()
        before = editor.toPlainText()[: cursor.position()]
        spacer = "" if not before or before[-1].isspace() else " "
        cursor.insertText(spacer + text)
        editor.setFocus()

    def _manage(self) -> None:
        from smmdesk.ui.composer.snippets_dialog import SnippetsDialog

        if self._store is not None and self._client_id is not None:
            SnippetsDialog(self._store, self._client_id, self).exec()
