"""Competitors of a client: public accounts of other brands tracked for growth.

Archiving hides a competitor from the tab and the daily job; its measured
history stays (never thinned without the user asking).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smmdesk.store.models import Competitor, CompetitorMetric


def add_competitor(
    session: Session, client_id: int, platform: str, handle: str, label: str = ""
) -> int:
    """Add (or bring back an archived) competitor; returns its id."""
    handle = handle.strip()
    if not handle:
        raise ValueError("Give the competitor's handle, e.g. @brand@mastodon.social.")
    existing = session.scalars(
        select(Competitor).where(
            Competitor.client_id == client_id,
            Competitor.platform == platform,
            Competitor.handle == handle,
        )
    ).first()
    if existing is not None:
        existing.archived_at = None
        existing.label = label.strip() or existing.label
        return existing.id
    competitor = Competitor(
        client_id=client_id, platform=platform, handle=handle, label=label.strip()
    )
    session.add(competitor)
    session.flush()
    return competitor.id


def rename_competitor(session: Session, competitor_id: int, label: str) -> None:
    competitor = session.get(Competitor, competitor_id)
    if competitor is None:
        raise KeyError(competitor_id)
    competitor.label = label.strip()


def archive_competitor(session: Session, competitor_id: int) -> None:
    """Stop tracking; the history stays."""
    competitor = session.get(Competitor, competitor_id)
    if competitor is None:
        raise KeyError(competitor_id)
    competitor.archived_at = datetime.now(UTC)


def record_competitor_followers(
    session: Session, competitor_id: int, followers: int | None, at: datetime
) -> None:
    """One measurement; None means the network would not say."""
    session.add(CompetitorMetric(competitor_id=competitor_id, measured_at=at, followers=followers))
