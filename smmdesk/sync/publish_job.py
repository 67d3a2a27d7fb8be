"""Publishing one post to one account, never twice (DESIGN invariant 2).

Before the request that publishes, a ``PublishAttempt`` is committed as
``sending`` and the target marked ``sending``; after it, ``published`` with
the remote id and URL. An attempt whose outcome is not known (the app was
killed mid-request, a timeout, an unreadable answer) stays open, and the next
job for the target first asks the network whether the post exists
(``Connector.find_published``: the idempotency key, or a look at the
account's recent posts) and publishes only if it is sure it does not.
What each failure does to the target is decided in ``publish_outcomes``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from smmdesk.core.retry_policy import new_idempotency_key
from smmdesk.core.vocabulary import AccountStatus, PostStatus, TargetStatus
from smmdesk.platforms.base import Connector, ConnectorError, PublishedPost, PublishRequest
from smmdesk.store.database import Store
from smmdesk.store.models import Account, PostTarget
from smmdesk.sync import publish_outcomes as outcomes
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.jobs import Job, JobContext

log = logging.getLogger(__name__)

#: A post this early is still "due": the timer runs every 30 s.
DUE_TOLERANCE = timedelta(seconds=5)


@dataclass(frozen=True)
class PublishResult:
    target_id: int
    post_id: int
    remote_url: str
    already_published: bool  # found on the network after an interrupted attempt
    skipped: bool = False  # nothing to do any more (moved, unscheduled, paused)


@dataclass(frozen=True)
class _Work:
    post_id: int
    account: Account
    text: str
    images: tuple[Path, ...]
    key: str
    interrupted: bool


class AccountFacts(NamedTuple):
    """What a job needs to be queued: read in one query for a whole batch."""

    account_id: int
    handle: str
    platform: str


def account_facts(session: Session, target_ids: list[int]) -> dict[int, AccountFacts]:
    rows = session.execute(
        select(PostTarget.id, Account.id, Account.handle, Account.platform)
        .join(Account, Account.id == PostTarget.account_id)
        .where(PostTarget.id.in_(target_ids))
    )
    return {tid: AccountFacts(aid, handle, platform) for tid, aid, handle, platform in rows}


class PublishTargetJob(Job[PublishResult]):
    def __init__(
        self,
        store: Store,
        factory: ConnectorFactory,
        target_id: int,
        facts: AccountFacts | None = None,
    ) -> None:
        self.store, self.factory, self.target_id = store, factory, target_id
        if facts is None:
            with store.session() as session:
                facts = account_facts(session, [target_id]).get(target_id)
            if facts is None:
                raise ValueError(f"no post target {target_id}")
        self.account_id = facts.account_id
        self.title = f"Publishing to {facts.handle}"
        self.needs_network = not factory.is_local(facts.platform)
        self.serial_key = ("account", self.account_id)

    def run(self, ctx: JobContext) -> PublishResult:
        work = self._claim()
        if isinstance(work, PublishResult):
            return work
        connector = self.factory.for_account(work.account)
        request_sent = False
        try:
            if work.interrupted:
                found = connector.find_published(work.key, work.text)
                if found is not None:
                    log.info("target %s was already published before a crash", self.target_id)
                    return self._published(work, found, already=True)
                self._close_checked()
            ctx.check_cancelled()
            self._begin_attempt()
            request_sent = True
            published = self._send(connector, work)
        except ConnectorError as exc:
            self._failed(exc, request_sent)
            raise
        finally:
            connector.close()
        return self._published(work, published, already=False)

    def _send(self, connector: Connector, work: _Work) -> PublishedPost:
        return connector.publish(PublishRequest(work.text, work.images, work.key))

    def _claim(self) -> _Work | PublishResult:
        """Re-check, inside the job, that the target is still due and ours to send."""
        now = datetime.now(UTC)
        with self.store.transaction() as session:
            target = session.get(PostTarget, self.target_id)
            if target is None:
                return PublishResult(self.target_id, 0, "", False, skipped=True)
            post = target.post
            account = session.get(Account, target.account_id)
            assert account is not None
            if target.status == TargetStatus.PUBLISHED:
                return PublishResult(target.id, post.id, target.remote_url, True)
            blocked = (
                post.status not in (PostStatus.SCHEDULED, PostStatus.FAILED)
                or post.scheduled_at is None
                or post.scheduled_at > now + DUE_TOLERANCE
                or target.status not in (TargetStatus.PENDING, TargetStatus.SENDING)
                or (target.retry_at is not None and target.retry_at > now + DUE_TOLERANCE)
                or (account.paused_until is not None and account.paused_until > now)
                or account.status == AccountStatus.NEEDS_REAUTH
                or account.archived_at is not None
            )
            if blocked:
                return PublishResult(target.id, post.id, "", False, skipped=True)
            if not target.idempotency_key:
                target.idempotency_key = new_idempotency_key()
            text = target.variant_body if target.variant_body is not None else post.body
            images = tuple(self.factory.paths.media / m.item.relative_path for m in post.media)
            interrupted = outcomes.has_open_attempt(session, target.id)
            key = target.idempotency_key
            session.expunge(account)
            return _Work(post.id, account, text, images, key, interrupted)

    def _begin_attempt(self) -> None:
        with self.store.transaction() as session:
            target = session.get(PostTarget, self.target_id)
            assert target is not None
            outcomes.begin_attempt(session, target)

    def _close_checked(self) -> None:
        """The network says the interrupted attempt published nothing."""
        with self.store.transaction() as session:
            outcomes.close_open_attempts(session, self.target_id, outcomes.CHECKED)

    def _published(self, work: _Work, published: PublishedPost, already: bool) -> PublishResult:
        with self.store.transaction() as session:
            target = session.get(PostTarget, self.target_id)
            assert target is not None
            outcomes.mark_published(session, target, published)
            account = session.get(Account, target.account_id)
            if account is not None:
                account.paused_until = None
        return PublishResult(self.target_id, work.post_id, published.url, already)

    def _failed(self, exc: ConnectorError, request_sent: bool) -> None:
        with self.store.transaction() as session:
            target = session.get(PostTarget, self.target_id)
            if target is not None:
                outcomes.record_failure(session, target, exc, request_sent=request_sent)
