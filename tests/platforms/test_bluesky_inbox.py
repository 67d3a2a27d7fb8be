"""Bluesky inbox, replies and stats against the stateful fake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from smmdesk.platforms.base import (
    ConnectorConfig,
    InboxKind,
    PermanentError,
    PublishRequest,
    RemoteInboxItem,
)
from smmdesk.platforms.bluesky import BlueskyConnector
from smmdesk.platforms.bluesky_inbox import MAX_PAGES
from tests.fakes.bluesky_fake import BlueskyFake

PASSWORD = "abcd-efgh-ijkl-mnop"
LIST = "/xrpc/app.bsky.notification.listNotifications"
GET_POSTS = "/xrpc/app.bsky.feed.getPosts"


@pytest.fixture
def fake() -> Iterator[BlueskyFake]:
    with BlueskyFake() as server:
        server.add_account("brand.test", PASSWORD, display_name="Brand")
        server.add_account("ann.test", "x", display_name="Ann Bērziņa")
        server.add_account("bob.test", "y")
        yield server


def make(fake: BlueskyFake, **options: str) -> BlueskyConnector:
    config = ConnectorConfig(
        secret={"identifier": "brand.test", "app_password": PASSWORD},
        base_url=fake.base_url,
        timeout=1.0,
        options=dict(options),
    )
    return BlueskyConnector(config)


def test_replies_mentions_and_quotes(fake: BlueskyFake) -> None:
    me = make(fake)
    ours = me.publish(
        PublishRequest("Our news", idempotency_key="0190f3a2b4c57d8e9f0a1b2c3d4e5f60")
    )
    ann, bob = fake.did_of("ann.test"), fake.did_of("bob.test")
    comment = fake.post_as(ann, "Great news! 🎉")
    comment = fake.post_as(ann, "Great news! 🎉", reply_to=ours.remote_id)
    nested = fake.post_as(bob, "I agree", reply_to=comment)
    mention = fake.post_as(bob, "Have you seen", mention=fake.did_of("brand.test"))
    quote = fake.post_as(ann, "Look at this", quote=ours.remote_id)
    fake.like(bob, ours.remote_id)  # likes are not inbox items

    page = me.fetch_inbox(None)
    by_id = {item.remote_id: item for item in page.items}
    assert list(by_id) == [comment, nested, mention, quote]  # oldest first

    first = by_id[comment]
    assert first.kind is InboxKind.COMMENT
    assert (first.post_remote_id, first.parent_remote_id) == (ours.remote_id, "")
    assert (first.author_id, first.author_handle, first.author_name) == (
        ann,
        "ann.test",
        "Ann Bērziņa",
    )
    assert first.text == "Great news! 🎉"
    assert first.url == f"https://bsky.app/profile/ann.test/post/{comment.rsplit('/', 1)[1]}"
    assert first.created_at.tzinfo is not None

    second = by_id[nested]
    assert second.kind is InboxKind.REPLY
    assert (second.post_remote_id, second.parent_remote_id) == (ours.remote_id, comment)
    assert second.author_name == "bob.test"  # no display name: the handle

    assert by_id[mention].kind is InboxKind.MENTION and by_id[mention].post_remote_id == ""
    assert by_id[quote].kind is InboxKind.MENTION
    assert by_id[quote].post_remote_id == ours.remote_id

    again = me.fetch_inbox(page.cursor)
    assert again.items == []
    newer = fake.post_as(bob, "One more", reply_to=ours.remote_id)
    third = make(fake).fetch_inbox(again.cursor)
    assert [i.remote_id for i in third.items] == [newer]


def test_pages_back_until_what_was_seen(fake: BlueskyFake) -> None:
    me = make(fake)
    ours = me.publish(PublishRequest("Popular"))
    ann = fake.did_of("ann.test")
    first = me.fetch_inbox(None)
    assert first.items == []
    for n in range(230):
        fake.post_as(ann, f"comment {n}", reply_to=ours.remote_id)
    calls = fake.count("GET", LIST)
    page = me.fetch_inbox(first.cursor)
    assert [i.text for i in page.items] == [f"comment {n}" for n in range(230)]
    assert fake.count("GET", LIST) - calls == 3  # 100 + 100 + 30
    assert me.fetch_inbox(page.cursor).items == []


def test_paging_is_bounded(fake: BlueskyFake) -> None:
    me = make(fake)
    ours = me.publish(PublishRequest("Viral"))
    ann = fake.did_of("ann.test")
    for n in range(MAX_PAGES * 100 + 50):
        fake.post_as(ann, f"c{n}", reply_to=ours.remote_id)
    calls = fake.count("GET", LIST)
    page = me.fetch_inbox(None)
    assert fake.count("GET", LIST) - calls == MAX_PAGES
    assert len(page.items) == MAX_PAGES * 100  # the newest ones


def test_a_reply_that_sorts_behind_the_last_poll_is_not_lost(fake: BlueskyFake) -> None:
    me = make(fake)
    ours = me.publish(PublishRequest("Hello"))
    ann, bob = fake.did_of("ann.test"), fake.did_of("bob.test")
    fake.post_as(ann, "first", reply_to=ours.remote_id)
    page = me.fetch_inbox(None)
    # Bob's client said it wrote this a few seconds before Ann's reply was
    # indexed; it sorts (min(createdAt, indexedAt)) behind what we have seen.
    late = fake.post_as(
        bob, "late", reply_to=ours.remote_id, created_at=fake.clock - timedelta(seconds=5)
    )
    next_page = me.fetch_inbox(page.cursor)
    assert [i.remote_id for i in next_page.items] == [late]
    assert me.fetch_inbox(next_page.cursor).items == []


def test_reasons_are_filtered_even_if_the_server_ignores_the_parameter(
    fake: BlueskyFake,
) -> None:
    fake.ignore_reasons_param = True
    me = make(fake)
    ours = me.publish(PublishRequest("Like me"))
    fake.like(fake.did_of("ann.test"), ours.remote_id)
    assert me.fetch_inbox(None).items == []
    assert fake.requests_to("GET", LIST)[0].query["reasons"] == ["reply", "mention", "quote"]


def test_unreadable_cursor_is_a_first_sync_and_options_cursor_is_used(fake: BlueskyFake) -> None:
    me = make(fake)
    ours = me.publish(PublishRequest("Hi"))
    fake.post_as(fake.did_of("ann.test"), "hey", reply_to=ours.remote_id)
    assert len(me.fetch_inbox("{not json").items) == 1
    cursor = me.fetch_inbox(None).cursor
    assert json.loads(cursor)["seen_uris"]
    assert make(fake, inbox_cursor=cursor).fetch_inbox(None).items == []


def test_reply_without_thread_refs_asks_for_the_thread(fake: BlueskyFake) -> None:
    me = make(fake)
    ours = me.publish(PublishRequest("Root"))
    ann, bob = fake.did_of("ann.test"), fake.did_of("bob.test")
    comment = fake.post_as(ann, "c", reply_to=ours.remote_id)
    nested = fake.post_as(bob, "n", reply_to=comment)
    note = fake.notifications[fake.did_of("brand.test")][-1]
    note.record = {k: v for k, v in note.record.items() if k != "reply"}
    items = {i.remote_id: i for i in me.fetch_inbox(None).items}
    assert items[nested].post_remote_id == ours.remote_id
    assert items[nested].parent_remote_id == comment
    assert fake.count("GET", "/xrpc/app.bsky.feed.getPostThread") == 1


# --- replies ---------------------------------------------------------------------------


def test_reply_to_a_comment_and_to_a_nested_reply(fake: BlueskyFake) -> None:
    me = make(fake)
    ours = me.publish(PublishRequest("Root post"))
    ann, bob = fake.did_of("ann.test"), fake.did_of("bob.test")
    comment = fake.post_as(ann, "c", reply_to=ours.remote_id)
    nested = fake.post_as(bob, "n", reply_to=comment)
    items = {i.remote_id: i for i in me.fetch_inbox(None).items}

    answer = me.reply(items[comment], "Thank you, @ann.test! 💙")
    record = fake.records[answer].value
    assert record["reply"]["root"]["uri"] == ours.remote_id
    assert record["reply"]["parent"] == {"uri": comment, "cid": fake.records[comment].cid}
    assert record["facets"][0]["features"][0]["did"] == ann

    deeper = me.reply(items[nested], "And you")
    refs = fake.records[deeper].value["reply"]
    assert refs["root"] == {"uri": ours.remote_id, "cid": fake.records[ours.remote_id].cid}
    assert refs["parent"]["uri"] == nested


def test_reply_to_a_mention_starts_at_their_post(fake: BlueskyFake) -> None:
    me = make(fake)
    mention = fake.post_as(fake.did_of("ann.test"), "hi", mention=fake.did_of("brand.test"))
    (item,) = me.fetch_inbox(None).items
    answer = me.reply(item, "Hello!")
    refs = fake.records[answer].value["reply"]
    assert refs["root"] == refs["parent"] == {"uri": mention, "cid": fake.records[mention].cid}


def test_reply_to_a_deleted_post(fake: BlueskyFake) -> None:
    me = make(fake)
    gone = fake.post_as(fake.did_of("ann.test"), "oops", mention=fake.did_of("brand.test"))
    (item,) = me.fetch_inbox(None).items
    del fake.records[gone]
    with pytest.raises(PermanentError, match="deleted"):
        me.reply(item, "Hello?")
    fake_item = RemoteInboxItem("not-a-uri", InboxKind.MENTION, "x", "x", "x", item.created_at)
    with pytest.raises(PermanentError):
        me.reply(fake_item, "Hello?")


# --- stats -------------------------------------------------------------------------------


def test_account_stats(fake: BlueskyFake) -> None:
    fake.accounts[fake.did_of("brand.test")].followers = 1234
    fake.accounts[fake.did_of("brand.test")].follows = 56
    me = make(fake)
    me.publish(PublishRequest("one"))
    stats = me.fetch_account_stats()
    assert (stats.followers, stats.following, stats.posts) == (1234, 56, 1)
    assert stats.measured_at is not None


def test_post_stats_batches_of_25_and_quotes_count_as_reposts(fake: BlueskyFake) -> None:
    me = make(fake)
    posts = [me.publish(PublishRequest(f"post {n}")).remote_id for n in range(30)]
    ann = fake.did_of("ann.test")
    fake.like(ann, posts[0])
    fake.post_as(ann, "reply", reply_to=posts[0])
    fake.post_as(ann, "quote", quote=posts[0])
    fake.extra_counts[posts[29]] = {"repostCount": 7}
    calls = fake.count("GET", GET_POSTS)
    gone = posts[1].rsplit("/", 1)[0] + "/3kaaaaaaaaaaa"
    stats = me.fetch_post_stats([*posts, gone, "junk", posts[0]])
    assert fake.count("GET", GET_POSTS) - calls == 2
    assert set(stats) == set(posts)
    first = stats[posts[0]]
    assert (first.likes, first.replies, first.reposts, first.views) == (1, 1, 1, None)
    assert stats[posts[29]].reposts == 7
    assert make(fake).fetch_post_stats([]) == {}
