"""Handing posts to a network's own scheduler, and keeping that copy true.

When the user chooses "let the network publish it" for an account whose
network has a scheduler (Mastodon now; VK and Facebook later), the post no
longer needs a running laptop: ``HandOffJob`` gives it to the network and
the target shows "scheduled on the network". Every later change made in the
app follows it there: a new text or time updates the remote copy, moving the
post back to drafts (or turning hand-off off) withdraws it. Once its time has
passed, ``CheckHandOffJob`` asks the network what became of it and records
the published post like any other. If the hand-off cannot be made (too
late, refused), the app publishes the post itself at its time and says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from smmdesk.core.vocabulary import PostStatus, TargetStatus
from smmdesk.logs import redact
from smmdesk.platforms.base import (
    AuthError,
    ConnectorError,
    NetworkUnreachable,
    PublishRequest,
    RateLimited,
)
from smmdesk.store.database import Store
from smmdesk.store.models import Account, PostTarget
from smmdesk.sync import publish_outcomes as outcomes
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.due_targets import HANDOFF_MIN_LEAD
from smmdesk.sync.jobs import Job, JobContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HandOffResult:
    target_id: int
    action: str  # "scheduled", "updated", "withdrawn", "published", "waiting", "gone", "none"


class _TargetJob(Job[HandOffResult]):
    def __init__(self, store: Store, factory: ConnectorFactory, target_id: int) -> None:
        self.store, self.factory, self.target_id = store, factory, target_id
        with store.session() as session:
            target = session.get(PostTarget, target_id)
            if target is None:
                raise ValueError(f"no post target {target_id}")
            account = session.get(Account, target.account_id)
            assert account is not None
            self.account_id = account.id
            self.platform = account.platform
            self.needs_network = not factory.is_local(account.platform)
            self.title = f"Scheduling on {account.handle}"
        self.serial_key = ("account", self.account_id)

    def _account(self) -> Account:
        with self.store.session() as session:
            account = session.get(Account, self.account_id)
            assert account is not None
            session.expunge(account)
            return account

    def _record_error(self, exc: ConnectorError, fallback: str) -> None:
        """Rate limits and auth errors belong to the account; the rest to the target."""
        with self.store.transaction() as session:
            target = session.get(PostTarget, self.target_id)
            if target is None:
                return
            if isinstance(exc, RateLimited | AuthError | NetworkUnreachable):
                status = target.status
                outcomes.record_failure(session, target, exc, request_sent=False)
                target.status = status  # waiting does not change what the network holds
            else:
                target.error = f"{fallback} {redact(str(exc))}"[:1000]


class HandOffJob(_TargetJob):
    """Make the network's scheduler hold what the app holds for this target."""

    def run(self, ctx: JobContext) -> HandOffResult:
        now = datetime.now(UTC)
        with self.store.session() as session:
            target = session.get(PostTarget, self.target_id)
            if target is None:
                return HandOffResult(self.target_id, "none")
            post = target.post
            text = target.variant_body if target.variant_body is not None else post.body
            images = tuple(self.factory.paths.media / m.item.relative_path for m in post.media)
            at = post.scheduled_at
            wanted = (
                target.handoff
                and post.status == PostStatus.SCHEDULED
                and at is not None
                and at >= now + HANDOFF_MIN_LEAD
                and target.status in (TargetStatus.PENDING, TargetStatus.SCHEDULED_REMOTE)
            )
            remote_id = target.scheduled_remote_id
            held = target.status == TargetStatus.SCHEDULED_REMOTE and bool(remote_id)
        if not wanted and not held:
            return HandOffResult(self.target_id, "none")
        if not wanted and at is not None and at <= now:
            return HandOffResult(self.target_id, "none")  # its time came: the check decides
        connector = self.factory.for_account(self._account())
        try:
            ctx.check_cancelled()
            request = PublishRequest(text, images)
            if wanted and not held:
                assert at is not None
                scheduled = connector.schedule(request, at)
                self._store_remote(scheduled.remote_id)
                return HandOffResult(self.target_id, "scheduled")
            if wanted:
                assert at is not None
                scheduled = connector.update_scheduled(remote_id, request, at)
                self._store_remote(scheduled.remote_id)
                return HandOffResult(self.target_id, "updated")
            connector.cancel_scheduled(remote_id)
            self._store_remote("")
            return HandOffResult(self.target_id, "withdrawn")
        except ConnectorError as exc:
            self._record_error(
                exc, "Could not hand this post to the network; SMM Desk will publish it itself."
            )
            raise
        finally:
            connector.close()

    def _store_remote(self, remote_id: str) -> None:
        with self.store.transaction() as session:
            target = session.get(PostTarget, self.target_id)
            if target is None:
                return
            target.scheduled_remote_id = remote_id
            target.status = TargetStatus.SCHEDULED_REMOTE if remote_id else TargetStatus.PENDING
            target.error = ""
            target.retry_at = None


class CheckHandOffJob(_TargetJob):
    """After its time: record the post the network published, or say it is gone."""

    def run(self, ctx: JobContext) -> HandOffResult:
        with self.store.session() as session:
            target = session.get(PostTarget, self.target_id)
            if target is None or target.status != TargetStatus.SCHEDULED_REMOTE:
                return HandOffResult(self.target_id, "none")
            post = target.post
            text = target.variant_body if target.variant_body is not None else post.body
            remote_id = target.scheduled_remote_id
        connector = self.factory.for_account(self._account())
        try:
            state = connector.check_scheduled(remote_id, text)
        except ConnectorError as exc:
            self._record_error(exc, "Could not check the network's scheduler:")
            raise
        finally:
            connector.close()
        with self.store.transaction() as session:
            target = session.get(PostTarget, self.target_id)
            if target is None:
                return HandOffResult(self.target_id, "none")
            if state.published is not None:
                outcomes.mark_published(session, target, state.published)
                return HandOffResult(self.target_id, "published")
            if state.pending:
                target.error = "The network has not published it yet."
                return HandOffResult(self.target_id, "waiting")
            target.status = TargetStatus.FAILED
            target.error = (
                "The network no longer has this scheduled post (was it deleted there?). "
                "Retry to publish it from SMM Desk."
            )
            target.scheduled_remote_id = ""
            outcomes.refresh_post_status(target.post)
            return HandOffResult(self.target_id, "gone")
