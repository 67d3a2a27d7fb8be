"""A connector whose answers a test scripts, for the engine's own tests.

It records every call and answers from ``SCRIPT``: a list of exceptions or
values to hand out per method, falling back to a plausible success. The
network's state (published posts, scheduled posts) is kept so ``find_published``
and ``check_scheduled`` answer truthfully.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from smmdesk.platforms.base import (
    AccountIdentity,
    AccountStats,
    Capabilities,
    Connector,
    CredentialField,
    InboxPage,
    PostStats,
    PublishedPost,
    PublishRequest,
    RemoteInboxItem,
    ScheduledPost,
    ScheduledState,
    TextCounting,
)


@dataclass
class Network:
    calls: list[tuple[str, Any]] = field(default_factory=list)
    script: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    posts: dict[str, PublishedPost] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # remote id -> text
    keys: dict[str, str] = field(default_factory=dict)  # idempotency key -> remote id
    scheduled: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    #: publish() stores the post, then raises this (a timeout after the fact).
    lose_answer: Exception | None = None

    def next(self, method: str) -> Any:
        queue = self.script[method]
        if queue:
            item = queue.pop(0)
            if isinstance(item, BaseException):
                raise item
            return item
        return None

    def count(self, method: str) -> int:
        return sum(1 for name, _ in self.calls if name == method)


NETWORK = Network()


class ScriptedConnector(Connector):
    platform = "scripted"
    display_name = "Scripted"
    capabilities = Capabilities(
        max_text_length=500, text_counting=TextCounting.CODEPOINTS, native_scheduling=True
    )
    credential_fields = (CredentialField("token", "Token"),)

    def _call(self, method: str, args: Any = None) -> Any:
        NETWORK.calls.append((method, args))
        return NETWORK.next(method)

    def validate(self) -> AccountIdentity:
        self._call("validate")
        return AccountIdentity("1", "@scripted", "Scripted")

    def publish(self, request: PublishRequest) -> PublishedPost:
        self._call("publish", request.text)
        remote_id = str(len(NETWORK.posts) + 1)
        post = PublishedPost(remote_id, f"https://scripted.example/{remote_id}", datetime.now(UTC))
        NETWORK.posts[remote_id] = post
        NETWORK.texts[remote_id] = request.text
        NETWORK.keys[request.idempotency_key] = remote_id
        if NETWORK.lose_answer is not None:
            exc, NETWORK.lose_answer = NETWORK.lose_answer, None
            raise exc
        return post

    def find_published(self, idempotency_key: str, text: str) -> PublishedPost | None:
        self._call("find_published", idempotency_key)
        remote_id = NETWORK.keys.get(idempotency_key)
        return NETWORK.posts.get(remote_id) if remote_id else None

    def delete_post(self, remote_id: str) -> None:
        self._call("delete_post", remote_id)
        NETWORK.posts.pop(remote_id, None)

    def edit_post(self, remote_id: str, request: PublishRequest) -> None:
        self._call("edit_post", (remote_id, request.text))
        NETWORK.texts[remote_id] = request.text

    def schedule(self, request: PublishRequest, at: datetime) -> ScheduledPost:
        self._call("schedule", (request.text, at))
        remote_id = f"s{len(NETWORK.scheduled) + 1}"
        NETWORK.scheduled[remote_id] = (request.text, at)
        return ScheduledPost(remote_id, at)

    def update_scheduled(
        self, remote_id: str, request: PublishRequest, at: datetime
    ) -> ScheduledPost:
        self._call("update_scheduled", (remote_id, request.text, at))
        NETWORK.scheduled[remote_id] = (request.text, at)
        return ScheduledPost(remote_id, at)

    def cancel_scheduled(self, remote_id: str) -> None:
        self._call("cancel_scheduled", remote_id)
        NETWORK.scheduled.pop(remote_id, None)

    def check_scheduled(self, remote_id: str, text: str) -> ScheduledState:
        self._call("check_scheduled", remote_id)
        scripted = NETWORK.next("check_scheduled_state")
        if scripted is not None:
            return scripted
        return ScheduledState(pending=remote_id in NETWORK.scheduled)

    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        self._call("fetch_inbox", cursor)
        return InboxPage([], cursor or "")

    def reply(self, item: RemoteInboxItem, text: str) -> str:
        self._call("reply", text)
        return "r1"

    def fetch_account_stats(self) -> AccountStats:
        self._call("fetch_account_stats")
        return AccountStats(followers=10)

    def fetch_post_stats(self, remote_ids: Sequence[str]) -> dict[str, PostStats]:
        self._call("fetch_post_stats", list(remote_ids))
        return {}
