"""Pieces of the reading pane: the conversation, the item's replies, small chips.

Every text from the network goes in through ``QTextCursor.insertText`` or a
``QLabel`` fixed to plain text (invariant 5): no HTML is ever parsed, so no
markup, no link and no remote image in a comment can come to life.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.vocabulary import ReplyStatus
from smmdesk.store.inbox_detail import ReplyInfo
from smmdesk.ui.inbox.reply_checks import ConversationLine, one_line, reply_word, short_time

_SELECTED = QColor("#fff3cd")
_OURS = QColor("#eef3ff")
_QUIET = QColor("#6b7385")

CHIP_STYLES = {
    "plain": "background: #eef1f6; color: #4a5262;",
    "alert": "background: #fdecea; color: #b3261e; font-weight: 600;",
    "warn": "background: #fff4e0; color: #8a5a00;",
    "good": "background: #e6f4ea; color: #1b7f3b;",
    "info": "background: #e8eefe; color: #2f5ee0;",
}


def plain_label(text: str = "", name: str = "", wrap: bool = False) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


def chip(text: str, kind: str = "plain") -> QLabel:
    label = plain_label(text)
    label.setStyleSheet(
        f"QLabel {{ {CHIP_STYLES.get(kind, CHIP_STYLES['plain'])} border-radius: 9px; "
        "padding: 1px 9px; }"
    )
    label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return label


def set_chip(label: QLabel, text: str, kind: str) -> None:
    label.setText(text)
    label.setStyleSheet(
        f"QLabel {{ {CHIP_STYLES.get(kind, CHIP_STYLES['plain'])} border-radius: 9px; "
        "padding: 1px 9px; }"
    )
    label.setVisible(bool(text))


def read_only_text() -> QPlainTextEdit:
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setUndoRedoEnabled(False)
    view.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    return view


class FittedText(QPlainTextEdit):
    """Text as tall as its lines, between ``min_lines`` and ``max_lines``; it scrolls beyond.

    A two-line comment then takes two lines of the pane, and a reply box grows
    as the manager writes; the room left goes to the conversation.
    """

    def __init__(self, max_lines: int = 8, min_lines: int = 1, read_only: bool = True) -> None:
        super().__init__()
        self.max_lines, self.min_lines = max_lines, min_lines
        if read_only:
            self.setReadOnly(True)
            self.setUndoRedoEnabled(False)
            self.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = self.document().documentLayout()
        layout.documentSizeChanged.connect(lambda _size: self._fit())
        self._fit()

    def _fit(self) -> None:
        lines = self.document().documentLayout().documentSize().height()
        shown = int(min(max(lines, self.min_lines), self.max_lines))
        self.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if lines > self.max_lines
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        chrome = max(self.height() - self.viewport().height(), 2 * self.frameWidth())
        margin = 2 * self.document().documentMargin()
        height = int(shown * self.fontMetrics().lineSpacing() + margin + chrome) + 2
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


class ConversationView(QPlainTextEdit):
    """The conversation, one entry after another, the selected item marked."""

    def __init__(self) -> None:
        super().__init__()
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self._who = QTextCharFormat()
        self._who.setFontWeight(QFont.Weight.DemiBold)
        self._meta = QTextCharFormat()
        self._meta.setForeground(_QUIET)
        self._body = QTextCharFormat()
        self._gone = QTextCharFormat()
        self._gone.setForeground(_QUIET)
        self._gone.setFontItalic(True)
        self._selected_at = -1

    def show_lines(self, lines: Sequence[ConversationLine], zone: str) -> None:
        self.clear()
        document = self.document()
        cursor = QTextCursor(document)
        selected_at = -1
        for number, line in enumerate(lines):
            block = QTextBlockFormat()
            if line.selected:
                block.setBackground(_SELECTED)
            elif line.ours:
                block.setBackground(_OURS)
            if number:
                cursor.insertBlock(QTextBlockFormat())  # an empty line between entries
                cursor.insertBlock(block)
            else:
                cursor.setBlockFormat(block)
            if line.selected:
                selected_at = cursor.position()
            cursor.insertText(one_line(line.who), self._who)
            meta = [short_time(line.when, zone)] if line.when is not None else []
            if line.selected:
                meta.append("this item")
            if line.note:
                meta.append(one_line(line.note, 300))
            if meta:
                cursor.insertText("  ·  " + "  ·  ".join(meta), self._meta)
            cursor.insertBlock(block)
            body_format = self._gone if "removed" in line.note and not line.ours else self._body
            cursor.insertText(line.text or "(no text)", body_format)
        self._selected_at = selected_at
        if selected_at >= 0:
            found = QTextCursor(document)
            found.setPosition(selected_at)
            self.setTextCursor(found)
            self.centerCursor()
        else:
            self.moveCursor(QTextCursor.MoveOperation.Start)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the selected item in view when the pane's layout settles or changes."""
        super().resizeEvent(event)
        if self._selected_at >= 0 and event.size().height() != event.oldSize().height():
            self.centerCursor()


