"""Connects the response clock's watch to the window: status bar and notices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from smmdesk.store.database import Store
from smmdesk.store.inbox import OverdueItem
from smmdesk.sync.overdue_watch import OverdueWatch

if TYPE_CHECKING:
    from smmdesk.sync.coordinator import SyncCoordinator
    from smmdesk.ui.main_window import MainWindow


def overdue_message(items: list[OverdueItem]) -> str:
    """One notice for the items that just passed their deadline, however many."""
    first = items[0]
    who = first.author_name or "Someone"
    if len(items) == 1:
        return f"{who} on {first.handle} ({first.client_name}) waits past the reply target."
    clients = sorted({item.client_name for item in items})
    return (
        f"{len(items)} items passed the reply target ({', '.join(clients[:3])}"
        f"{'…' if len(clients) > 3 else ''}), the first from {who}."
    )


def watch_overdue(window: MainWindow, store: Store, coordinator: SyncCoordinator) -> OverdueWatch:
    watch = OverdueWatch(store, coordinator.engine, parent=window)
    watch.count_changed.connect(window.status.show_overdue)
    watch.became_overdue.connect(
        lambda items: window.notifier.notify("An answer is overdue", overdue_message(items))
    )
    window.status.overdue_clicked.connect(window.show_overdue)
    coordinator.inbox_changed.connect(lambda _account: watch.check())
    watch.start()
    return watch
