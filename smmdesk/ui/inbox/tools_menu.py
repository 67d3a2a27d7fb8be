"""The Inbox tab's Tools menu: the dialogs behind the daily inbox work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from smmdesk.store.database import Store

if TYPE_CHECKING:
    from smmdesk.ui.inbox.inbox_tab import InboxTab


def fill(menu: QMenu, tab: InboxTab, store: Store) -> None:
    menu.clear()
    menu.addAction("Check for new items now", lambda: _sync_now(tab))
    menu.addSeparator()
    saved = menu.addAction("Saved replies…", lambda: _saved_replies(tab, store))
    saved.setShortcut(QKeySequence("Ctrl+Shift+R"))
    menu.addAction("Classification rules and flagged words…", lambda: _rules(tab, store))
    menu.addSeparator()
    menu.addAction("Audience leaders…", lambda: _leaders(tab))
    menu.addAction("Escalated items and export…", lambda: _escalations(tab))
    tab.addAction(saved)


def _sync_now(tab: InboxTab) -> None:
    """On demand: the filtered account, or every account (the Sync menu's F5)."""
    coordinator = tab.actions.coordinator
    if coordinator is None:
        return
    account_id = tab.filters.current.account_id
    if account_id is not None:
        coordinator.sync_account(account_id)
    else:
        coordinator.sync_all()
    tab.window().statusBar().showMessage("Checking for new comments and messages…", 4000)


def _needs_client(tab: InboxTab, what: str) -> int | None:
    if tab.client_id is None:
        QMessageBox.information(tab, what, "Select a client in the sidebar first.")
    return tab.client_id


def _saved_replies(tab: InboxTab, store: Store) -> None:
    from smmdesk.ui.inbox.saved_replies_dialog import SavedRepliesDialog

    SavedRepliesDialog(store, tab.reader, tab.client_id, tab).exec()


def _rules(tab: InboxTab, store: Store) -> None:
    client_id = _needs_client(tab, "Classification rules")
    if client_id is None:
        return
    from smmdesk.ui.inbox.triage_rules_dialog import TriageRulesDialog

    if TriageRulesDialog(store, tab.reader, client_id, tab).exec():
        tab.reload()


def _leaders(tab: InboxTab) -> None:
    client_id = _needs_client(tab, "Audience leaders")
    if client_id is None:
        return
    from smmdesk.ui.inbox.leaders_dialog import LeadersDialog

    LeadersDialog(tab.reader, client_id, tab).exec()


def _escalations(tab: InboxTab) -> None:
    from smmdesk.ui.inbox.escalations_dialog import EscalationsDialog

    EscalationsDialog(tab.reader, tab.client_id, tab).exec()
