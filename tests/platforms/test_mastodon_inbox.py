"""Mastodon's inbox: mentions, replies and private messages, the cursor that
makes a second fetch return nothing new, answering, and HTML to plain text."""

from __future__ import annotations

import json

import pytest

from smmdesk.platforms.base import InboxKind, PermanentError, PublishRequest, RemoteInboxItem
from smmdesk.platforms.html_text import comparable, html_to_text
from smmdesk.platforms.mastodon_inbox import read_cursor
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


def kinds(page) -> list[tuple[InboxKind, str]]:
    return [(item.kind, item.text) for item in page.items]


def test_mentions_replies_and_messages(fake, connector):
    post = connector.publish(PublishRequest("Our new menu"))
    other = fake.post_as(fake.account_id("local_bob"), "Bob's own post")
    reply = fake.add_reply("ana@other.social", post.remote_id, "Looks <tasty> & fresh!")
    fake.add_mention("local_bob", "have you seen https://example.com/some/very/long/path/indeed?")
    fake.post_as(fake.account_id("ana@other.social"), "@me @local_bob agreed", other)
    fake.add_dm("ana@other.social", "Can I book a table?\nFor two.")
    page = connector.fetch_inbox(None)
    assert kinds(page) == [
        (InboxKind.REPLY, "@me Looks <tasty> & fresh!"),
        (InboxKind.MENTION, "@me have you seen https://example.com/some/very/long/path/indeed?"),
        (InboxKind.MENTION, "@me @local_bob agreed"),
        (InboxKind.DIRECT_MESSAGE, "@me Can I book a table?\nFor two."),
    ]
    first = page.items[0]
    assert first.remote_id == reply and first.post_remote_id == post.remote_id
    assert first.parent_remote_id == post.remote_id
    assert first.author_handle == "ana@other.social" and first.author_name == "Ana Álvarez"
    assert first.author_id == fake.account_id("ana@other.social")
    assert first.url == f"https://other.social/@ana/{reply}"
    assert first.created_at.tzinfo is not None
    assert page.items[2].post_remote_id == "" and page.items[2].parent_remote_id == other
    assert page.items[1].author_handle == "local_bob"


def test_the_cursor_returns_only_what_is_new(fake, connector):
    fake.add_mention("ana@other.social", "one")
    page = connector.fetch_inbox(None)
    assert len(page.items) == 1
    assert connector.fetch_inbox(page.cursor).items == []
    fake.add_mention("ana@other.social", "two")
    fake.add_dm("ana@other.social", "three")
    newer = connector.fetch_inbox(page.cursor)
    assert [i.text for i in newer.items] == ["@me two", "@me three"]
    assert connector.fetch_inbox(newer.cursor).items == []
    sent = fake.requests_to("GET", "/api/v1/notifications")[-1]
    assert sent.query["min_id"] and sent.query["types[]"] == ["mention", "quote", "update"]


def test_many_notifications_are_paged_forward_with_min_id(fake, connector):
    fake.add_mention("ana@other.social", "first")
    cursor = connector.fetch_inbox(None).cursor
    for n in range(170):
        fake.add_mention("local_bob", f"n{n}")
    page = connector.fetch_inbox(cursor)
    assert [i.text for i in page.items] == [f"@me n{n}" for n in range(170)]
    assert fake.count("GET", "/api/v1/notifications") == 1 + 4  # 80 + 80 + 10 + empty
    assert connector.fetch_inbox(page.cursor).items == []


def test_filtered_private_mentions_come_from_conversations(fake, connector):
    dm = fake.add_dm("ana@other.social", "psst", notify=False)
    page = connector.fetch_inbox(None)
    [item] = page.items
    assert item.kind is InboxKind.DIRECT_MESSAGE and item.remote_id == dm
    assert item.author_handle == "ana@other.social"
    assert connector.fetch_inbox(page.cursor).items == []
    # our own answer is the conversation's newest status: nothing new to read
    connector.reply(item, "hello")
    assert connector.fetch_inbox(page.cursor).items == []
    answer = fake.add_dm("ana@other.social", "thanks!", notify=False, in_reply_to_id=dm)
    [new] = connector.fetch_inbox(page.cursor).items
    assert new.remote_id == answer and new.parent_remote_id == dm


def test_conversations_are_paged_through_the_link_header(fake, connector):
    cursor = connector.fetch_inbox(None).cursor
    for n in range(50):
        name = f"user{n}"
        fake.add_account(name, "far.example")
        fake.add_dm(f"{name}@far.example", f"dm {n}", notify=False)
    page = connector.fetch_inbox(cursor)
    assert len(page.items) == 50
    assert fake.count("GET", "/api/v1/conversations") == 1 + 2
    assert connector.fetch_inbox(page.cursor).items == []


