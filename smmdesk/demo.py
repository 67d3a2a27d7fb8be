"""The demo profile: two sample clients on the sandbox network, made locally.

``ensure_demo`` fills an empty demo profile once (a month of posts, the
inbox the sandbox audience produced for them, 90 days of follower history)
and, at every start, puts the practice tokens back into the in-memory vault
the demo uses instead of the user's keyring. Everything is generated from a
fixed seed and the clock, so two runs on the same day look alike.
"""

from __future__ import annotations

import json
import logging
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from smmdesk.core.client_rules import ClientSettings
from smmdesk.core.clock import local_to_utc
from smmdesk.core.vocabulary import ContentType, PostStatus, TargetStatus
from smmdesk.core.weekday_themes import dump_themes
from smmdesk.demo_inbox import add_inbox_work
from smmdesk.platforms.sandbox import SandboxConnector
from smmdesk.store.clients import save_client
from smmdesk.store.database import Store
from smmdesk.store.models import (
    Account,
    AccountMetric,
    Client,
    HashtagGroup,
    Idea,
    Post,
    PostTarget,
    TextSnippet,
)
from smmdesk.sync.account_jobs import SyncAccountJob
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.jobs import JobContext
from smmdesk.vault import Vault

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoClient:
    settings: ClientSettings
    handles: tuple[str, ...]
    posts: tuple[tuple[ContentType, str], ...]
    ideas: tuple[str, ...]
    themes: dict[int, str]
    target_mix: dict[str, int]
    hashtags: dict[str, str]
    snippets: dict[str, str]


CLIENTS = (
    DemoClient(
        ClientSettings(
            name="Kafija Rīga",
            colour="#c0392b",
            timezone="Europe/Riga",
            country="LV",
            max_posts_per_day=2,
            min_gap_minutes=180,
            link_policy="justify",
        ),
        ("kafija.riga", "kafija_events"),
        (
            (ContentType.PHOTO, "Labrīt! Cardamom latte is back on the menu ☕"),
            (ContentType.QUESTION, "Oat, almond or classic milk: what goes in your flat white?"),
            (ContentType.PROMOTION, "Friday only: −20% on every pastry before 10:00."),
            (ContentType.TESTIMONIAL, "“The best rye bread cake in Old Town” — thank you, Ilze!"),
            (ContentType.EVENT, "Latte art evening on Thursday at 18:00, Tērbatas iela 5."),
            (ContentType.FAQ, "Yes, we roast our own beans: every Tuesday, right here."),
            (ContentType.VIDEO, "60 seconds of our V60 pour-over, start to finish."),
            (ContentType.NEWS, "Новая смесь эспрессо из Эфиопии уже в продаже!"),
            (ContentType.TEXT, "Rainy Rīga, warm cups. Come in and dry off."),
        ),
        ("Behind the roaster: a day with our barista", "Coffee & Jāņi: summer menu ideas"),
        {0: "Motivation Monday", 1: "Tuesday Tip", 3: "Throwback Thursday", 4: "Follow Friday"},
        {
            "photo": 30,
            "question": 20,
            "promotion": 10,
            "event": 10,
            "testimonial": 10,
            "faq": 10,
            "video": 10,
        },
        {"Coffee": "#kafija #coffee #riga", "Events": "#rigaevents #latteart"},
        {"Address": "Find us at Tērbatas iela 5, Rīga. Open daily 8–20."},
    ),
    DemoClient(
        ClientSettings(
            name="Addis Bloom",
            colour="#1b7f3b",
            timezone="Africa/Addis_Ababa",
            country="ET",
            work_days=(0, 1, 2, 3, 4, 5),
            max_posts_per_day=3,
            min_gap_minutes=120,
        ),
        ("addisbloom", "addisbloom_shop"),
        (
            (ContentType.PHOTO, "Fresh roses from Holeta this morning 🌹"),
            (ContentType.QUESTION, "Which flower says ‘thank you’ best? Tell us below!"),
            (ContentType.PROMOTION, "Order before noon: free delivery anywhere in Bole."),
            (ContentType.TEXT, "እንኳን ደስ አላችሁ! Bouquets for every celebration."),
            (ContentType.EVENT, "Flower arranging workshop on Saturday, 3 pm."),
            (ContentType.FAQ, "How long do roses last? Change the water every two days."),
            (ContentType.TESTIMONIAL, "“Delivered on time for our wedding” — Selam & Dawit"),
            (ContentType.LINK, "Our care guide for Ethiopian roses: addisbloom.example/care"),
        ),
        ("Meskel season arrangements", "Customer photo contest for Valentine's"),
        {0: "Motivation Monday", 2: "Wisdom Wednesday", 5: "Selfie Saturday", 6: "Sunday Funday"},
        {"photo": 40, "question": 20, "promotion": 15, "testimonial": 15, "event": 10},
        {"Flowers": "#addisababa #flowers #roses", "Weddings": "#ethiopianwedding #bouquet"},
        {"Delivery": "Free delivery in Bole for orders before noon. Call 0911 000 000."},
    ),
)
POST_TIMES = (time(9, 30), time(13, 0), time(18, 30))
HISTORY_DAYS = 90


