"""Which post targets need the engine now: the publisher's and the hand-off's queries.

Kept apart from the coordinator so the rules read in one place: a target is
published by the app when its time has come, it is not waiting out a retry
or a rate limit, and its account is usable; it is handed to the network's
scheduler when the user asked for that and there is still time; a
handed-off target is checked once its time has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from smmdesk.core.vocabulary import AccountStatus, PostStatus, TargetStatus
from smmdesk.store.database import Store
from smmdesk.store.models import Account, Post, PostTarget
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.jobs import Job, JobContext
from smmdesk.sync.publish_job import AccountFacts, account_facts

#: Mastodon refuses a scheduled time less than 5 minutes ahead; keep a margin.
HANDOFF_MIN_LEAD = timedelta(minutes=6)
#: A handed-off post is looked for this long after its time.
HANDOFF_CHECK_DELAY = timedelta(minutes=1)


def _usable_account(now: datetime):  # type: ignore[no-untyped-def]
    return and_(
        Account.archived_at.is_(None),
        Account.status != AccountStatus.NEEDS_REAUTH,
        or_(Account.paused_until.is_(None), Account.paused_until <= now),
    )


def _targets(now: datetime, *conditions):  # type: ignore[no-untyped-def]
    """Target ids joined to their post and a usable account, with ``conditions``."""
    return (
        select(PostTarget.id)
        .join(Post, Post.id == PostTarget.post_id)
        .join(Account, Account.id == PostTarget.account_id)
        .where(
            or_(PostTarget.retry_at.is_(None), PostTarget.retry_at <= now),
            _usable_account(now),
            *conditions,
        )
    )


def due_target_ids(session: Session, now: datetime) -> list[int]:
    """Targets the app should publish now, oldest first (so they go out in order)."""
    return list(
        session.scalars(
            _targets(
                now,
                Post.status.in_([PostStatus.SCHEDULED, PostStatus.FAILED]),
                Post.scheduled_at <= now,
                PostTarget.status.in_([TargetStatus.PENDING, TargetStatus.SENDING]),
            ).order_by(Post.scheduled_at, PostTarget.id)
        )
    )


def handoff_candidate_ids(session: Session, now: datetime) -> list[int]:
    """Targets to hand to the network's scheduler: asked for, not yet done, still time."""
    return list(
        session.scalars(
            _targets(
                now,
                PostTarget.handoff.is_(True),
                PostTarget.status == TargetStatus.PENDING,
                PostTarget.scheduled_remote_id == "",
                Post.status == PostStatus.SCHEDULED,
                Post.scheduled_at >= now + HANDOFF_MIN_LEAD,
            )
        )
    )


def handed_off_to_check_ids(session: Session, now: datetime) -> list[int]:
    """Handed-off targets whose time has passed: did the network publish them?"""
    return list(
        session.scalars(
            _targets(
                now,
                PostTarget.status == TargetStatus.SCHEDULED_REMOTE,
                Post.scheduled_at <= now - HANDOFF_CHECK_DELAY,
            )
        )
    )


def failed_target_count(session: Session) -> int:
    """Targets that need the user: failed, or missed while the app was closed."""
    return len(
        session.scalars(
            select(PostTarget.id).where(
                PostTarget.status.in_([TargetStatus.FAILED, TargetStatus.MISSED])
            )
        ).all()
    )


@dataclass(frozen=True)
class DueWork:
    """What the publisher tick found to do; read off the GUI thread."""

    publish: list[tuple[int, AccountFacts]]  # in time order
    handoffs: list[int]
    checks: list[int]
    replies: list[int]


class FindDueWorkJob(Job[DueWork]):
    """The publisher tick's queries, on a worker: the GUI thread only starts jobs."""

    title = "Looking for due posts"
    quiet = True

    def __init__(self, store: Store, factory: ConnectorFactory) -> None:
        self.store, self.factory = store, factory

    def run(self, ctx: JobContext) -> DueWork:
        from smmdesk.sync.reply_job import queued_reply_ids

        now = datetime.now(UTC)
        with self.store.session() as session:
            due = due_target_ids(session, now)
            facts = account_facts(session, due)
            handoffs = handoff_candidate_ids(session, now)
            platforms = account_facts(session, handoffs)
            checks = handed_off_to_check_ids(session, now)
        return DueWork(
            publish=[(t, facts[t]) for t in due if t in facts],
            handoffs=[
                t
                for t in handoffs
                if t in platforms and self.factory.supports_handoff(platforms[t].platform)
            ],
            checks=checks,
            replies=queued_reply_ids(self.store),
        )
