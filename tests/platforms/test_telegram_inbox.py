"""Telegram inbox: comments from the discussion group, the cursor, shared bots, replies."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from smmdesk.platforms import telegram_poll
from smmdesk.platforms.base import (
    ConnectorConfig,
    InboxKind,
    InboxPage,
    PermanentError,
    PublishRequest,
    RemoteInboxItem,
    TransientError,
    Unsupported,
)
from smmdesk.platforms.telegram import TelegramConnector
from tests.fakes.telegram_fake import TelegramFake, World, standard_world, telegram_error


@pytest.fixture(scope="module")
def server() -> Iterator[TelegramFake]:
    with TelegramFake() as running:
        yield running


@pytest.fixture
def fake(server: TelegramFake) -> Iterator[TelegramFake]:
    server.now = float(int(time.time()))
    yield server
    with server.lock:
        server._pending.clear()


def connect(world: World, cursor: str | None = None, timeout: float = 1.0) -> TelegramConnector:
    """A validated account's connector, as the engine builds it (settings + stored cursor)."""
    secret = {"token": world.bot.token, "channel": f"@{world.channel.username}"}
    fake = world.fake

    def clock() -> datetime:
        return datetime.fromtimestamp(fake.now, UTC)

    probe = TelegramConnector(ConnectorConfig(secret=secret, base_url=fake.base_url))
    options = dict(probe.validate().settings)
    if cursor is not None:
        options["inbox_cursor"] = cursor
    config = ConnectorConfig(
        secret=secret, base_url=fake.base_url, options=options, timeout=timeout
    )
    return TelegramConnector(config, clock=clock)


def drain(connector: TelegramConnector, cursor: str | None) -> tuple[list[RemoteInboxItem], str]:
    """What the engine does: fetch until a page brings no items."""
    items: list[RemoteInboxItem] = []
    for _ in range(50):
        page = connector.fetch_inbox(cursor)
        cursor = page.cursor
        if not page.items:
            break
        items += page.items
    assert cursor is not None
    return items, cursor


def key_at(seconds: float) -> str:
    from smmdesk.core.retry_policy import new_idempotency_key

    return new_idempotency_key(now=seconds)


