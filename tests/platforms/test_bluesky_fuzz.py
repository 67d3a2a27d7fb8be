"""Fuzz: whatever a server answers, every Bluesky connector method returns its
dataclass or raises a ConnectorError, in bounded time.

``BSKY_FUZZ_EXAMPLES=3000`` runs a longer search by hand."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

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
    PublishedPost,
    PublishRequest,
    RemoteInboxItem,
    RemoteThread,
)
from smmdesk.platforms.bluesky import BlueskyConnector
from smmdesk.platforms.bluesky_session import forget_sessions
from tests.fakes.http_fake import FakeServer, Reply, Request

URI = "at://did:plc:me/app.bsky.feed.post/3kaaaaaaaaaaa"
ANN_URI = "at://did:plc:ann/app.bsky.feed.post/3kbbbbbbbbbbb"
KEYS = [
    "notifications", "cursor", "uri", "cid", "author", "reason", "record", "indexedAt", "did",
    "handle", "displayName", "posts", "likeCount", "repostCount", "replyCount", "quoteCount",
    "followersCount", "followsCount", "postsCount", "blob", "ref", "accessJwt", "refreshJwt",
    "error", "message", "thread", "parent", "post", "reply", "root", "records", "value",
    "createdAt", "text", "reasonSubject", "embed", "active", "status",
    "replies", "hiddenReplies", "allow", "notFound", "blocked", "$type", "threadgate",
]  # fmt: skip
LIKELY = st.sampled_from(
    [
        URI,
        "at://did:plc:ann/app.bsky.feed.post/3kbbbbbbbbbbb",
        "did:plc:me",
        "did:plc:ann",
        "2026-01-01T10:00:00.000Z",
        "2026-13-45T99:00:00Z",
        "reply",
        "mention",
        "quote",
        "like",
        "ExpiredToken",
        "InvalidToken",
        "RecordNotFound",
        "RateLimitExceeded",
        "InvalidSwap",
        "NotFound",
        "app.bsky.feed.defs#threadViewPost",
        "app.bsky.feed.defs#notFoundPost",
        "",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | LIKELY
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), inner, max_size=6)
    ),
    max_leaves=25,
)
# Mostly-valid fields, so that deep paths are reached and then tripped by one odd value.
GOOD_URI = st.sampled_from([URI, ANN_URI, ANN_URI, ANN_URI, "junk"]) | SCALARS
REASON = st.sampled_from(["reply", "reply", "mention", "quote", "like"])
TIME = st.sampled_from(["2026-01-01T10:00:00.000Z", "2026-01-01T11:00:00+02:00", "bad"])
AUTHOR = st.fixed_dictionaries(
    {}, optional={"did": LIKELY, "handle": SCALARS, "displayName": SCALARS}
)
REF = st.fixed_dictionaries({}, optional={"uri": GOOD_URI, "cid": SCALARS})
RECORD = st.fixed_dictionaries(
    {"text": SCALARS},
    optional={
        "createdAt": TIME | SCALARS,
        "reply": st.fixed_dictionaries({}, optional={"root": REF, "parent": REF}) | JSON,
        "embed": st.fixed_dictionaries({"record": REF | JSON}) | JSON,
    },
)
NOTE = st.fixed_dictionaries(
    {"uri": GOOD_URI, "reason": REASON, "indexedAt": TIME, "author": AUTHOR | JSON},
    optional={"reasonSubject": GOOD_URI, "cid": SCALARS, "record": RECORD | JSON},
)
POST_VIEW = st.fixed_dictionaries(
    {"uri": GOOD_URI, "cid": SCALARS, "record": RECORD | JSON},
    optional={"likeCount": SCALARS, "repostCount": SCALARS, "quoteCount": SCALARS},
)
THREAD_POST = st.fixed_dictionaries(
    {"uri": GOOD_URI, "author": AUTHOR | JSON, "indexedAt": TIME},
    optional={"cid": SCALARS, "record": RECORD | JSON},
)
THREAD = st.recursive(
    st.fixed_dictionaries({"post": THREAD_POST}) | JSON,
    lambda inner: st.fixed_dictionaries(
        {"post": THREAD_POST},
        optional={
            "$type": st.sampled_from(["app.bsky.feed.defs#threadViewPost"]) | SCALARS,
            "parent": inner,
            "replies": st.lists(inner, max_size=3) | SCALARS,
        },
    ),
    max_leaves=6,
)
GATE = st.fixed_dictionaries(
    {"uri": LIKELY, "cid": SCALARS},
    optional={
        "value": st.fixed_dictionaries(
            {},
            optional={
                "post": GOOD_URI,
                "createdAt": TIME | SCALARS,
                "allow": st.lists(JSON, max_size=2) | SCALARS,
                "hiddenReplies": st.lists(GOOD_URI, max_size=3) | SCALARS,
            },
        )
        | JSON
    },
)
SHAPED = (
    st.fixed_dictionaries(
        {"notifications": st.lists(NOTE | JSON, max_size=5)}, optional={"cursor": SCALARS}
    )
    | st.fixed_dictionaries({"posts": st.lists(POST_VIEW | JSON, max_size=3)})
    | st.fixed_dictionaries({"accessJwt": SCALARS, "refreshJwt": SCALARS, "did": LIKELY})
    | st.fixed_dictionaries({"uri": LIKELY, "cid": SCALARS}, optional={"value": JSON})
    | st.fixed_dictionaries({"thread": JSON})
    | st.fixed_dictionaries({"thread": THREAD})
    | GATE
)
BODIES = (
    JSON.map(lambda v: json.dumps(v).encode())
    | SHAPED.map(lambda v: json.dumps(v).encode())
    | st.sampled_from([b"", b"<!DOCTYPE html><p>down</p>", b"\x00\xff{", b"nul", b"[]"])
    | st.binary(max_size=30)
)
HEADERS = st.dictionaries(
    st.sampled_from(["RateLimit-Reset", "Retry-After", "Content-Type", "RateLimit-Remaining"]),
    st.text(max_size=12) | st.integers(0, 2**40).map(str),
    max_size=3,
)
ANY_REPLY = st.builds(
    Reply,
    status=st.sampled_from([200, 200, 200, 201, 204, 302, 400, 401, 403, 404, 413, 429, 500, 502]),
    body=BODIES,
    headers=HEADERS,
)
# Answers shaped like the real ones (status 200), half the time.
SHAPED_REPLY = st.builds(
    Reply, status=st.just(200), body=SHAPED.map(lambda v: json.dumps(v).encode())
)
REPLIES = st.one_of(SHAPED_REPLY, ANY_REPLY)


class ScriptedServer(FakeServer):
    """Answers each request with the next scripted reply; afterwards, errors."""

    def __init__(self) -> None:
        super().__init__()
        self.script: list[Reply] = []

    def handle(self, request: Request) -> Reply:
        with self.lock:
            if self.script:
                return self.script.pop(0)
        return Reply.json({"error": "InternalServerError", "message": "done"}, 500)


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as fake:
        yield fake


ITEM = RemoteInboxItem(
    "at://did:plc:ann/app.bsky.feed.post/3kbbbbbbbbbbb",
    InboxKind.COMMENT,
    "did:plc:ann",
    "Ann",
    "hi",
    datetime(2026, 1, 1, tzinfo=UTC),
    post_remote_id=URI,
)
CALLS: dict[str, tuple[Callable[[BlueskyConnector], Any], Any]] = {
    "validate": (lambda c: c.validate(), AccountIdentity),
    "publish": (
        lambda c: c.publish(PublishRequest("Hi @ann.test https://x.lv #tag", idempotency_key="k")),
        PublishedPost,
    ),
    "find_published": (lambda c: c.find_published("0190f3a2b4c57d8e9f0a1b2c3d4e5f60", "x"), object),
    "find_by_text": (lambda c: c.find_published("", "x"), object),
    "delete": (lambda c: c.delete_post(URI), type(None)),
    "inbox": (lambda c: c.fetch_inbox(None), InboxPage),
    "inbox_cursor": (
        lambda c: c.fetch_inbox('{"seen_indexed_at":"2026-01-01T00:00:00Z","seen_uris":[]}'),
        InboxPage,
    ),
    "reply": (lambda c: c.reply(ITEM, "Thanks!"), str),
    "account_stats": (lambda c: c.fetch_account_stats(), AccountStats),
    "post_stats": (lambda c: c.fetch_post_stats([URI] * 30), dict),
    "thread": (lambda c: c.fetch_thread(ITEM), RemoteThread),
    "hide": (lambda c: c.hide_item(ITEM), type(None)),
    "unhide": (lambda c: c.unhide_item(ITEM), type(None)),
    "hide_unlinked": (lambda c: c.hide_item(replace(ITEM, post_remote_id="")), type(None)),
}
NEW = ["thread", "hide", "unhide", "hide_unlinked"]


@settings(
    max_examples=int(os.environ.get("BSKY_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(sorted(CALLS)), script=st.lists(REPLIES, max_size=8))
def test_any_answer_ends_in_a_dataclass_or_a_connector_error(
    server: ScriptedServer, name: str, script: list[Reply]
) -> None:
    check_call(server, name, script)


@settings(
    max_examples=int(os.environ.get("BSKY_FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(NEW), script=st.lists(REPLIES, max_size=6))
def test_threads_and_hiding_end_in_their_result_or_a_connector_error(
    server: ScriptedServer, name: str, script: list[Reply]
) -> None:
    check_call(server, name, script)


def check_call(server: ScriptedServer, name: str, script: list[Reply]) -> None:
    forget_sessions()
    with server.lock:
        server.script = list(script)
    secret = {
        "identifier": "me.test",
        "app_password": "pw-fuzz-1234",
        "access_jwt": "acc-fuzz",
        "refresh_jwt": "ref-fuzz",
        "did": "did:plc:me",
    }
    connector = BlueskyConnector(
        ConnectorConfig(secret=secret, base_url=server.base_url, timeout=0.5)
    )
    call, expected = CALLS[name]
    started = time.monotonic()
    try:
        result = call(connector)
    except ConnectorError as exc:
        assert "pw-fuzz-1234" not in str(exc) and "ref-fuzz" not in str(exc)
    else:
        if name.startswith("find"):
            assert result is None or isinstance(result, PublishedPost)
        else:
            assert isinstance(result, expected)
        if isinstance(result, InboxPage | RemoteThread):
            assert all(isinstance(i, RemoteInboxItem) for i in result.items)
            assert all(i.created_at.tzinfo is not None for i in result.items)
    finally:
        connector.close()
    assert time.monotonic() - started < 10
