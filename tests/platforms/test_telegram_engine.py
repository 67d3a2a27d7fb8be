"""The Telegram connector under the real engine: connect, publish, sync, crash recovery."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from smmdesk.core.retry_policy import new_idempotency_key
from smmdesk.core.vocabulary import PostStatus, TargetStatus
from smmdesk.platforms.base import PublishRequest
from smmdesk.store.models import Account, InboxItem, Post, PostMetric, PostTarget
from smmdesk.sync import publish_outcomes as outcomes
from smmdesk.sync.account_jobs import ConnectAccountJob, SyncAccountJob
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.jobs import JobContext
from smmdesk.sync.publish_job import PublishTargetJob
from tests.fakes.telegram_fake import TelegramFake, World, standard_world


@pytest.fixture
def fake() -> Iterator[TelegramFake]:
    with TelegramFake() as server:
        yield server


@pytest.fixture
def tg_factory(profile, vault, fake: TelegramFake) -> ConnectorFactory:
    return ConnectorFactory(profile, vault, base_urls={"telegram": fake.base_url})


def connect(store, vault, factory, client_id, world: World) -> int:
    secret = {"token": world.bot.token, "channel": f"@{world.channel.username}"}
    job = ConnectAccountJob(store, vault, factory, client_id, "telegram", secret)
    return job.run(JobContext(1)).account_id


def add_post(store, client_id: int, account_id: int, body: str) -> int:
    with store.transaction() as session:
        post = Post(
            client_id=client_id,
            body=body,
            status=PostStatus.SCHEDULED,
            scheduled_at=datetime.now(UTC),
        )
        post.targets.append(PostTarget(account_id=account_id))
        session.add(post)
        session.flush()
        return post.targets[0].id


def test_publish_sync_and_metrics_end_to_end(store, vault, tg_factory, client_id, fake) -> None:
    world = standard_world(fake)
    assert world.group is not None
    account_id = connect(store, vault, tg_factory, client_id, world)
    with store.session() as session:
        account = session.get(Account, account_id)
        assert account is not None
        settings = json.loads(account.settings_json)
        assert settings["comments"] == "ok" and world.bot.token not in account.settings_json
    SyncAccountJob(store, tg_factory, account_id).run(JobContext(1))  # first poll

    target_id = add_post(store, client_id, account_id, "Cardamom buns are back")
    result = PublishTargetJob(store, tg_factory, target_id).run(JobContext(2))
    with store.session() as session:
        target = session.get(PostTarget, target_id)
        assert target is not None and target.status == TargetStatus.PUBLISHED
        remote_id = target.remote_id
    assert result.remote_url == f"https://t.me/{world.channel.username}/{remote_id}"

    forward = fake.forward_of(world.channel, int(remote_id))
    comment = fake.comment(world.group, "Saving one for me!", forward)
    fake.react(world.channel, int(remote_id), thumbs=4)
    synced = SyncAccountJob(store, tg_factory, account_id).run(JobContext(3))
    assert synced.new_items == 1 and synced.followers == 1234
    with store.session() as session:
        item = session.scalars(select(InboxItem)).one()
        assert item.post_remote_id == remote_id
        assert item.remote_id == f"{world.group.id}:{comment['message_id']}"
        likes = session.scalars(select(PostMetric.likes).where(PostMetric.target_id == target_id))
        assert 4 in set(likes)
    again = SyncAccountJob(store, tg_factory, account_id).run(JobContext(4))
    assert again.new_items == 0


def test_crash_after_sending_is_not_published_twice(
    store, vault, tg_factory, client_id, fake
) -> None:
    world = standard_world(fake)
    account_id = connect(store, vault, tg_factory, client_id, world)
    SyncAccountJob(store, tg_factory, account_id).run(JobContext(1))
    fake.post_as_admin(world.channel, "an earlier post")  # forwards are known to reach the bot
    SyncAccountJob(store, tg_factory, account_id).run(JobContext(2))
    target_id = add_post(store, client_id, account_id, "Sent just before the crash")
    key = new_idempotency_key()
    with store.transaction() as session:
        target = session.get(PostTarget, target_id)
        assert target is not None
        target.idempotency_key = key
        outcomes.begin_attempt(session, target)
    with store.session() as session:  # the request went out, then the app died
        account = session.get(Account, account_id)
        assert account is not None
        session.expunge(account)
    tg_factory.for_account(account).publish(PublishRequest("Sent just before the crash", (), key))

    result = PublishTargetJob(store, tg_factory, target_id).run(JobContext(3))
    assert result.already_published
    texts = [m.get("text") for m in world.channel.messages.values()]
    assert texts.count("Sent just before the crash") == 1


def test_crash_before_sending_publishes_once(store, vault, tg_factory, client_id, fake) -> None:
    world = standard_world(fake)
    account_id = connect(store, vault, tg_factory, client_id, world)
    fake.post_as_admin(world.channel, "an earlier post")
    SyncAccountJob(store, tg_factory, account_id).run(JobContext(1))
    target_id = add_post(store, client_id, account_id, "Never left the laptop")
    with store.transaction() as session:
        target = session.get(PostTarget, target_id)
        assert target is not None
        target.idempotency_key = new_idempotency_key()
        outcomes.begin_attempt(session, target)

    result = PublishTargetJob(store, tg_factory, target_id).run(JobContext(2))
    assert not result.already_published and not result.skipped
    texts = [m.get("text") for m in world.channel.messages.values()]
    assert texts.count("Never left the laptop") == 1
