"""The drafts a day offers, and the gestures that ask for them.

A double-click on a free day asks for a draft on it; on a day's weekday theme
or observance, for a draft about that; a click on a gap in the side panel,
for a draft for that account. A right-click on a day (in any view) lists a
plain draft for that day, one about its theme, one per observance and one
per account with nothing planned (a gap), after "Open post" when the click
was on a post. ``DraftOffers`` only emits requests; the main window opens
the composer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from smmdesk.store.queries import AccountRow
from smmdesk.ui.calendar.calendar_data import DayNote, DraftRequest

if TYPE_CHECKING:
    from smmdesk.core.gaps import Gap
    from smmdesk.ui.calendar.account_book import AccountBook


def account_draft(
    accounts: Mapping[int, AccountRow], client_id: int | None, day: date, account_id: int
) -> DraftRequest:
    """A draft for one account: its own client's, even on "All clients"."""
    account = accounts.get(account_id)
    owner = account.client_id if account is not None else client_id
    return DraftRequest(owner, day, account_id)


def day_actions(
    day: date,
    note: DayNote,
    client_id: int | None,
    accounts: Mapping[int, AccountRow],
    account_label: Callable[[int], str],
) -> list[tuple[str, DraftRequest]]:
    """The drafts a day offers: plain, its theme, each observance, each gap."""
    actions = [("New draft on this day", DraftRequest(client_id, day))]
    if note.theme:
        actions.append((f"New draft: {note.theme}", DraftRequest(client_id, day, theme=note.theme)))
    for item in note.observances:
        actions.append(
            (f"New draft: {item.name}", DraftRequest(client_id, day, observance=item.name))
        )
    for account_id in note.gap_accounts:
        actions.append(
            (
                f"New draft for {account_label(account_id)}",
                account_draft(accounts, client_id, day, account_id),
            )
        )
    return actions


def day_menu(
    parent: QWidget,
    actions: list[tuple[str, DraftRequest]],
    post_id: int | None,
    open_post: Callable[[int], None],
    new_draft: Callable[[DraftRequest], None],
) -> QMenu:
    """ "Open post" (when the click was on one), then the day's ``actions``."""
    menu = QMenu(parent)
    if post_id is not None:
        open_action = QAction("Open post", menu)
        open_action.triggered.connect(lambda _c=False, p=post_id: open_post(p))
        menu.addAction(open_action)
        menu.addSeparator()
    for text, request in actions:
        action = QAction(text, menu)
        action.triggered.connect(lambda _c=False, r=request: new_draft(r))
        menu.addAction(action)
    return menu


class DraftOffers(QObject):
    """The views' and the side panel's gestures, as requests: ``new_draft``, and
    ``open_post`` from a post's menu. The tab forwards both as its own."""

    new_draft = Signal(object)  # DraftRequest
    open_post = Signal(int)

    def __init__(
        self,
        menu_parent: QWidget,
        client_id: Callable[[], int | None],
        note_on: Callable[[date], DayNote],
        accounts: AccountBook,
    ) -> None:
        super().__init__(menu_parent)
        self.menu_parent = menu_parent
        self.client_id = client_id  # the client shown (None: all clients)
        self.note_on = note_on
        self.accounts = accounts

    def on_day_activated(self, day: date) -> None:
        self.new_draft.emit(DraftRequest(self.client_id(), day))

    def on_note_activated(self, day: date, kind: str, name: str) -> None:
        """A double-click on a day's theme or observance: a draft about it."""
        if kind == "theme":
            self.new_draft.emit(DraftRequest(self.client_id(), day, theme=name))
        else:
            self.new_draft.emit(DraftRequest(self.client_id(), day, observance=name))

    def on_gap(self, gap: Gap) -> None:
        by_id = self.accounts.by_id
        self.new_draft.emit(account_draft(by_id, self.client_id(), gap.day, gap.account_id))

    def actions(self, day: date) -> list[tuple[str, DraftRequest]]:
        """The drafts a day offers: plain, its theme, each observance, each gap."""
        book = self.accounts
        return day_actions(day, self.note_on(day), self.client_id(), book.by_id, book.label)

    def menu(self, day: date, post_id: int | None = None) -> QMenu:
        actions = self.actions(day)
        return day_menu(
            self.menu_parent, actions, post_id, self.open_post.emit, self.new_draft.emit
        )

    def on_day_menu(self, day: date, post_id: int | None, where: QPoint) -> None:
        menu = self.menu(day, post_id)
        menu.exec(where)
        menu.deleteLater()
