"""Fuzz: whatever a server answers (any status, headers, JSON of any shape,
garbage), every Mastodon connector method returns its dataclass or raises a
ConnectorError, and does so within a bounded time."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smmdesk.platforms.base import (
    AccountIdentity,
    AccountStats,
    Capabilities,
    ConnectorConfig,
    ConnectorError,
    InboxKind,
    InboxPage,
    PostStats,
    PublishedPost,
    PublishRequest,
    RemoteInboxItem,
    RemoteThread,
    ScheduledPost,
    ScheduledState,
)
from smmdesk.platforms.html_text import comparable, html_to_text
from smmdesk.platforms.mastodon import MastodonConnector
from smmdesk.platforms.mastodon_inbox import read_cursor
from tests.fakes.http_fake import FakeServer, Reply, Request

KEYS = [
    "id", "acct", "username", "display_name", "content", "created_at", "url", "uri", "status",
    "account", "last_status", "type", "configuration", "statuses", "media_attachments",
    "max_characters", "max_media_attachments", "characters_reserved_per_url",
    "image_size_limit", "supported_mime_types", "in_reply_to_id", "in_reply_to_account_id",
    "visibility", "scheduled_at", "params", "text", "favourites_count", "reblogs_count",
    "replies_count", "followers_count", "following_count", "statuses_count", "error",
    "client_id", "client_secret", "spoiler_text", "quote", "quoted_status", "version",
    "ancestors", "descendants", "mentions", "edited_at",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "110000000000000001",
            "2019-12-05T11:34:47.196Z",
            "9999-99-99T99:99:99Z",
            "mention",
            "direct",
            "<p>Hello<br>there &amp; <script>x</script></p>",
            "https://example.social/@me/1",
            "image/png",
            "",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=8),
    ),
    max_leaves=8,
)
ids = st.one_of(
    st.sampled_from(["110000000000000001", "110000000000000002", "3", "a/b?c", ""]),
    st.integers(min_value=-5, max_value=2**64),
    scalars,
)
times = st.one_of(
    st.sampled_from(["2019-12-05T11:34:47.196Z", "2999-01-01T00:00:00Z", "2020-02-30T00:00Z"]),
    scalars,
)
account_like = st.fixed_dictionaries(
    {"id": ids},
    optional={"acct": scalars, "display_name": scalars, "username": scalars, "url": scalars,
              "followers_count": scalars, "statuses_count": scalars},
)  # fmt: skip
status_like = st.fixed_dictionaries(
    {"id": ids},
    optional={
        "content": st.sampled_from(["<p>hi</p>", "hi", "<p>x</p>"]) | scalars,
        "created_at": times, "url": scalars, "account": account_like | scalars,
        "visibility": st.sampled_from(["public", "direct"]) | scalars,
        "in_reply_to_id": ids, "in_reply_to_account_id": ids,
        "media_attachments": st.lists(st.fixed_dictionaries({"id": ids}), max_size=2) | scalars,
        "favourites_count": scalars, "scheduled_at": times, "edited_at": times,
        "mentions": st.lists(account_like | scalars, max_size=2) | scalars,
        "spoiler_text": scalars,
        "params": st.fixed_dictionaries({}, optional={"text": scalars, "media_ids": json_values}),
    },
)  # fmt: skip
notification_like = st.fixed_dictionaries(
    {"id": ids, "type": st.sampled_from(["mention", "quote", "update", "follow"]) | scalars},
    optional={"status": status_like | scalars, "account": account_like, "created_at": times},
)
conversation_like = st.fixed_dictionaries({"id": ids}, optional={"last_status": status_like})
instance_like = st.fixed_dictionaries(
    {"configuration": st.fixed_dictionaries(
        {},
        optional={"statuses": st.dictionaries(st.sampled_from(KEYS), scalars, max_size=4),
                  "media_attachments": st.dictionaries(st.sampled_from(KEYS), json_values)},
    ) | scalars},
    optional={"version": scalars, "max_toot_chars": scalars},
)  # fmt: skip
#: The shape each kind of endpoint answers with, when it answers as documented.
SHAPES = {
    "status": status_like,
    "statuses": st.lists(status_like, max_size=5),
    "account": account_like,
    "instance": instance_like,
    "media": st.fixed_dictionaries({"id": ids}, optional={"url": scalars}),
    "scheduled": status_like,
    "notifications": st.lists(notification_like, max_size=5),
    "conversations": st.lists(conversation_like, max_size=5),
    "context": st.fixed_dictionaries(
        {},
        optional={
            "ancestors": st.lists(status_like | scalars, max_size=4) | scalars,
            "descendants": st.lists(status_like | scalars, max_size=4) | scalars,
        },
    ),
}
header_values = st.one_of(
    st.sampled_from(["2026-01-01T12:05:00.000Z", "garbage", "30", "-5", "99999999999", ""]),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20),
)
links = st.one_of(
    st.none(),
    st.just('<http://127.0.0.1:1/elsewhere>; rel="next"'),
    header_values,
)
statuses = st.sampled_from([200] * 8 + [202, 206, 301, 400, 401, 403, 404, 410, 422, 429, 500, 503])


def _reply(status: int, body: bytes, reset: str, link: str | None) -> Reply:
    headers = {"Content-Type": "application/json", "X-RateLimit-Reset": reset}
    if link is not None:
        headers["Link"] = link
    return Reply(status, body, headers)


def answers_for(kind: str) -> st.SearchStrategy[Reply]:
    """Mostly the documented shape with odd values; sometimes anything at all."""
    documented = st.builds(
        _reply,
        st.sampled_from([200, 200, 200, 200, 202, 206]),
        SHAPES[kind].map(lambda v: json.dumps(v).encode()),
        header_values,
        links,
    )
    anything = st.builds(
        _reply,
        statuses,
        st.one_of(
            json_values.map(lambda v: json.dumps(v).encode()),
            st.binary(max_size=40),
            st.just(b"<!DOCTYPE html><html>down</html>"),
            st.just(b""),
        ),
        header_values,
        links,
    )
    return st.one_of(documented, documented, anything)


scripts = st.fixed_dictionaries({kind: st.lists(answers_for(kind), max_size=3) for kind in SHAPES})


def kind_of(request: Request) -> str:
    path = request.path
    if path.endswith("/context"):
        return "context"
    if "/scheduled_statuses" in path:
        return "scheduled"
    if path.endswith("/statuses") and request.method == "GET":
        return "statuses"
    if "/statuses" in path:
        return "status"
    if "/instance" in path:
        return "instance"
    if "/media" in path:
        return "media"
    if "/notifications" in path:
        return "notifications"
    if "/conversations" in path:
        return "conversations"
    return "account"


#: What an endpoint answers once its script has run out: a sane, minimal answer,
#: so that the fuzz gets past the first requests of a method.
DEFAULTS: dict[str, object] = {
    "status": {"id": "110000000000000001", "created_at": "2025-01-01T00:00:00Z",
               "content": "<p>hi</p>", "account": {"id": "1", "acct": "me"}},
    "statuses": [],
    "account": {"id": "1", "acct": "me", "followers_count": 1},
    "instance": {"configuration": {}},
    "media": {"id": "5", "url": "https://x.example/5.png"},
    "scheduled": {"id": "3", "scheduled_at": "2030-01-01T00:00:00Z", "params": {"text": "x"}},
    "notifications": [],
    "conversations": [],
    "context": {"ancestors": [], "descendants": []},
}  # fmt: skip


class ScriptedServer(FakeServer):
    """Answers each kind of endpoint from its own script, then sanely."""

    def __init__(self) -> None:
        super().__init__()
        self.script: dict[str, list[Reply]] = {}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        class Handler(super()._handler_class()):  # type: ignore[misc]
            disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall per request

        return Handler

    def handle(self, request: Request) -> Reply:
        with self.lock:
            kind = kind_of(request)
            queue = self.script.get(kind)
            if queue:
                return queue.pop(0)
        return Reply.json(DEFAULTS[kind])


@pytest.fixture(scope="module")
def server():
    with ScriptedServer() as running:
        yield running


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "p.png"
    path.write_bytes(b"\x89PNG" + b"\0" * 8)
    return path


ITEM = RemoteInboxItem(
    "110000000000000009",
    InboxKind.DIRECT_MESSAGE,
    "1",
    "A",
    "hi",
    datetime(2025, 1, 1, tzinfo=UTC),
    author_handle="a@b.c",
)
KEY = "0190f0e0a0b07000800000000000000a"
LATER = datetime.now(UTC) + timedelta(days=2)
CALLS = {
    "validate": (lambda c, img: c.validate(), AccountIdentity),
    "fetch_settings": (lambda c, img: c.fetch_settings(), dict),
    "capabilities": (lambda c, img: c.account_capabilities(), Capabilities),
    "publish": (lambda c, img: c.publish(PublishRequest("hi", (), KEY)), PublishedPost),
    "publish_image": (lambda c, img: c.publish(PublishRequest("", (img,))), PublishedPost),
    "find": (lambda c, img: c.find_published(KEY, "hi"), (PublishedPost, type(None))),
    "inbox": (lambda c, img: c.fetch_inbox(None), InboxPage),
    "inbox_cursor": (lambda c, img: c.fetch_inbox('{"v": 1, "n": "5", "c": "7"}'), InboxPage),
    "reply": (lambda c, img: c.reply(ITEM, "ok"), str),
    "thread": (lambda c, img: c.fetch_thread(ITEM), RemoteThread),
    "account_stats": (lambda c, img: c.fetch_account_stats(), AccountStats),
    "post_stats": (lambda c, img: c.fetch_post_stats(["1", "2"]), dict),
    "schedule": (lambda c, img: c.schedule(PublishRequest("x", (), KEY), LATER), ScheduledPost),
    "update": (
        lambda c, img: c.update_scheduled("3", PublishRequest("y", (), KEY), LATER),
        ScheduledPost,
    ),
    "cancel": (lambda c, img: c.cancel_scheduled("3"), type(None)),
    "check": (lambda c, img: c.check_scheduled("3", "x"), ScheduledState),
    "edit": (lambda c, img: c.edit_post("4", PublishRequest("z")), type(None)),
    "delete": (lambda c, img: c.delete_post("4"), type(None)),
}


@settings(
    max_examples=160,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(sorted(CALLS)),
    script=scripts,
    options=st.dictionaries(
        st.sampled_from(
            [
                "account_id",
                "acct",
                "max_characters",
                "max_media_attachments",
                "image_types",
                "image_size_limit",
                "characters_reserved_per_url",
            ]
        ),
        st.text(max_size=12),
        max_size=4,
    ),
)
def test_any_answer_ends_in_a_dataclass_or_a_connector_error(
    server, image, method, script, options
):
    with server.lock:
        server.script = {kind: list(queue) for kind, queue in script.items()}
    connector = MastodonConnector(
        ConnectorConfig(
            secret={"access_token": "fuzz-token"},
            base_url=server.base_url,
            options=options,
            timeout=0.5,
        )
    )
    connector.media_wait_seconds = 0.05
    connector.media_poll_seconds = 0.01
    call, expected = CALLS[method]
    started = time.monotonic()
    try:
        result = call(connector, image)
    except ConnectorError as exc:
        assert "fuzz-token" not in str(exc)
    else:
        assert isinstance(result, expected), (method, result)
        if isinstance(result, InboxPage | RemoteThread):
            assert all(item.created_at.tzinfo is not None for item in result.items)
        if isinstance(result, InboxPage):
            read_cursor(result.cursor)
        if isinstance(result, dict) and method == "post_stats":
            assert all(isinstance(v, PostStats) for v in result.values())
    finally:
        connector.close()
    assert time.monotonic() - started < 10


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    status=answers_for("status"),
    context=st.lists(answers_for("context"), max_size=2),
    item_id=st.sampled_from(["110000000000000009", "../x?y", "7"]),
)
def test_any_thread_answer_ends_in_a_thread_or_a_connector_error(server, status, context, item_id):
    with server.lock:
        server.script = {"status": [status], "context": list(context)}
    connector = MastodonConnector(
        ConnectorConfig(
            secret={"access_token": "fuzz-token"},
            base_url=server.base_url,
            options={"account_id": "1", "acct": "me"},
            timeout=0.5,
        )
    )
    started = time.monotonic()
    try:
        thread = connector.fetch_thread(replace(ITEM, remote_id=item_id))
    except ConnectorError as exc:
        assert "fuzz-token" not in str(exc)
    else:
        assert isinstance(thread, RemoteThread)
        assert isinstance(thread.post_text, str) and isinstance(thread.post_url, str)
        keys = [(i.created_at, i.remote_id) for i in thread.items]
        assert all(i.created_at.tzinfo is not None and i.remote_id for i in thread.items)
        assert len({k[1] for k in keys}) == len(keys)
    finally:
        connector.close()
    assert time.monotonic() - started < 5


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=200), st.from_regex(r"(<[a-z/!?][^>]{0,10}>|&#?\w{0,6};?|x)*")))
def test_html_to_text_never_raises(fragment):
    text = html_to_text(fragment)
    assert "<script" not in text.lower() or "<script" in fragment.lower()
    comparable(text)
    read_cursor(fragment)
