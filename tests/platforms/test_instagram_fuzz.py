"""Fuzz: whatever the Graph API (or the image host) answers — any status, the
Graph error object with odd codes, JSON of any shape, garbage — every
Instagram connector method returns its dataclass or raises a ConnectorError,
within a bounded time, and never shows the token."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smmdesk.platforms.base import (
    AccountIdentity,
    AccountStats,
    ConnectorConfig,
    ConnectorError,
    InboxKind,
    InboxPage,
    PostStats,
    PublishedPost,
    PublishRequest,
    RemoteInboxItem,
    RemoteThread,
)
from smmdesk.platforms.instagram import InstagramConnector
from smmdesk.platforms.instagram_inbox import read_cursor
from tests.fakes.http_fake import FakeServer, Reply, Request

TOKEN = "EAABfuzztoken"
KEYS = [
    "id", "name", "username", "instagram_business_account", "data", "paging", "cursors",
    "after", "next", "caption", "timestamp", "permalink", "comments_count", "like_count",
    "followers_count", "follows_count", "media_count", "status_code", "status",
    "quota_usage", "config", "quota_total", "quota_duration", "text", "from", "hidden",
    "replies", "parent_id", "values", "value", "total_value", "scopes", "error", "code",
    "error_subcode", "message", "success", "is_transient",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        ["17841400000000001", "2026-01-01T10:00:00+0000", "2026-13-45T99:00:00+0000",
         "FINISHED", "IN_PROGRESS", "ERROR", "EXPIRED", "PUBLISHED", "https://www.instagram.com/p/x/",
         "instagram_basic", ""]
    ),
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)
    ),
    max_leaves=10,
)
ids = st.one_of(st.sampled_from(["17841400000000001", "9", "a/b?c", ""]), scalars)
times = st.one_of(
    st.sampled_from(["2026-01-01T10:00:00+0000", "2999-01-01T00:00:00+0000"]), scalars
)
comment = st.fixed_dictionaries(
    {},
    optional={"id": ids, "text": scalars, "timestamp": times, "username": scalars, "parent_id": ids,
              "from": st.fixed_dictionaries({}, optional={"id": ids, "username": scalars})
              | scalars,
              "replies": st.fixed_dictionaries({"data": st.lists(json_values, max_size=2)})
              | scalars},
)  # fmt: skip
media = st.fixed_dictionaries(
    {"id": ids},
    optional={"caption": st.sampled_from(["hi", ""]) | scalars, "timestamp": times,
              "permalink": scalars, "comments_count": scalars, "like_count": scalars},
)  # fmt: skip
paging = st.fixed_dictionaries(
    {}, optional={"cursors": st.fixed_dictionaries({}, optional={"after": scalars}) | scalars,
                  "next": scalars},
)  # fmt: skip
error = st.fixed_dictionaries(
    {"error": st.fixed_dictionaries(
        {"code": st.sampled_from([1, 2, 4, 9, 10, 17, 32, 100, 190, 200, 368, 613, 9007, 80002])
         | scalars},
        optional={"message": scalars, "error_subcode": scalars, "is_transient": scalars},
    ) | scalars},
)  # fmt: skip
SHAPES = {
    "page": st.fixed_dictionaries(
        {"id": ids},
        optional={
            "name": scalars,
            "instagram_business_account": st.fixed_dictionaries(
                {"id": ids}, optional={"username": scalars, "name": scalars}
            )
            | scalars,
        },
    ),
    "debug": st.fixed_dictionaries(
        {"data": st.fixed_dictionaries({}, optional={"scopes": st.lists(scalars) | scalars})}
    ),
    "media_list": st.fixed_dictionaries(
        {"data": st.lists(media, max_size=4) | scalars}, optional={"paging": paging}
    ),
    "comments": st.fixed_dictionaries(
        {"data": st.lists(comment, max_size=4) | scalars}, optional={"paging": paging}
    ),
    "limit": st.fixed_dictionaries(
        {
            "data": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "quota_usage": scalars,
                        "config": st.dictionaries(
                            st.sampled_from(["quota_total", "quota_duration"]), scalars
                        ),
                    },
                ),
                max_size=2,
            )
        },
    ),
    "container": st.fixed_dictionaries(
        {"id": ids}, optional={"status_code": scalars, "status": scalars}
    ),
    "object": st.dictionaries(st.sampled_from(KEYS), json_values, max_size=6),
    "insights": st.fixed_dictionaries(
        {
            "data": st.lists(
                st.fixed_dictionaries(
                    {"name": st.sampled_from(["views", "reach", "likes", "shares"]) | scalars},
                    optional={
                        "values": st.lists(st.fixed_dictionaries({"value": scalars}), max_size=2),
                        "total_value": st.fixed_dictionaries({"value": scalars}),
                    },
                ),
                max_size=4,
            )
        }
    ),
    "host": st.just({}),
}
statuses = st.sampled_from([200] * 6 + [201, 204, 301, 400, 401, 403, 404, 405, 429, 500, 503])


def _reply(status: int, body: bytes) -> Reply:
    return Reply(status, body, {"Content-Type": "application/json"})


def answers_for(kind: str) -> st.SearchStrategy[Reply]:
    documented = st.builds(_reply, st.just(200), SHAPES[kind].map(lambda v: json.dumps(v).encode()))
    errors = st.builds(
        _reply, st.sampled_from([400, 401, 403, 500]), error.map(lambda v: json.dumps(v).encode())
    )
    anything = st.builds(
        _reply,
        statuses,
        st.one_of(
            json_values.map(lambda v: json.dumps(v).encode()),
            st.binary(max_size=30),
            st.just(b"<!DOCTYPE html><html>down</html>"),
            st.just(b""),
        ),
    )
    return st.one_of(documented, documented, errors, anything)


scripts = st.fixed_dictionaries({kind: st.lists(answers_for(kind), max_size=3) for kind in SHAPES})


def kind_of(request: Request) -> str:
    path = request.path
    fields = request.arg("fields")
    if path.startswith("/smm/"):
        return "host"
    if path == "/debug_token":
        return "debug"
    if path == "/me" or "instagram_business_account" in fields:
        return "page"
    if path.endswith("/content_publishing_limit"):
        return "limit"
    if path.endswith("/media") and request.method == "GET":
        return "media_list"
    if path.endswith("/comments"):
        return "comments"
    if path.endswith("/insights"):
        return "insights"
    if "status_code" in fields or (path.endswith("/media") and request.method == "POST"):
        return "container"
    return "object"


DEFAULTS: dict[str, object] = {
    "page": {"id": "1", "name": "P", "instagram_business_account": {"id": "2", "username": "me"}},
    "debug": {"data": {"scopes": ["instagram_basic", "instagram_content_publish"]}},
    "media_list": {
        "data": [
            {
                "id": "5",
                "caption": "hi",
                "comments_count": 2,
                "timestamp": "2026-01-01T10:00:00+0000",
            }
        ]
    },
    "comments": {
        "data": [
            {
                "id": "6",
                "text": "x",
                "timestamp": "2026-01-01T10:00:00+0000",
                "replies": {"data": [{"id": "7", "timestamp": "2026-01-01T10:01:00+0000"}]},
            }
        ]
    },
    "limit": {"data": [{"quota_usage": 0, "config": {"quota_total": 50}}]},
    "container": {"id": "3", "status_code": "FINISHED"},
    "object": {"id": "4", "followers_count": 1, "permalink": "https://www.instagram.com/p/x/"},
    "insights": {"data": []},
    "host": {},
}


class ScriptedServer(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.script: dict[str, list[Reply]] = {}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        base = super()._handler_class()

        class Handler(base):  # type: ignore[valid-type,misc]
            do_HEAD = base.do_GET

        return Handler

    def handle(self, request: Request) -> Reply:
        with self.lock:
            kind = kind_of(request)
            queue = self.script.get(kind)
            if queue:
                return queue.pop(0)
        if kind == "host":
            return Reply(201, b"")
        return Reply.json(DEFAULTS[kind])


@pytest.fixture(scope="module")
def server():
    with ScriptedServer() as running:
        yield running


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "p.jpg"
    path.write_bytes(b"\xff\xd8\xff" + b"\0" * 8)
    return path


ITEM = RemoteInboxItem(
    "18000000000000001", InboxKind.COMMENT, "1", "anna", "hi", datetime(2026, 1, 1, tzinfo=UTC),
    post_remote_id="17900000000000001", parent_remote_id="18000000000000000", author_handle="anna",
)  # fmt: skip
KEY = "0190f0e0a0b07000800000000000000a"
CALLS = {
    "validate": (lambda c, img: c.validate(), AccountIdentity),
    "fetch_settings": (lambda c, img: c.fetch_settings(), dict),
    "publish": (lambda c, img: c.publish(PublishRequest("hi", (img,), KEY)), PublishedPost),
    "carousel": (lambda c, img: c.publish(PublishRequest("hi", (img, img))), PublishedPost),
    "find": (lambda c, img: c.find_published(KEY, "hi"), (PublishedPost, type(None))),
    "inbox": (lambda c, img: c.fetch_inbox(None), InboxPage),
    "inbox_cursor": (lambda c, img: c.fetch_inbox("2026-01-01T00:00:00+0000"), InboxPage),
    "reply": (lambda c, img: c.reply(ITEM, "ok"), str),
    "hide": (lambda c, img: c.hide_item(ITEM), type(None)),
    "thread": (lambda c, img: c.fetch_thread(ITEM), RemoteThread),
    "unhide": (lambda c, img: c.unhide_item(ITEM), type(None)),
    "account_stats": (lambda c, img: c.fetch_account_stats(), AccountStats),
    "post_stats": (lambda c, img: c.fetch_post_stats(["1", "2"]), dict),
}


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(sorted(CALLS)),
    script=scripts,
    known=st.booleans(),
    put=st.sampled_from(["yes", "no", ""]),
)
def test_any_answer_ends_in_a_dataclass_or_a_connector_error(
    server, image, method, script, known, put
):
    with server.lock:
        server.script = {kind: list(queue) for kind, queue in script.items()}
    options = {"ig_user_id": "2", "username": "me"} if known else {}
    connector = InstagramConnector(
        ConnectorConfig(
            secret={
                "page_token": TOKEN,
                "image_host_prefix": server.base_url + "/smm/",
                "image_host_put": put,
            },
            base_url=server.base_url,
            options=options,
            timeout=0.5,
        )
    )
    connector.media_wait_seconds = 0.05
    connector.media_poll_seconds = 0.005
    call, expected = CALLS[method]
    started = time.monotonic()
    try:
        result = call(connector, image)
    except ConnectorError as exc:
        assert TOKEN not in str(exc)
    else:
        assert isinstance(result, expected), (method, result)
        if isinstance(result, InboxPage):
            assert all(item.created_at.tzinfo is not None for item in result.items)
            read_cursor(result.cursor)
        if method == "post_stats":
            assert all(isinstance(v, PostStats) for v in result.values())
    finally:
        connector.close()
    assert time.monotonic() - started < 10