def demo_secret(handle: str) -> dict[str, str]:
    return {"token": f"sandbox-demo-{handle.replace('.', '-')}", "handle": handle}


def ensure_demo(store: Store, vault: Vault, factory: ConnectorFactory) -> None:
    with store.session() as session:
        accounts = session.execute(select(Account.vault_key, Account.handle)).all()
    if not accounts:
        populate(store, vault, factory, datetime.now(UTC))
        return
    for vault_key, handle in accounts:
        vault.put(vault_key, demo_secret(handle.lstrip("@")))


def populate(store: Store, vault: Vault, factory: ConnectorFactory, now: datetime) -> None:
    """Create the demo's clients, accounts, posts, inbox and history."""
    rng = random.Random(20261122)
    today = now.date()
    account_ids: list[int] = []
    for demo in CLIENTS:
        with store.transaction() as session:
            client_id = save_client(session, demo.settings)
            client = session.get(Client, client_id)
            assert client is not None
            client.weekday_themes = dump_themes(demo.themes)
            client.target_mix = json.dumps(demo.target_mix)
            for idea in demo.ideas:
                session.add(Idea(client_id=client_id, title=idea))
            for name, tags in demo.hashtags.items():
                session.add(HashtagGroup(client_id=client_id, name=name, tags=tags))
            for name, body in demo.snippets.items():
                session.add(TextSnippet(client_id=client_id, name=name, body=body))
        connectors: dict[int, SandboxConnector] = {}
        for handle in demo.handles:
            secret = demo_secret(handle)
            connector = factory.build("sandbox", secret)
            assert isinstance(connector, SandboxConnector)
            identity = connector.validate()
            key = f"demo-{handle}"
            vault.put(key, secret)
            with store.transaction() as session:
                account = Account(
                    client_id=client_id,
                    platform="sandbox",
                    handle=identity.handle,
                    display_name=identity.display_name,
                    remote_id=identity.remote_id,
                    vault_key=key,
                )
                session.add(account)
                session.flush()
                connectors[account.id] = connector
                account_ids.append(account.id)
        _add_posts(store, demo, client_id, connectors, today, now, rng)
        _add_history(store, connectors, now)
    for account_id in account_ids:
        SyncAccountJob(store, factory, account_id).run(JobContext(0))
    add_inbox_work(store, now, rng)
    log.info("demo profile created with %d accounts", len(account_ids))


def _add_posts(
    store: Store,
    demo: DemoClient,
    client_id: int,
    connectors: dict[int, SandboxConnector],
    today: date,
    now: datetime,
    rng: random.Random,
) -> None:
    zone = demo.settings.timezone
    upcoming = (
        PostStatus.SCHEDULED,
        PostStatus.SCHEDULED,
        PostStatus.APPROVED,
        PostStatus.IN_REVIEW,
        PostStatus.DRAFT,
    )
    with store.transaction() as session:
        for offset in range(-21, 12):
            day = today + timedelta(days=offset)
            slots = sorted(rng.sample(POST_TIMES, rng.choice((1, 1, 2, 2))))
            for slot in slots:
                content_type, body = rng.choice(demo.posts)
                when = local_to_utc(day, slot, zone)
                published = when <= now - timedelta(minutes=5)
                status = PostStatus.PUBLISHED if published else rng.choice(upcoming)
                post = Post(
                    client_id=client_id,
                    body=body,
                    content_type=content_type,
                    status=status,
                    scheduled_at=when,
                    created_at=when - timedelta(days=3),
                )
                targets = rng.sample(sorted(connectors), rng.choice((1, len(connectors))))
                for account_id in targets:
                    target = PostTarget(account_id=account_id, status=TargetStatus.PENDING)
                    if published:
                        remote = connectors[account_id].record_post(body, when)
                        target.status = TargetStatus.PUBLISHED
                        target.remote_id = remote.remote_id
                        target.remote_url = remote.url
                        target.published_at = remote.published_at
                    post.targets.append(target)
                session.add(post)


def _add_history(store: Store, connectors: dict[int, SandboxConnector], now: datetime) -> None:
    with store.transaction() as session:
        for account_id, connector in connectors.items():
            handle = connector.validate().handle
            for days_ago in range(HISTORY_DAYS, 0, -1):
                moment = datetime.combine(
                    (now - timedelta(days=days_ago)).date(), time(23, 0), tzinfo=UTC
                )
                session.add(
                    AccountMetric(
                        account_id=account_id,
                        measured_at=moment,
                        followers=connector.followers_at(handle, moment),
                    )
                )
