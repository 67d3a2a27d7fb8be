"""Saved replies: the answers agreed with a client, kept ready to insert.

SMM-PRACTICE rule 2: agree with the client who answers which questions and
how. Each saved reply has a title, a category (the picker offers the item's
category first) and its text, and belongs to one client or to all of them.
Fields in braces are filled in when the reply is inserted; the buttons insert
them at the cursor and the preview shows the text filled with example values,
so a typo like ``{nmae}`` shows at once.

Edits are kept until saved: choosing another reply or closing the dialog
with unsaved changes asks first, and a refused save (no title, no text) says
why and keeps what was typed.

Open it with ``SavedRepliesDialog(store, reader, client_id_or_None, parent).exec()``.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.reply_fields import FIELD_HELP, FIELDS, field_values, fill
from smmdesk.core.vocabulary import InboxCategory
from smmdesk.store.database import Store
from smmdesk.store.queries import StoreReader
from smmdesk.store.saved_replies import (
    SavedReplyRow,
    delete_reply_template,
    list_saved_replies,
    save_reply_template,
)
from smmdesk.ui.exchange.dialogs import say
from smmdesk.ui.inbox.leaders_dialog import client_name_zone
from smmdesk.ui.inbox.reply_checks import category_word, one_line

__all__ = ["SavedRepliesDialog"]

#: The fields a saved reply may use (``core.reply_fields.FIELDS``), in a few words each.
SHORT_HELP = {
    "name": "the person's name",
    "first_name": "their first name",
    "client": "the client's name",
    "handle": "their @handle",
    "account": "the account you answer from",
}
EXAMPLE_PERSON = ("Anna Bērziņa", "@anna.berzina")
_CATEGORIES = [c.value for c in InboxCategory if c is not InboxCategory.UNSORTED]
_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class SavedRepliesDialog(QDialog):
    """The saved replies of one client and the shared ones: list, editor, preview."""

    def __init__(
        self,
        store: Store,
        reader: StoreReader,
        client_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.reader = reader
        self.client_id = client_id
        self.client_name = client_name_zone(reader.db, client_id)[0] if client_id else ""
        self.rows: list[SavedReplyRow] = []
        self.editing: int | None = None  # id of the reply in the editor; None = a new one
        self._loading = False
        self.dirty = False
        title = f"Saved replies — {self.client_name}" if client_id else "Saved replies"
        self.setWindowTitle(title)
        self.resize(940, 600)

        self.model = QStandardItemModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSpacing(3)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.new_button = QPushButton("New")
        self.new_button.setAutoDefault(False)
        self.new_button.clicked.connect(self.new_reply)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self.delete_current)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.new_button)
        list_buttons.addWidget(self.delete_button)
        list_buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addLayout(list_buttons)

        self.title = QLineEdit()
        self.title.setPlaceholderText("e.g. Opening hours")
        self.category = QComboBox()
        for value in _CATEGORIES:
            self.category.addItem(category_word(value), value)
        self.only_client = QRadioButton(
            f"This client only ({self.client_name})" if client_id else "This client only"
        )
        self.all_clients = QRadioButton("All clients")
        self.scope = QButtonGroup(self)
        self.scope.addButton(self.only_client)
        self.scope.addButton(self.all_clients)
        self.only_client.setEnabled(client_id is not None)
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.only_client)
        scope_row.addWidget(self.all_clients)
        scope_row.addStretch(1)
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText("Hi {first_name}! We are open daily from 8 to 20.")
        fields_row = QHBoxLayout()
        fields_row.addWidget(QLabel("Insert"))
        self.field_buttons: dict[str, QPushButton] = {}
        for name in FIELDS:
            button = QPushButton("{" + name + "}")
            button.setAutoDefault(False)
            button.setToolTip(f"Becomes {FIELD_HELP.get(name, name)}.")
            button.clicked.connect(lambda _=False, n=name: self.insert_field(n))
            fields_row.addWidget(button)
            self.field_buttons[name] = button
        fields_row.addStretch(1)
        explained = "; ".join(f"{{{n}}} {SHORT_HELP.get(n, n)}" for n in FIELDS)
        self.fields_hint = QLabel(f"Filled in when you insert the reply: {explained}.")
        self.fields_hint.setObjectName("ViewHint")
        self.fields_hint.setWordWrap(True)
        self.fields_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setMaximumHeight(110)
        self.preview_note = QLabel()
        self.preview_note.setObjectName("ViewHint")
        self.preview_note.setWordWrap(True)
        self.preview_note.setTextFormat(Qt.TextFormat.PlainText)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        self.save_button = QPushButton("Save")
        self.save_button.setProperty("primary", True)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)

        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Category", self.category)
        form.addRow("For", scope_row)
        form.addRow("Text", self.body)
        form.addRow("", fields_row)
        form.addRow("", self.fields_hint)
        form.addRow("Preview", self.preview)
        form.addRow("", self.preview_note)
        save_row = QHBoxLayout()
        save_row.addWidget(self.message, 1)
        save_row.addStretch(0)
        save_row.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(form, 1)
        right_layout.addLayout(save_row)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([300, 640])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        for signal in (self.title.textChanged, self.body.textChanged):
            signal.connect(self._edited)
        self.category.currentIndexChanged.connect(self._edited)
        self.scope.buttonToggled.connect(self._edited)
        self.reload()
        if self.rows:
            self.select(self.rows[0].id)
        else:
            self.new_reply()

    # --- list -----------------------------------------------------------------

    def reload(self) -> None:
        self.rows = list_saved_replies(self.reader.db, self.client_id)
        self._loading = True
        self.model.clear()
        for row in self.rows:
            scope = "all clients" if row.client_id is None else "this client"
            item = QStandardItem(
                f"{one_line(row.title, 80)}\n{category_word(row.category)} · {scope}"
            )
            item.setData(row.id, _ID_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)
        self._loading = False
        self.delete_button.setEnabled(bool(self.rows))

    def select(self, reply_id: int) -> bool:
        for number, row in enumerate(self.rows):
            if row.id == reply_id:
                self.list.setCurrentIndex(self.model.index(number, 0))
                return True
        return False

    def _row(self, reply_id: int | None) -> SavedReplyRow | None:
        return next((r for r in self.rows if r.id == reply_id), None)

    def _current_changed(self) -> None:
        if self._loading:
            return
        index = self.list.currentIndex()
        reply_id = index.data(_ID_ROLE) if index.isValid() else None
        if reply_id == self.editing:
            return
        if not self.may_discard():
            self._show_in_list(self.editing)
            return
        self._show_in_list(reply_id)  # a save just now re-read the list
        self._load(self._row(reply_id))

    def _show_in_list(self, reply_id: int | None) -> None:
        """Put the list's highlight back on ``reply_id`` without loading it again."""
        self._loading = True
        number = next((n for n, r in enumerate(self.rows) if r.id == reply_id), -1)
        selection = self.list.selectionModel()
        if number < 0:
            selection.clear()
        else:
            selection.setCurrentIndex(
                self.model.index(number, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        self._loading = False

    # --- editor ---------------------------------------------------------------

    def _load(self, row: SavedReplyRow | None) -> None:
        self._loading = True
        self.editing = row.id if row else None
        self.title.setText(row.title if row else "")
        self.body.setPlainText(row.body if row else "")
        category = row.category if row else InboxCategory.QUESTION.value
        self.category.setCurrentIndex(max(0, self.category.findData(category)))
        shared = (row.client_id is None) if row else self.client_id is None
        (self.all_clients if shared else self.only_client).setChecked(True)
        self._loading = False
        self.dirty = False
        self.message.hide()
        self.delete_button.setEnabled(row is not None)
        self.update_preview()

    def _edited(self) -> None:
        if not self._loading:
            self.dirty = True
            self.message.hide()
        self.update_preview()

    def new_reply(self) -> None:
        if not self.may_discard():
            return
        self._show_in_list(None)
        self._load(None)
        self.title.setFocus()

    def insert_field(self, name: str) -> None:
        self.body.insertPlainText("{" + name + "}")
        self.body.setFocus()

    def example_values(self) -> dict[str, str]:
        account = self.reader.db.execute(
            "SELECT handle FROM accounts WHERE client_id IS ? AND archived_at IS NULL "
            "ORDER BY id LIMIT 1",
            (self.client_id,),
        ).fetchone()
        return field_values(
            EXAMPLE_PERSON[0],
            EXAMPLE_PERSON[1],
            self.client_name or "Kafija Rīga",
            account[0] if account else "@kafija.riga",
        )

    def update_preview(self) -> None:
        filled = fill(self.body.toPlainText(), self.example_values())
        self.preview.setPlainText(filled.text)
        notes = [f"Example: {EXAMPLE_PERSON[0]} ({EXAMPLE_PERSON[1]}) writes to the client."]
        if filled.unknown:
            unknown = ", ".join("{" + name + "}" for name in filled.unknown)
            notes.append(f"Not a field the app fills in: {unknown} (check the spelling).")
        self.preview_note.setText(" ".join(notes))

    def save(self) -> bool:
        """Store the editor's reply; on a refusal say why and keep the text."""
        client_id = self.client_id if self.only_client.isChecked() else None
        try:
            with self.store.transaction() as session:
                saved_id = save_reply_template(
                    session,
                    client_id,
                    self.title.text(),
                    self.body.toPlainText(),
                    str(self.category.currentData()),
                    self.editing,
                )
        except (ValueError, LookupError) as exc:
            say(self.message, str(exc), error=True)
            return False
        self.dirty = False
        self.reload()
        self.editing = saved_id
        self._show_in_list(saved_id)
        self.delete_button.setEnabled(True)
        say(self.message, "Saved.")
        return True

    def delete_current(self) -> None:
        row = self._row(self.editing)
        if row is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete saved reply",
            f"Delete the saved reply “{one_line(row.title, 80)}”? Replies already sent stay as "
            "they are.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        with self.store.transaction() as session:
            delete_reply_template(session, row.id)
        self.dirty = False
        self.reload()
        if self.rows:
            self.select(self.rows[0].id)
        else:
            self._load(None)
        say(self.message, f"Deleted “{one_line(row.title, 80)}”.")

    # --- leaving with unsaved edits -------------------------------------------

    def may_discard(self) -> bool:
        """True when the editor may be replaced: nothing unsaved, saved now, or discarded."""
        if not self.dirty:
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved saved reply",
            "Save the changes to this saved reply first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def reject(self) -> None:
        if self.may_discard():
            super().reject()
