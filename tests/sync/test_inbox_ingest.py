"""Storing fetched inbox items: idempotent, classified, timed, and never deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from smmdesk.core.vocabulary import InboxCategory, InboxKind, InboxStatus
from smmdesk.platforms.base import RemoteInboxItem
from smmdesk.store import inbox as inbox_store
from smmdesk.store.inbox_search import search_ids
from smmdesk.store.models import Account, InboxEvent, InboxItem
from smmdesk.sync.inbox_ingest import IngestRules, ingest_page

# A Wednesday in Riga, 10:00 local (08:00 UTC in November): inside working hours.
WEDNESDAY_10 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.fixture
def account_id(store, client_id):
    with store.transaction() as session:
        account = Account(client_id=client_id, platform="sandbox", handle="@kafija", vault_key="k1")
        session.add(account)
        session.flush()
        return account.id


def item(remote_id: str, text: str, **extra) -> RemoteInboxItem:
    values = {
        "kind": InboxKind.COMMENT,
        "author_id": "u-" + remote_id,
        "author_name": "Ilze Ozola",
        "created_at": WEDNESDAY_10,
        "post_remote_id": "p1",
    }
    values.update(extra)
    return RemoteInboxItem(remote_id=remote_id, text=text, **values)


def ingest(store, account_id, items):
    with store.transaction() as session:
        rules = IngestRules.for_account(session, account_id)
        return ingest_page(session, account_id, items, rules)


def stored(store, remote_id):
    with store.session() as session:
        row = session.scalar(select(InboxItem).where(InboxItem.remote_id == remote_id))
        session.expunge(row)
        return row


def test_new_items_are_classified_and_get_a_deadline_in_working_time(store, account_id):
    count = ingest(
        store,
        account_id,
        [
            item("a", "How much is a cardamom latte?"),
            item("b", "Paldies, ļoti garšīgi!"),
            item("c", "Earn $500 a day from home, click t.me/xyz now"),
        ],
    )
    assert (count.added, count.updated) == (3, 0)
    question = stored(store, "a")
    assert question.category == InboxCategory.QUESTION and question.category_source == "auto"
    assert question.status == InboxStatus.NEW
    # 6 working hours from 10:00 on a 9-18 day: 16:00 Riga time, 14:00 UTC.
    assert question.due_at == WEDNESDAY_10 + timedelta(hours=6)
    assert stored(store, "b").category == InboxCategory.PRAISE
    assert stored(store, "b").language == "lv"
    spam = stored(store, "c")
    assert spam.category == InboxCategory.SPAM and spam.due_at is None


def test_a_second_sync_of_the_same_items_adds_nothing(store, account_id):
    page = [item(str(n), f"comment number {n}") for n in range(50)]
    assert ingest(store, account_id, page).added == 50
    again = ingest(store, account_id, page)
    assert (again.added, again.updated) == (0, 0)
    with store.session() as session:
        assert session.scalar(select(func.count(InboxItem.id))) == 50


def test_an_edit_updates_the_text_the_search_and_the_history(store, account_id):
    ingest(store, account_id, [item("a", "Lovely croissants")])
    count = ingest(store, account_id, [item("a", "Stale croissants, disappointed", edited=True)])
    assert count.updated == 1
    row = stored(store, "a")
    assert row.body == "Stale croissants, disappointed" and row.edited_at is not None
    with store.session() as session:
        assert search_ids(session, "disappointed") == [row.id]
        assert search_ids(session, "lovely") == []
        events = session.scalars(select(InboxEvent.kind).where(InboxEvent.item_id == row.id))
        assert list(events) == ["edited"]


def test_an_edit_keeps_the_managers_own_category(store, account_id):
    ingest(store, account_id, [item("a", "Lovely croissants")])
    with store.transaction() as session:
        inbox_store.set_category(session, stored(store, "a").id, InboxCategory.OTHER)
    ingest(store, account_id, [item("a", "Where are you? How late are you open?", edited=True)])
    assert stored(store, "a").category == InboxCategory.OTHER


def test_a_removed_item_is_kept_and_marked(store, account_id):
    ingest(store, account_id, [item("a", "You are the worst café")])
    ingest(store, account_id, [item("a", "", removed=True)])
    row = stored(store, "a")
    assert row.body == "You are the worst café" and row.removed_at is not None
    # The same removal reported again changes nothing.
    assert ingest(store, account_id, [item("a", "", removed=True)]).updated == 0


def test_hostile_text_is_stored_capped_and_searchable(store, account_id):
    huge = "spam " * 100_000
    ingest(store, account_id, [item("a", huge), item("b", "\u202eevil\u0000 <b>bold</b>")])
    assert len(stored(store, "a").body) == 20_000
    assert stored(store, "b").body == "\u202eevil\u0000 <b>bold</b>"
