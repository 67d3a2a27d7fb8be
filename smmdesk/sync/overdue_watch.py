"""Watching the response clock: the overdue count, and one notice per item.

Once a minute a small job (on a worker, since it writes) finds the items that
passed their deadline since the last look, marks them as told, and counts
every overdue item. The window shows the count in the status bar and tells
the user once per item (SMM-PRACTICE rule 8: answer within the target).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy import func, select

from smmdesk.core.vocabulary import InboxStatus
from smmdesk.store.database import Store
from smmdesk.store.inbox import OverdueItem, newly_overdue
from smmdesk.store.models import InboxItem
from smmdesk.sync.jobs import Job, JobContext, JobEngine


@dataclass(frozen=True)
class OverdueState:
    count: int
    newly: list[OverdueItem]


class FindOverdueJob(Job[OverdueState]):
    title = "Checking reply deadlines"
    quiet = True

    def __init__(self, store: Store) -> None:
        self.store = store
        self.serial_key = ("overdue",)

    def run(self, ctx: JobContext) -> OverdueState:
        now = datetime.now(UTC)
        with self.store.transaction() as session:
            newly = newly_overdue(session, now)
            count = session.scalar(
                select(func.count(InboxItem.id)).where(
                    InboxItem.status == InboxStatus.NEW, InboxItem.due_at < now
                )
            )
        return OverdueState(int(count or 0), newly)


class OverdueWatch(QObject):
    count_changed = Signal(int)
    became_overdue = Signal(list)  # [OverdueItem], each item once

    def __init__(
        self,
        store: Store,
        engine: JobEngine,
        interval_ms: int = 60_000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.engine = store, engine
        self.count = 0
        self._running = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        self._timer.start()
        QTimer.singleShot(2500, self.check)

    def stop(self) -> None:
        self._timer.stop()

    def check(self) -> None:
        """Look now (also after replies, status changes and syncs)."""
        if self._running:
            return
        self._running = True
        self.engine.submit(FindOverdueJob(self.store), self._found, self._failed)

    def _found(self, state: OverdueState) -> None:
        self._running = False
        if state.count != self.count:
            self.count = state.count
            self.count_changed.emit(state.count)
        if state.newly:
            self.became_overdue.emit(state.newly)

    def _failed(self, _failure: object) -> None:
        self._running = False
