"""Building analytics data in a test store: small exact pieces and a generated
demo-like profile (two clients, a network with every number and one without
reposts or "following", posts with metrics, follower histories, an inbox with
answers, competitors and goals).

The report's tests and bench can use ``demo_dataset`` too: it is
deterministic for a seed; 500 posts per client over 90 days take a few
seconds to write.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from smmdesk.store.database import Store
from smmdesk.store.models import (
    Account,
    AccountGoal,
    AccountMetric,
    Client,
    Competitor,
    CompetitorMetric,
    InboxItem,
    Post,
    PostMetric,
    PostTarget,
)

_ITEM_IDS = itertools.count(1)
TYPES = ("photo", "question", "text", "video", "promotion", "news")


def add_client(session: Session, name: str, zone: str = "Europe/Riga", **fields: object) -> int:
    client = Client(name=name, timezone=zone, **fields)
    session.add(client)
    session.flush()
    return client.id


def add_account(session: Session, client_id: int, platform: str, handle: str) -> int:
    account = Account(
        client_id=client_id,
        platform=platform,
        handle=handle,
        vault_key=f"k-{client_id}-{platform}-{handle}",
        remote_id=f"own-{handle}",
    )
    session.add(account)
    session.flush()
    return account.id


def add_followers(
    session: Session,
    account_id: int,
    first: datetime,
    days: int,
    base: int | None,
    per_day: float = 0.0,
    following: int | None = None,
) -> None:
    """One snapshot a day at ``first`` + n days; ``base`` None = not available."""
    for n in range(days):
        session.add(
            AccountMetric(
                account_id=account_id,
                measured_at=first + timedelta(days=n),
                followers=None if base is None else round(base + per_day * n),
                following=following,
                posts=None,
            )
        )


def add_published(
    session: Session,
    client_id: int,
    when: datetime,
    metrics: dict[int, tuple[int | None, int | None, int | None, int | None] | None],
    body: str = "A post",
    content_type: str = "text",
) -> int:
    """A published post on the given accounts; ``metrics[account]`` = (likes,
    reposts, replies, views) measured a day later, or None for never measured."""
    post = Post(client_id=client_id, body=body, content_type=content_type, status="published")
    session.add(post)
    session.flush()
    for account_id, counts in metrics.items():
        target = PostTarget(
            post_id=post.id,
            account_id=account_id,
            status="published",
            published_at=when,
            remote_id=f"r{post.id}-{account_id}",
            remote_url=f"https://example.invalid/{post.id}",
        )
        session.add(target)
        session.flush()
        if counts is not None:
            likes, reposts, replies, views = counts
            session.add(
                PostMetric(
                    target_id=target.id,
                    measured_at=when + timedelta(days=1),
                    likes=likes,
                    reposts=reposts,
                    replies=replies,
                    views=views,
                )
            )
    return post.id


def add_item(
    session: Session,
    account_id: int,
    created: datetime,
    answered: datetime | None = None,
    status: str | None = None,
    due: datetime | None = None,
    escalated: datetime | None = None,
    category: str = "question",
    author: str = "fan-1",
) -> int:
    item = InboxItem(
        account_id=account_id,
        kind="comment",
        remote_id=f"i{next(_ITEM_IDS)}",
        author_id=author,
        author_name=author.title(),
        body="Is it open on Sunday?",
        created_at=created,
        first_response_at=answered,
        status=status or ("replied" if answered else "new"),
        due_at=due,
        escalated_at=escalated,
        category=category,
    )
    session.add(item)
    session.flush()
    return item.id


@dataclass(frozen=True)
class Demo:
    clients: tuple[int, int]
    accounts: dict[int, tuple[int, int]]  # client -> (sandbox account, telegram account)
    names: dict[int, str]
    posts: int


def demo_dataset(
    store: Store, now: datetime, days: int = 90, posts: int = 500, seed: int = 7
) -> Demo:
    """Two clients (Riga, New York), ``posts`` posts each spread over ``days``."""
    rng = random.Random(seed)
    names = {}
    accounts: dict[int, tuple[int, int]] = {}
    with store.transaction() as session:
        clients = (
            add_client(
                session,
                "Kafija Rīga",
                "Europe/Riga",
                target_mix='{"photo": 40, "question": 30, "text": 30}',
            ),
            add_client(session, "Brooklyn Bagels", "America/New_York"),
        )
        for cid in clients:
            names[cid] = session.get(Client, cid).name  # type: ignore[union-attr]
            sandbox = add_account(session, cid, "sandbox", f"@brand{cid}")
            telegram = add_account(session, cid, "telegram", f"@channel{cid}")
            accounts[cid] = (sandbox, telegram)
            session.add(
                AccountGoal(
                    account_id=sandbox, target_followers=5000, by_date=now.date() + timedelta(60)
                )
            )
            competitor = Competitor(client_id=cid, platform="sandbox", handle=f"rival{cid}")
            session.add(competitor)
            session.flush()
            start = now - timedelta(days=days + 35)
            session.execute(
                insert(CompetitorMetric),
                [
                    {
                        "competitor_id": competitor.id,
                        "measured_at": start + timedelta(days=n),
                        "followers": 3000 + 4 * n,
                    }
                    for n in range(days + 35)
                ],
            )
            metric_rows = []
            for n in range(days + 35):
                at = start + timedelta(days=n, hours=rng.randint(0, 3))
                metric_rows.append(
                    {
                        "account_id": sandbox,
                        "measured_at": at,
                        "followers": 4000 + 6 * n,
                        "following": 300,
                        "posts": 100 + n,
                    }
                )
                metric_rows.append(
                    {
                        "account_id": telegram,
                        "measured_at": at,
                        "followers": 900 + 2 * n,
                        "following": None,
                        "posts": None,
                    }
                )
            session.execute(insert(AccountMetric), metric_rows)
            for k in range(posts):
                when = now - timedelta(minutes=rng.randint(60, days * 24 * 60))
                targets = {
                    sandbox: (
                        rng.randint(0, 80),
                        rng.randint(0, 10),
                        rng.randint(0, 12),
                        rng.randint(100, 3000),
                    )
                }
                if rng.random() < 0.5:
                    targets[telegram] = (rng.randint(0, 40), None, rng.randint(0, 5), None)
                add_published(
                    session,
                    cid,
                    when,
                    targets,
                    body=f"{names[cid]} post {k}: " + "coffee " * rng.randint(1, 60),
                    content_type=rng.choice(TYPES),
                )
            for _k in range(posts):
                created = now - timedelta(minutes=rng.randint(60, days * 24 * 60))
                answered = (
                    created + timedelta(minutes=rng.randint(5, 3000))
                    if rng.random() < 0.8
                    else None
                )
                add_item(
                    session,
                    rng.choice((sandbox, telegram)),
                    created,
                    answered,
                    due=created + timedelta(hours=10),
                    escalated=created + timedelta(hours=1) if rng.random() < 0.02 else None,
                    author=f"fan-{rng.randint(1, 40)}",
                )
    return Demo(clients, accounts, names, posts)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def day(text: str) -> date:
    return date.fromisoformat(text)
