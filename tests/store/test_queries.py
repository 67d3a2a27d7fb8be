"""The sqlite3 read path sees exactly what the ORM wrote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from smmdesk.store.models import Account, AccountMetric, InboxItem, Post, PostTarget
from smmdesk.store.queries import StoreReader, from_stored, to_stored

T0 = datetime(2026, 3, 29, 0, 30, 15, 123456, tzinfo=UTC)


def seed(store, client_id):
    with store.transaction() as session:
        a = Account(client_id=client_id, platform="sandbox", handle="@a", vault_key="ka")
        b = Account(client_id=client_id, platform="telegram", handle="@b", vault_key="kb")
        session.add_all([a, b])
        session.flush()
        post = Post(client_id=client_id, body="Hello", status="scheduled", scheduled_at=T0)
        post.targets += [PostTarget(account_id=a.id), PostTarget(account_id=b.id)]
        session.add(post)
        session.add(Post(client_id=client_id, body="Later", scheduled_at=T0 + timedelta(days=1)))
        for n in range(5):
            session.add(
                InboxItem(
                    account_id=a.id,
                    kind="comment",
                    remote_id=f"r{n}",
                    body=f"item {n}",
                    created_at=T0 + timedelta(minutes=n),
                )
            )
        session.add(AccountMetric(account_id=a.id, measured_at=T0, followers=10))
        return a.id, b.id


def test_posts_between_matches_the_orm_times_and_bounds(store, client_id):
    seed(store, client_id)
    reader = StoreReader(store.path)
    posts = reader.posts_between(T0, T0 + timedelta(hours=1))
    assert [p.body for p in posts] == ["Hello"]
    assert posts[0].scheduled_at == T0
    assert posts[0].platforms == ("sandbox", "telegram")
    assert posts[0].timezone == "Europe/Riga"
    assert reader.posts_between(T0 + timedelta(microseconds=1), T0 + timedelta(hours=1)) == []
    assert len(reader.posts_between(T0, T0 + timedelta(days=2), client_id)) == 2
    assert reader.posts_between(T0, T0 + timedelta(days=2), client_id + 1) == []


def test_inbox_pages_newest_first_and_counts(store, client_id):
    seed(store, client_id)
    reader = StoreReader(store.path)
    assert reader.inbox_count() == 5 == reader.inbox_count(client_id)
    assert reader.inbox_count(client_id + 1) == 0
    page = reader.inbox_page(1, 2)
    assert [r.body for r in page] == ["item 3", "item 2"]
    assert page[0].created_at == T0 + timedelta(minutes=3)


def test_clients_accounts_and_history(store, client_id):
    a, _ = seed(store, client_id)
    reader = StoreReader(store.path)
    (client,) = reader.list_clients()
    assert client.name == "Kafija Rīga" and client.account_count == 2
    assert [r.handle for r in reader.list_accounts(client_id)] == ["@a", "@b"]
    assert reader.follower_history([a], T0) == {a: [(T0, 10)]}
    assert reader.count_accounts() == 2


@settings(max_examples=200)
@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)))
def test_stored_text_round_trips_and_sorts(moment):
    aware = moment.replace(tzinfo=UTC)
    assert from_stored(to_stored(aware)) == aware
    later = aware + timedelta(microseconds=1)
    assert to_stored(aware) < to_stored(later)
