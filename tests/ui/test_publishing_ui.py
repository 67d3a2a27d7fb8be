"""What the user sees of publishing: missed and failed posts, hand-off, published posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from smmdesk.core.vocabulary import PostStatus, TargetStatus
from smmdesk.platforms import _REGISTRY
from smmdesk.store.models import Account, Post, PostTarget
from smmdesk.sync.missed_posts import mark_missed
from smmdesk.ui.attention_dialog import AttentionDialog
from smmdesk.ui.composer.composer_window import ComposerWindow


@pytest.fixture
def scripted(monkeypatch):
    monkeypatch.setitem(_REGISTRY, "scripted", "tests.sync.scripted_connector:ScriptedConnector")


def add_account(store, client_id, platform="sandbox", handle="@kafija"):
    with store.transaction() as session:
        account = Account(client_id=client_id, platform=platform, handle=handle, vault_key=handle)
        session.add(account)
        session.flush()
        return account.id


def add_post(store, client_id, account_id, when, status=TargetStatus.PENDING, error=""):
    with store.transaction() as session:
        post = Post(client_id=client_id, body="Latte art class", status=PostStatus.SCHEDULED)
        post.scheduled_at = when
        post.targets.append(PostTarget(account_id=account_id, status=status, error=error))
        session.add(post)
        session.flush()
        return post.id, post.targets[0].id


def test_missed_posts_are_listed_and_published_now_on_request(qtbot, store, client_id):
    account_id = add_account(store, client_id)
    post_id, target_id = add_post(
        store, client_id, account_id, datetime.now(UTC) - timedelta(days=2)
    )
    with store.transaction() as session:
        mark_missed(session, datetime.now(UTC), since=None)
    dialog = AttentionDialog(store, None)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert "grace period" in dialog.intro.text()
    assert "Missed its time by 2 days" in dialog.table.item(0, 3).text()
    assert dialog.publish_now.isEnabled() and not dialog.retry.isEnabled()

    dialog.publish_now.click()

    with store.session() as session:
        target = session.get(PostTarget, target_id)
        assert target.status == TargetStatus.PENDING
        assert session.get(Post, post_id).scheduled_at > datetime.now(UTC) - timedelta(minutes=1)
    assert dialog.table.rowCount() == 0


def test_keep_as_draft_takes_a_failed_post_off_the_schedule(qtbot, store, client_id):
    account_id = add_account(store, client_id)
    post_id, _ = add_post(
        store, client_id, account_id, datetime.now(UTC), TargetStatus.FAILED, "Media too big"
    )
    dialog = AttentionDialog(store, None)
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, 3).text() == "Media too big" and dialog.retry.isEnabled()
    dialog.draft.click()
    with store.session() as session:
        post = session.get(Post, post_id)
        assert post.status == PostStatus.DRAFT
        assert post.targets[0].status == TargetStatus.PENDING


def test_the_composer_says_why_a_post_failed_and_retries_it(
    qtbot, store, reader, profile, client_id
):
    account_id = add_account(store, client_id)
    post_id, target_id = add_post(
        store, client_id, account_id, datetime.now(UTC), TargetStatus.FAILED, "Text too long"
    )
    composer = ComposerWindow(store, reader, profile.media)
    qtbot.addWidget(composer)
    composer.open_post(post_id)
    composer.show()
    assert composer.published_bar.isVisible()
    assert composer.published_bar.retry_button.isVisible()
    assert not composer.published_bar.edit_button.isVisible()
    label = composer.targets._outcome[account_id]
    assert label.isVisible() and label.text() == "Failed: Text too long"

    composer.published_bar.retry_button.click()

    with store.session() as session:
        assert session.get(PostTarget, target_id).status == TargetStatus.PENDING


def test_hand_off_is_offered_only_where_the_network_schedules(
    qtbot, store, reader, profile, client_id, scripted
):
    sandbox = add_account(store, client_id)
    scripted_id = add_account(store, client_id, platform="scripted", handle="@s")
    composer = ComposerWindow(store, reader, profile.media)
    qtbot.addWidget(composer)
    composer.new_post(client_id)
    assert set(composer.targets._handoff) == {scripted_id}
    assert composer.targets._handoff[scripted_id].text() == "Scripted publishes it"
    composer.targets.select({sandbox, scripted_id}, set())
    composer.targets._handoff[scripted_id].setChecked(True)
    composer.save_now()
    with store.session() as session:
        targets = {t.account_id: t.handoff for t in session.get(Post, composer.post_id).targets}
    assert targets == {sandbox: False, scripted_id: True}


def test_the_calendar_follows_the_engine_by_statuses_alone(qtbot, window, store, client_id):
    account_id = add_account(store, client_id)
    post_id, _target = add_post(store, client_id, account_id, datetime.now(UTC))
    calendar = window.calendar
    calendar.reload()
    assert calendar.shown.entry(post_id).status == PostStatus.SCHEDULED
    with store.transaction() as session:
        session.get(Post, post_id).status = PostStatus.PUBLISHED
    assert calendar.shown.update_statuses() is True
    assert calendar.shown.entry(post_id).status == PostStatus.PUBLISHED
    assert calendar.shown.update_statuses() is False  # nothing new
    with store.transaction() as session:  # a post gone: the range is read again
        session.delete(session.get(Post, post_id))
    assert calendar.shown.update_statuses() is None
    calendar.refresh_posts()
    assert calendar.shown.entry(post_id) is None


def test_the_status_bar_counts_posts_that_need_the_user(qtbot):
    from smmdesk.sync.status import SyncStatus
    from smmdesk.ui.status_bar import SyncStatusBar

    bar = SyncStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    base = {"online": True, "running": 0, "waiting": 0, "accounts_with_errors": 0}
    bar.show_status(SyncStatus(**base, last_sync=None, failed_posts=1))
    assert bar.attention.isVisible() and bar.attention.text() == "⚠ 1 post needs you"
    with qtbot.waitSignal(bar.attention_clicked):
        bar.attention.click()
    bar.show_status(SyncStatus(**base, last_sync=None, failed_posts=0))
    assert not bar.attention.isVisible()
