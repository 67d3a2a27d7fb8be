"""Sending an answer to an inbox item: written here, sent when the network allows.

A reply is saved as ``queued`` the moment the user writes it (offline too)
and this job sends it; the item becomes ``replied`` and its first response
time is recorded from the moment the network took the answer. A timeout
leaves the reply queued for the next round (a duplicate answer is a lesser
harm than a lost one, and the item shows it was answered); a refusal marks
it failed with the network's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from smmdesk.core.vocabulary import InboxStatus, ReplyStatus
from smmdesk.logs import redact
from smmdesk.platforms.base import ConnectorError
from smmdesk.store.database import Store
from smmdesk.store.inbox import record_event
from smmdesk.store.models import Account, InboxItem, Reply
from smmdesk.sync.account_jobs import record_account_error
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.inbox_jobs import remote_item
from smmdesk.sync.jobs import Job, JobContext
from smmdesk.sync.publish_outcomes import outcome_unknown


@dataclass(frozen=True)
class ReplyResult:
    reply_id: int
    item_id: int
    remote_id: str


def queued_reply_ids(store: Store) -> list[int]:
    with store.session() as session:
        return list(
            session.scalars(
                select(Reply.id).where(Reply.status == ReplyStatus.QUEUED).order_by(Reply.id)
            )
        )


class SendReplyJob(Job[ReplyResult]):
    def __init__(self, store: Store, factory: ConnectorFactory, reply_id: int) -> None:
        self.store, self.factory, self.reply_id = store, factory, reply_id
        with store.session() as session:
            reply = session.get(Reply, reply_id)
            if reply is None:
                raise ValueError(f"no reply {reply_id}")
            item = session.get(InboxItem, reply.item_id)
            assert item is not None
            account = session.get(Account, item.account_id)
            assert account is not None
            self.account_id = account.id
            self.title = f"Replying on {account.handle}"
            self.needs_network = not factory.is_local(account.platform)
        self.serial_key = ("account", self.account_id)

    def run(self, ctx: JobContext) -> ReplyResult:
        with self.store.session() as session:
            reply = session.get(Reply, self.reply_id)
            if reply is None or reply.status != ReplyStatus.QUEUED:
                return ReplyResult(self.reply_id, 0, "")
            item = session.get(InboxItem, reply.item_id)
            assert item is not None
            account = session.get(Account, item.account_id)
            assert account is not None
            remote = remote_item(item)
            body, item_id = reply.body, item.id
            session.expunge(account)
        connector = self.factory.for_account(account)
        try:
            ctx.check_cancelled()
            remote_id = connector.reply(remote, body)
        except ConnectorError as exc:
            self._failed(exc)
            record_account_error(self.store, self.account_id, exc)
            raise
        finally:
            connector.close()
        now = datetime.now(UTC)
        with self.store.transaction() as session:
            reply = session.get(Reply, self.reply_id)
            assert reply is not None
            reply.status = ReplyStatus.SENT
            reply.remote_id = remote_id
            reply.sent_at = now
            reply.error = ""
            item = session.get(InboxItem, item_id)
            if item is not None:
                # An escalated or done item keeps its mark; the clock stops either way.
                if item.status == InboxStatus.NEW:
                    item.status = InboxStatus.REPLIED
                item.first_response_at = item.first_response_at or now
                item.due_at = None
            record_event(session, item_id, "reply_sent")
        return ReplyResult(self.reply_id, item_id, remote_id)

    def _failed(self, exc: ConnectorError) -> None:
        with self.store.transaction() as session:
            reply = session.get(Reply, self.reply_id)
            if reply is None:
                return
            reply.error = redact(str(exc))[:1000]
            if not (exc.retryable or outcome_unknown(exc)) and not _waits(exc):
                reply.status = ReplyStatus.FAILED
                record_event(session, reply.item_id, "reply_failed", reply.error)


def _waits(exc: ConnectorError) -> bool:
    """Errors after which the reply simply waits (reconnect, rate limit, offline)."""
    from smmdesk.platforms.base import (
        AuthError,
        CaptchaRequired,
        NetworkUnreachable,
        RateLimited,
    )

    return isinstance(exc, AuthError | NetworkUnreachable | RateLimited | CaptchaRequired)
