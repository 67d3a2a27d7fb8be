"""The Facebook Page inbox against the Graph fake: comments and replies on recent
posts with a cursor, Messenger conversations with the 24-hour window, replying,
hiding and showing again (never deleting), the thread around an item."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from smmdesk.platforms.base import (
    AuthError,
    ConnectorConfig,
    InboxKind,
    PermanentError,
    Unsupported,
)
from smmdesk.platforms.facebook import FacebookConnector
from smmdesk.platforms.facebook_inbox import COMMENT_PAGES, RECENT_POSTS, reply_window_end
from tests.fakes.graph_fake import GraphFake


@pytest.fixture
def fake():
    with GraphFake() as server:
        yield server


def make(fake: GraphFake, token: str, **options: str) -> FacebookConnector:
    return FacebookConnector(
        ConnectorConfig(
            secret={"page_token": token},
            base_url=fake.base_url + "/v25.0",
            options=dict(options),
            timeout=1.0,
        )
    )


@pytest.fixture
def page(fake):
    return fake.add_page()


@pytest.fixture
def connector(fake, page):
    connector = make(fake, page[1], page_id=page[0])
    yield connector
    connector.close()


def test_comments_and_replies_come_in_once(fake, page, connector):
    post = fake.add_post(page[0], "Our post", age=600)
    first = fake.add_comment(post, "Cik maksā?", name="Anna", age=300)
    answer = fake.add_comment(post, "Answer from a friend", name="Jānis", parent=first, age=200)
    inbox = connector.fetch_inbox(None)
    by_id = {i.remote_id: i for i in inbox.items}
    assert set(by_id) == {first, answer}
    item = by_id[first]
    assert item.kind is InboxKind.COMMENT and item.author_name == "Anna"
    assert item.text == "Cik maksā?" and item.post_remote_id == post
    assert item.url.startswith("https://www.facebook.com/") and item.created_at.tzinfo
    assert by_id[answer].parent_remote_id == first

    fake.advance(10)
    later = fake.add_comment(post, "And delivery?", name="Anna")
    again = connector.fetch_inbox(inbox.cursor)
    assert [i.remote_id for i in again.items] == [later]


def test_the_pages_own_answers_are_left_out(fake, page, connector):
    post = fake.add_post(page[0], "Our post")
    comment = fake.add_comment(post, "Hello?")
    reply_id = connector.reply(connector.fetch_inbox(None).items[0], "Hello! 👋")
    assert fake.s["comments"][reply_id]["parent"] == comment
    assert [i.remote_id for i in connector.fetch_inbox(None).items] == [comment]


def test_posts_without_comments_cost_no_request(fake, page, connector):
    for index in range(3):
        fake.add_post(page[0], f"quiet {index}")
    assert connector.fetch_inbox(None).items == []
    assert not any(r.path.endswith("/comments") for r in fake.log)


def test_reading_is_bounded(fake, page, connector):
    for index in range(RECENT_POSTS + 5):
        fake.add_post(page[0], f"post {index}", age=1000 - index)
    busy = fake.posts_of(page[0])[0]["id"]
    for index in range(400):
        fake.add_comment(busy, f"comment {index}", age=500 - index)
    inbox = connector.fetch_inbox(None)
    assert len(inbox.items) == COMMENT_PAGES * 50
    assert fake.count("GET", f"/v25.0/{busy}/comments") == COMMENT_PAGES
    assert len(json.loads(inbox.cursor)["c"]) == RECENT_POSTS


def test_an_unreadable_cursor_counts_as_none(fake, page, connector):
    post = fake.add_post(page[0], "p")
    fake.add_comment(post, "c")
    for cursor in (
        "garbage",
        "[]",
        '{"v": 2, "c": {"x": "y"}, "m": 5}',
        "",
        '{"v": 2, "c": {"x": [1, 2]}}',
    ):
        assert len(connector.fetch_inbox(cursor).items) == 1


def test_messenger_conversations_and_the_24_hour_window(fake, page, connector):
    fake.add_message(page[0], "psid-1", "Vai esat atvērti svētdien?", name="Līga", age=60)
    inbox = connector.fetch_inbox(None)
    [item] = inbox.items
    assert item.kind is InboxKind.DIRECT_MESSAGE and item.author_id == "psid-1"
    assert item.author_name == "Līga" and item.parent_remote_id.startswith("t_")
    end = reply_window_end(item)
    assert end is not None and end - item.created_at == timedelta(hours=24)
    assert item.reply_until == end

    answer = connector.reply(item, "Jā, 9–15!")
    assert answer.startswith("m_")
    sent = fake.requests_to("POST", f"/v25.0/{page[0]}/messages")[0].form()
    assert sent["messaging_type"] == ["RESPONSE"]
    assert json.loads(sent["recipient"][0]) == {"id": "psid-1"}
    assert connector.fetch_inbox(inbox.cursor).items == []  # our own answer is not news

    fake.advance(25 * 3600)
    with pytest.raises(PermanentError, match="24-hour window"):
        connector.reply(item, "Too late")

    thread = connector.fetch_thread(item)
    assert [m.text for m in thread.items] == ["Vai esat atvērti svētdien?", "Jā, 9–15!"]


def test_without_pages_messaging_comments_still_come_in(fake):
    page_id, token = fake.add_page(
        permissions=("pages_manage_posts", "pages_read_engagement", "pages_manage_engagement")
    )
    fake.add_message(page_id, "psid-1", "hi")
    post = fake.add_post(page_id, "p")
    fake.add_comment(post, "c")
    items = make(fake, token, page_id=page_id).fetch_inbox(None).items
    assert [i.kind for i in items] == [InboxKind.COMMENT]
    # when the connection said so, the conversations are not even asked for
    make(fake, token, page_id=page_id, messaging="no").fetch_inbox(None)
    assert fake.count("GET", f"/v25.0/{page_id}/conversations") == 1


def test_hide_and_unhide_never_delete(fake, page, connector):
    post = fake.add_post(page[0], "p")
    comment = fake.add_comment(post, "spam spam")
    [item] = connector.fetch_inbox(None).items
    connector.hide_item(item)
    assert fake.s["comments"][comment]["hidden"] is True
    connector.unhide_item(item)
    assert fake.s["comments"][comment]["hidden"] is False
    assert not any(r.method == "DELETE" for r in fake.log)
    hides = [r for r in fake.log if r.method == "POST" and r.path.endswith(comment)]
    assert [r.form()["is_hidden"] for r in hides] == [["true"], ["false"]]


def test_hiding_a_message_is_unsupported(fake, page, connector):
    fake.add_message(page[0], "psid-1", "hi")
    [item] = connector.fetch_inbox(None).items
    with pytest.raises(Unsupported):
        connector.hide_item(item)


def test_hiding_without_the_permission_names_it(fake):
    page_id, token = fake.add_page(permissions=("pages_manage_posts", "pages_read_engagement"))
    post = fake.add_post(page_id, "p")
    fake.add_comment(post, "c")
    connector = make(fake, token, page_id=page_id)
    [item] = connector.fetch_inbox(None).items
    with pytest.raises(AuthError, match="pages_manage_engagement"):
        connector.hide_item(item)
    with pytest.raises(AuthError, match="pages_manage_engagement"):
        connector.reply(item, "hi")


def test_thread_around_a_reply(fake, page, connector):
    post = fake.add_post(page[0], "The post text", age=100)
    top = fake.add_comment(post, "Top", age=50)
    fake.add_comment(post, "Reply", parent=top, age=40)
    items = {i.text: i for i in connector.fetch_inbox(None).items}
    connector.reply(items["Reply"], "Our answer")
    thread = connector.fetch_thread(items["Reply"])
    assert thread.post_text == "The post text" and thread.post_url.startswith("https://")
    assert [i.text for i in thread.items] == ["Top", "Reply", "Our answer"]


def test_a_revoked_token_while_reading_the_inbox(fake, page, connector):
    fake.revoke(page[1])
    with pytest.raises(AuthError, match="again"):
        connector.fetch_inbox(None)


def test_a_comment_in_the_same_second_is_neither_lost_nor_repeated(fake, page, connector):
    post = fake.add_post(page[0], "p", age=100)
    first = fake.add_comment(post, "one", age=5)
    inbox = connector.fetch_inbox(None)
    second = fake.add_comment(post, "two", age=5)  # same second as the first
    fake.s["comments"][second]["time"] = fake.s["comments"][first]["time"]
    again = connector.fetch_inbox(inbox.cursor)
    assert [i.remote_id for i in again.items] == [second]
    assert connector.fetch_inbox(again.cursor).items == []
