"""Bluesky: the conversation around an inbox item, and hiding replies in our threads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from smmdesk.platforms.base import (
    BadResponse,
    ConnectorError,
    InboxKind,
    PermanentError,
    PublishRequest,
    RateLimited,
    RemoteInboxItem,
    TransientError,
)
from smmdesk.platforms.bluesky import BlueskyConnector
from smmdesk.platforms.bluesky_thread import MAX_HIDDEN, THREADGATE
from tests.fakes.bluesky_fake import BlueskyFake
from tests.fakes.http_fake import Failure
from tests.platforms.test_bluesky_inbox import PASSWORD, make

THREAD = "/xrpc/app.bsky.feed.getPostThread"
PUT = "/xrpc/com.atproto.repo.putRecord"


@pytest.fixture
def fake() -> Iterator[BlueskyFake]:
    with BlueskyFake() as server:
        server.add_account("brand.test", PASSWORD, display_name="Brand")
        server.add_account("ann.test", "x", display_name="Ann Bērziņa")
        server.add_account("bob.test", "y")
        yield server


@pytest.fixture
def me(fake: BlueskyFake) -> Iterator[BlueskyConnector]:
    connector = make(fake)
    yield connector
    connector.close()


def inbox(me: BlueskyConnector) -> dict[str, RemoteInboxItem]:
    return {i.remote_id: i for i in me.fetch_inbox(None).items}


def put_gate(fake: BlueskyFake, post_uri: str, **fields: object) -> None:
    """Another app (the Bluesky app) wrote the thread's reply settings."""
    did, _, rkey = post_uri[5:].split("/")
    value = {"$type": THREADGATE, "post": post_uri, "createdAt": "2026-01-01T00:00:00.000Z"}
    with fake.lock:
        fake._store_record(did, THREADGATE, rkey, {**value, **fields})


# --- conversations ----------------------------------------------------------------------


def test_the_thread_of_a_comment_is_our_post_and_its_branch(
    fake: BlueskyFake, me: BlueskyConnector
) -> None:
    ours = me.publish(PublishRequest("Our news: new café!"))
    ann, bob = fake.did_of("ann.test"), fake.did_of("bob.test")
    comment = fake.post_as(ann, "Great news! 🎉", reply_to=ours.remote_id)
    other = fake.post_as(bob, "Another branch", reply_to=ours.remote_id)
    nested = fake.post_as(bob, "I agree", reply_to=comment)
    item = inbox(me)[comment]
    answer = me.reply(item, "Thank you!")
    again = fake.post_as(ann, "You're welcome", reply_to=answer)
    thread = me.fetch_thread(item)
    assert thread.post_text == "Our news: new café!"
    assert thread.post_url == ours.url
    assert [i.remote_id for i in thread.items] == [comment, nested, answer, again]
    assert other not in [i.remote_id for i in thread.items]  # another conversation
    by_id = {i.remote_id: i for i in thread.items}
    assert by_id[comment] == item  # read the way the inbox reads it
    assert by_id[nested].kind is InboxKind.REPLY and by_id[nested].parent_remote_id == comment
    assert by_id[answer].kind is InboxKind.REPLY and by_id[answer].author_id == me._did()
    assert by_id[answer].parent_remote_id == comment
    assert by_id[again].post_remote_id == ours.remote_id
    sent = fake.requests_to("GET", THREAD)[-1].query
    assert sent["uri"] == [comment] and sent["depth"] and sent["parentHeight"]


def test_from_deep_in_a_thread_the_parents_come_too(
    fake: BlueskyFake, me: BlueskyConnector
) -> None:
    ours = me.publish(PublishRequest("Question of the day?"))
    ann, bob = fake.did_of("ann.test"), fake.did_of("bob.test")
    comment = fake.post_as(ann, "Yes", reply_to=ours.remote_id)
    nested = fake.post_as(bob, "No", reply_to=comment)
    deeper = fake.post_as(ann, "Why not?", reply_to=nested)
    thread = me.fetch_thread(inbox(me)[nested])
    assert thread.post_text == "Question of the day?"
    assert [i.remote_id for i in thread.items] == [comment, nested, deeper]
    assert thread.items[0].kind is InboxKind.COMMENT


