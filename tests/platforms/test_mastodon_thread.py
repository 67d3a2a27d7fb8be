"""Mastodon: edits reaching the inbox, deletions, and the conversation around an item."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from smmdesk.platforms.base import (
    BadResponse,
    ConnectorError,
    InboxKind,
    PublishRequest,
    RateLimited,
    RemoteInboxItem,
    TransientError,
    Unsupported,
)
from tests.fakes.http_fake import Failure
from tests.fakes.mastodon_fake import MastodonFake
from tests.platforms.test_mastodon import make


@pytest.fixture
def fake():
    with MastodonFake() as server:
        server.add_account("ana", "other.social", display_name="Ana Álvarez")
        server.add_account("local_bob", display_name="Bob")
        yield server


@pytest.fixture
def connector(fake):
    connector = make(fake)
    connector.validate()
    yield connector
    connector.close()


def test_an_edit_of_a_boosted_reply_comes_again_under_its_id(fake, connector):
    post = connector.publish(PublishRequest("Our new menu"))
    reply = fake.add_reply("ana@other.social", post.remote_id, "looks tasty")
    first = connector.fetch_inbox(None)
    [original] = first.items
    assert not original.edited
    fake.boost(fake.me, reply)  # Mastodon tells of edits only those who boosted
    fake.advance(60)
    fake.edit_as(reply, "@me looks tasty, and cheap!")
    second = connector.fetch_inbox(first.cursor)
    [edited] = second.items
    assert edited.remote_id == original.remote_id == reply
    assert edited.edited and edited.text == "@me looks tasty, and cheap!"
    assert (edited.kind, edited.post_remote_id, edited.created_at) == (
        original.kind,
        original.post_remote_id,
        original.created_at,
    )
    assert connector.fetch_inbox(second.cursor).items == []


def test_without_a_boost_an_edit_shows_only_when_the_item_is_read_again(fake, connector):
    fake.add_mention("local_bob", "hi")
    mention = fake.add_mention("ana@other.social", "typo")
    page = connector.fetch_inbox(None)
    fake.edit_as(mention, "@me no typo")
    assert connector.fetch_inbox(page.cursor).items == []  # no notification for mentioned
    again = {i.remote_id: i for i in make(fake).fetch_inbox(None).items}
    assert again[mention].edited and again[mention].text == "@me no typo"
    assert not [i for i in again.values() if i.remote_id != mention and i.edited]


def test_an_update_of_a_status_not_to_us_is_not_an_item(fake, connector):
    other = fake.post_as(fake.account_id("local_bob"), "Bob's own news")
    page = connector.fetch_inbox(None)
    fake.boost(fake.me, other)
    fake.edit_as(other, "Bob's own news, corrected")
    assert [n["type"] for n in fake.s["notifications"].values()] == ["update"]
    assert connector.fetch_inbox(page.cursor).items == []


def test_a_deleted_reply_is_not_reported_and_its_thread_says_it_is_gone(fake, connector):
    post = connector.publish(PublishRequest("Menu"))
    reply = fake.add_reply("ana@other.social", post.remote_id, "spam spam")
    page = connector.fetch_inbox(None)
    [item] = page.items
    fake.delete_as(reply)
    assert connector.fetch_inbox(page.cursor).items == []
    thread = connector.fetch_thread(item)
    assert (thread.post_text, thread.post_url) == ("", "")
    assert thread.items == [replace(item, removed=True)]


def test_the_thread_of_a_reply_is_the_post_and_everything_under_it(fake, connector):
    post = connector.publish(PublishRequest("Our new menu:\n\nsoup & bread"))
    ana = fake.add_reply("ana@other.social", post.remote_id, "looks <tasty>")
    fake.advance(10)
    bob = fake.post_as(fake.account_id("local_bob"), "@ana @me first!", post.remote_id)
    fake.advance(10)
    [item, _] = connector.fetch_inbox(None).items
    answer = connector.reply(item, "Thank you!")
    fake.advance(10)
    deeper = fake.post_as(fake.account_id("local_bob"), "@me what about soup?", answer)
    fake.advance(10)
    fake.edit_as(ana, "@me looks <tasty>!")
    thread = connector.fetch_thread(item)
    assert thread.post_text == "Our new menu:\n\nsoup & bread"
    assert thread.post_url == post.url
    # the item's own branch (a sibling like Bob's is another conversation), oldest first
    assert [i.remote_id for i in thread.items] == [ana, answer, deeper]
    assert bob not in [i.remote_id for i in connector.fetch_thread(item).items]
    by_id = {i.remote_id: i for i in thread.items}
    assert by_id[ana].text == "@me looks <tasty>!" and by_id[ana].edited
    assert by_id[ana].kind is InboxKind.REPLY and by_id[ana].post_remote_id == post.remote_id
    assert by_id[answer].kind is InboxKind.REPLY and by_id[answer].author_id == fake.me
    assert by_id[answer].parent_remote_id == ana
    assert by_id[deeper].kind is InboxKind.REPLY and by_id[deeper].parent_remote_id == answer
    assert all(i.created_at.tzinfo is not None for i in thread.items)
    # asked from deeper in the conversation, the same thread
    deep_item = RemoteInboxItem(deeper, InboxKind.MENTION, "", "", "", datetime.now(UTC))
    assert connector.fetch_thread(deep_item) == thread


def test_a_mention_that_starts_a_conversation_has_no_post(fake, connector):
    mention = fake.add_mention("ana@other.social", "hello there")
    fake.advance(5)
    answer = fake.post_as(fake.account_id("local_bob"), "@ana @me hi both", mention)
    [item, _] = connector.fetch_inbox(None).items
    thread = connector.fetch_thread(item)
    assert (thread.post_text, thread.post_url) == ("", "")
    assert [i.remote_id for i in thread.items] == [mention, answer]


def test_a_private_thread_stays_messages(fake, connector):
    first = fake.add_dm("ana@other.social", "a question")
    [item] = connector.fetch_inbox(None).items
    ours = connector.reply(item, "an answer")
    fake.advance(5)
    again = fake.add_dm("ana@other.social", "thanks", in_reply_to_id=ours)
    thread = connector.fetch_thread(
        RemoteInboxItem(again, InboxKind.DIRECT_MESSAGE, "", "", "", item.created_at)
    )
    assert thread.post_text == "@me a question"  # the conversation's first message
    assert [(i.remote_id, i.kind) for i in thread.items] == [
        (ours, InboxKind.DIRECT_MESSAGE),
        (again, InboxKind.DIRECT_MESSAGE),
    ]
    assert first not in [i.remote_id for i in thread.items]


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (Failure.rate_limited(), RateLimited),
        (Failure.server_error(503), TransientError),
        (Failure.html(), TransientError),
        (Failure.status(200, ["not", "an", "object"]), BadResponse),
        (Failure.garbage(), BadResponse),
    ],
)
def test_thread_failures_are_connector_errors(fake, connector, failure, error):
    mention = fake.add_mention("ana@other.social", "hello")
    [item] = connector.fetch_inbox(None).items
    fake.fail_next(failure, path_prefix=f"/api/v1/statuses/{mention}/context")
    with pytest.raises(ConnectorError) as caught:
        connector.fetch_thread(item)
    assert isinstance(caught.value, error), caught.value


def test_a_thread_of_odd_shapes_still_reads(fake, connector):
    mention = fake.add_mention("ana@other.social", "hello")
    [item] = connector.fetch_inbox(None).items
    odd = {"ancestors": [None, 5, {"id": None}], "descendants": "nope"}
    fake.fail_next(Failure.status(200, odd), path_prefix=f"/api/v1/statuses/{mention}/context")
    thread = connector.fetch_thread(item)
    assert [i.remote_id for i in thread.items] == [mention]


def test_mastodon_cannot_hide_replies(fake, connector):
    assert connector.capabilities.can_hide_comments is False
    item = RemoteInboxItem("1", InboxKind.REPLY, "2", "A", "t", datetime.now(UTC))
    for call in (connector.hide_item, connector.unhide_item):
        with pytest.raises(Unsupported):
            call(item)
