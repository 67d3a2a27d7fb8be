"""Hiding a comment and loading a conversation, through the sandbox network."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from smmdesk.platforms.base import Unsupported
from smmdesk.store.models import InboxEvent, InboxItem
from smmdesk.sync.inbox_jobs import FetchThreadJob, HideItemJob
from smmdesk.sync.jobs import JobContext


@pytest.fixture
def synced(store, vault, factory):
    """The demo: sandbox accounts whose audience has commented on a month of posts."""
    from smmdesk.demo import ensure_demo
    from smmdesk.store.models import Account

    ensure_demo(store, vault, factory)
    with store.session() as session:
        return session.scalar(select(Account.id).order_by(Account.id))


def first_comment(store):
    with store.session() as session:
        return session.scalar(
            select(InboxItem.id)
            .where(
                InboxItem.kind == "comment",
                InboxItem.removed_at.is_(None),
                InboxItem.hidden_at.is_(None),
            )
            .order_by(InboxItem.id)
        )


def test_hiding_is_recorded_and_can_be_undone(store, factory, synced):
    item_id = first_comment(store)
    assert item_id is not None, "the sandbox audience wrote no comment"
    HideItemJob(store, factory, item_id, hide=True).run(JobContext(3))
    with store.session() as session:
        assert session.get(InboxItem, item_id).hidden_at is not None
    HideItemJob(store, factory, item_id, hide=False).run(JobContext(4))
    with store.session() as session:
        assert session.get(InboxItem, item_id).hidden_at is None
        kinds = session.scalars(select(InboxEvent.kind).where(InboxEvent.item_id == item_id))
        assert list(kinds)[-2:] == ["hidden", "unhidden"]
        assert session.get(InboxItem, item_id) is not None  # never deleted


def test_a_conversation_comes_back_with_its_post(store, factory, synced):
    item_id = first_comment(store)
    result = FetchThreadJob(store, factory, item_id).run(JobContext(5))
    assert result.item_id == item_id
    assert result.thread.post_text
    with store.session() as session:
        remote_id = session.get(InboxItem, item_id).remote_id
    assert remote_id in {entry.remote_id for entry in result.thread.items}


def test_a_network_without_threads_says_so_without_blaming_the_account(
    store, factory, synced, monkeypatch
):
    from smmdesk.platforms.sandbox import SandboxConnector
    from smmdesk.store.models import Account

    def unsupported(self, item):
        raise Unsupported("Sandbox cannot fetch a conversation.")

    monkeypatch.setattr(SandboxConnector, "fetch_thread", unsupported)
    with pytest.raises(Unsupported):
        FetchThreadJob(store, factory, first_comment(store)).run(JobContext(6))
    with store.session() as session:
        account_id = session.get(InboxItem, first_comment(store)).account_id
        assert session.get(Account, account_id).status == "ok"
