"""Bluesky's inbox: replies, mentions and quotes from ``listNotifications``.

Why it looks like this:

* ``listNotifications`` returns the newest first and its cursor pages
  *backwards* (to older items); there is no "since" parameter. So every poll
  starts without a cursor and pages back until it reaches what the previous
  poll already saw, at most ``MAX_PAGES`` pages of 100.
* Our cursor is our own JSON: ``{"seen_indexed_at": <newest indexedAt seen>,
  "seen_uris": [<uris seen in the last GRACE before it>]}``. A notification's
  ``indexedAt`` is its sort time, ``min(createdAt, indexedAt)`` of the post,
  and a post's client-declared ``createdAt`` is often a little earlier than
  the moment it is indexed. A reply written one second before our last poll
  but indexed just after it would sort *behind* the newest item we saw; a
  strict "newer than" cut would lose it. So a poll reads back ``GRACE``
  further and skips the uris it has already reported. In a burst of more than
  ``MAX_SEEN`` items within ``GRACE`` the cursor also keeps a ``"floor"``
  time: what is older than it counts as seen (the cursor stays small; the
  engine drops any item reported twice by its remote id anyway).
* ``reasons=reply,mention,quote`` is asked for, and the same filter is applied
  to what comes back (an older AppView ignores the parameter).
* Kinds: a reply straight to our post is a COMMENT (parent = root); a reply
  further down one of our threads is a REPLY with ``parent_remote_id`` = the
  post it answers. ``post_remote_id`` is the thread's root when the root is
  ours, else empty. A mention is a MENTION. A quote (someone reposting our
  post with their own words) is shown as a MENTION too, since the inbox has no
  kind for it and answering it means answering their post; its
  ``post_remote_id`` is the quoted post of ours, so the inbox can say what it
  is about.
* Remote ids are at-uris (``at://did/app.bsky.feed.post/rkey``); the
  ``bsky.app`` link is built from the author's handle and the rkey.
* Posts cannot be edited on Bluesky, so ``edited`` is never set; a deleted
  post's notification simply disappears (nothing says it was removed), so
  ``removed`` is never set either; ``fetch_thread`` says when an item is gone.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from smmdesk.platforms.base import (
    BadResponse,
    InboxKind,
    InboxPage,
    PermanentError,
    RemoteInboxItem,
)

MAX_PAGES = 10
PAGE_SIZE = 100
GRACE = timedelta(minutes=15)
FIRST_SYNC_WINDOW = timedelta(days=30)
MAX_SEEN = 200
REASONS = ("reply", "mention", "quote")
#: Replies without thread refs (should not happen) cost a getPostThread each.
MAX_THREAD_LOOKUPS = 20
POST_COLLECTION = "app.bsky.feed.post"

Call = Callable[..., dict[str, Any]]


def parse_time(value: Any) -> datetime | None:
    """An RFC 3339 time from the network as an aware UTC datetime, or None."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class AtUri:
    repo: str
    collection: str
    rkey: str

    @classmethod
    def parse(cls, value: Any) -> AtUri | None:
        if not isinstance(value, str) or not value.startswith("at://"):
            return None
        parts = value[5:].split("/")
        if len(parts) != 3 or not all(parts) or not parts[0].startswith("did:"):
            return None
        return cls(parts[0], parts[1], parts[2])

    def __str__(self) -> str:
        return f"at://{self.repo}/{self.collection}/{self.rkey}"


def post_url(uri: str, handle: str = "") -> str:
    """``https://bsky.app/profile/<handle or did>/post/<rkey>`` for a post's at-uri."""
    parsed = AtUri.parse(uri)
    if parsed is None:
        return ""
    actor = handle if handle and handle != "handle.invalid" else parsed.repo
    return f"https://bsky.app/profile/{actor}/post/{parsed.rkey}"