def test_a_message_seen_twice_arrives_once(fake, connector):
    fake.add_dm("ana@other.social", "both places")
    page = connector.fetch_inbox(None)
    assert [i.kind for i in page.items] == [InboxKind.DIRECT_MESSAGE]


def test_our_own_statuses_and_other_notification_types_are_left_out(fake, connector):
    fake.post_as(fake.me, "@local_bob note to self")
    fake.s["notifications"]["1"] = {
        "id": "1",
        "account": fake.me,
        "type": "favourite",
        "from": fake.account_id("local_bob"),
        "status": fake.post_as(fake.me, "liked"),
        "created_at": fake.now(),
    }
    assert connector.fetch_inbox(None).items == []


@pytest.mark.parametrize(
    "cursor", ["", "garbage", "[]", '{"n": 5, "c": null}', json.dumps({}), "null"]
)
def test_an_unreadable_cursor_counts_as_none(fake, connector, cursor):
    fake.add_mention("ana@other.social", "hello")
    assert len(connector.fetch_inbox(cursor).items) == 1
    read_cursor(cursor)  # never raises


def test_inbox_failures_are_connector_errors(fake, connector):
    fake.fail_next(Failure.status(200, {"not": "a list"}), path_prefix="/api/v1/notifications")
    with pytest.raises(Exception) as caught:
        connector.fetch_inbox(None)
    assert caught.type.__name__ == "BadResponse"


# --- replying ----------------------------------------------------------------------------


def test_reply_to_a_reply_mentions_the_author(fake, connector):
    post = connector.publish(PublishRequest("Menu"))
    fake.add_reply("ana@other.social", post.remote_id, "yum")
    [item] = connector.fetch_inbox(None).items
    reply_id = connector.reply(item, "Thank you!")
    status = fake.status(reply_id)
    assert status["text"] == "@ana@other.social Thank you!"
    assert status["in_reply_to_id"] == item.remote_id and status["visibility"] == "public"
    # the mention is not doubled when the text already has it
    second = connector.reply(item, "Thanks @ana@other.social, see you")
    assert fake.status(second)["text"] == "Thanks @ana@other.social, see you"


def test_reply_to_a_message_stays_private(fake, connector):
    fake.add_dm("ana@other.social", "a question")
    [item] = connector.fetch_inbox(None).items
    reply_id = connector.reply(item, "an answer")
    status = fake.status(reply_id)
    assert status["visibility"] == "direct" and status["in_reply_to_id"] == item.remote_id
    assert status["text"] == "@ana@other.social an answer"


def test_a_retried_reply_is_sent_once(fake, connector):
    fake.add_mention("local_bob", "hi")
    [item] = connector.fetch_inbox(None).items
    assert connector.reply(item, "hi back") == make(fake).reply(item, "hi back")
    assert fake.created_per_text["@local_bob hi back"] == 1


def test_reply_to_a_deleted_status_is_permanent(fake, connector):
    item = RemoteInboxItem(
        "404040", InboxKind.MENTION, "1", "X", "t", created_at=fake_time(), author_handle="x"
    )
    with pytest.raises(PermanentError):
        connector.reply(item, "hello?")


def fake_time():
    from datetime import UTC, datetime

    return datetime.now(UTC)


# --- HTML to text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("<p>Hello</p><p>World</p>", "Hello\n\nWorld"),
        ("<p>line<br>two<br/>three</p>", "line\ntwo\nthree"),
        (
            "<p>a &amp; b &lt;c&gt; &#39;d&#39; &quot;e&quot; caf&eacute;</p>",
            "a & b <c> 'd' \"e\" café",
        ),
        (
            '<p><a href="https://x.org/long"><span class="invisible">https://</span>'
            '<span class="ellipsis">x.org/lo</span><span class="invisible">ng</span></a></p>',
            "https://x.org/long",
        ),
        ('<p><span class="h-card"><a href="#">@<span>bob</span></a></span> hi</p>', "@bob hi"),
        ("<script>alert(1)</script><p>safe</p>", "safe"),
        ("plain text", "plain text"),
        ("<p>unclosed <b>bold", "unclosed bold"),
        ("", ""),
        (None, ""),
        (42, ""),
    ],
)
def test_html_to_text(fragment, text):
    assert html_to_text(fragment) == text


def test_comparable_ignores_formatting_differences():
    assert comparable("Hi  @bob@other.social\n\nbye ") == comparable("Hi @bob bye")
    assert comparable("a\r\nb") == "a b"
