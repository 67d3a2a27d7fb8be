"""Publishing one post to one account, never twice (DESIGN invariant 2).

Before the request that publishes, a ``PublishAttempt`` is committed as
``sending`` and the target marked ``sending``; after it, ``published`` with
the remote id and URL. A target found ``sending`` when a job starts was
interrupted (crash, timeout with unknown outcome): the job first asks the
network whether the post exists (idempotency key, then recent posts) and only
publishes if it does not.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smmdesk.core.vocabulary import PostStatus, TargetStatus
from smmdesk.logs import redact
from smmdesk.platforms.base import (
    BadResponse,
    ConnectorError,
    PublishedPost,
    PublishRequest,
    TransientError,
)
from smmdesk.store.database import Store
from smmdesk.store.models import Account, PostTarget, PublishAttempt
from smmdesk.sync.account_jobs import record_account_error
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.jobs import Job, JobContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishResult:
    target_id: int
    post_id: int
    remote_url: str
    already_published: bool


class PublishTargetJob(Job[PublishResult]):
    def __init__(self, store: Store, factory: ConnectorFactory, target_id: int) -> None:
        self.store, self.factory, self.target_id = store, factory, target_id
        with store.session() as session:
            target = session.get(PostTarget, target_id)
            if target is None:
                raise ValueError(f"no post target {target_id}")
            account = session.get(Account, target.account_id)
            assert account is not None
            self.account_id = account.id
            self.title = f"Publishing to {account.handle}"
            self.needs_network = not factory.is_local(account.platform)
        self.serial_key = ("account", self.account_id)

    def run(self, ctx: JobContext) -> PublishResult:
        with self.store.transaction() as session:
            target = session.get(PostTarget, self.target_id)
            assert target is not None
            account = session.get(Account, target.account_id)
            assert account is not None
            post = target.post
            text = target.variant_body if target.variant_body is not None else post.body
            images = [self.factory.paths.media / m.item.relative_path for m in post.media]
            if target.status == TargetStatus.PUBLISHED:
                return PublishResult(target.id, post.id, target.remote_url, True)
            interrupted = target.status == TargetStatus.SENDING
            if not target.idempotency_key:
                target.idempotency_key = uuid.uuid4().hex
            key = target.idempotency_key
            session.expunge(account)
        connector = self.factory.for_account(account)

        try:
            if interrupted:
                found = connector.find_published(key, text)
                if found is not None:
                    log.info("target %s was already published before a crash", self.target_id)
                    return self._mark_published(found, already=True)
            ctx.check_cancelled()
            self._begin_attempt()
            published = connector.publish(PublishRequest(text, tuple(images), key))
        except ConnectorError as exc:
            self._mark_failed(exc)
            record_account_error(self.store, self.account_id, exc)
            raise
        return self._mark_published(published, already=False)

    def _begin_attempt(self) -> None:
        with self.store.transaction() as session:
            target = session.get(PostTarget, self.target_id)
            assert target is not None
            target.status = TargetStatus.SENDING
            attempt = PublishAttempt(target_id=target.id, state="sending")
            session.add(attempt)

    def _mark_published(self, published: PublishedPost, already: bool) -> PublishResult:
        with self.store.transaction() as session:
            target = session.get(PostTarget, self.target_id)
            assert target is not None
            target.status = TargetStatus.PUBLISHED
            target.remote_id = published.remote_id
            target.remote_url = published.url
            target.published_at = published.published_at
            target.error = ""
            self._finish_attempts(session, "published", "")
            post = target.post
            statuses = {t.status for t in post.targets}
            if statuses == {TargetStatus.PUBLISHED}:
                post.status = PostStatus.PUBLISHED
            return PublishResult(target.id, post.id, published.url, already)

    def _mark_failed(self, exc: ConnectorError) -> None:
        # A timeout or an unreadable answer may hide a post that did go out:
        # leave the target "sending" so the next attempt looks before it sends.
        outcome_unknown = isinstance(exc, TransientError | BadResponse)
        message = redact(str(exc))
        with self.store.transaction() as session:
            target = session.get(PostTarget, self.target_id)
            assert target is not None
            target.error = message[:1000]
            if not outcome_unknown:
                target.status = TargetStatus.PENDING if exc.retryable else TargetStatus.FAILED
                if target.status == TargetStatus.FAILED:
                    target.post.status = PostStatus.FAILED
            self._finish_attempts(session, "unknown" if outcome_unknown else "failed", message)

    def _finish_attempts(self, session: Session, state: str, error: str) -> None:
        open_attempts = session.scalars(
            select(PublishAttempt).where(
                PublishAttempt.target_id == self.target_id,
                PublishAttempt.state == "sending",
            )
        )
        for attempt in open_attempts:
            attempt.state = state
            attempt.error = error[:1000]
            attempt.finished_at = datetime.now(UTC)
