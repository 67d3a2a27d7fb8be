"""Fuzz: whatever VK answers (any status, an error object with any code and
fields, JSON of any shape, garbage), every VK connector method returns its
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
from smmdesk.platforms.vk import VkConnector
from smmdesk.platforms.vk_api import VkApi
from smmdesk.platforms.vk_inbox import read_cursor
from smmdesk.platforms.vk_setup import community_ref
from tests.fakes.http_fake import FakeServer, Reply, Request

KEYS = [
    "id", "post_id", "owner_id", "from_id", "date", "text", "items", "groups", "profiles",
    "count", "likes", "reposts", "views", "comments", "attachments", "type", "photo",
    "upload_url", "server", "hash", "is_admin", "admin_level", "members_count", "screen_name",
    "name", "first_name", "last_name", "post_type", "postponed_id", "thread", "deleted",
    "reply_to_comment", "conversation", "peer", "last_message", "out", "permissions",
    "comment_id", "is_pinned",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        ["5", "-1", "postpone", "post", "photo", "messages", "[]", "http://127.0.0.1:1/u"]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=8)
    ),
    max_leaves=10,
)
small_ids = st.one_of(st.integers(min_value=-3, max_value=2**40), scalars)
post_like = st.fixed_dictionaries(
    {"id": small_ids},
    optional={
        "date": st.integers(min_value=-10, max_value=2**40) | scalars, "text": scalars,
        "from_id": small_ids, "post_type": st.sampled_from(["post", "postpone"]) | scalars,
        "postponed_id": small_ids, "is_pinned": scalars,
        "likes": st.fixed_dictionaries({"count": small_ids}) | scalars,
        "views": st.fixed_dictionaries({"count": small_ids}) | scalars,
        "comments": st.fixed_dictionaries({"count": small_ids}) | scalars,
        "attachments": st.lists(json_values, max_size=2) | scalars,
        "thread": st.fixed_dictionaries({"items": st.lists(json_values, max_size=2)}) | scalars,
        "last_message": json_values, "conversation": json_values,
    },
)  # fmt: skip
responses = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "items": st.lists(post_like | scalars, max_size=4) | scalars,
            "groups": st.lists(post_like, max_size=2),
            "count": small_ids,
            "post_id": small_ids,
            "comment_id": small_ids,
            "upload_url": scalars,
            "profiles": st.lists(json_values, max_size=2),
        },
    ),
    st.lists(post_like | scalars, max_size=3),
    json_values,
)
errors = st.fixed_dictionaries(
    {"error_code": st.sampled_from([1, 5, 6, 9, 10, 14, 15, 17, 27, 29, 100, 104, 203, 214, 212])
     | scalars},
    optional={"error_msg": scalars, "captcha_sid": scalars, "captcha_img": scalars,
              "request_params": json_values},
)  # fmt: skip
statuses = st.sampled_from([200] * 10 + [301, 400, 404, 429, 500, 503])


def answers() -> st.SearchStrategy[Reply]:
    documented = st.builds(lambda r: Reply.json({"response": r}), responses)
    error = st.builds(lambda e: Reply.json({"error": e}), errors)
    anything = st.builds(
        lambda status, body, retry: Reply(
            status, body, {"Content-Type": "application/json", "Retry-After": retry}
        ),
        statuses,
        st.one_of(
            json_values.map(lambda v: json.dumps(v).encode()),
            st.binary(max_size=30),
            st.just(b"<!DOCTYPE html><html>down</html>"),
            st.just(b""),
        ),
        st.sampled_from(["1", "garbage", "-5", "99999999999", ""]),
    )
    return st.one_of(documented, documented, documented, error, anything)


scripts = st.lists(answers(), max_size=6)

#: Sane answers once the script has run out, per method.
DEFAULTS: dict[str, object] = {
    "users.get": [{"id": 1, "first_name": "A"}],
    "groups.getById": {"groups": [{"id": 5, "name": "G", "is_admin": 1, "admin_level": 3}]},
    "account.getAppPermissions": 8192 | 4 | 262144,
    "groups.getTokenPermissions": {"permissions": [{"name": "messages"}]},
    "wall.post": {"post_id": 7},
    "wall.get": {"count": 0, "items": []},
    "wall.getById": {"items": []},
    "wall.getComments": {"count": 0, "items": []},
    "photos.getWallUploadServer": {"upload_url": "UPLOAD"},
    "photos.saveWallPhoto": [{"id": 3, "owner_id": -5}],
    "messages.getConversations": {"count": 0, "items": []},
    "messages.send": 9,
    "wall.createComment": {"comment_id": 4},
}


class ScriptedVk(FakeServer):
    """Answers every call from one script, then sanely."""

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
        if request.path.startswith("/upload"):
            return Reply.json({"server": 1, "photo": "[{}]", "hash": "h"})
        method = request.path.rsplit("/", 1)[-1]
        default = DEFAULTS.get(method, 1)
        if default == {"upload_url": "UPLOAD"}:
            default = {"upload_url": f"{self.base_url}/upload"}
        return Reply.json({"response": default})


@pytest.fixture(autouse=True)
def _no_pacing(monkeypatch):
    """VK's per-token pacing (3 requests a second) is tested on its own; here it would only wait."""
    monkeypatch.setattr(VkApi, "user_interval", 0.0)
    monkeypatch.setattr(VkApi, "group_interval", 0.0)


