"""Where the manager writes an answer: the checks run here, before anything is saved.

A reply to a negative item goes through the tone check (SMM-PRACTICE rule 3)
and a confirmation; a reply with a link out of the community follows the
client's link policy (rule 9) and, under "justify", asks why. The text typed
for each item is kept while the manager moves through the list, so nothing
typed is lost by a stray J or K; once sent, the lead saves the reply at once
and the box empties.

The questions the box asks are methods (``confirm_tone``, ``ask_link_reason``)
so that tests can answer them without a modal dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.links import external_links
from smmdesk.platforms.base import Capabilities
from smmdesk.store.inbox_detail import InboxDetail
from smmdesk.store.saved_replies import SavedReplyRow
from smmdesk.ui.composer.targets_panel import length_check
from smmdesk.ui.inbox import reply_checks as checks
from smmdesk.ui.inbox.reading_parts import FittedText

_WARNING_QSS = "color: #8a5a00;"


# --- small questions, shared with the reading pane ------------------------------------


def confirm(parent: QWidget, title: str, text: str, yes: str, no: str) -> bool:
    """A plain-text question whose safe answer (``no``) is the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    reject = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reject)
    box.setEscapeButton(reject)
    for button in (accept, reject):  # the default button's bold text needs the room
        button.setMinimumWidth(button.fontMetrics().horizontalAdvance(button.text()) * 5 // 4 + 32)
    box.exec()
    return box.clickedButton() is accept


def ask_text(parent: QWidget, title: str, prompt: str, multiline: bool = False) -> str | None:
    """A line (or a few) of text from the manager; None when cancelled or left blank.

    QInputDialog guesses whether its label is rich text; this asks the same
    with a plain-text label.
    """
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    label = QLabel(prompt)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    field: QLineEdit | QPlainTextEdit
    if multiline:
        field = QPlainTextEdit()
        field.setFixedHeight(90)
    else:
        field = QLineEdit()
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(label)
    layout.addWidget(field)
    layout.addWidget(buttons)
    dialog.setMinimumWidth(420)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    text = field.toPlainText() if isinstance(field, QPlainTextEdit) else field.text()
    return text.strip() or None


# --- the box -----------------------------------------------------------------------------


@dataclass
class _Draft:
    text: str
    reply_id: int | None = None  # editing this failed reply


class ReplyBox(QWidget):
    #: A new reply for the item: (item id, text).
    submitted = Signal(int, str)
    #: A failed reply sent again with new text: (reply id, text).
    resubmitted = Signal(int, str)
    #: The manager wants the saved-reply picker.
    picker_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.detail: InboxDetail | None = None
        self.capabilities: Capabilities | None = None
        #: Why the last reply sent carries a link (the client's "justify" policy); "" otherwise.
        self.link_reason = ""
        #: The saved replies offered for the shown item, best first (Alt+1..Alt+9).
        self.saved_rows: Callable[[], list[SavedReplyRow]] = list
        self._drafts: dict[int, _Draft] = {}
        self._editing: int | None = None

        self.editor = FittedText(max_lines=12, min_lines=3, read_only=False)
        self.editor.setPlaceholderText("Write a reply…  (Ctrl+Enter sends it)")
        self.editor.setTabChangesFocus(True)
        self.editor.textChanged.connect(self._text_changed)

        self.editing_label = QLabel("Editing the reply that was not sent: Send tries it again.")
        self.editing_label.setStyleSheet(_WARNING_QSS)
        self.stop_editing = QToolButton()
        self.stop_editing.setText("Write a new reply instead")
        self.stop_editing.clicked.connect(self._stop_editing)
        editing = QHBoxLayout()
        editing.setContentsMargins(0, 0, 0, 0)
        editing.addWidget(self.editing_label, 1)
        editing.addWidget(self.stop_editing)
        self.editing_bar = QWidget()
        self.editing_bar.setLayout(editing)
        self.editing_bar.hide()

        self.links = QLabel()
        self.links.setStyleSheet(_WARNING_QSS)
        self.note = QLabel()  # what a saved reply's fields left out
        self.note.setObjectName("ViewHint")
        for label in (self.links, self.note, self.editing_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
        self.links.hide()
        self.note.hide()

        self.count = QLabel()
        self.count.setObjectName("ViewHint")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.saved_button = QPushButton("Saved replies…")
        self.saved_button.setToolTip("Insert one of the client's saved replies (Ctrl+Shift+S)")
        self.saved_button.clicked.connect(self.picker_requested)
        self.send_button = QPushButton("Send reply")
        self.send_button.setProperty("primary", True)
        self.send_button.setToolTip("Save the reply and send it (Ctrl+Enter)")
        self.send_button.clicked.connect(self.send)

        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.saved_button)
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.editing_bar)
        layout.addWidget(self.editor)
        layout.addWidget(self.links)
        layout.addWidget(self.note)
        layout.addLayout(bottom)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            send = QShortcut(QKeySequence(keys), self)
            send.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            send.activated.connect(self.send)
        for number in range(1, 10):
            quick = QShortcut(QKeySequence(f"Alt+{number}"), self)
            quick.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            quick.activated.connect(lambda n=number: self.insert_saved_number(n))
        self._refresh()

    # --- the shown item ---------------------------------------------------------------

    def set_item(self, detail: InboxDetail | None, capabilities: Capabilities | None) -> None:
        """Show the draft kept for ``detail`` (the same item again keeps the box as it is)."""
        same = detail is not None and self.detail is not None and detail.id == self.detail.id
        self.detail, self.capabilities = detail, capabilities
        if same:
            self._refresh()
            return
        draft = self._drafts.get(detail.id) if detail is not None else None
        self._editing = draft.reply_id if draft else None
        self.editor.blockSignals(True)
        self.editor.setPlainText(draft.text if draft else "")
        self.editor.blockSignals(False)
        self.editor.moveCursor(self.editor.textCursor().MoveOperation.End)
        self.note.hide()
        self.setEnabled(detail is not None)
        self._refresh()

    def draft_for(self, item_id: int) -> str:
        draft = self._drafts.get(item_id)
        return draft.text if draft else ""

    def text(self) -> str:
        return self.editor.toPlainText()

    def focus(self) -> None:
        self.editor.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def insert_text(self, text: str) -> None:
        self.editor.insertPlainText(text)
        self.focus()

    def edit_reply(self, reply_id: int, body: str) -> None:
        """A failed reply's text back in the box; Send then sends that reply again."""
        self.editor.setPlainText(body)
        self._editing = reply_id
        self._remember()
        self._refresh()
        self.focus()

    @property
    def editing_reply(self) -> int | None:
        return self._editing

    def _stop_editing(self) -> None:
        self._editing = None
        self._remember()
        self._refresh()

    # --- saved replies --------------------------------------------------------------

    def insert_saved(self, saved: SavedReplyRow) -> None:
        """Insert ``saved`` with its fields filled in; say what could not be filled."""
        if self.detail is None:
            return
        filled = checks.fill_saved_reply(saved.body, self.detail)
        self.insert_text(filled.text)
        self.note.setText(filled.note)
        self.note.setVisible(bool(filled.note))

    def insert_saved_number(self, number: int) -> None:
        rows = self.saved_rows() if self.detail is not None else []
        if 1 <= number <= len(rows):
            self.insert_saved(rows[number - 1])

    # --- sending ----------------------------------------------------------------------

    def send(self) -> bool:
        """Run the checks and hand the reply over; False when it stays in the box."""
        detail = self.detail
        body = self.editor.toPlainText()
        if detail is None or not body.strip() or self._over_limit(body):
            return False
        if checks.window_closed(detail):
            self.note.setText(
                f"{detail.platform.capitalize()} takes answers to a message only within its "
                "reply window, which has closed: answer in another way (a comment, or when "
                "the person writes again). Your text stays here."
            )
            self.note.show()
            return False
        warnings = checks.tone_warnings(body, detail.category, detail.flagged_words)
        if warnings and not self.confirm_tone(warnings):
            self.focus()
            return False
        reason = ""
        if checks.asks_link_reason(body, detail.link_policy):
            asked = self.ask_link_reason(external_links(body))
            if not asked:
                self.focus()
                return False
            reason = asked
        self.link_reason = reason
        editing = self._editing
        self._drafts.pop(detail.id, None)
        self._editing = None
        self.editor.clear()
        self.note.hide()
        if editing is not None:
            self.resubmitted.emit(editing, body)
        else:
            self.submitted.emit(detail.id, body)
        self._refresh()
        return True

    def confirm_tone(self, warnings: list[str]) -> bool:
        """Asked before answering a complaint in a heated way; True sends anyway."""
        lines = "\n".join(f"• {warning}" for warning in warnings)
        return confirm(
            self,
            "Check the tone",
            "This answers a complaint, and it may read as heated:\n\n"
            f"{lines}\n\nA calm, official answer defuses a complaint; an emotional one "
            "starts an argument in public.",
            "Send anyway",
            "Edit the reply",
        )

    def ask_link_reason(self, links: list[str]) -> str | None:
        """The client wants links justified: why this one? None cancels the send."""
        client = self.detail.client_name if self.detail else "The client"
        shown = "\n".join(checks.one_line(link, 80) for link in links[:3])
        return ask_text(
            self,
            "Why this link?",
            f"{checks.one_line(client, 60)} asks that links out of the community be justified."
            f"\n\n{shown}\n\nSay why this reply needs the link; it is kept in the item's history.",
        )

    # --- state ----------------------------------------------------------------------

    def _text_changed(self) -> None:
        self._remember()
        self._refresh()

    def _remember(self) -> None:
        if self.detail is None:
            return
        text = self.editor.toPlainText()
        if text or self._editing is not None:
            self._drafts[self.detail.id] = _Draft(text, self._editing)
        else:
            self._drafts.pop(self.detail.id, None)

    def _over_limit(self, body: str) -> bool:
        caps = self.capabilities
        return caps is not None and length_check(body, caps, 0).over

    def _refresh(self) -> None:
        body = self.editor.toPlainText()
        detail = self.detail
        self.editing_bar.setVisible(self._editing is not None)
        self.send_button.setText("Send again" if self._editing is not None else "Send reply")
        note = checks.link_note(body, detail.link_policy, detail.client_name) if detail else ""
        self.links.setText(note)
        self.links.setVisible(bool(note))
        caps = self.capabilities
        over = False
        if caps is not None:
            check = length_check(body, caps, 0)
            over = check.over
            self.count.setText(
                f"{-check.remaining:,} over the limit of {check.limit:,}"
                if over
                else f"{check.count:,} / {check.limit:,}"
            )
        else:
            self.count.setText(f"{len(body):,} characters" if body else "")
        self.count.setObjectName("ErrorText" if over else "ViewHint")
        self.count.style().unpolish(self.count)
        self.count.style().polish(self.count)
        self.send_button.setEnabled(detail is not None and bool(body.strip()) and not over)
