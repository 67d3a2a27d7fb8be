"""Ideas and idea sources in the store, and their sqlite3 read path."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from smmdesk.core.vocabulary import ContentType, PostStatus
from smmdesk.store import idea_queries, ideas
from smmdesk.store.ideas import FeedEntry
from smmdesk.store.models import Account, Idea, IdeaSource, InboxItem, Post

T0 = datetime(2025, 10, 8, 7, 15, 30, 250000, tzinfo=UTC)
COMMENT = (
    "Do you ever do tasting evenings? My friends and I would love to try the single-origin "
    "beans side by side, maybe with a short talk about where they come from."
)


@pytest.fixture
def db(store):
    connection = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    yield connection
    connection.close()


def entries(*keys: str) -> list[FeedEntry]:
    return [
        FeedEntry(
            entry_id=key,
            title=f"Entry {key}",
            summary=f"About {key}",
            link=f"https://kafija.example/{key}",
        )
        for key in keys
    ]


def make_source(store, client_id, url="https://kafija.example/feed.xml", title="Kafija blog"):
    with store.transaction() as session:
        return ideas.add_source(session, client_id, url, title)


def make_comment(store, client_id, body=COMMENT):
    with store.transaction() as session:
        account = Account(client_id=client_id, platform="sandbox", handle="@kafija", vault_key="k1")
        session.add(account)
        session.flush()
        item = InboxItem(
            account_id=account.id,
            kind="comment",
            remote_id="c-1",
            author_name="Anna Bērziņa",
            body=body,
            url="https://sandbox.example/kafija/1#c-1",
            created_at=T0,
        )
        session.add(item)
        session.flush()
        return item.id


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the address"),
        ("kafija.example/feed", "starts with https://"),
        ("ftp://kafija.example/feed", "starts with https://"),
        ("javascript:alert(1)", "starts with https://"),
        ("https:///feed.xml", "no server name"),
        ("https://kafija.example/my feed", "spaces"),
        ("https://anna:secret@kafija.example/feed", "password"),
    ],
)
def test_add_source_rejects_what_is_not_a_web_address(store, client_id, url, message):
    with store.transaction() as session, pytest.raises(ValueError, match=message):
        ideas.add_source(session, client_id, url)


def test_add_source_trims_and_refuses_duplicates(store, client_id):
    source_id = make_source(store, client_id, "  https://kafija.example/feed.xml \n", "")
    with store.session() as session:
        source = session.get(IdeaSource, source_id)
        assert source.url == "https://kafija.example/feed.xml"
        assert source.next_poll_at is None  # due at once
    with store.transaction() as session, pytest.raises(ValueError, match="already"):
        ideas.add_source(session, client_id, "https://kafija.example/feed.xml")


def test_feed_entries_are_stored_once(store, client_id):
    source_id = make_source(store, client_id)
    with store.transaction() as session:
        first = ideas.store_feed_entries(session, source_id, entries("a", "b", "a"))
    with store.transaction() as session:
        again = ideas.store_feed_entries(session, source_id, entries("a", "b", "c"))
    assert (first, again) == (2, 1)
    with store.session() as session:
        keys = session.scalars(select(Idea.entry_id).order_by(Idea.id)).all()
    assert keys == ["a", "b", "c"]


def test_an_entry_without_id_is_known_by_its_link(store, client_id):
    source_id = make_source(store, client_id)
    entry = FeedEntry(entry_id="", title="", summary="Only a summary", link="https://k.example/x")
    with store.transaction() as session:
        assert ideas.store_feed_entries(session, source_id, [entry, entry]) == 1
        assert ideas.store_feed_entries(session, source_id, [entry]) == 0
        idea = session.scalars(select(Idea)).one()
        assert (idea.entry_id, idea.title) == ("https://k.example/x", "Only a summary")


def test_removing_a_source_keeps_its_ideas_and_adding_it_back_adds_nothing_twice(store, client_id):
    source_id = make_source(store, client_id)
    with store.transaction() as session:
        ideas.store_feed_entries(session, source_id, entries("a", "b"))
    with store.transaction() as session:
        ideas.remove_source(session, source_id)
    with store.session() as session:
        assert session.scalar(select(func.count(IdeaSource.id))) == 0
        assert session.scalars(select(Idea.source_id)).all() == [None, None]

    again = make_source(store, client_id)
    with store.transaction() as session:
        assert ideas.store_feed_entries(session, again, entries("a", "b", "c")) == 1


def test_idea_to_draft_makes_one_draft_with_the_link(store, client_id):
    with store.transaction() as session:
        idea_id = ideas.add_idea(
            session,
            client_id,
            "Octopus Day",
            "8 October: eight-armed latte art?",
            "https://o.example",
        )
    with store.transaction() as session:
        post_id = ideas.idea_to_draft(session, idea_id)
    with store.transaction() as session:
        again = ideas.idea_to_draft(session, idea_id)
    assert again == post_id
    with store.session() as session:
        assert session.scalar(select(func.count(Post.id))) == 1
        post = session.get(Post, post_id)
        assert post.status == PostStatus.DRAFT and post.client_id == client_id
        assert post.content_type == ContentType.LINK
        assert post.scheduled_at is None
        assert post.body == "Octopus Day\n\n8 October: eight-armed latte art?\n\nhttps://o.example"
        assert session.get(Idea, idea_id).post_id == post_id


def test_an_idea_without_a_link_becomes_a_text_draft(store, client_id):
    with store.transaction() as session:
        idea_id = ideas.add_idea(session, client_id, "  Tuesday   tip: grind size ")
        post_id = ideas.idea_to_draft(session, idea_id)
        post = session.get(Post, post_id)
        assert post.content_type == ContentType.TEXT
        assert post.body == "Tuesday tip: grind size"


def test_add_idea_checks_its_input(store, client_id):
    with store.transaction() as session:
        with pytest.raises(ValueError, match="title"):
            ideas.add_idea(session, client_id, "   ")
        with pytest.raises(ValueError, match="https://"):
            ideas.add_idea(session, client_id, "Ok", link="file:///etc/passwd")


def test_an_inbox_comment_becomes_an_idea_and_stays_as_it_was(store, client_id):
    item_id = make_comment(store, client_id)
    with store.transaction() as session:
        idea_id = ideas.inbox_item_to_idea(session, item_id)
    with store.transaction() as session:
        assert ideas.inbox_item_to_idea(session, item_id) == idea_id  # no second idea
    with store.session() as session:
        idea = session.get(Idea, idea_id)
        assert idea.client_id == client_id and idea.source_id is None
        assert len(idea.title) <= ideas.TITLE_LENGTH and idea.title.endswith("…")
        assert idea.title.startswith("Do you ever do tasting evenings?")
        assert "Anna Bērziņa" in idea.body and COMMENT in idea.body
        assert idea.link == "https://sandbox.example/kafija/1#c-1"
        item = session.get(InboxItem, item_id)
        assert (item.body, item.status, item.category) == (COMMENT, "new", "unsorted")
        assert item.first_response_at is None


def test_a_draft_from_a_comment_is_not_a_link_post(store, client_id):
    item_id = make_comment(store, client_id, body="Short question?")
    with store.transaction() as session:
        post_id = ideas.idea_to_draft(session, ideas.inbox_item_to_idea(session, item_id))
        post = session.get(Post, post_id)
        assert post.content_type == ContentType.TEXT
        assert "https://" not in post.body and "Short question?" in post.body
        assert post.body.count("Short question?") == 1  # the title is not repeated
        assert "https://sandbox.example/kafija/1#c-1" in post.notes


def test_dismiss_and_restore(store, client_id, db):
    with store.transaction() as session:
        keep = ideas.add_idea(session, client_id, "Keep")
        drop = ideas.add_idea(session, client_id, "Drop")
        ideas.dismiss_idea(session, drop)
    assert [r.id for r in idea_queries.list_ideas(db, client_id)] == [keep]
    shown = idea_queries.list_ideas(db, client_id, include_dismissed=True)
    assert {r.id: r.dismissed for r in shown} == {keep: False, drop: True}
    with store.transaction() as session:
        ideas.restore(session, drop)
    assert len(idea_queries.list_ideas(db, client_id)) == 2
    with store.transaction() as session, pytest.raises(LookupError):
        ideas.dismiss_idea(session, 999)


def test_read_path_matches_what_the_orm_wrote(store, client_id, db):
    source_id = make_source(store, client_id)
    entry = FeedEntry("g1", "Cardamom", "Spice", "https://k.example/1", T0)
    with store.transaction() as session:
        ideas.store_feed_entries(session, source_id, [entry])
        manual = ideas.add_idea(session, client_id, "Manual")
        ideas.record_poll_failure(session, source_id, "The feed answered 404 Not Found", now=T0)
    item_id = make_comment(store, client_id)
    with store.transaction() as session:
        from_inbox = ideas.inbox_item_to_idea(session, item_id)

    rows = {r.id: r for r in idea_queries.list_ideas(db, client_id)}
    feed_row = next(r for r in rows.values() if r.source_id == source_id)
    assert feed_row.origin == "Kafija blog"
    assert (feed_row.title, feed_row.body, feed_row.link) == ("Cardamom", "Spice", entry.link)
    assert feed_row.published_at == T0 and feed_row.when == T0
    assert rows[manual].origin == "" and rows[manual].published_at is None
    assert rows[manual].created_at.tzinfo is UTC
    assert rows[from_inbox].origin == "Inbox"
    assert idea_queries.get_idea(db, manual).title == "Manual"
    assert idea_queries.list_ideas(db, client_id + 1) == []
    assert len(idea_queries.list_ideas(db, None)) == 3

    (source_row,) = idea_queries.list_sources(db, client_id)
    assert source_row.error == "The feed answered 404 Not Found" and not source_row.ok
    assert source_row.failures == 1 and source_row.idea_count == 1
    assert source_row.next_poll_at == T0 + timedelta(minutes=15)
    assert source_row.last_fetched_at is None
    assert idea_queries.client_timezone(db, client_id) == "Europe/Riga"

    with store.transaction() as session:
        ideas.record_poll_success(session, source_id, etag='"x"', now=T0)
    (source_row,) = idea_queries.list_sources(db, client_id)
    assert source_row.ok and source_row.failures == 0 and source_row.last_fetched_at == T0


def test_due_sources(store, client_id):
    never = make_source(store, client_id, "https://a.example/feed")
    later = make_source(store, client_id, "https://b.example/feed")
    past = make_source(store, client_id, "https://c.example/feed")
    now = datetime.now(UTC)
    with store.transaction() as session:
        session.get(IdeaSource, later).next_poll_at = now + timedelta(minutes=5)
        session.get(IdeaSource, past).next_poll_at = now - timedelta(minutes=5)
    with store.session() as session:
        assert ideas.due_sources(session, now) == [(never, client_id), (past, client_id)]
