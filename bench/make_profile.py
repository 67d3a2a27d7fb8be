"""Generate a large SMM Desk profile for the start-up benchmark.

    python bench/make_profile.py DIR [--posts N] [--inbox N]

The schema comes from the app itself (``open_store`` runs the migrations);
rows are bulk-inserted with SQLAlchemy Core through the ORM's column types,
so times are stored exactly as the app stores them (naive UTC). Default
size: 3 clients, 8 sandbox accounts, 10,000 posts over +-180 days with one
target each, 100,000 inbox items over the last 365 days (indexed for search)
and a year of daily follower counts per account.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from smmdesk.store.database import open_store
from smmdesk.store.inbox_search import index_new_items
from smmdesk.store.models import Account, AccountMetric, Client, InboxItem, Post, PostTarget

CLIENTS = (
    ("Kafija Rīga", "#c0392b", "Europe/Riga", "LV"),
    ("Addis Bloom", "#1b7f3b", "Africa/Addis_Ababa", "ET"),
    ("Nordlys Studio", "#3d6df2", "Europe/Oslo", "NO"),
)
ACCOUNTS_PER_CLIENT = (3, 3, 2)
POST_STATUSES = ("idea", "draft", "in_review", "approved", "scheduled", "published", "failed")
CONTENT_TYPES = ("photo", "video", "text", "question", "link", "promotion", "event", "news")
INBOX_KINDS = ("comment", "comment", "comment", "reply", "mention", "direct_message")
INBOX_STATUSES = ("new", "replied", "done", "done", "escalated")
_VOCABULARY = """
coffee latte flower delivery price opening hours thanks great love order discount weekend
question when where how much menu bouquet roses please address parking booking vegan gluten
free gift card shipping late broken
"""
WORDS = tuple(_VOCABULARY.split())


def _text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high))).capitalize() + "."


def make_profile(folder: Path, posts: int = 10_000, inbox: int = 100_000, seed: int = 7) -> None:
    """Create the profile in ``folder`` (which should be empty or not exist)."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    store = open_store(folder / "smmdesk.sqlite3", folder / "backups")
    try:
        with store.engine.begin() as conn:
            conn.execute(
                insert(Client),
                [
                    {"name": name, "colour": colour, "timezone": tz, "country": country}
                    for name, colour, tz, country in CLIENTS
                ],
            )
            accounts = []  # (account id, client id)
            for client_id, count in enumerate(ACCOUNTS_PER_CLIENT, start=1):
                for _n in range(count):
                    accounts.append((len(accounts) + 1, client_id))
            conn.execute(
                insert(Account),
                [
                    {
                        "id": account_id,
                        "client_id": client_id,
                        "platform": "sandbox",
                        "handle": f"client{client_id}_account{account_id}",
                        "display_name": f"Account {account_id}",
                        "remote_id": f"sandbox-user-{account_id}",
                        "vault_key": f"bench-{account_id:04d}",
                    }
                    for account_id, client_id in accounts
                ],
            )
            post_rows, target_rows = [], []
            for post_id in range(1, posts + 1):
                account_id, client_id = rng.choice(accounts)
                when = now + timedelta(minutes=rng.randint(-180 * 1440, 180 * 1440))
                status = "published" if when < now and rng.random() < 0.8 else None
                post_rows.append(
                    {
                        "id": post_id,
                        "client_id": client_id,
                        "body": _text(rng, 8, 40),
                        "content_type": rng.choice(CONTENT_TYPES),
                        "status": status or rng.choice(POST_STATUSES),
                        "scheduled_at": when,
                        "created_at": when - timedelta(days=3),
                        "updated_at": when - timedelta(days=1),
                    }
                )
                target_rows.append(
                    {
                        "post_id": post_id,
                        "account_id": account_id,
                        "status": "published" if status else "pending",
                        "published_at": when if status else None,
                    }
                )
            conn.execute(insert(Post), post_rows)
            conn.execute(insert(PostTarget), target_rows)
            inbox_rows = []
            for n in range(inbox):
                account_id, _client_id = rng.choice(accounts)
                created = now - timedelta(seconds=rng.randint(0, 365 * 86400))
                inbox_rows.append(
                    {
                        "account_id": account_id,
                        "kind": rng.choice(INBOX_KINDS),
                        "remote_id": f"r{n:07d}",
                        "post_remote_id": f"p{rng.randint(1, posts)}",
                        "author_id": f"u{rng.randint(1, 5000)}",
                        "author_name": f"Follower {rng.randint(1, 5000)}",
                        "body": _text(rng, 3, 25),
                        "created_at": created,
                        "fetched_at": created + timedelta(minutes=5),
                        "status": rng.choice(INBOX_STATUSES),
                    }
                )
            conn.execute(insert(InboxItem), inbox_rows)
            metric_rows = []
            for account_id, _client_id in accounts:
                followers = rng.randint(500, 20_000)
                for day in range(365, -1, -1):
                    followers += rng.randint(-5, 25)
                    metric_rows.append(
                        {
                            "account_id": account_id,
                            "measured_at": now - timedelta(days=day),
                            "followers": followers,
                            "following": 300,
                            "posts": 1000 - day,
                        }
                    )
            conn.execute(insert(AccountMetric), metric_rows)
        with store.transaction() as session:
            index_new_items(session)
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--inbox", type=int, default=100_000)
    args = parser.parse_args()
    if (args.folder / "smmdesk.sqlite3").exists():
        parser.error(f"{args.folder} already holds a profile")
    started = time.perf_counter()
    make_profile(args.folder, args.posts, args.inbox)
    print(f"profile in {args.folder} ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
