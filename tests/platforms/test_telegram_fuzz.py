"""Fuzz: whatever a server answers, the Telegram connector returns its dataclass or
raises a ConnectorError, quickly.

The server answers every request with the next of a list of arbitrary replies:
any status, odd headers, JSON of wrong types, missing fields, nulls, huge
numbers, unicode (lone surrogates too), HTML, empty or garbage bodies, and
plausible Bot API shapes (messages, updates, members) with fields swapped for
nonsense.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from smmdesk.core.retry_policy import new_idempotency_key
from smmdesk.platforms.base import (
    AccountIdentity,
    AccountStats,
    ConnectorConfig,
    ConnectorError,
    InboxKind,
    InboxPage,
    PublishedPost,
    PublishRequest,
    RemoteInboxItem,
)
from smmdesk.platforms.telegram import TelegramConnector
from smmdesk.platforms.telegram_updates import (
    AccountView,
    Cursor,
    apply_events,
    normalize,
    valid_event,
)
from tests.fakes.http_fake import FakeServer, Reply, Request
from tests.fakes.telegram_fake import new_token


class ChaosServer(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self._server.RequestHandlerClass.disable_nagle_algorithm = True  # type: ignore[attr-defined]
        # a client that hangs up on a 204 or a redirect is no news here
        self._server.handle_error = lambda request, address: None  # type: ignore[method-assign]
        self.replies: list[Reply | None] = [Reply()]
        self.plausible: dict[str, Any] = {}
        self.served = 0

    def __enter__(self) -> ChaosServer:
        self.start()
        return self

    def handle(self, request: Request) -> Reply:
        """The next reply; None in the list means "a Bot API shaped answer for this method"."""
        with self.lock:
            reply = self.replies[self.served % len(self.replies)]
            self.served += 1
        if reply is not None:
            return reply
        method = request.path.rsplit("/", 1)[-1]
        return Reply.json({"ok": True, "result": self.plausible.get(method, True)})


# --- strategies ---------------------------------------------------------------------------

big_ints = st.integers(min_value=-(2**70), max_value=2**70)
leaf = (
    st.none()
    | st.booleans()
    | big_ints
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["\ud800", "🍞", "<b>x</b>", "", "-100123", "123"])
)
json_any = st.recursive(
    leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
ids = st.integers(min_value=1, max_value=10**6) | leaf
chat = st.fixed_dictionaries(
    {
        "id": st.sampled_from([-1001, -1002, -1003]) | leaf,
        "type": st.sampled_from(["channel", "supergroup", "group", "private"]) | leaf,
    },
    optional={"title": leaf, "username": leaf, "linked_chat_id": st.just(-1002) | leaf},
)
origin = st.fixed_dictionaries(
    {"type": st.just("channel"), "chat": chat | leaf, "message_id": ids, "date": ids}
)
message = st.fixed_dictionaries(
    {"message_id": ids, "date": st.integers(0, 2**40) | leaf, "chat": chat | leaf},
    optional={
        "text": leaf,
        "caption": leaf,
        "is_automatic_forward": st.booleans() | leaf,
        "forward_origin": origin | leaf,
        "message_thread_id": ids,
        "reply_to_message": st.fixed_dictionaries(
            {"message_id": ids},
            optional={"is_automatic_forward": st.just(True), "forward_origin": origin},
        )
        | leaf,
        "from": st.fixed_dictionaries({"id": ids, "first_name": leaf}) | leaf,
        "sender_chat": chat | leaf,
        "media_group_id": leaf,
        "sticker": json_any,
    },
)
reaction = st.fixed_dictionaries(
    {
        "chat": chat | leaf,
        "message_id": ids,
        "date": ids,
        "reactions": st.lists(st.fixed_dictionaries({"total_count": big_ints | leaf}), max_size=3)
        | leaf,
    }
)
update = st.fixed_dictionaries(
    {"update_id": st.integers(0, 2**60) | leaf},
    optional={
        "message": message | leaf,
        "edited_message": message,
        "message_reaction_count": reaction,
    },
)
member = st.fixed_dictionaries(
    {"status": st.sampled_from(["administrator", "member", "left", "creator"]) | leaf},
    optional={"can_post_messages": st.booleans() | leaf},
)
user = st.fixed_dictionaries(
    {"id": ids, "is_bot": st.booleans()}, optional={"username": leaf, "url": leaf}
)
result = (
    json_any
    | message
    | chat
    | member
    | user
    | st.lists(message, max_size=3)
    | st.lists(update, max_size=6)
    | st.integers(-5, 2**64)
)
ok_body = st.fixed_dictionaries({"ok": st.just(True) | leaf, "result": result})
error_body = st.fixed_dictionaries(
    {"ok": st.just(False) | leaf, "error_code": big_ints | leaf, "description": leaf},
    optional={
        "parameters": st.fixed_dictionaries(
            {}, optional={"retry_after": big_ints | leaf, "migrate_to_chat_id": big_ints | leaf}
        )
        | leaf
    },
)
statuses = st.sampled_from([200, 200, 200, 400, 401, 403, 404, 409, 429, 500, 502, 302, 204, 418])
headers = st.dictionaries(
    st.sampled_from(["Retry-After", "Content-Type", "X-Whatever"]),
    st.sampled_from(
        ["5", "-1", "Wed, 21 Oct 2015 07:28:00 GMT", "soon", "1e400", "application/json"]
    ),
    max_size=2,
)


@st.composite
def replies(draw: st.DrawFn) -> Reply:
    status = draw(statuses)
    kind = draw(st.sampled_from(["ok", "ok", "error", "json", "raw"]))
    if kind == "raw":
        body = draw(st.sampled_from([b"", b"<html>down</html>", b"\x00\xff{]", b'{"ok": tru']))
    else:
        data = draw({"ok": ok_body, "error": error_body, "json": json_any}[kind])
        body = json.dumps(data).encode()
    return Reply(status, body, {"Content-Type": "application/json", **draw(headers)})


good_channel = st.fixed_dictionaries(
    {"id": st.just(-1001), "type": st.just("channel"), "title": st.text(max_size=8)},
    optional={"username": st.just("chan") | leaf, "linked_chat_id": st.just(-1002) | leaf},
)
good_member = st.fixed_dictionaries(
    {"status": st.just("administrator"), "can_post_messages": st.just(True)}
)
group_ref = st.fixed_dictionaries({"id": st.just(-1002), "type": st.just("supergroup")})
good_comment = st.fixed_dictionaries(
    {
        "message_id": st.integers(1, 50),
        "date": st.integers(0, 2**34),
        "chat": group_ref,
        "message_thread_id": st.integers(1, 50),
        "from": st.fixed_dictionaries({"id": st.integers(1, 99), "first_name": st.text()}),
    },
    optional={
        "text": st.text() | st.just("a\ud800b"),
        "reply_to_message": st.fixed_dictionaries({"message_id": st.integers(1, 50)}),
        "sticker": st.fixed_dictionaries({"emoji": leaf}),
    },
)
good_forward = st.fixed_dictionaries(
    {
        "message_id": st.integers(1, 50),
        "date": st.integers(0, 2**34),
        "chat": group_ref,
        "is_automatic_forward": st.just(True),
        "forward_origin": st.fixed_dictionaries(
            {"type": st.just("channel"), "chat": good_channel, "message_id": st.integers(1, 50)}
        ),
    },
    optional={"text": st.just("Hello") | leaf, "media_group_id": st.just("9") | leaf},
)
good_update = st.fixed_dictionaries(
    {"update_id": st.integers(1, 10**6)},
    optional={"message": good_comment | good_forward, "message_reaction_count": reaction},
)
plausible = st.fixed_dictionaries(
    {
        "getMe": user,
        "getChat": good_channel | chat,
        "getChatMember": good_member | member,
        "getWebhookInfo": st.fixed_dictionaries({"url": st.just("") | leaf}),
        "sendMessage": message,
        "sendPhoto": message,
        "sendMediaGroup": st.lists(message, min_size=1, max_size=3) | result,
        "getUpdates": st.lists(good_update | update, max_size=8),
        "getChatMemberCount": st.integers(0, 10**6) | leaf,
        "editMessageText": message | st.booleans(),
        "editMessageCaption": message | st.booleans(),
    }
)
small = st.integers(-3, 60) | leaf
held_event = st.fixed_dictionaries(
    {
        "u": st.integers(1, 10**6) | leaf,
        "k": st.sampled_from(["f", "c", "r"]) | leaf,
        "chat": st.sampled_from([-1001, -1002]) | leaf,
        "id": small,
        "d": st.integers(0, 2**34) | leaf,
    },
    optional={key: small for key in ["ch", "post", "th", "re", "a", "sc", "e", "n"]}
    | {key: leaf for key in ["mg", "h", "hd", "t"]},
)
cursor_dict = st.fixed_dictionaries(
    {},
    optional={
        "o": st.integers(0, 10**7) | leaf,
        "lu": big_ints | leaf,
        "e": big_ints | leaf,
        "ft": big_ints | leaf,
        "f": st.lists(st.lists(small, max_size=7), max_size=4) | leaf,
        "c": st.lists(st.lists(small, max_size=4), max_size=4) | leaf,
        "s": st.dictionaries(st.sampled_from(["5", "5,6"]), st.lists(big_ints, max_size=4)) | leaf,
        "h": st.lists(held_event, max_size=4) | leaf,
        "sh": st.booleans() | leaf,
        "wh": st.booleans() | leaf,
    },
)
cursors = (
    cursor_dict.map(json.dumps)
    | st.none()
    | st.just("")
    | json_any.map(json.dumps)
    | st.text(max_size=30)
)

METHODS = [
    "fetch_inbox",
    "fetch_inbox",
    "validate",
    "publish",
    "publish_album",
    "delete",
    "edit",
    "fetch_inbox",
    "reply",
    "account_stats",
    "post_stats",
    "find_published",
]


# --- the test ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chaos() -> Iterator[ChaosServer]:
    with ChaosServer() as server:
        yield server


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("photos")
    paths = []
    for i in range(2):
        path = folder / f"p{i}.jpg"
        path.write_bytes(b"\xff\xd8\xff" + bytes([i]) * 100)
        paths.append(path)
    return paths


TOKEN = new_token()


def call(connector: TelegramConnector, method: str, cursor: str | None, photos: list[Path]) -> Any:
    if method == "validate":
        return connector.validate()
    if method == "publish":
        return connector.publish(PublishRequest("Hello", photos[:1]))
    if method == "publish_album":
        return connector.publish(PublishRequest("Album", photos))
    if method == "delete":
        return connector.delete_post("5,6")
    if method == "edit":
        return connector.edit_post("5", PublishRequest("New text"))
    if method == "fetch_inbox":
        return connector.fetch_inbox(cursor)
    if method == "reply":
        item = RemoteInboxItem("-1002:7", InboxKind.COMMENT, "1", "A", "?", datetime.now(UTC))
        return connector.reply(item, "Thanks")
    if method == "account_stats":
        return connector.fetch_account_stats()
    if method == "post_stats":
        return connector.fetch_post_stats(["5", "5,6"])
    return connector.find_published(new_idempotency_key(time.time() - 60), "Hello")


EXPECTED = {
    "validate": AccountIdentity,
    "publish": PublishedPost,
    "publish_album": PublishedPost,
    "delete": type(None),
    "edit": type(None),
    "fetch_inbox": InboxPage,
    "reply": str,
    "account_stats": AccountStats,
    "post_stats": dict,
    "find_published": (PublishedPost, type(None)),
}


@settings(
    max_examples=int(os.environ.get("SMMDESK_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(METHODS),
    answers=st.lists(st.none() | st.none() | replies(), min_size=1, max_size=6),
    shaped=plausible,
    cursor=cursors,
)
def test_any_answer_ends_in_a_result_or_a_connector_error(
    chaos: ChaosServer,
    photos: list[Path],
    method: str,
    answers: list[Reply | None],
    shaped: dict[str, Any],
    cursor: str | None,
) -> None:
    with chaos.lock:
        chaos.replies, chaos.plausible, chaos.served = answers, shaped, 0
    options = {"channel_id": "-1001", "discussion_group_id": "-1002", "bot_id": "42"}
    options.update({"comments": "ok", "channel_username": "chan"})
    if cursor is not None:
        options["inbox_cursor"] = cursor
    config = ConnectorConfig(
        secret={"token": TOKEN, "channel": "@chan"},
        base_url=chaos.base_url,
        options=options,
        timeout=0.5,
    )
    connector = TelegramConnector(config)
    started = time.monotonic()
    try:
        outcome = call(connector, method, cursor, photos)
    except ConnectorError as exc:
        event(f"{method}: {type(exc).__name__}")
        assert TOKEN.split(":")[1] not in str(exc)
    else:
        event(f"{method}: returned")
        assert isinstance(outcome, EXPECTED[method])
        if isinstance(outcome, InboxPage):
            json.loads(outcome.cursor)
            if outcome.items:
                event("fetch_inbox: items")
            for item in outcome.items:
                item.text.encode("utf-8")  # storable
                assert item.created_at.tzinfo is not None
        if isinstance(outcome, PublishedPost):
            assert outcome.remote_id and outcome.published_at.tzinfo is not None
    finally:
        connector.close()
    assert time.monotonic() - started < 8


# --- the pure parts, without HTTP: many more examples in little time ------------------------


@settings(max_examples=int(os.environ.get("SMMDESK_FUZZ_EXAMPLES", "300")), deadline=None)
@given(cursor=cursors, updates=st.lists(good_update | update | json_any, max_size=8))
def test_cursor_and_updates_never_crash(cursor: str | None, updates: list[Any]) -> None:
    parsed = Cursor.parse(cursor)
    view = AccountView(-1001, "chan", 42, {-1002})
    events = [e for e in map(normalize, updates) if e is not None]
    assert all(valid_event(e) for e in events)
    items, stats = apply_events([*parsed.held, *events], parsed, view, datetime.now(UTC))
    for item in items:
        item.text.encode("utf-8")
        item.author_name.encode("utf-8")
    for values in stats.values():
        assert 0 <= values.likes < 2**53 and 0 <= values.replies < 2**53
    dumped = parsed.dump(int(time.time()))
    dumped.encode("utf-8")
    again = Cursor.parse(dumped)
    assert again.offset == parsed.offset and again.forwards == parsed.forwards
