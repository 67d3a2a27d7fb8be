"""Inbox work that needs the network besides sync and replies.

Hiding a comment and fetching a conversation each talk to one account, so
they queue behind that account's other jobs (``serial_key``) and report
connector errors to the account like every other job.
"""

from __future__ import annotations

from dataclasses import dataclass

from smmdesk.core.vocabulary import InboxKind
from smmdesk.platforms.base import ConnectorError, RemoteInboxItem, RemoteThread, Unsupported
from smmdesk.store.database import Store
from smmdesk.store.inbox import mark_hidden
from smmdesk.store.models import Account, InboxItem
from smmdesk.sync.account_jobs import record_account_error
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.jobs import Job, JobContext


def remote_item(item: InboxItem) -> RemoteInboxItem:
    """A stored item as the connector saw it, for answering or acting on it."""
    return RemoteInboxItem(
        remote_id=item.remote_id,
        kind=InboxKind(item.kind),
        author_id=item.author_id,
        author_name=item.author_name,
        text=item.body,
        created_at=item.created_at,
        post_remote_id=item.post_remote_id,
        parent_remote_id=item.parent_remote_id,
        url=item.url,
        author_handle=item.author_handle,
    )


class _ItemJob(Job[object]):
    """A job about one stored item, run on its account's queue."""

    verb = ""

    def __init__(self, store: Store, factory: ConnectorFactory, item_id: int) -> None:
        self.store, self.factory, self.item_id = store, factory, item_id
        with store.session() as session:
            item = session.get(InboxItem, item_id)
            if item is None:
                raise LookupError(f"There is no inbox item {item_id}.")
            account = session.get(Account, item.account_id)
            assert account is not None
            self.account_id = account.id
            self.title = f"{self.verb} on {account.handle}"
            self.needs_network = not factory.is_local(account.platform)
        self.serial_key = ("account", self.account_id)

    def _load(self) -> tuple[Account, RemoteInboxItem]:
        with self.store.session() as session:
            item = session.get(InboxItem, self.item_id)
            account = session.get(Account, self.account_id)
            assert item is not None and account is not None
            remote = remote_item(item)
            session.expunge(account)
        return account, remote


@dataclass(frozen=True)
class ThreadResult:
    item_id: int
    thread: RemoteThread


class FetchThreadJob(_ItemJob):
    """The conversation around an item, for the reading pane; nothing is stored."""

    verb = "Loading a conversation"
    quiet = True

    def run(self, ctx: JobContext) -> ThreadResult:
        account, remote = self._load()
        connector = self.factory.for_account(account)
        try:
            ctx.check_cancelled()
            thread = connector.fetch_thread(remote)
        except ConnectorError as exc:
            if not isinstance(exc, Unsupported):
                record_account_error(self.store, self.account_id, exc)
            raise
        finally:
            connector.close()
        return ThreadResult(self.item_id, thread)


@dataclass(frozen=True)
class HideResult:
    item_id: int
    hidden: bool


class HideItemJob(_ItemJob):
    """Hide a comment from others on the network, or show it again (never delete)."""

    verb = "Hiding a comment"

    def __init__(
        self, store: Store, factory: ConnectorFactory, item_id: int, hide: bool = True
    ) -> None:
        self.hide = hide
        if not hide:
            self.verb = "Showing a comment again"
        super().__init__(store, factory, item_id)

    def run(self, ctx: JobContext) -> HideResult:
        account, remote = self._load()
        connector = self.factory.for_account(account)
        try:
            ctx.check_cancelled()
            if self.hide:
                connector.hide_item(remote)
            else:
                connector.unhide_item(remote)
        except ConnectorError as exc:
            record_account_error(self.store, self.account_id, exc)
            raise
        finally:
            connector.close()
        with self.store.transaction() as session:
            mark_hidden(session, self.item_id, self.hide)
        return HideResult(self.item_id, self.hide)
