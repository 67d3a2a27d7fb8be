"""The accounts the calendar names: handles and networks by id.

Read once per reload. A post may already go to an account connected since:
that one is read on first use, and an id still unknown is remembered, so
that painting never asks the store twice about it.
"""

from __future__ import annotations

from smmdesk.store.queries import AccountRow, StoreReader


class AccountBook:
    def __init__(self, reader: StoreReader) -> None:
        self.reader = reader
        self.by_id: dict[int, AccountRow] = {}
        self._missing: set[int] = set()

    def reload(self) -> None:
        self.by_id = {a.id: a for a in self.reader.list_accounts(include_archived=True)}
        self._missing.clear()

    def get(self, account_id: int) -> AccountRow | None:
        """An account by id; one connected since the last reload is read on first use."""
        account = self.by_id.get(account_id)
        if account is None and account_id not in self._missing:
            self.by_id = {a.id: a for a in self.reader.list_accounts(include_archived=True)}
            account = self.by_id.get(account_id)
            if account is None:
                self._missing.add(account_id)
        return account

    def label(self, account_id: int) -> str:
        account = self.get(account_id)
        return account.handle if account is not None else f"account {account_id}"

    def platform(self, account_id: int) -> str:
        account = self.get(account_id)
        return account.platform if account is not None else "sandbox"

    def active(self, client_id: int | None) -> list[AccountRow]:
        """The accounts not archived: the client's, or everyone's on "All clients"."""
        return [
            a
            for a in self.by_id.values()
            if not a.archived and (client_id is None or a.client_id == client_id)
        ]