@dataclass
class Cursor:
    seen_at: datetime | None
    seen_uris: list[str]
    # Set when more uris fell in the grace window than the cursor keeps:
    # everything before it counts as seen.
    floor: datetime | None = None

    @classmethod
    def load(cls, raw: str | None) -> Cursor:
        """Our cursor JSON; anything unreadable counts as no cursor (a first sync)."""
        try:
            data = json.loads(raw or "")
        except (ValueError, TypeError):
            return cls(None, [])
        if not isinstance(data, dict):
            return cls(None, [])
        uris = data.get("seen_uris")
        return cls(
            parse_time(data.get("seen_indexed_at")),
            [u for u in uris if isinstance(u, str)][:MAX_SEEN] if isinstance(uris, list) else [],
            parse_time(data.get("floor")),
        )

    def dump(self) -> str:
        if self.seen_at is None:
            return ""
        data = {"seen_indexed_at": iso(self.seen_at), "seen_uris": self.seen_uris[:MAX_SEEN]}
        if self.floor is not None:
            data["floor"] = iso(self.floor)
        return json.dumps(data, separators=(",", ":"))


def _text(record: Mapping[str, Any]) -> str:
    text = record.get("text")
    return text if isinstance(text, str) else ""


def _ref_uri(record: Mapping[str, Any], which: str) -> str:
    reply = record.get("reply")
    if not isinstance(reply, dict):
        return ""
    ref = reply.get(which)
    if isinstance(ref, dict) and AtUri.parse(ref.get("uri")) is not None:
        return str(ref["uri"])
    return ""


def quoted_uri(record: Mapping[str, Any]) -> str:
    """The post a quote embeds (``embed.record`` or ``recordWithMedia``)."""
    embed = record.get("embed")
    if not isinstance(embed, dict):
        return ""
    inner = embed.get("record")
    if isinstance(inner, dict) and isinstance(inner.get("record"), dict):
        inner = inner["record"]  # app.bsky.embed.recordWithMedia
    if isinstance(inner, dict) and AtUri.parse(inner.get("uri")) is not None:
        return str(inner["uri"])
    return ""


def _has_root(note: Mapping[str, Any]) -> bool:
    record = note.get("record")
    return isinstance(record, dict) and bool(
        _ref_uri(record, "root") and _ref_uri(record, "parent")
    )


def thread_refs(call: Call, uri: str) -> tuple[str, str]:
    """(root, parent) of the post ``uri`` from ``getPostThread``; "" where unknown."""
    body = call(
        "GET", "app.bsky.feed.getPostThread", params={"uri": uri, "depth": 0, "parentHeight": 1000}
    )
    node = body.get("thread")
    chain: list[str] = []
    for _ in range(1001):
        if not isinstance(node, dict):
            break
        post = node.get("post")
        if isinstance(post, dict) and AtUri.parse(post.get("uri")) is not None:
            chain.append(str(post["uri"]))
        node = node.get("parent")
    if len(chain) < 2:
        return "", ""
    return chain[-1], chain[1]


def to_item(
    note: Mapping[str, Any], own_did: str, call: Call | None = None, ours: bool = False
) -> RemoteInboxItem | None:
    """One notification as an inbox item; None for what the inbox does not show.

    ``ours=True`` (a conversation shown whole) keeps the account's own posts:
    its replies are REPLY items answering their parent.
    """
    reason = note.get("reason")
    uri = note.get("uri")
    author = note.get("author")
    record = note.get("record")
    indexed_at = parse_time(note.get("indexedAt"))
    if reason not in REASONS or AtUri.parse(uri) is None:
        return None
    if not isinstance(author, dict) or not isinstance(record, dict) or indexed_at is None:
        return None
    did = author.get("did")
    if not isinstance(did, str) or not did or (did == own_did and not ours):
        return None
    handle = author.get("handle") if isinstance(author.get("handle"), str) else ""
    name = author.get("displayName")
    display = name.strip() if isinstance(name, str) and name.strip() else (handle or did)
    created = parse_time(record.get("createdAt"))
    created_at = min(created, indexed_at) if created is not None else indexed_at
    subject = note.get("reasonSubject") if AtUri.parse(note.get("reasonSubject")) else ""

    kind = InboxKind.MENTION
    post_id = parent_id = ""
    if reason == "reply":
        parent_id, root_id = _ref_uri(record, "parent"), _ref_uri(record, "root")
        if not (parent_id and root_id) and call is not None:
            # A thread that is gone or hidden: go by what the notification says.
            with contextlib.suppress(PermanentError):
                root_id, parent_id = thread_refs(call, str(uri))
        parent_id = parent_id or str(subject or "")
        root_id = root_id or parent_id
        kind = InboxKind.COMMENT if parent_id == root_id else InboxKind.REPLY
        root = AtUri.parse(root_id)
        post_id = root_id if root is not None and root.repo == own_did else ""
        if did == own_did:
            kind = InboxKind.REPLY
        elif kind is InboxKind.COMMENT:
            parent_id = ""
    elif reason == "quote":
        post_id = quoted_uri(record) or str(subject or "")
    return RemoteInboxItem(
        remote_id=str(uri),
        kind=kind,
        author_id=did,
        author_name=display,
        text=_text(record),
        created_at=created_at,
        post_remote_id=post_id,
        parent_remote_id=parent_id,
        url=post_url(str(uri), str(handle)),
        author_handle=str(handle),
    )