def photo(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(b"\xff\xd8\xff" + name.encode())
    return path


# --- comments ----------------------------------------------------------------------------


def test_comments_and_replies_map_to_posts(fake: TelegramFake, tmp_path: Path) -> None:
    world = standard_world(fake)
    group = world.group
    assert group is not None
    connector = connect(world)
    text = connector.publish(PublishRequest("Rye bread is back"))
    album = connector.publish(
        PublishRequest("Our week", [photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg")])
    )
    forward = fake.forward_of(world.channel, int(text.remote_id))
    first = fake.comment(group, "Yum!", forward)
    answer = fake.comment(group, "Agreed", first["message_id"], 222, "Bob", "")
    album_forward = fake.forward_of(world.channel, int(album.remote_id.split(",")[0]))
    fake.comment(group, "Lovely photos", album_forward, 333, "Cai", "cai")
    fake.comment(group, "no thread, still a reply", forward, 444, "Dee", thread=False)

    page = connector.fetch_inbox(None)
    by_text = {item.text: item for item in page.items}
    assert set(by_text) == {"Yum!", "Agreed", "Lovely photos", "no thread, still a reply"}
    yum = by_text["Yum!"]
    assert yum.kind is InboxKind.COMMENT
    assert yum.post_remote_id == text.remote_id
    assert yum.parent_remote_id == ""
    assert yum.remote_id == f"{group.id}:{first['message_id']}"
    assert (yum.author_id, yum.author_name, yum.author_handle) == ("111", "Ann", "@ann")
    assert yum.url == (
        f"https://t.me/{world.channel.username}/{text.remote_id}?comment={first['message_id']}"
    )
    assert yum.created_at.tzinfo is not None
    agreed = by_text["Agreed"]
    assert agreed.kind is InboxKind.REPLY
    assert agreed.post_remote_id == text.remote_id
    assert agreed.parent_remote_id == yum.remote_id
    assert agreed.author_handle == "" and agreed.remote_id.endswith(f":{answer['message_id']}")
    assert by_text["Lovely photos"].post_remote_id == album.remote_id
    assert by_text["no thread, still a reply"].post_remote_id == text.remote_id
    assert page.post_stats[text.remote_id].replies == 3

    # the cursor is kept: nothing new comes twice, and the server forgets what we read
    again = connector.fetch_inbox(page.cursor)
    assert again.items == []
    assert fake.pending(world.bot) == []
    assert json.loads(again.cursor)["o"] > 0


def test_reply_to_comment_and_answers_to_our_reply(fake: TelegramFake) -> None:
    world = standard_world(fake)
    group = world.group
    assert group is not None
    connector = connect(world)
    post = connector.publish(PublishRequest("Questions?"))
    forward = fake.forward_of(world.channel, int(post.remote_id))
    fake.comment(group, "When do you open?", forward)
    items, cursor = drain(connector, None)
    (question,) = items

    reply_id = connector.reply(question, "At 8, every day.")
    chat, _, message = reply_id.partition(":")
    assert chat == str(group.id)
    sent = group.messages[int(message)]
    assert sent["text"] == "At 8, every day."
    assert sent["reply_to_message"]["message_id"] == int(question.remote_id.split(":")[1])
    assert sent["from"]["id"] == world.bot.id

    fake.comment(group, "Thanks!", int(message))
    items, cursor = drain(connector, cursor)
    (thanks,) = items
    assert thanks.kind is InboxKind.REPLY
    assert thanks.parent_remote_id == reply_id
    assert thanks.post_remote_id == post.remote_id


def test_own_and_channel_messages_are_not_inbox_items(fake: TelegramFake) -> None:
    world = standard_world(fake)
    group = world.group
    assert group is not None
    connector = connect(world)
    post = connector.publish(PublishRequest("Hello"))
    forward = fake.forward_of(world.channel, int(post.remote_id))
    with fake.lock:  # an admin answers as the channel
        message = fake._new_message(
            group,
            sender_chat=world.channel.ref(),
            text="from the channel",
            message_thread_id=forward,
            reply_to_message=dict(group.messages[forward]),
        )
        fake._deliver_group(group, {"message": message})
    with fake.lock:  # someone chats in the group outside any thread
        chatter = fake._new_message(group, **{"from": {"id": 5, "first_name": "Z"}}, text="hi")
        fake._deliver_group(group, {"message": chatter})
    items, _ = drain(connector, None)
    assert items == []


def test_an_edited_comment_comes_again_marked_edited(fake: TelegramFake) -> None:
    world = standard_world(fake)
    group = world.group
    assert group is not None
    connector = connect(world)
    post = connector.publish(PublishRequest("Hello"))
    forward = fake.forward_of(world.channel, int(post.remote_id))
    comment = fake.comment(group, "frist", forward)
    answer = fake.comment(group, "me too", int(comment["message_id"]), user_id=222)
    (original, reply), cursor = drain(connector, None)
    assert not original.edited and reply.kind is InboxKind.REPLY
    fake.advance(60)
    fake.edit_comment(group, int(comment["message_id"]), "first")
    fake.edit_comment(group, int(answer["message_id"]), "me too!")
    page = connector.fetch_inbox(cursor)
    edited, edited_reply = page.items
    assert edited == replace(original, text="first", edited=True)
    assert edited.created_at == original.created_at  # the comment's own time
    assert edited_reply == replace(reply, text="me too!", edited=True)
    assert page.post_stats == {}  # an edit is not another comment
    stats = connect(world, page.cursor).fetch_post_stats([post.remote_id])
    assert stats[post.remote_id].replies == 2
    assert drain(connector, page.cursor)[0] == []


def test_an_edit_of_a_comment_the_cursor_never_saw_is_still_edited(fake: TelegramFake) -> None:
    world = standard_world(fake)
    group = world.group
    assert group is not None
    connector = connect(world)
    post = connector.publish(PublishRequest("Hello"))
    comment = fake.comment(group, "frist", fake.forward_of(world.channel, int(post.remote_id)))
    _, cursor = drain(connector, None)
    fake.edit_comment(group, int(comment["message_id"]), "first")
    fresh = json.loads(cursor)
    fresh["c"] = []  # the comment fell out of the cursor's memory
    (edited,), _ = drain(connector, json.dumps(fresh))
    assert edited.edited and edited.text == "first"
    assert edited.remote_id == f"{group.id}:{comment['message_id']}"
    assert edited.post_remote_id == post.remote_id


def test_a_deleted_comment_is_never_reported(fake: TelegramFake) -> None:
    """The Bot API sends bots nothing when a message is deleted (nothing to poll for)."""
    world = standard_world(fake)
    group = world.group
    assert group is not None
    connector = connect(world)
    post = connector.publish(PublishRequest("Hello"))
    comment = fake.comment(group, "spam spam", fake.forward_of(world.channel, int(post.remote_id)))
    (item,), cursor = drain(connector, None)
    fake.delete_comment(group, int(comment["message_id"]))
    assert drain(connector, cursor)[0] == []
    assert not item.removed


def test_telegram_cannot_hide_or_fetch_threads(fake: TelegramFake) -> None:
    world = standard_world(fake)
    connector = connect(world)
    assert connector.capabilities.can_hide_comments is False
    item = RemoteInboxItem("1:2", InboxKind.COMMENT, "111", "Ann", "hi", datetime.now(UTC))
    for call in (connector.hide_item, connector.unhide_item, connector.fetch_thread):
        with pytest.raises(Unsupported):
            call(item)


def test_comment_media_without_text_is_described(fake: TelegramFake) -> None:
    world = standard_world(fake)
    group = world.group
    assert group is not None
    connector = connect(world)
    post = connector.publish(PublishRequest("Hello"))
    forward = fake.forward_of(world.channel, int(post.remote_id))
    with fake.lock:
        sticker = fake._new_message(
            group,
            **{"from": {"id": 9, "first_name": "Sam"}},
            sticker={"emoji": "😀", "file_id": "x"},
            message_thread_id=forward,
            reply_to_message=dict(group.messages[forward]),
        )
        fake._deliver_group(group, {"message": sticker})
    items, _ = drain(connector, None)
    assert [i.text for i in items] == ["(sticker 😀)"]


def test_paging(fake: TelegramFake) -> None:
    world = standard_world(fake)
    group = world.group
    assert group is not None
    connector = connect(world)
    post = connector.publish(PublishRequest("Popular"))
    forward = fake.forward_of(world.channel, int(post.remote_id))
    for i in range(150):
        fake.comment(group, f"c{i}", forward, user_id=1000 + i)
    first = connector.fetch_inbox(None)
    assert len(first.items) == 99  # the forward took the first update
    second = connector.fetch_inbox(first.cursor)
    assert len(second.items) == 51
    assert connector.fetch_inbox(second.cursor).items == []
    # many updates with nothing for the inbox are read in one call (bounded)
    for i in range(230):
        fake.react(world.channel, int(post.remote_id), thumbs=i + 1)
    page = connector.fetch_inbox(second.cursor)
    assert page.items == [] and page.post_stats[post.remote_id].likes == 230
    assert page.post_stats[post.remote_id].replies == 150
    assert fake.pending(world.bot) != []  # the last page is confirmed by the next call
    assert connector.fetch_inbox(page.cursor).post_stats == {}


def test_reactions_become_post_stats(fake: TelegramFake, tmp_path: Path) -> None:
    world = standard_world(fake)
    connector = connect(world)
    _, cursor = drain(connector, None)  # the first poll asks Telegram for reaction counts
    post = connector.publish(PublishRequest("React!"))
    album = connector.publish(
        PublishRequest("Pics", [photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg")])
    )
    fake.react(world.channel, int(post.remote_id), thumbs=3, heart=2)
    fake.react(world.channel, int(album.remote_id.split(",")[1]), fire=4)
    page = connector.fetch_inbox(cursor)
    assert page.post_stats[post.remote_id].likes == 5
    assert page.post_stats[album.remote_id].likes == 4
    later = connect(world, cursor=page.cursor)
    stats = later.fetch_post_stats([post.remote_id, album.remote_id, "999"])
    assert stats[post.remote_id].likes == 5 and stats[album.remote_id].likes == 4
    assert "999" not in stats  # nothing seen: not reported as zero


def test_reaction_counts_are_asked_for(fake: TelegramFake) -> None:
    world = standard_world(fake)
    connect(world).fetch_inbox(None)
    request = fake.requests_to("POST", f"/bot{world.bot.token}/getUpdates")[-1].json()
    assert "message_reaction_count" in request["allowed_updates"]
    assert request["timeout"] == 0


# --- the cursor --------------------------------------------------------------------------


def test_unreadable_cursor_starts_over(fake: TelegramFake) -> None:
    world = standard_world(fake)
    group = world.group
    assert group is not None
    connector = connect(world)
    post = connector.publish(PublishRequest("Hello"))
    fake.comment(group, "hi", fake.forward_of(world.channel, int(post.remote_id)))
    for bad in ["{", "[]", '{"o": "x", "f": [1], "h": [{"k": "c"}], "s": {"a": "b"}}']:
        page = connector.fetch_inbox(bad)
        assert [i.text for i in page.items] == ["hi"]


def test_cursor_stays_bounded(fake: TelegramFake) -> None:
    world = standard_world(fake)
    group = world.group
    assert group is not None
    connector = connect(world)
    cursor: str | None = None
    for round_ in range(4):
        for i in range(100):
            post = fake.post_as_admin(world.channel, f"post {round_}-{i}")
            fake.comment(group, "x", fake.forward_of(world.channel, int(post["message_id"])))
        _, cursor = drain(connector, cursor)
    assert cursor is not None
    data = json.loads(cursor)
    assert len(data["f"]) == 300 and len(data["c"]) <= 500 and len(data["s"]) <= 200
    assert data["ft"] > 0
    assert len(cursor) < 100_000


def test_stale_offset_is_not_sent(fake: TelegramFake) -> None:
    world = standard_world(fake)
    connector = connect(world)
    cursor = json.dumps({"o": 10**9, "lu": int(fake.now) - 7 * 24 * 3600})
    connector.fetch_inbox(cursor)
    request = fake.requests_to("POST", f"/bot{world.bot.token}/getUpdates")[-1].json()
    assert "offset" not in request


# --- one bot, two channels; other readers ----------------------------------------------------


def _two_channels(fake: TelegramFake) -> tuple[World, World]:
    first = standard_world(fake, title="Bakery")
    second = standard_world(fake, token=first.bot.token, title="Cafe")
    return first, second


def test_two_accounts_on_one_bot_lose_nothing(fake: TelegramFake) -> None:
    bakery, cafe = _two_channels(fake)
    assert bakery.group is not None and cafe.group is not None
    a, b = connect(bakery), connect(cafe)
    post_a = a.publish(PublishRequest("bread"))
    post_b = b.publish(PublishRequest("coffee"))
    fake.comment(bakery.group, "for bakery", fake.forward_of(bakery.channel, int(post_a.remote_id)))
    fake.comment(cafe.group, "for cafe", fake.forward_of(cafe.channel, int(post_b.remote_id)))
    items_a, cursor_a = drain(a, None)
    assert [i.text for i in items_a] == ["for bakery"]
    _, cursor_a = drain(a, cursor_a)  # confirms on the server: only the buffer has B's now
    assert fake.pending(bakery.bot) == []
    held = json.loads(cursor_a)["h"]
    assert any(e["t"] == "for cafe" for e in held if e["k"] == "c")
    items_b, cursor_b = drain(b, None)
    assert [(i.text, i.post_remote_id) for i in items_b] == [("for cafe", post_b.remote_id)]
    assert json.loads(cursor_b)["sh"] is True
    _, cursor_a = drain(a, cursor_a)
    assert json.loads(cursor_a)["h"] == []  # handed over: no longer carried


def test_held_events_survive_a_restart(fake: TelegramFake) -> None:
    bakery, cafe = _two_channels(fake)
    assert cafe.group is not None
    a, b = connect(bakery), connect(cafe)
    post_b = b.publish(PublishRequest("coffee"))
    fake.comment(cafe.group, "for cafe", fake.forward_of(cafe.channel, int(post_b.remote_id)))
    _, cursor_a = drain(a, None)
    _, cursor_a = drain(a, cursor_a)
    telegram_poll._STATES.clear()  # the app restarts: the in-memory buffer is gone
    a, b = connect(bakery), connect(cafe)
    assert drain(b, None)[0] == []  # B syncs first: nothing on the server any more
    drain(a, cursor_a)  # A's stored cursor puts the held events back
    items_b, _ = drain(b, None)
    assert [i.text for i in items_b] == ["for cafe"]


def test_polls_of_one_bot_take_turns(fake: TelegramFake) -> None:
    world = standard_world(fake)
    connector = connect(world, timeout=0.3)
    state = telegram_poll.token_state(world.bot.token)
    with state.lock, pytest.raises(TransientError, match="same Telegram bot is still syncing"):
        connector.fetch_inbox(None)
    # and while one account polls, the other waits instead of failing
    second = connect(world)
    fake.fail_next(
        telegram_error(429, "slow", retry_after=0), path_prefix=f"/bot{world.bot.token}/getUp"
    )
    results: list[object] = []

    def run() -> None:
        try:
            results.append(second.fetch_inbox(None))
        except Exception as exc:
            results.append(exc)

    with state.lock:
        thread = threading.Thread(target=run)
        thread.start()
        time.sleep(0.2)
        assert results == []
    thread.join(5)
    assert len(results) == 1


def test_another_poller_is_not_fought(fake: TelegramFake) -> None:
    world = standard_world(fake)
    world.bot.other_poller = True
    with pytest.raises(TransientError, match="Another program is reading this bot's updates"):
        connect(world).fetch_inbox(None)
    assert fake.count("POST", f"/bot{world.bot.token}/deleteWebhook") == 0


def test_leftover_webhook_is_removed_once(fake: TelegramFake) -> None:
    world = standard_world(fake)
    world.bot.webhook_url = "https://old.example/hook"
    connector = connect(world)
    page = connector.fetch_inbox(None)
    assert world.bot.webhook_url == ""
    assert fake.count("POST", f"/bot{world.bot.token}/deleteWebhook") == 1
    world.bot.webhook_url = "https://old.example/hook"  # it came back: someone owns the bot
    with pytest.raises(PermanentError, match="will not fight"):
        connector.fetch_inbox(page.cursor)
    assert world.bot.webhook_url != ""


def test_reply_follows_a_group_upgrade(fake: TelegramFake) -> None:
    world = standard_world(fake)
    assert world.group is not None
    upgraded = fake.add_chat("supergroup", "New chat")
    fake.make_admin(upgraded, world.bot)
    with fake.lock:
        for _ in range(3):
            fake._new_message(upgraded, text="old")
    connector = connect(world)
    item = RemoteInboxItem(
        f"{world.group.id}:2", InboxKind.COMMENT, "1", "Ann", "?", datetime.now(UTC)
    )
    fake.fail_next(
        telegram_error(400, "Bad Request: group chat was upgraded", migrate_to_chat_id=upgraded.id)
    )
    reply_id = connector.reply(item, "Answer")
    assert reply_id.startswith(f"{upgraded.id}:")


def test_reply_to_a_deleted_comment(fake: TelegramFake) -> None:
    world = standard_world(fake)
    assert world.group is not None
    item = RemoteInboxItem(
        f"{world.group.id}:999", InboxKind.COMMENT, "1", "Ann", "?", datetime.now(UTC)
    )
    with pytest.raises(PermanentError, match="comment was deleted"):
        connect(world).reply(item, "Answer")


# --- find_published ---------------------------------------------------------------------------


def test_find_published_sees_the_forward_on_the_server(fake: TelegramFake, tmp_path: Path) -> None:
    world = standard_world(fake)
    connector = connect(world)
    _, cursor = drain(connector, None)
    key = key_at(fake.now - 5)
    post = connector.publish(PublishRequest("Lost in a crash\r\n"))
    album = connector.publish(
        PublishRequest("An album", [photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg")])
    )
    after_restart = connect(world, cursor=cursor)
    found = after_restart.find_published(key, "Lost in a crash\n")
    assert found is not None
    assert (found.remote_id, found.url) == (post.remote_id, post.url)
    found_album = after_restart.find_published(key, "An album")
    assert found_album is not None and found_album.remote_id == album.remote_id
    # nothing confirmed: the next sync still sees everything
    assert len(fake.pending(world.bot)) == 3


def test_find_published_remembers_forwards_already_read(fake: TelegramFake) -> None:
    world = standard_world(fake)
    connector = connect(world)
    key = key_at(fake.now - 5)
    post = connector.publish(PublishRequest("Already synced"))
    _, cursor = drain(connector, None)
    _, cursor = drain(connector, cursor)
    assert fake.pending(world.bot) == []
    found = connect(world, cursor=cursor).find_published(key, "Already synced")
    assert found is not None and found.remote_id == post.remote_id


def test_find_published_sure_not_found(fake: TelegramFake) -> None:
    world = standard_world(fake)
    connector = connect(world)
    connector.publish(PublishRequest("Same words"))  # an older post with the same text
    _, cursor = drain(connector, None)
    fake.advance(3600)
    key = key_at(fake.now - 5)
    connector.publish(PublishRequest("Something else"))
    assert connect(world, cursor=cursor).find_published(key, "Never sent") is None
    assert connect(world, cursor=cursor).find_published(key, "Same words") is None


def test_find_published_cannot_tell(fake: TelegramFake) -> None:
    lonely = standard_world(fake, with_group=False)
    with pytest.raises(PermanentError, match="cannot tell whether this post arrived"):
        connect(lonely).find_published(key_at(fake.now), "text")
    outside = standard_world(fake, bot_in_group=False)
    with pytest.raises(PermanentError, match="Check the channel, then choose Retry"):
        connect(outside).find_published(key_at(fake.now), "text")
    world = standard_world(fake)
    connector = connect(world)
    with pytest.raises(PermanentError, match="cannot tell"):
        # a new account: no automatic forward seen yet, so no proof the bot would see one
        connector.find_published(key_at(fake.now), "text")
    connector.publish(PublishRequest("first post"))
    _, cursor = drain(connector, None)
    connector = connect(world, cursor=cursor)
    with pytest.raises(PermanentError, match="cannot tell"):
        connector.find_published(key_at(fake.now - 30 * 3600), "too old")
    with pytest.raises(PermanentError, match="cannot tell"):
        connector.find_published("not-a-uuid7-key", "text")
    shared = json.loads(cursor)
    shared["sh"] = True  # another account of this bot may have taken our updates
    with pytest.raises(PermanentError, match="cannot tell"):
        connect(world, cursor=json.dumps(shared)).find_published(key_at(fake.now), "text")


def test_find_published_waits_for_a_long_queue(fake: TelegramFake) -> None:
    world = standard_world(fake)
    connector = connect(world)
    _, cursor = drain(connector, None)
    post = connector.publish(PublishRequest("start"))
    key = key_at(fake.now)
    for i in range(120):
        fake.react(world.channel, int(post.remote_id), thumbs=i)
    later = connect(world, cursor=cursor)
    with pytest.raises(TransientError, match="check again after the next sync"):
        later.find_published(key, "not there")


def test_fetch_with_page_without_cursor_confirms_only_what_was_stored(fake: TelegramFake) -> None:
    world = standard_world(fake)
    group = world.group
    assert group is not None
    connector = connect(world)
    post = connector.publish(PublishRequest("x"))
    fake.comment(group, "one", fake.forward_of(world.channel, int(post.remote_id)))
    page: InboxPage = connector.fetch_inbox(None)
    assert [i.text for i in page.items] == ["one"]
    # the engine crashed before storing the page: the same cursor brings it again
    assert [i.text for i in connector.fetch_inbox(None).items] == ["one"]
