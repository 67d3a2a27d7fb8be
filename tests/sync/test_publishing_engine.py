"""The publishing engine's rules, against a scripted network (no HTTP here:
the connectors are tested against their fakes in tests/platforms)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from smmdesk.core.retry_policy import (
    MAX_TRANSIENT_ATTEMPTS,
    backoff_seconds,
    key_time_ms,
    new_idempotency_key,
)
from smmdesk.core.vocabulary import AccountStatus, PostStatus, TargetStatus
from smmdesk.platforms import _REGISTRY
from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    NetworkUnreachable,
    PermanentError,
    PublishedPost,
    RateLimited,
    ScheduledState,
    TransientError,
)
from smmdesk.store.models import Account, Client, Post, PostTarget, PublishAttempt
from smmdesk.sync import publish_outcomes
from smmdesk.sync.coordinator import SyncCoordinator
from smmdesk.sync.due_targets import due_target_ids
from smmdesk.sync.handoff_jobs import CheckHandOffJob, HandOffJob
from smmdesk.sync.jobs import JobContext
from smmdesk.sync.missed_posts import mark_missed, publish_missed_now
from smmdesk.sync.publish_job import PublishTargetJob
from smmdesk.sync.published_post_jobs import DeletePublishedJob, EditPublishedJob
from tests.sync import scripted_connector
from tests.sync.scripted_connector import Network

NOW = datetime.now(UTC)


@pytest.fixture
def network(monkeypatch):
    monkeypatch.setitem(_REGISTRY, "scripted", "tests.sync.scripted_connector:ScriptedConnector")
    fresh = Network()
    monkeypatch.setattr(scripted_connector, "NETWORK", fresh)
    return fresh


@pytest.fixture
def account_id(store, vault, client_id, network):
    vault.put("acc-1", {"token": "t"})
    with store.transaction() as session:
        account = Account(client_id=client_id, platform="scripted", handle="@s", vault_key="acc-1")
        session.add(account)
        session.flush()
        return account.id


def add_post(store, client_id, account_id, when, body="Hello", handoff=False):
    with store.transaction() as session:
        post = Post(client_id=client_id, body=body, status=PostStatus.SCHEDULED, scheduled_at=when)
        post.targets.append(PostTarget(account_id=account_id, handoff=handoff))
        session.add(post)
        session.flush()
        return post.targets[0].id


def target(store, target_id) -> PostTarget:
    with store.session() as session:
        found = session.get(PostTarget, target_id)
        session.expunge(found)
        return found


def attempts(store, target_id) -> list[str]:
    with store.session() as session:
        return list(
            session.scalars(
                select(PublishAttempt.state)
                .where(PublishAttempt.target_id == target_id)
                .order_by(PublishAttempt.id)
            )
        )


def run(job):
    return job.run(JobContext(1))


# --- rules --------------------------------------------------------------------


def test_backoff_grows_to_a_ceiling_with_jitter():
    waits = [backoff_seconds(n) for n in range(1, 12)]
    assert 24 <= waits[0] <= 36
    assert waits[3] > waits[1] > waits[0]
    assert all(w <= 30 * 60 * 1.2 for w in waits)
    assert len({round(backoff_seconds(3), 3) for _ in range(20)}) > 1  # jitter


def test_idempotency_keys_are_unique_uuid7_with_their_time():
    keys = {new_idempotency_key(1_767_225_600.5) for _ in range(100)}
    assert len(keys) == 100
    assert {key_time_ms(k) for k in keys} == {1_767_225_600_500}
    assert key_time_ms("key-123") is None


# --- publishing outcomes ------------------------------------------------------


def test_a_published_target_records_id_url_and_one_attempt(
    store, client_id, account_id, network, factory
):
    target_id = add_post(store, client_id, account_id, NOW - timedelta(minutes=1))
    run(PublishTargetJob(store, factory, target_id))
    done = target(store, target_id)
    assert done.status == TargetStatus.PUBLISHED and done.remote_url.endswith("/1")
    assert attempts(store, target_id) == ["published"]
    assert network.count("publish") == 1


def test_a_rate_limit_pauses_the_account_until_the_named_time(
    store, client_id, account_id, network, factory
):
    target_id = add_post(store, client_id, account_id, NOW - timedelta(minutes=1))
    network.script["publish"].append(RateLimited("slow down", retry_after=120))
    with pytest.raises(RateLimited):
        run(PublishTargetJob(store, factory, target_id))
    waiting = target(store, target_id)
    assert waiting.status == TargetStatus.PENDING and waiting.attempts == 0
    with store.session() as session:
        paused = session.get(Account, account_id).paused_until
        assert paused > datetime.now(UTC) + timedelta(seconds=100)
        assert due_target_ids(session, datetime.now(UTC)) == []
        assert due_target_ids(session, datetime.now(UTC) + timedelta(seconds=130)) == [target_id]
    # A job started anyway (e.g. by an old timer) does nothing while paused.
    assert run(PublishTargetJob(store, factory, target_id)).skipped


def test_a_timeout_after_sending_is_checked_with_the_network_before_a_retry(
    store, client_id, account_id, network, factory
):
    target_id = add_post(store, client_id, account_id, NOW - timedelta(minutes=1))
    network.lose_answer = TransientError("The server took too long to answer.")
    with pytest.raises(TransientError):
        run(PublishTargetJob(store, factory, target_id))
    unsure = target(store, target_id)
    assert unsure.status == TargetStatus.SENDING and unsure.attempts == 1
    assert unsure.retry_at > datetime.now(UTC) and "Trying again" in unsure.error
    with store.transaction() as session:  # the backoff has passed
        session.get(PostTarget, target_id).retry_at = None

    run(PublishTargetJob(store, factory, target_id))

    assert network.count("publish") == 1 and network.count("find_published") == 1
    assert target(store, target_id).status == TargetStatus.PUBLISHED
    assert attempts(store, target_id) == ["published"]


def test_an_unreadable_answer_is_treated_as_maybe_sent(
    store, client_id, account_id, network, factory
):
    target_id = add_post(store, client_id, account_id, NOW - timedelta(minutes=1))
    network.script["publish"].append(BadResponse("a web page instead of data"))
    with pytest.raises(BadResponse):
        run(PublishTargetJob(store, factory, target_id))
    assert attempts(store, target_id) == ["unknown"]
    with store.transaction() as session:
        session.get(PostTarget, target_id).retry_at = None
    run(PublishTargetJob(store, factory, target_id))
    # Not found by the network: the check is closed, then it is sent once.
    assert attempts(store, target_id) == ["checked", "published"]
    assert network.count("publish") == 2  # the first raised before storing anything


def test_transient_failures_give_up_after_the_ceiling(
    store, client_id, account_id, network, factory
):
    target_id = add_post(store, client_id, account_id, NOW - timedelta(minutes=1))
    for _ in range(MAX_TRANSIENT_ATTEMPTS):
        network.script["publish"].append(TransientError("HTTP 503"))
        with store.transaction() as session:
            session.get(PostTarget, target_id).retry_at = None
        with pytest.raises(TransientError):
            run(PublishTargetJob(store, factory, target_id))
    failed = target(store, target_id)
    assert failed.status == TargetStatus.FAILED and "Gave up after" in failed.error
    with store.session() as session:
        assert session.get(Post, failed.post_id).status == PostStatus.FAILED


def test_no_connection_waits_without_counting_a_try(store, client_id, account_id, network, factory):
    target_id = add_post(store, client_id, account_id, NOW - timedelta(minutes=1))
    network.script["publish"].append(NetworkUnreachable("offline"))
    with pytest.raises(NetworkUnreachable):
        run(PublishTargetJob(store, factory, target_id))
    waiting = target(store, target_id)
    assert waiting.status == TargetStatus.PENDING and waiting.attempts == 0
    assert attempts(store, target_id) == ["not_sent"]


def test_an_auth_error_marks_the_account_and_the_post_waits(
    store, client_id, account_id, network, factory
):
    target_id = add_post(store, client_id, account_id, NOW - timedelta(minutes=1))
    network.script["publish"].append(AuthError("token revoked"))
    with pytest.raises(AuthError):
        run(PublishTargetJob(store, factory, target_id))
    with store.session() as session:
        assert session.get(Account, account_id).status == AccountStatus.NEEDS_REAUTH
        assert due_target_ids(session, datetime.now(UTC)) == []
    assert target(store, target_id).status == TargetStatus.PENDING


def test_a_permanent_error_fails_with_the_networks_words(
    store, client_id, account_id, network, factory
):
    target_id = add_post(store, client_id, account_id, NOW - timedelta(minutes=1))
    network.script["publish"].append(PermanentError("Validation failed: Text can't be blank"))
    with pytest.raises(PermanentError):
        run(PublishTargetJob(store, factory, target_id))
    failed = target(store, target_id)
    assert failed.status == TargetStatus.FAILED and "can't be blank" in failed.error
    with store.transaction() as session:
        publish_outcomes.retry_target(session, target_id)
    assert target(store, target_id).status == TargetStatus.PENDING
    run(PublishTargetJob(store, factory, target_id))
    assert target(store, target_id).status == TargetStatus.PUBLISHED


def test_a_network_that_cannot_tell_asks_the_user(store, client_id, account_id, network, factory):
    target_id = add_post(store, client_id, account_id, NOW - timedelta(minutes=1))
    with store.transaction() as session:  # killed mid-request
        t = session.get(PostTarget, target_id)
        publish_outcomes.begin_attempt(session, t)
    network.script["find_published"].append(PermanentError("Telegram cannot tell"))
    with pytest.raises(PermanentError):
        run(PublishTargetJob(store, factory, target_id))
    assert network.count("publish") == 0
    assert target(store, target_id).status == TargetStatus.FAILED
    with store.transaction() as session:  # the user looked: it is not there
        publish_outcomes.retry_target(session, target_id, checked_by_user=True)
    run(PublishTargetJob(store, factory, target_id))
    assert network.count("publish") == 1 and network.count("find_published") == 1


# --- missed posts ---------------------------------------------------------------


def test_posts_due_while_closed_go_out_within_grace_and_wait_beyond(store, client_id, account_id):
    recent = add_post(store, client_id, account_id, NOW - timedelta(minutes=30), body="recent")
    old = add_post(store, client_id, account_id, NOW - timedelta(hours=5), body="old")
    while_running = add_post(store, client_id, account_id, NOW - timedelta(hours=9), body="ran")
    with store.transaction() as session:
        missed = mark_missed(session, NOW, since=NOW - timedelta(hours=8))
    assert [m.text for m in missed] == ["old"]
    assert target(store, old).status == TargetStatus.MISSED
    assert target(store, recent).status == TargetStatus.PENDING
    assert target(store, while_running).status == TargetStatus.PENDING
    with store.transaction() as session:
        publish_missed_now(session, missed[0].post_id, datetime.now(UTC))
        assert old in due_target_ids(session, datetime.now(UTC) + timedelta(seconds=1))


def test_the_grace_period_is_per_client(store, client_id, account_id):
    with store.transaction() as session:
        session.get(Client, client_id).grace_minutes = 600
    five_hours = add_post(store, client_id, account_id, NOW - timedelta(hours=5))
    with store.transaction() as session:
        assert mark_missed(session, NOW, since=None) == []
    assert target(store, five_hours).status == TargetStatus.PENDING


# --- hand-off to the network's scheduler ------------------------------------------


def test_hand_off_follows_edits_and_withdraws(store, client_id, account_id, network, factory):
    at = NOW + timedelta(hours=3)
    target_id = add_post(store, client_id, account_id, at, body="Night market", handoff=True)
    assert run(HandOffJob(store, factory, target_id)).action == "scheduled"
    held = target(store, target_id)
    assert held.status == TargetStatus.SCHEDULED_REMOTE and held.scheduled_remote_id == "s1"
    with store.session() as session:  # the app does not publish it itself
        assert target_id not in due_target_ids(session, at + timedelta(minutes=1))

    with store.transaction() as session:
        session.get(Post, held.post_id).body = "Night market, now with soup"
    assert run(HandOffJob(store, factory, target_id)).action == "updated"
    assert network.scheduled["s1"][0] == "Night market, now with soup"

    with store.transaction() as session:
        session.get(Post, held.post_id).status = PostStatus.DRAFT
    assert run(HandOffJob(store, factory, target_id)).action == "withdrawn"
    assert network.scheduled == {} and target(store, target_id).status == TargetStatus.PENDING


def test_a_handed_off_post_is_recorded_once_the_network_publishes_it(
    store, client_id, account_id, network, factory
):
    target_id = add_post(store, client_id, account_id, NOW + timedelta(hours=1), handoff=True)
    run(HandOffJob(store, factory, target_id))
    published = PublishedPost("99", "https://scripted.example/99", datetime.now(UTC))
    network.script["check_scheduled_state"].append(ScheduledState(False, published))
    assert run(CheckHandOffJob(store, factory, target_id)).action == "published"
    done = target(store, target_id)
    assert done.status == TargetStatus.PUBLISHED and done.remote_id == "99"


def test_too_late_to_hand_off_means_the_app_publishes(
    store, client_id, account_id, network, factory
):
    target_id = add_post(store, client_id, account_id, NOW + timedelta(minutes=2), handoff=True)
    assert run(HandOffJob(store, factory, target_id)).action == "none"
    with store.session() as session:
        assert target_id in due_target_ids(session, NOW + timedelta(minutes=3))


# --- published posts ------------------------------------------------------------


def test_edit_and_delete_reach_the_network(store, client_id, account_id, network, factory):
    target_id = add_post(store, client_id, account_id, NOW - timedelta(minutes=1))
    run(PublishTargetJob(store, factory, target_id))
    post_id = target(store, target_id).post_id
    with store.transaction() as session:
        session.get(Post, post_id).body = "Hello, corrected"
    edited = run(EditPublishedJob(store, factory, post_id))
    assert edited.done == ["@s"] and network.texts["1"] == "Hello, corrected"

    network.script["delete_post"].append(PermanentError("too old to delete"))
    refused = run(DeletePublishedJob(store, factory, post_id))
    assert refused.refused and not refused.post_deleted
    deleted = run(DeletePublishedJob(store, factory, post_id))
    assert deleted.post_deleted and network.posts == {}
    with store.session() as session:
        assert session.get(Post, post_id) is None


# --- the coordinator ------------------------------------------------------------


def test_a_post_that_fails_for_good_is_announced_once(
    qtbot, store, client_id, account_id, network, factory
):
    add_post(store, client_id, account_id, NOW - timedelta(minutes=1))
    network.script["publish"].append(PermanentError("Media is too big"))
    coordinator = SyncCoordinator(store, factory)
    announced = []
    coordinator.publish_failed.connect(lambda tid, msg: announced.append((tid, msg)))
    with qtbot.waitSignal(coordinator.publish_failed, timeout=5000):
        coordinator.publish_due()
    qtbot.waitUntil(lambda: coordinator.status().running == 0)
    coordinator.publish_due()  # nothing due any more: failed targets wait for the user
    qtbot.wait(100)
    assert len(announced) == 1 and "Media is too big" in announced[0][1]
    qtbot.waitUntil(lambda: coordinator.status().failed_posts == 1, timeout=3000)
    coordinator.stop(2000)


def test_due_posts_go_out_in_time_order(qtbot, store, client_id, account_id, network, factory):
    for minutes in (5, 15, 10):
        add_post(store, client_id, account_id, NOW - timedelta(minutes=minutes), body=f"{minutes}")
    coordinator = SyncCoordinator(store, factory)
    coordinator.publish_due()
    qtbot.waitUntil(lambda: network.count("publish") == 3, timeout=5000)
    assert [text for name, text in network.calls if name == "publish"] == ["15", "10", "5"]
    coordinator.stop(2000)


# --- replies --------------------------------------------------------------------


def test_a_queued_reply_is_sent_and_the_item_answered(
    store, client_id, account_id, network, factory
):
    from smmdesk.core.vocabulary import InboxStatus, ReplyStatus
    from smmdesk.store.models import InboxItem, Reply
    from smmdesk.sync.reply_job import SendReplyJob

    with store.transaction() as session:
        item = InboxItem(
            account_id=account_id,
            kind="comment",
            remote_id="c1",
            author_name="Ann",
            body="Open on Sunday?",
            created_at=NOW,
        )
        session.add(item)
        session.flush()
        reply = Reply(item_id=item.id, body="Yes, 10-16!")
        session.add(reply)
        session.flush()
        reply_id, item_id = reply.id, item.id
    network.script["reply"].append(TransientError("timeout"))
    with pytest.raises(TransientError):
        run(SendReplyJob(store, factory, reply_id))
    with store.session() as session:
        assert session.get(Reply, reply_id).status == ReplyStatus.QUEUED
    run(SendReplyJob(store, factory, reply_id))
    with store.session() as session:
        assert session.get(Reply, reply_id).status == ReplyStatus.SENT
        answered = session.get(InboxItem, item_id)
        assert answered.status == InboxStatus.REPLIED and answered.first_response_at is not None