def fetch(call: Call, own_did: str, raw_cursor: str | None, now: datetime) -> InboxPage:
    """Page back through notifications until what the last poll saw; bounded."""
    cursor = Cursor.load(raw_cursor)
    if cursor.seen_at is not None:
        floor = max(cursor.seen_at - GRACE, cursor.floor or cursor.seen_at - GRACE)
    else:
        floor = now - FIRST_SYNC_WINDOW
    seen = set(cursor.seen_uris)
    fresh: list[tuple[datetime, str, dict[str, Any]]] = []
    page_cursor = ""
    for _ in range(MAX_PAGES):
        params: dict[str, Any] = {"limit": PAGE_SIZE, "reasons": list(REASONS)}
        if page_cursor:
            params["cursor"] = page_cursor
        body = call("GET", "app.bsky.notification.listNotifications", params=params)
        notes = body.get("notifications")
        if not isinstance(notes, list):
            raise BadResponse("Bluesky sent its notifications in an unexpected shape.")
        reached_floor = False
        for note in notes:
            if not isinstance(note, dict):
                continue
            indexed_at = parse_time(note.get("indexedAt"))
            uri = note.get("uri")
            if indexed_at is None or not isinstance(uri, str):
                continue
            if indexed_at < floor:
                reached_floor = True
                break
            if uri not in seen:
                fresh.append((indexed_at, uri, note))
        next_cursor = body.get("cursor")
        if reached_floor or not notes or not isinstance(next_cursor, str) or not next_cursor:
            break
        if next_cursor == page_cursor:
            break
        page_cursor = next_cursor

    items: list[RemoteInboxItem] = []
    reported: dict[str, datetime] = {}
    lookups = MAX_THREAD_LOOKUPS
    for indexed_at, uri, note in fresh:
        if uri in reported:
            continue
        reported[uri] = indexed_at
        needs_lookup = note.get("reason") == "reply" and not _has_root(note)
        item = to_item(note, own_did, call if needs_lookup and lookups > 0 else None)
        lookups -= needs_lookup
        if item is not None:
            items.append(item)
    items.sort(key=lambda i: (i.created_at, i.remote_id))

    newest = max([*reported.values(), *([cursor.seen_at] if cursor.seen_at else [])], default=None)
    if newest is None:
        return InboxPage(items=items, cursor=cursor.dump())
    window = newest - GRACE
    keep = sorted(((when, uri) for uri, when in reported.items() if when >= window), reverse=True)
    kept = [uri for _, uri in keep]
    carried = cursor.seen_at is not None and cursor.seen_at >= window
    if carried:
        # The last poll's uris may still be met above the next floor: keep them.
        kept += [u for u in cursor.seen_uris if u not in reported]
    new_floor = cursor.floor if carried else None
    if len(kept) > MAX_SEEN:
        # A burst: what does not fit counts as seen by time instead.
        if len(keep) >= MAX_SEEN:
            new_floor = keep[MAX_SEEN - 1][0]
        else:
            new_floor = max(cursor.seen_at or window, new_floor or window)
    new_cursor = Cursor(newest, kept[:MAX_SEEN], new_floor)
    return InboxPage(items=items, cursor=new_cursor.dump())