def test_a_mention_that_starts_a_conversation_has_no_post(
    fake: BlueskyFake, me: BlueskyConnector
) -> None:
    ann, bob = fake.did_of("ann.test"), fake.did_of("bob.test")
    mention = fake.post_as(ann, "Have you seen", mention=me._did())
    answer = fake.post_as(bob, "Yes!", reply_to=mention)
    thread = me.fetch_thread(inbox(me)[mention])
    assert (thread.post_text, thread.post_url) == ("", "")
    assert [i.remote_id for i in thread.items] == [mention, answer]
    assert thread.items[0].kind is InboxKind.MENTION


def test_a_deleted_item_comes_back_removed_and_a_deleted_root_leaves_no_post(
    fake: BlueskyFake, me: BlueskyConnector
) -> None:
    ann = fake.did_of("ann.test")
    theirs = fake.post_as(fake.did_of("bob.test"), "Bob's post")
    comment = fake.post_as(ann, "@brand.test look", reply_to=theirs)
    gone = fake.post_as(ann, "spam", mention=me._did())
    items = inbox(me)
    fake.delete_as(gone)
    thread = me.fetch_thread(items[gone])
    assert thread.post_text == "" and thread.items == [replace(items[gone], removed=True)]
    below = fake.post_as(fake.did_of("bob.test"), "@brand.test and?", reply_to=comment)
    fake.delete_as(theirs)
    item = RemoteInboxItem(comment, InboxKind.REPLY, ann, "Ann", "", datetime.now(UTC))
    thread = me.fetch_thread(item)
    assert thread.post_text == "" and [i.remote_id for i in thread.items] == [comment, below]
    # from further down, the nearest parent is not taken for the (deleted) post
    thread = me.fetch_thread(RemoteInboxItem(below, InboxKind.REPLY, "", "", "", item.created_at))
    assert thread.post_text == "" and [i.remote_id for i in thread.items] == [comment, below]


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (Failure.status(429, {"error": "RateLimitExceeded"}), RateLimited),
        (Failure.server_error(502), TransientError),
        (Failure.html(502), TransientError),
        (Failure.garbage(), BadResponse),
        (Failure.status(200, {"thread": {"$type": "x", "post": 5}}), BadResponse),
    ],
)
def test_thread_failures_are_connector_errors(
    fake: BlueskyFake, me: BlueskyConnector, failure: Failure, error: type
) -> None:
    mention = fake.post_as(fake.did_of("ann.test"), "hi", mention=me._did())
    item = inbox(me)[mention]
    fake.fail_next(failure, path_prefix=THREAD)
    with pytest.raises(ConnectorError) as caught:
        me.fetch_thread(item)
    assert isinstance(caught.value, error), caught.value


# --- hiding -------------------------------------------------------------------------------


def test_hiding_writes_the_threadgate_and_showing_takes_it_back(
    fake: BlueskyFake, me: BlueskyConnector
) -> None:
    assert me.capabilities.can_hide_comments is True
    ours = me.publish(PublishRequest("Contest!"))
    ann, bob = fake.did_of("ann.test"), fake.did_of("bob.test")
    spam = fake.post_as(ann, "Buy followers", reply_to=ours.remote_id)
    nested = fake.post_as(bob, "more spam", reply_to=spam)
    items = inbox(me)
    me.hide_item(items[spam])
    gate = fake.threadgate(ours.remote_id)
    assert gate is not None
    assert gate["post"] == ours.remote_id and gate["hiddenReplies"] == [spam]
    assert "allow" not in gate  # absent: anyone may still reply ([] would stop everyone)
    assert fake.requests_to("POST", PUT)[-1].json()["swapRecord"] is None  # must be new
    me.hide_item(items[nested])  # a reply further down is hidden in the same record
    assert fake.threadgate(ours.remote_id)["hiddenReplies"] == [spam, nested]  # type: ignore[index]
    writes = fake.count("POST", PUT)
    me.hide_item(items[spam])  # hiding twice changes nothing
    assert fake.count("POST", PUT) == writes
    me.unhide_item(items[spam])
    assert fake.threadgate(ours.remote_id)["hiddenReplies"] == [nested]  # type: ignore[index]
    me.unhide_item(items[spam])  # showing a shown reply changes nothing
    assert fake.count("POST", PUT) == writes + 1


