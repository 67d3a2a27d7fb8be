"""Writing measurements: one account snapshot, the posts due a measurement.

Kept in the store layer so that every job that measures (the daily snapshot
in ``sync/metrics_jobs``, the account sync) writes "not available" the same
way: a network that gives no totals leaves a row of NULLs, never zeros.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smmdesk.core.vocabulary import TargetStatus
from smmdesk.platforms.base import AccountStats
from smmdesk.store.models import AccountMetric, PostTarget

#: Posts published within this window get their counts measured.
POST_WINDOW = timedelta(days=30)


def record_account_stats(
    session: Session, account_id: int, stats: AccountStats | None, measured_at: datetime
) -> None:
    """One account snapshot; ``stats`` None = the network gives no totals (all NULL)."""
    session.add(
        AccountMetric(
            account_id=account_id,
            measured_at=(stats.measured_at if stats and stats.measured_at else measured_at),
            followers=stats.followers if stats else None,
            following=stats.following if stats else None,
            posts=stats.posts if stats else None,
        )
    )


def recent_targets(session: Session, account_id: int, now: datetime) -> dict[str, int]:
    """remote id -> target id of the account's posts published in the last 30 days."""
    rows = session.execute(
        select(PostTarget.remote_id, PostTarget.id).where(
            PostTarget.account_id == account_id,
            PostTarget.status == TargetStatus.PUBLISHED,
            PostTarget.published_at >= now - POST_WINDOW,
            PostTarget.remote_id != "",
        )
    )
    return {remote_id: target_id for remote_id, target_id in rows}
