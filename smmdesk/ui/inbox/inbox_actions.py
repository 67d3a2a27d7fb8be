"""What the Inbox tab's buttons and keys do: store writes and network jobs.

Writes are small transactions on the GUI thread (a status, a category, a
queued reply); anything that talks to a network goes to the job engine, so
a slow or absent network never freezes the window. A reply is saved before
anything is sent: offline it waits in the queue and goes when the network is
back (``SyncCoordinator.send_replies``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox

from smmdesk.core.vocabulary import InboxCategory, InboxStatus
from smmdesk.store import inbox as inbox_store

if TYPE_CHECKING:
    from smmdesk.store.database import Store
    from smmdesk.sync.coordinator import SyncCoordinator
    from smmdesk.ui.inbox.inbox_tab import InboxTab

#: Statuses after which the list moves on to the next item.
_ADVANCING = {InboxStatus.DONE.value, InboxStatus.ESCALATED.value}


class InboxActions:
    def __init__(self, tab: InboxTab) -> None:
        self.tab = tab
        self.store: Store | None = None
        self.coordinator: SyncCoordinator | None = None
        self.on_changed: Callable[[], None] = lambda: None  # the overdue count, for one
        pane = tab.pane
        pane.reply_requested.connect(self.reply)
        pane.status_requested.connect(self.set_status)
        pane.category_requested.connect(self.set_category)
        pane.escalate_requested.connect(self.escalate)
        pane.withdraw_escalation_requested.connect(self.withdraw_escalation)
        pane.idea_requested.connect(tab.idea_requested)
        pane.hide_requested.connect(self.hide)
        pane.retry_reply_requested.connect(self.retry_reply)
        pane.cancel_reply_requested.connect(self.cancel_reply)
        pane.fetch_thread_requested.connect(self.fetch_thread)
        pane.draw_requested.connect(self.open_contest)

    def attach(self, store: Store, coordinator: SyncCoordinator) -> None:
        self.store, self.coordinator = store, coordinator

    def _write(self, item_id: int, change: Callable[[Any], object], advance: bool = False) -> bool:
        if self.store is None:
            return False
        try:
            with self.store.transaction() as session:
                change(session)
        except (LookupError, ValueError) as error:
            QMessageBox.warning(self.tab, "Inbox", str(error))
            return False
        self.tab.refresh_after_action(item_id, advance=advance)
        self.on_changed()
        return True

    # --- marks ----------------------------------------------------------------------

    def set_status(self, item_id: int, status: str) -> None:
        self._write(
            item_id,
            lambda s: inbox_store.set_status(s, item_id, InboxStatus(status)),
            advance=status in _ADVANCING,
        )

    def set_category(self, item_id: int, category: str) -> None:
        self._write(
            item_id, lambda s: inbox_store.set_category(s, item_id, InboxCategory(category))
        )

    def escalate(self, item_id: int, note: str) -> None:
        self._write(item_id, lambda s: inbox_store.escalate(s, item_id, note), advance=True)

    def withdraw_escalation(self, item_id: int) -> None:
        self._write(item_id, lambda s: inbox_store.withdraw_escalation(s, item_id))

    # --- replies --------------------------------------------------------------------

    def reply(self, item_id: int, body: str) -> None:
        reason = getattr(self.tab.pane, "link_reason", "") or ""
        created: list[int] = []

        def queue(session: Any) -> None:
            created.append(inbox_store.queue_reply(session, item_id, body))
            if reason:
                inbox_store.record_event(session, item_id, "reply_queued", f"Link: {reason}")

        if self._write(item_id, queue) and self.coordinator is not None:
            self.coordinator.send_replies(created)
            online = self.coordinator.network.online
            self.tab.window().statusBar().showMessage(
                "Reply saved; sending it now."
                if online
                else "Reply saved; it goes out when the network is back.",
                6000,
            )

    def retry_reply(self, reply_id: int, body: str) -> None:
        item_id = self.tab.current_item_id or 0
        reason = getattr(self.tab.pane, "link_reason", "") or ""

        def requeue(session: Any) -> None:
            inbox_store.requeue_reply(session, reply_id, body or None)
            if reason and item_id:
                inbox_store.record_event(session, item_id, "reply_queued", f"Link: {reason}")

        if self._write(item_id, requeue) and self.coordinator is not None:
            self.coordinator.send_replies([reply_id])

    def cancel_reply(self, reply_id: int) -> None:
        item_id = self.tab.current_item_id or 0
        self._write(item_id, lambda s: inbox_store.cancel_reply(s, reply_id))

    # --- network jobs ---------------------------------------------------------------

    def hide(self, item_id: int, hide: bool) -> None:
        if self.store is None or self.coordinator is None:
            return
        from smmdesk.sync.inbox_jobs import HideItemJob

        job = HideItemJob(self.store, self.coordinator.factory, item_id, hide)

        def done(_result: object) -> None:
            self.tab.refresh_after_action(item_id)

        def failed(failure: Any) -> None:
            QMessageBox.warning(
                self.tab,
                "Hide comment" if hide else "Show comment",
                f"The network did not take it: {failure.message}",
            )

        self.coordinator.submit(job, done, failed)

    def fetch_thread(self, item_id: int) -> None:
        if self.store is None or self.coordinator is None:
            self.tab.pane.show_thread_error(item_id, "Still starting; try again in a moment.")
            return
        from smmdesk.sync.inbox_jobs import FetchThreadJob, ThreadResult

        job = FetchThreadJob(self.store, self.coordinator.factory, item_id)

        def done(result: ThreadResult) -> None:
            self.tab.pane.show_remote_thread(result.item_id, result.thread)

        def failed(failure: Any) -> None:
            self.tab.pane.show_thread_error(item_id, failure.message)

        self.coordinator.submit(job, done, failed)

    # --- dialogs --------------------------------------------------------------------

    def open_contest(self, post_id: int) -> None:
        if self.store is None:
            return
        from smmdesk.ui.inbox.contest_dialog import ContestDialog

        ContestDialog(self.store, self.tab.reader, post_id, self.tab).exec()