def test_hiding_keeps_the_reply_rules_another_app_set(
    fake: BlueskyFake, me: BlueskyConnector
) -> None:
    ours = me.publish(PublishRequest("Followers only"))
    spam = fake.post_as(fake.did_of("ann.test"), "spam", reply_to=ours.remote_id)
    item = inbox(me)[spam]
    rules = [{"$type": "app.bsky.feed.threadgate#followerRule"}]
    put_gate(fake, ours.remote_id, allow=rules, hiddenReplies=["at://did:plc:x/p/1"], extra=1)
    before = fake.records[f"at://{me._did()}/{THREADGATE}/{ours.remote_id.rsplit('/', 1)[1]}"]
    # another app changes the record between our read and our write: we read again
    fake.fail_next(Failure.status(400, {"error": "InvalidSwap", "message": "x"}), "POST", PUT)
    me.hide_item(item)
    gate = fake.threadgate(ours.remote_id)
    assert gate == {
        "$type": THREADGATE,
        "post": ours.remote_id,
        "createdAt": "2026-01-01T00:00:00.000Z",
        "allow": rules,
        "hiddenReplies": ["at://did:plc:x/p/1", spam],
        "extra": 1,
    }
    swaps = [r.json()["swapRecord"] for r in fake.requests_to("POST", PUT)]
    assert swaps == [before.cid, before.cid]
    # nobody may reply: an empty allow list stays empty
    put_gate(fake, ours.remote_id, allow=[], hiddenReplies=[spam])
    me.unhide_item(item)
    assert fake.threadgate(ours.remote_id) == {
        "$type": THREADGATE,
        "post": ours.remote_id,
        "createdAt": "2026-01-01T00:00:00.000Z",
        "allow": [],
        "hiddenReplies": [],
    }


def test_a_lasting_conflict_is_a_transient_error(fake: BlueskyFake, me: BlueskyConnector) -> None:
    ours = me.publish(PublishRequest("Busy"))
    spam = fake.post_as(fake.did_of("ann.test"), "spam", reply_to=ours.remote_id)
    invalid = Failure.status(400, {"error": "InvalidSwap", "message": "Record was at x"})
    fake.fail_next(invalid, "POST", PUT, times=3)
    with pytest.raises(TransientError):
        me.hide_item(inbox(me)[spam])
    assert fake.threadgate(ours.remote_id) is None


def test_only_replies_in_our_own_threads_can_be_hidden(
    fake: BlueskyFake, me: BlueskyConnector
) -> None:
    ann, bob = fake.did_of("ann.test"), fake.did_of("bob.test")
    theirs = fake.post_as(bob, "Bob's post")
    under_theirs = fake.post_as(ann, "@brand.test hi", reply_to=theirs)
    mention = fake.post_as(ann, "look", mention=me._did())
    items = inbox(me)
    for item in (
        items[mention],
        RemoteInboxItem(under_theirs, InboxKind.REPLY, ann, "A", "", datetime.now(UTC)),
    ):
        with pytest.raises(PermanentError):
            me.hide_item(item)
    assert fake.count("POST", PUT) == 0


def test_a_reply_without_its_post_finds_the_thread_root(
    fake: BlueskyFake, me: BlueskyConnector
) -> None:
    ours = me.publish(PublishRequest("Hello"))
    ann = fake.did_of("ann.test")
    spam = fake.post_as(ann, "spam", reply_to=ours.remote_id)
    item = RemoteInboxItem(spam, InboxKind.COMMENT, ann, "Ann", "spam", datetime.now(UTC))
    me.hide_item(item)
    assert fake.threadgate(ours.remote_id)["hiddenReplies"] == [spam]  # type: ignore[index]


def test_a_full_list_of_hidden_replies_is_said_plainly(
    fake: BlueskyFake, me: BlueskyConnector
) -> None:
    ours = me.publish(PublishRequest("Viral"))
    spam = fake.post_as(fake.did_of("ann.test"), "spam", reply_to=ours.remote_id)
    full = [f"at://did:plc:x/app.bsky.feed.post/{n}" for n in range(MAX_HIDDEN)]
    put_gate(fake, ours.remote_id, hiddenReplies=full)
    with pytest.raises(PermanentError, match=str(MAX_HIDDEN)):
        me.hide_item(inbox(me)[spam])
