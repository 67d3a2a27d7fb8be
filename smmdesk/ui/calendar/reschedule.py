"""Rescheduling by drag and drop: checks, the confirmation, and undo.

``PostMover`` is the calendar's controller for moves. A drop asks it to move
a post to a new UTC time; it reads the post again (it may have been published
since the view was painted), checks the slot against the posting guard of
the client for each account the post goes to, asks before breaking the guard,
and pushes a ``RescheduleCommand`` on its ``QUndoStack``. The command writes
through ``smmdesk.store.scheduling``, imported on first use so that the
calendar paints before SQLAlchemy is loaded.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from smmdesk.core.clock import to_local
from smmdesk.core.posting_guard import check_slot
from smmdesk.store.calendar_queries import (
    UNPLANNED_STATUSES,
    account_post_times,
    client_plans,
    post_brief,
    post_texts,
)
from smmdesk.store.queries import StoreReader
from smmdesk.ui.calendar.calendar_data import guard_rule
from smmdesk.ui.calendar.chips import PUBLISHED_LOCKED

if TYPE_CHECKING:
    from smmdesk.store.database import Store

GUARD_WINDOW = timedelta(days=2)  # posts either side of a slot that the guard looks at


def ask_move_anyway(parent: QWidget | None, when: str, messages: list[str]) -> bool:
    """Ask whether to break the posting guard; True means move anyway."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Posting guard")
    box.setText(f"Moving the post to {when} breaks the posting guard.")
    box.setInformativeText("\n".join(f"• {m}" for m in messages))
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages hold handles and post text
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Yes).setText("Move anyway")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    answer = box.exec()
    return QMessageBox.StandardButton(answer) == QMessageBox.StandardButton.Yes


class RescheduleCommand(QUndoCommand):
    """Move one post from one time to another; undo moves it back."""

    def __init__(
        self, mover: PostMover, post_id: int, before: datetime, after: datetime, text: str
    ) -> None:
        super().__init__(text)
        self.mover, self.post_id, self.before, self.after = mover, post_id, before, after

    def redo(self) -> None:
        if not self.mover.write(self.post_id, self.after):
            self.setObsolete(True)

    def undo(self) -> None:
        if not self.mover.write(self.post_id, self.before):
            self.setObsolete(True)


class PostMover(QObject):
    """Checks and performs moves; the tab connects ``moved`` to its reload."""

    moved = Signal(int)  # post id, after any write (do, undo, redo)
    refused = Signal(str)  # why a move did not happen, for the user

    def __init__(
        self, reader: StoreReader, undo_stack: QUndoStack, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.reader = reader
        self.store: Store | None = None
        self.undo_stack = undo_stack
        self.dialog_parent: QWidget | None = None

    def attach(self, store: Store) -> None:
        self.store = store

    @property
    def enabled(self) -> bool:
        return self.store is not None

    def guard_messages(self, post_id: int, when: datetime) -> list[str]:
        """What the posting guard says about ``post_id`` at ``when``, per account."""
        brief = post_brief(self.reader, post_id)
        if brief is None or not brief.account_ids or brief.status in UNPLANNED_STATUSES:
            return []
        plan = client_plans(self.reader).get(brief.client_id)
        if plan is None:
            return []
        rule = guard_rule(plan)
        times = account_post_times(
            self.reader, when - GUARD_WINDOW, when + GUARD_WINDOW, account_ids=brief.account_ids
        )
        labels = {a.id: a.handle for a in self.reader.list_accounts(include_archived=True)}
        messages = []
        for account_id in brief.account_ids:
            for violation in check_slot(rule, times.get(account_id, []), when, post_id):
                label = labels.get(account_id, f"account {account_id}")
                messages.append(f"{label}: {violation.message}")
        return messages

    def move(self, post_id: int, when: datetime) -> bool:
        """Move a post to ``when`` (aware), asking first if the guard objects."""
        if self.store is None:
            self.refused.emit("Still loading; try again in a moment.")
            return False
        brief = post_brief(self.reader, post_id)
        if brief is None or brief.scheduled_at is None:
            self.refused.emit("This post is no longer in the calendar.")
            return False
        if brief.status == "published" or brief.published_targets:
            self.refused.emit(PUBLISHED_LOCKED)
            return False
        if brief.scheduled_at == when:
            return False
        plan = client_plans(self.reader).get(brief.client_id)
        zone = plan.timezone if plan is not None else "UTC"
        local = to_local(when, zone)
        label = f"{local:%a %d %b} at {local:%H:%M}"
        messages = self.guard_messages(post_id, when)
        if messages and not ask_move_anyway(self.dialog_parent, label, messages):
            return False
        text = " ".join(post_texts(self.reader, [post_id], 40).get(post_id, "").split())
        what = f"“{text[:24]}…”" if len(text) > 24 else (f"“{text}”" if text else "post")
        self.undo_stack.push(
            RescheduleCommand(self, post_id, brief.scheduled_at, when, f"Move {what} to {label}")
        )
        return True

    def write(self, post_id: int, when: datetime) -> bool:
        """One write through the ORM; False (and ``refused``) if the store says no."""
        if self.store is None:
            return False
        from smmdesk.store.scheduling import RescheduleError, reschedule

        try:
            with self.store.transaction() as session:
                reschedule(session, post_id, when)
        except RescheduleError as exc:
            self.refused.emit(str(exc))
            return False
        self.moved.emit(post_id)
        return True