class ReplyRow(QFrame):
    """One of the item's replies: its state, its text, and what can be done with it."""

    def __init__(self, reply: ReplyInfo, zone: str) -> None:
        super().__init__()
        self.reply = reply
        self.setObjectName("ReplyRow")
        failed = reply.status == ReplyStatus.FAILED
        self.setStyleSheet(
            "#ReplyRow { background: %s; border: 1px solid %s; border-radius: 6px; }"
            % (("#fdf3f2", "#f0c8c4") if failed else ("#ffffff", "#e3e6ec"))
        )
        when = reply.sent_at if reply.status == ReplyStatus.SENT and reply.sent_at else None
        words = reply_word(reply.status)
        stamp = short_time(when or reply.created_at, zone)
        kind = {"sent": "good", "failed": "alert"}.get(reply.status, "warn")
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(chip(words, kind))
        top.addWidget(plain_label(stamp, "ViewHint"))
        top.addStretch(1)
        self.retry = self.edit = self.withdraw = None
        if failed:
            self.retry = QPushButton("Retry")
            self.edit = QPushButton("Edit")
            top.addWidget(self.retry)
            top.addWidget(self.edit)
        if reply.status != ReplyStatus.SENT:
            self.withdraw = QPushButton("Withdraw")
            self.withdraw.setToolTip("Take the reply back before it goes out")
            top.addWidget(self.withdraw)
        text = " ".join(reply.body.split())
        self.body = plain_label(text if len(text) <= 300 else text[:299] + "…", wrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.body)
        self.error = None
        if failed:
            self.error = plain_label(
                f"Why: {reply.error}" if reply.error else "The network did not take it.",
                "ErrorText",
                wrap=True,
            )
            self.error.setStyleSheet("color: #b3261e;")
            layout.addWidget(self.error)


class RepliesList(QWidget):
    """This item's replies, newest last; a failed one says why and offers Retry and Edit."""

    retry = Signal(int, str)
    edit = Signal(int, str)
    withdraw = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.rows: list[ReplyRow] = []

    def show_replies(self, replies: Sequence[ReplyInfo], zone: str) -> None:
        for row in self.rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for reply in replies:
            row = ReplyRow(reply, zone)
            if row.retry is not None:
                row.retry.clicked.connect(lambda _c=False, r=reply: self.retry.emit(r.id, r.body))
            if row.edit is not None:
                row.edit.clicked.connect(lambda _c=False, r=reply: self.edit.emit(r.id, r.body))
            if row.withdraw is not None:
                row.withdraw.clicked.connect(lambda _c=False, r=reply: self.withdraw.emit(r.id))
            self._layout.addWidget(row)
            self.rows.append(row)
        self.setVisible(bool(self.rows))
