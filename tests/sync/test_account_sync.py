"""Connecting, syncing and publishing end to end against the sandbox network."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from smmdesk.core.vocabulary import AccountStatus, PostStatus, TargetStatus
from smmdesk.platforms.base import AuthError, NetworkUnreachable, PublishRequest, RateLimited
from smmdesk.store.models import (
    Account,
    AccountMetric,
    InboxItem,
    Post,
    PostTarget,
    PublishAttempt,
)
from smmdesk.sync.account_jobs import ConnectAccountJob, SyncAccountJob
from smmdesk.sync.coordinator import SyncCoordinator
from smmdesk.sync.jobs import JobContext
from smmdesk.sync.publish_job import PublishTargetJob
from smmdesk.vault import SecretMissing, Vault, VaultUnavailable


def connect(store, vault, factory, client_id, token="sandbox-practice", handle="kafija"):
    job = ConnectAccountJob(
        store, vault, factory, client_id, "sandbox", {"token": token, "handle": handle}
    )
    return job.run(JobContext(1)).account_id


def add_post(store, client_id, account_id, when, body="Cardamom latte is back ☕?"):
    with store.transaction() as session:
        post = Post(client_id=client_id, body=body, status=PostStatus.SCHEDULED, scheduled_at=when)
        post.targets.append(PostTarget(account_id=account_id))
        session.add(post)
        session.flush()
        return post.id, post.targets[0].id


def test_connect_validates_and_keeps_only_a_vault_key(store, vault, factory, client_id):
    account_id = connect(store, vault, factory, client_id)
    with store.session() as session:
        account = session.get(Account, account_id)
        assert account.handle == "@kafija" and account.status == AccountStatus.OK
        assert vault.get(account.vault_key)["token"] == "sandbox-practice"


def test_connect_with_a_wrong_token_stores_nothing(store, vault, factory, client_id):
    with pytest.raises(AuthError, match="sandbox-"):
        connect(store, vault, factory, client_id, token="wrong")
    with store.session() as session:
        assert session.scalar(select(func.count(Account.id))) == 0


def test_connect_without_a_keyring_explains_how_to_enable_one(store, factory, client_id):
    from keyring.backends import fail

    with pytest.raises(VaultUnavailable, match="keyring"):
        connect(store, Vault(fail.Keyring()), factory, client_id)


def test_sync_fetches_the_inbox_once_and_records_metrics(store, vault, factory, client_id):
    account_id = connect(store, vault, factory, client_id)
    connector = factory.for_account(_account(store, account_id))
    for days in (5, 3, 1):
        connector.record_post(f"Question {days}?", datetime.now(UTC) - timedelta(days=days))

    first = SyncAccountJob(store, factory, account_id).run(JobContext(1))
    again = SyncAccountJob(store, factory, account_id).run(JobContext(2))

    assert first.new_items > 0 and again.new_items == 0
    with store.session() as session:
        assert session.scalar(select(func.count(InboxItem.id))) == first.new_items
        assert session.scalar(select(func.count(AccountMetric.id))) == 2
        account = session.get(Account, account_id)
        assert account.inbox_cursor and account.last_synced_at is not None
        from smmdesk.store.inbox_search import search_ids

        some = session.scalars(select(InboxItem)).first()
        assert some.id in search_ids(session, some.body.split()[0])


@pytest.mark.parametrize(
    ("token", "error", "status", "message"),
    [
        ("sandbox-x-revoked", AuthError, AccountStatus.NEEDS_REAUTH, "Reconnect"),
        ("sandbox-x-ratelimited", RateLimited, AccountStatus.ERROR, "Rate limited"),
        ("sandbox-x-offline", NetworkUnreachable, AccountStatus.ERROR, "unreachable"),
    ],
)
def test_sync_errors_become_account_states(
    store, vault, factory, client_id, token, error, status, message
):
    account_id = connect(store, vault, factory, client_id)
    vault.put(_account(store, account_id).vault_key, {"token": token, "handle": "kafija"})
    with pytest.raises(error):
        SyncAccountJob(store, factory, account_id).run(JobContext(1))
    account = _account(store, account_id)
    assert account.status == status and message in account.status_message


def test_a_missing_secret_is_reported(store, vault, factory, client_id):
    account_id = connect(store, vault, factory, client_id)
    vault.delete(_account(store, account_id).vault_key)
    with pytest.raises(SecretMissing):
        SyncAccountJob(store, factory, account_id).run(JobContext(1))


def test_publish_commits_sending_then_published(store, vault, factory, client_id):
    account_id = connect(store, vault, factory, client_id)
    post_id, target_id = add_post(store, client_id, account_id, datetime.now(UTC))
    result = PublishTargetJob(store, factory, target_id).run(JobContext(1))
    with store.session() as session:
        target = session.get(PostTarget, target_id)
        assert target.status == TargetStatus.PUBLISHED
        assert target.remote_url == result.remote_url != ""
        assert session.get(Post, post_id).status == PostStatus.PUBLISHED
        attempts = session.scalars(select(PublishAttempt)).all()
        assert [a.state for a in attempts] == ["published"]


def test_an_attempt_left_sending_by_a_crash_is_not_published_twice(
    store, vault, factory, client_id
):
    account_id = connect(store, vault, factory, client_id)
    _, target_id = add_post(store, client_id, account_id, datetime.now(UTC))
    connector = factory.for_account(_account(store, account_id))
    # The crash: the request went out, the app died before recording it.
    with store.transaction() as session:
        target = session.get(PostTarget, target_id)
        target.status = TargetStatus.SENDING
        target.idempotency_key = "key-123"
        session.add(PublishAttempt(target_id=target_id, state="sending"))
    sent = connector.publish(PublishRequest("Cardamom latte is back ☕?", (), "key-123"))

    result = PublishTargetJob(store, factory, target_id).run(JobContext(1))

    assert result.already_published and sent.url == result.remote_url
    world = json.loads(factory.paths.sandbox_state.read_text())
    assert len(world["accounts"]["kafija"]["posts"]) == 1


def test_a_failed_publish_keeps_the_post_and_says_why(store, vault, factory, client_id):
    account_id = connect(store, vault, factory, client_id)
    _, target_id = add_post(store, client_id, account_id, datetime.now(UTC), body="x" * 600)
    with pytest.raises(Exception, match="500"):
        PublishTargetJob(store, factory, target_id).run(JobContext(1))
    with store.session() as session:
        target = session.get(PostTarget, target_id)
        assert target.status == TargetStatus.FAILED and "500" in target.error
        assert target.post.body == "x" * 600


def test_coordinator_publishes_due_posts_and_syncs(qtbot, store, vault, factory, client_id):
    account_id = connect(store, vault, factory, client_id)
    past = datetime.now(UTC) - timedelta(minutes=1)
    future = datetime.now(UTC) + timedelta(days=1)
    _, due_target = add_post(store, client_id, account_id, past)
    _, later_target = add_post(store, client_id, account_id, future, body="Tomorrow")
    coordinator = SyncCoordinator(store, factory)
    statuses = []
    coordinator.status_changed.connect(statuses.append)
    with qtbot.waitSignal(coordinator.posts_changed, timeout=5000):
        coordinator.publish_due()
    with qtbot.waitSignal(coordinator.metrics_changed, timeout=5000):
        coordinator.sync_all()
    qtbot.waitUntil(lambda: coordinator.status().running == 0)
    with store.session() as session:
        assert session.get(PostTarget, due_target).status == TargetStatus.PUBLISHED
        assert session.get(PostTarget, later_target).status == TargetStatus.PENDING
    assert any(s.running for s in statuses)
    assert coordinator.status().last_sync is not None
    coordinator.stop(2000)


def test_coordinator_goes_offline_when_the_network_is_unreachable(
    qtbot, store, vault, factory, client_id, monkeypatch
):
    account_id = connect(store, vault, factory, client_id)
    vault.put(_account(store, account_id).vault_key, {"token": "sandbox-x-offline", "handle": "k"})
    monkeypatch.setattr(factory, "is_local", lambda platform: False)  # behave like a real network
    coordinator = SyncCoordinator(store, factory)
    with qtbot.waitSignal(coordinator.network.online_changed, timeout=5000) as blocker:
        coordinator.sync_account(account_id)
    assert blocker.args == [False]
    assert coordinator.status().online is False
    qtbot.waitUntil(lambda: coordinator.status().accounts_with_errors == 1, timeout=3000)
    coordinator.stop(2000)


def _account(store, account_id) -> Account:
    with store.session() as session:
        account = session.get(Account, account_id)
        session.expunge(account)
        return account
