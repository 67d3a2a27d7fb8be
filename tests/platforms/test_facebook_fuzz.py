"""Fuzz: whatever the Graph API answers (any status, usage headers, error objects,
JSON of any shape, garbage), every Facebook connector method returns its
dataclass or raises a ConnectorError, within a bounded time."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
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
    ScheduledPost,
    ScheduledState,
)
from smmdesk.platforms.facebook import FacebookConnector
from smmdesk.platforms.facebook_inbox import read_cursor
from tests.fakes.http_fake import FakeServer, Reply, Request

KEYS = [
    "id", "name", "link", "message", "created_time", "updated_time", "permalink_url",
    "is_published", "scheduled_publish_time", "data", "paging", "next", "cursors", "after",
    "from", "parent", "is_hidden", "comments", "reactions", "shares", "summary", "total_count",
    "count", "values", "value", "followers_count", "fan_count", "scopes", "is_valid",
    "messages", "participants", "message_id", "post_id", "error", "code", "error_subcode",
    "is_transient", "estimated_time_to_regain_access", "permission", "status",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "100000000000001_5", "2026-01-01T10:00:00+0000", "2026-13-45T99:00:00+0000",
            "https://www.facebook.com/1/posts/5", "http://127.0.0.1:1/v25.0/elsewhere",
            "post_media_view", "pages_manage_posts", "granted", "", "m_abc", "t_1",
        ]
    ),
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=8)
    ),
    max_leaves=10,
)
error_objects = st.fixed_dictionaries(
    {
        "error": st.fixed_dictionaries(
            {"code": st.sampled_from([1, 2, 4, 10, 17, 32, 100, 190, 200, 230, 368, 506, 613,
                                      80001, 2018278, -1]) | scalars},
            optional={"message": scalars, "error_subcode": st.sampled_from([33, 463, 2018278])
                      | scalars, "fbtrace_id": scalars, "is_transient": scalars,
                      "error_user_msg": scalars},
        )
    }
)  # fmt: skip
usage = st.one_of(
    st.just(""),
    st.just('{"call_count":100,"total_cputime":1,"total_time":1}'),
    st.just('{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":1}]}'),
    json_values.map(json.dumps),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20),
)
statuses = st.sampled_from([200] * 10 + [301, 400, 401, 403, 404, 429, 500, 503])


def _reply(status: int, body: bytes, buc: str, app: str) -> Reply:
    headers = {"Content-Type": "application/json"}
    if buc:
        headers["X-Business-Use-Case-Usage"] = buc
    if app:
        headers["X-App-Usage"] = app
    return Reply(status, body, headers)


answers = st.one_of(
    st.builds(_reply, st.just(200), json_values.map(lambda v: json.dumps(v).encode()), usage,
              usage),
    st.builds(_reply, statuses, error_objects.map(lambda v: json.dumps(v).encode()), usage,
              usage),
    st.builds(
        _reply,
        statuses,
        st.one_of(st.binary(max_size=30), st.just(b"<html>down</html>"), st.just(b""),
                  st.just(b"true")),
        usage,
        usage,
    ),
)  # fmt: skip

SANE = {
    "id": "100000000000001_5",
    "name": "Page",
    "message": "hi",
    "created_time": "2026-01-01T10:00:00+0000",
    "permalink_url": "https://www.facebook.com/1/posts/5",
    "followers_count": 3,
    "data": [],
    "message_id": "m_1",
}


class ScriptedServer(FakeServer):
    """Answers from a script, then sanely."""

    def __init__(self) -> None:
        super().__init__()
        self.script: list[Reply] = []

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        class Handler(super()._handler_class()):  # type: ignore[misc]
            disable_nagle_algorithm = True

        return Handler

    def handle(self, request: Request) -> Reply:
        with self.lock:
            if self.script:
                return self.script.pop(0)
        return Reply.json(SANE)


@pytest.fixture(scope="module")
def server():
    with ScriptedServer() as running:
        yield running


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fbfuzz") / "p.jpg"
    path.write_bytes(b"\xff\xd8\xff" + b"\0" * 8)
    return path


COMMENT = RemoteInboxItem(
    "5_77", InboxKind.COMMENT, "9", "A", "hi", datetime(2026, 1, 1, tzinfo=UTC),
    post_remote_id="100000000000001_5",
)  # fmt: skip
MESSAGE = RemoteInboxItem(
    "m_1", InboxKind.DIRECT_MESSAGE, "psid", "B", "hi", datetime(2026, 1, 1, tzinfo=UTC),
    parent_remote_id="t_1",
)  # fmt: skip
KEY = "019a0000000070008000000000000000"


def calls(connector: FacebookConnector, image: Path) -> list[tuple[str, object]]:
    at = datetime.now(UTC) + timedelta(days=1)
    return [
        ("validate", lambda: connector.validate()),
        ("publish", lambda: connector.publish(PublishRequest("hi", images=[image]))),
        ("find", lambda: connector.find_published(KEY, "hi")),
        ("edit", lambda: connector.edit_post("1_5", PublishRequest("x"))),
        ("delete", lambda: connector.delete_post("1_5")),
        ("schedule", lambda: connector.schedule(PublishRequest("x"), at)),
        ("update", lambda: connector.update_scheduled("1_5", PublishRequest("x"), at)),
        ("cancel", lambda: connector.cancel_scheduled("1_5")),
        ("check", lambda: connector.check_scheduled("1_5", "x")),
        ("inbox", lambda: connector.fetch_inbox(None)),
        ("reply", lambda: connector.reply(COMMENT, "ok")),
        ("reply_dm", lambda: connector.reply(MESSAGE, "ok")),
        ("hide", lambda: connector.hide_item(COMMENT)),
        ("thread", lambda: connector.fetch_thread(COMMENT)),
        ("thread_dm", lambda: connector.fetch_thread(MESSAGE)),
        ("account", lambda: connector.fetch_account_stats()),
        ("posts", lambda: connector.fetch_post_stats(["1_5", "1_6"])),
    ]


EXPECTED = {
    "validate": AccountIdentity, "publish": PublishedPost, "find": (PublishedPost, type(None)),
    "edit": type(None), "delete": type(None), "schedule": ScheduledPost,
    "update": ScheduledPost, "cancel": type(None), "check": ScheduledState, "inbox": InboxPage,
    "reply": str, "reply_dm": str, "hide": type(None), "thread": RemoteThread,
    "thread_dm": RemoteThread, "account": AccountStats, "posts": dict,
}  # fmt: skip


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(script=st.lists(answers, max_size=5), which=st.integers(0, 16))
def test_every_method_returns_its_dataclass_or_a_connector_error(server, image, script, which):
    with server.lock:
        server.script = list(script)
    connector = FacebookConnector(
        ConnectorConfig(
            secret={"page_token": "EAABfuzz"},
            base_url=server.base_url + "/v25.0",
            options={"page_id": "100000000000001"},
            timeout=0.5,
        )
    )
    name, call = calls(connector, image)[which]
    started = time.monotonic()
    try:
        result = call()  # type: ignore[operator]
    except ConnectorError as exc:
        assert "EAABfuzz" not in str(exc)
    else:
        assert isinstance(result, EXPECTED[name]), (name, result)
        if isinstance(result, dict):
            assert all(isinstance(v, PostStats) for v in result.values())
        if isinstance(result, InboxPage):
            read_cursor(result.cursor)
            assert all(isinstance(i, RemoteInboxItem) for i in result.items)
    finally:
        connector.close()
    assert time.monotonic() - started < 10


@given(st.one_of(st.text(max_size=60), json_values.map(json.dumps)))
def test_any_cursor_is_read_without_failing(cursor):
    comments, messages = read_cursor(cursor)
    assert isinstance(comments, dict) and isinstance(messages, dict)