@pytest.fixture(scope="module")
def server():
    with ScriptedVk() as running:
        yield running


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("vkfuzz") / "p.png"
    path.write_bytes(b"\x89PNG" + b"\0" * 8)
    return path


COMMENT = RemoteInboxItem("11", InboxKind.COMMENT, "3", "A", "hi", datetime(2025, 1, 1, tzinfo=UTC),
                          post_remote_id="7")  # fmt: skip
MESSAGE = RemoteInboxItem("dm12", InboxKind.DIRECT_MESSAGE, "3", "A", "hi", datetime.now(UTC))
KEY = "0190f0e0a0b07000800000000000000a"
LATER = datetime.now(UTC) + timedelta(days=2)
CALLS = {
    "validate": (lambda c, img: c.validate(), AccountIdentity),
    "capabilities": (lambda c, img: c.account_capabilities(), Capabilities),
    "publish": (lambda c, img: c.publish(PublishRequest("hi", (), KEY)), PublishedPost),
    "publish_image": (lambda c, img: c.publish(PublishRequest("", (img,))), PublishedPost),
    "find": (lambda c, img: c.find_published(KEY, "hi"), (PublishedPost, type(None))),
    "inbox": (lambda c, img: c.fetch_inbox(None), InboxPage),
    "inbox_cursor": (lambda c, img: c.fetch_inbox('{"v": 1, "p": {"7": 3}, "m": 2}'), InboxPage),
    "reply": (lambda c, img: c.reply(COMMENT, "ok"), str),
    "reply_dm": (lambda c, img: c.reply(MESSAGE, "ok"), str),
    "thread": (lambda c, img: c.fetch_thread(COMMENT), RemoteThread),
    "thread_dm": (lambda c, img: c.fetch_thread(MESSAGE), RemoteThread),
    "account_stats": (lambda c, img: c.fetch_account_stats(), AccountStats),
    "post_stats": (lambda c, img: c.fetch_post_stats(["7", "8"]), dict),
    "schedule": (lambda c, img: c.schedule(PublishRequest("x", (), KEY), LATER), ScheduledPost),
    "update": (lambda c, img: c.update_scheduled("7", PublishRequest("y"), LATER), ScheduledPost),
    "cancel": (lambda c, img: c.cancel_scheduled("7"), type(None)),
    "check": (lambda c, img: c.check_scheduled("7", "x"), ScheduledState),
    "edit": (lambda c, img: c.edit_post("7", PublishRequest("z")), type(None)),
    "delete": (lambda c, img: c.delete_post("7"), type(None)),
}


@settings(
    max_examples=180,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(sorted(CALLS)),
    script=scripts,
    options=st.dictionaries(
        st.sampled_from(["group_id", "messages", "captcha_sid", "captcha_key"]),
        st.sampled_from(["5", "-5", "", "x", "0", "1", "99999999999999999999"]),
        max_size=4,
    ),
    community_token=st.booleans(),
)
def test_any_answer_ends_in_a_dataclass_or_a_connector_error(
    server, image, method, script, options, community_token
):
    with server.lock:
        server.script = list(script)
    secret = {"access_token": "fuzz-token", "community": "kafija"}
    if community_token:
        secret["community_token"] = "fuzz-community-token"
    connector = VkConnector(
        ConnectorConfig(secret=secret, base_url=server.base_url, options=options, timeout=0.5)
    )
    call, expected = CALLS[method]
    started = time.monotonic()
    try:
        result = call(connector, image)
    except ConnectorError as exc:
        assert "fuzz-token" not in str(exc) and "fuzz-community-token" not in str(exc)
    else:
        assert isinstance(result, expected), (method, result)
        if isinstance(result, InboxPage | RemoteThread):
            assert all(item.created_at.tzinfo is not None for item in result.items)
        if isinstance(result, InboxPage):
            read_cursor(result.cursor)
        if isinstance(result, PublishedPost):
            assert result.remote_id.isdigit() and int(result.remote_id) > 0
        if method == "post_stats":
            assert all(isinstance(v, PostStats) for v in result.values())
    finally:
        connector.close()
    assert time.monotonic() - started < 10


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_cursor_and_community_readers_never_raise(text):
    read_cursor(text)
    community_ref(text)
