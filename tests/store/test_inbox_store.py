"""Inbox actions, the response clock in the store, and the list's queries."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from smmdesk.core.vocabulary import InboxCategory, InboxStatus, ReplyStatus
from smmdesk.store import inbox as inbox_store
from smmdesk.store.clients import load_settings, save_client
from smmdesk.store.inbox_detail import item_detail
from smmdesk.store.inbox_queries import (
    InboxFilter,
    audience_leaders,
    count_items,
    escalated_items,
    list_page,
    overdue_count,
)
from smmdesk.store.inbox_search import index_new_items
from smmdesk.store.models import Account, InboxEvent, InboxItem, Reply

MONDAY_9 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 09:00 in Riga


@pytest.fixture
def accounts(store, client_id):
    with store.transaction() as session:
        first = Account(
            client_id=client_id, platform="sandbox", handle="@kafija", vault_key="a", remote_id="me"
        )
        second = Account(client_id=client_id, platform="mastodon", handle="@k@m.lv", vault_key="b")
        session.add_all([first, second])
        session.flush()
        return first.id, second.id


def add(store, account_id, remote_id, body, when=MONDAY_9, **values):
    with store.transaction() as session:
        clock = inbox_store.clock_for_account(session, account_id)
        row = InboxItem(
            account_id=account_id,
            kind=values.pop("kind", "comment"),
            remote_id=remote_id,
            author_id=values.pop("author_id", "u-" + remote_id),
            author_name=values.pop("author_name", "Ilze"),
            body=body,
            created_at=when,
            due_at=clock.due(when),
            **values,
        )
        session.add(row)
        session.flush()
        index_new_items(session)
        return row.id


@pytest.fixture
def db(store, profile):
    connection = sqlite3.connect(f"file:{profile.database}?mode=ro", uri=True)
    yield connection
    connection.close()


def events(store, item_id):
    with store.session() as session:
        return list(
            session.scalars(
                select(InboxEvent.kind).where(InboxEvent.item_id == item_id).order_by(InboxEvent.id)
            )
        )


def test_done_stops_the_clock_and_new_restarts_it(store, accounts):
    item_id = add(store, accounts[0], "a", "Open on Sunday?")
    with store.transaction() as session:
        inbox_store.set_status(session, item_id, InboxStatus.DONE)
    with store.session() as session:
        assert session.get(InboxItem, item_id).due_at is None
    with store.transaction() as session:
        inbox_store.set_status(session, item_id, InboxStatus.NEW)
    with store.session() as session:
        assert session.get(InboxItem, item_id).due_at == MONDAY_9 + timedelta(hours=6)
    assert events(store, item_id) == ["status", "status"]


def test_spam_needs_no_answer(store, accounts):
    item_id = add(store, accounts[0], "a", "cheap followers")
    with store.transaction() as session:
        inbox_store.set_category(session, item_id, InboxCategory.SPAM)
    with store.session() as session:
        row = session.get(InboxItem, item_id)
        assert row.due_at is None and row.category_source == "manual"


def test_escalation_keeps_a_note_and_can_be_withdrawn(store, accounts, db):
    item_id = add(store, accounts[0], "a", "I want my money back")
    with store.transaction() as session:
        inbox_store.escalate(session, item_id, "Refund: owner decides")
    rows = escalated_items(db, None, MONDAY_9 - timedelta(days=1), datetime.now(UTC) + timedelta(1))
    assert [(r.item_id, r.note) for r in rows] == [(item_id, "Refund: owner decides")]
    with store.transaction() as session:
        inbox_store.withdraw_escalation(session, item_id)
    with store.session() as session:
        row = session.get(InboxItem, item_id)
        assert row.status == InboxStatus.NEW and row.due_at is not None


def test_a_reply_is_saved_queued_and_can_be_edited_after_failing(store, accounts):
    item_id = add(store, accounts[0], "a", "Open on Sunday?")
    with store.transaction() as session:
        reply_id = inbox_store.queue_reply(session, item_id, "Yes, 9 to 5!")
    with store.transaction() as session:
        reply = session.get(Reply, reply_id)
        reply.status, reply.error = ReplyStatus.FAILED, "Too long"
    with store.transaction() as session:
        inbox_store.requeue_reply(session, reply_id, "Yes!")
    with store.session() as session:
        reply = session.get(Reply, reply_id)
        assert (reply.status, reply.body, reply.error) == (ReplyStatus.QUEUED, "Yes!", "")
    with store.transaction() as session, pytest.raises(ValueError):
        inbox_store.queue_reply(session, item_id, "   ")


def test_newly_overdue_tells_each_item_once(store, accounts, db):
    late = add(store, accounts[0], "a", "Hello?", when=MONDAY_9 - timedelta(days=14))
    add(store, accounts[0], "b", "Fresh", when=datetime.now(UTC))
    with store.transaction() as session:
        first = inbox_store.newly_overdue(session)
    with store.transaction() as session:
        second = inbox_store.newly_overdue(session)
    assert [o.item_id for o in first] == [late] and second == []
    assert overdue_count(db) == 1
    assert count_items(db, InboxFilter(overdue_only=True)) == 1


def test_changing_working_hours_re_times_open_items(store, accounts, client_id):
    item_id = add(store, accounts[0], "a", "Open on Sunday?")
    with store.transaction() as session:
        settings = load_settings(session, client_id)
        settings.reply_target_hours = 2
        save_client(session, settings, client_id)
    with store.session() as session:
        assert session.get(InboxItem, item_id).due_at == MONDAY_9 + timedelta(hours=2)


def test_filters_and_search_combine(store, accounts, db):
    add(store, accounts[0], "a", "Kafija ir lieliska, paldies!", author_name="Jānis")
    add(store, accounts[0], "b", "Спасибо за кофе", kind="mention")
    add(store, accounts[1], "c", "Where are you located?", author_name="Anna Schmidt")
    assert count_items(db, InboxFilter()) == 3
    assert count_items(db, InboxFilter(account_id=accounts[1])) == 1
    assert count_items(db, InboxFilter(platform="sandbox")) == 2
    assert count_items(db, InboxFilter(kind="mention")) == 1
    assert count_items(db, InboxFilter(search="спас")) == 1
    assert count_items(db, InboxFilter(search="paldies", platform="mastodon")) == 0
    assert count_items(db, InboxFilter(search="schmidt")) == 1  # the author
    assert count_items(db, InboxFilter(search='"*) OR NEAR(')) == 0  # no syntax error
    page = list_page(db, InboxFilter(), 0, 10)  # same time: the newest row first
    assert [row.body[:5] for row in page] == ["Where", "Спаси", "Kafij"]
    assert [row.body for row in list_page(db, InboxFilter(), 1, 1)] == ["Спасибо за кофе"]


def test_detail_has_the_thread_replies_history_and_author(store, accounts, db):
    first = add(store, accounts[0], "a", "Is it vegan?", post_remote_id="p1")
    second = add(
        store, accounts[0], "b", "Me too!", post_remote_id="p1", parent_remote_id="a",
        when=MONDAY_9 + timedelta(minutes=5),
    )  # fmt: skip
    with store.transaction() as session:
        inbox_store.queue_reply(session, first, "Yes, oat milk.")
    detail = item_detail(db, second)
    assert [entry.item_id for entry in detail.thread] == [first, second]
    assert detail.parent_in_store
    assert [r.body for r in detail.replies] == ["Yes, oat milk."]
    assert item_detail(db, first).history[0].kind == "reply_queued"
    assert detail.author.items == 1 and detail.client_name == "Kafija Rīga"
    assert item_detail(db, 999) is None


def test_audience_leaders_leave_out_the_brand_itself(store, accounts, db):
    for n in range(3):
        add(store, accounts[0], f"x{n}", "hi", author_id="fan", author_name="Big Fan")
    add(store, accounts[0], "y", "hi", author_id="other")
    add(store, accounts[0], "z1", "we answer", author_id="me")
    add(store, accounts[0], "z2", "we answer", author_id="me")
    add(store, accounts[0], "z3", "we answer", author_id="me")
    add(store, accounts[0], "z4", "we answer", author_id="me")
    client = 1
    leaders = audience_leaders(
        db, client, MONDAY_9 - timedelta(days=1), MONDAY_9 + timedelta(days=1)
    )
    assert [(leader.author_name, leader.items) for leader in leaders] == [
        ("Big Fan", 3),
        ("Ilze", 1),
    ]
