"""The calendar's side of moving posts: drops become moves, on one undo stack.

The views report a drop as a post and a day (the month keeps the post's
local time) or a day and a time (the week). ``MoveController`` turns that
into an instant in the post's client's zone and hands it to ``PostMover``
(reschedule.py), which checks the posting guard, asks, writes and pushes the
undo command. ``PostMover`` and the ORM behind it are loaded on the first
move, and moving is refused until ``attach(store)``: the calendar paints
before SQLAlchemy is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from smmdesk.core.clock import local_to_utc, zone
from smmdesk.store.calendar_queries import PlanEntry
from smmdesk.store.queries import StoreReader

if TYPE_CHECKING:
    from smmdesk.store.database import Store
    from smmdesk.ui.calendar.reschedule import PostMover


class MoveController(QObject):
    """Owns the undo stack and the store; the tab reloads on ``moved`` and shows
    ``refused`` as a notice."""

    moved = Signal(int)  # post id, after any write (do, undo, redo)
    refused = Signal(str)  # why a move did not happen, for the user

    def __init__(
        self,
        reader: StoreReader,
        entry_of: Callable[[int], PlanEntry | None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.reader = reader
        self.entry_of = entry_of  # a post of the shown range, by id
        self.dialog_parent = parent
        self.undo_stack = QUndoStack(parent)
        self._store: Store | None = None
        self._mover: PostMover | None = None  # built on the first move

    @property
    def store(self) -> Store | None:
        return self._store

    @property
    def mover(self) -> PostMover:
        if self._mover is None:
            from smmdesk.ui.calendar.reschedule import PostMover

            mover = self._mover = PostMover(self.reader, self.undo_stack, self.dialog_parent)
            mover.dialog_parent = self.dialog_parent
            mover.moved.connect(self.moved)
            mover.refused.connect(self.refused)
            if self._store is not None:
                mover.attach(self._store)
        return self._mover

    def attach(self, store: Store) -> None:
        """The ORM store exists: moves can be written."""
        self._store = store
        if self._mover is not None:
            self._mover.attach(store)

    def move_post(self, post_id: int, day: date, local_time: time | None = None) -> bool:
        """Move a post to ``day`` (its client's day) at ``local_time``, or at its own time.

        Goes through the undo stack; asks before breaking the posting guard.
        """
        entry = self.entry_of(post_id)
        if entry is None:
            self.refused.emit("This post is no longer in the calendar.")
            return False
        name = entry.timezone
        if local_time is None:
            local_time = entry.scheduled_at.astimezone(zone(name)).time()
        return self.mover.move(post_id, local_to_utc(day, local_time, name))
