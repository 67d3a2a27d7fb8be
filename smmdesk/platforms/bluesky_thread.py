"""Bluesky conversations for the reading pane, and hiding replies in our threads.

Conversation: ``app.bsky.feed.getPostThread`` of the item (``parentHeight``
up to the thread's root, ``depth`` down its replies). The root, when the
chain reaches it (a post that answers nothing), is the post the conversation
hangs under: ``post_text``. The parents below it, the item and its replies
(flattened) are the items, oldest first, read the way the inbox reads them
(``bluesky_inbox.to_item``), the account's own answers among them. Deleted or
blocked posts in the chain are left out; a deleted item gives a thread of the
item alone, marked ``removed`` (what the network says, not an account error).
Other branches under the same root are other conversations and not fetched.

Hiding: Bluesky lets the author of a thread hide replies in it through the
thread's ``app.bsky.feed.threadgate`` record, whose rkey is the root post's
rkey in the same repo, listing the hidden replies' at-uris in
``hiddenReplies`` (at most 300). Hiding reads the record (``getRecord``),
adds or removes the reply, and writes it back (``putRecord`` with
``swapRecord``, so a change made meanwhile by another app is not overwritten:
the read and write are tried again). Everything else in the record is kept as
it was; in particular ``allow`` is never added: absent means anyone may reply,
while an empty list would mean no one may. A reply under someone else's post
cannot be hidden by this account.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import datetime
from typing import Any

from smmdesk.platforms.base import (
    BadResponse,
    InboxKind,
    PermanentError,
    RemoteInboxItem,
    RemoteThread,
    TransientError,
)
from smmdesk.platforms.bluesky_inbox import (
    POST_COLLECTION,
    AtUri,
    Call,
    iso,
    post_url,
    thread_refs,
    to_item,
)
from smmdesk.platforms.bluesky_session import XrpcError

THREADGATE = "app.bsky.feed.threadgate"
#: ``hiddenReplies`` holds at most this many at-uris (the lexicon's maxLength).
MAX_HIDDEN = 300
PARENT_HEIGHT = 80
DEPTH = 10
#: Most items a conversation shows (a viral thread must not flood the pane).
MAX_ITEMS = 300
SWAP_ATTEMPTS = 3
_VIEW = "app.bsky.feed.defs#threadViewPost"
_BLOCKED = "Bluesky does not show this post to the account (a block between the two)."


def _view(node: Any) -> dict[str, Any] | None:
    """The post of a ``threadViewPost`` node, or None for anything else."""
    if not isinstance(node, dict) or node.get("$type", _VIEW) != _VIEW:
        return None
    post = node.get("post")
    if not isinstance(post, dict) or AtUri.parse(post.get("uri")) is None:
        return None
    return post


def _record(post: dict[str, Any]) -> dict[str, Any]:
    record = post.get("record")
    return record if isinstance(record, dict) else {}


def _item(post: dict[str, Any], own_did: str) -> RemoteInboxItem | None:
    note = {
        "reason": "reply" if isinstance(_record(post).get("reply"), dict) else "mention",
        "uri": post.get("uri"),
        "author": post.get("author"),
        "record": post.get("record"),
        "indexedAt": post.get("indexedAt"),
    }
    return to_item(note, own_did, ours=True)


def fetch_thread(call: Call, own_did: str, item: RemoteInboxItem) -> RemoteThread:
    uri = AtUri.parse(item.remote_id)
    if uri is None or uri.collection != POST_COLLECTION:
        raise PermanentError("This item is not a Bluesky post, so it has no conversation.")
    params = {"uri": str(uri), "depth": DEPTH, "parentHeight": PARENT_HEIGHT}
    try:
        body = call("GET", "app.bsky.feed.getPostThread", params=params)
    except XrpcError as exc:
        if exc.error == "NotFound":
            return _gone(item)
        raise
    thread = body.get("thread")
    post = _view(thread)
    if post is None:
        if isinstance(thread, dict) and thread.get("notFound") is True:
            return _gone(item)
        if isinstance(thread, dict) and thread.get("blocked") is True:
            raise PermanentError(_BLOCKED)
        raise BadResponse("Bluesky sent the conversation in an unexpected shape.")
    assert isinstance(thread, dict)
    chain: list[dict[str, Any]] = []  # the item's parents, nearest first
    node: Any = thread.get("parent")
    while len(chain) <= PARENT_HEIGHT and (parent := _view(node)) is not None:
        chain.append(parent)
        node = node.get("parent")
    top = chain[-1] if chain else post
    is_root = node is None and not isinstance(_record(top).get("reply"), dict)
    root = top if is_root and chain else None
    members = [p for p in chain if p is not root] + [post] + _replies(thread)
    items: dict[str, RemoteInboxItem] = {}
    for member in members:
        found = _item(member, own_did)
        if found is not None:
            items.setdefault(found.remote_id, found)
    ordered = sorted(items.values(), key=lambda i: (i.created_at, i.remote_id))[:MAX_ITEMS]
    if root is None:
        return RemoteThread(post_text="", post_url="", items=ordered)
    text = _record(root).get("text")
    author = root.get("author")
    handle = author.get("handle") if isinstance(author, dict) else ""
    return RemoteThread(
        post_text=text if isinstance(text, str) else "",
        post_url=post_url(str(root["uri"]), handle if isinstance(handle, str) else ""),
        items=ordered,
    )


def _gone(item: RemoteInboxItem) -> RemoteThread:
    return RemoteThread(post_text="", post_url="", items=[replace(item, removed=True)])


def _replies(thread: dict[str, Any]) -> list[dict[str, Any]]:
    """The replies under a node, depth first, at most ``MAX_ITEMS``."""
    found: list[dict[str, Any]] = []
    stack: list[Any] = list(reversed(_list(thread.get("replies"))))
    while stack and len(found) < MAX_ITEMS:
        node = stack.pop()
        post = _view(node)
        if post is None:
            continue  # deleted, blocked or unreadable: not shown
        found.append(post)
        stack.extend(reversed(_list(node.get("replies"))))
    return found


def _list(value: Any) -> list[Any]:
    return value[: MAX_ITEMS + 1] if isinstance(value, list) else []


# --- hiding ---------------------------------------------------------------------------


def set_hidden(
    call: Call, own_did: str, item: RemoteInboxItem, hidden: bool, now: datetime
) -> None:
    """Hide (or show again) a reply in one of the account's threads."""
    reply = AtUri.parse(item.remote_id)
    if (
        reply is None
        or reply.collection != POST_COLLECTION
        or item.kind not in (InboxKind.COMMENT, InboxKind.REPLY)
    ):
        raise PermanentError("On Bluesky only replies in the account's own threads can be hidden.")
    root = AtUri.parse(item.post_remote_id)
    if root is None:
        with contextlib.suppress(PermanentError):
            root = AtUri.parse(thread_refs(call, str(reply))[0])
    if root is None or root.repo != own_did or root.collection != POST_COLLECTION:
        raise PermanentError(
            "Bluesky lets only the author of a thread hide its replies, and this reply is "
            "under someone else's post."
        )
    for _ in range(SWAP_ATTEMPTS):
        current, cid = _read_gate(call, own_did, root.rkey)
        record = dict(current or {})
        listed = record.get("hiddenReplies")
        replies = [h for h in listed if isinstance(h, str)] if isinstance(listed, list) else []
        if (str(reply) in replies) == hidden:
            return  # already as asked
        if hidden and len(replies) >= MAX_HIDDEN:
            raise PermanentError(
                f"Bluesky hides at most {MAX_HIDDEN} replies per thread; show some hidden "
                "replies again first."
            )
        replies = [*replies, str(reply)] if hidden else [h for h in replies if h != str(reply)]
        record.update({"$type": THREADGATE, "post": str(root), "hiddenReplies": replies})
        if not isinstance(record.get("createdAt"), str):
            record["createdAt"] = iso(now)
        body = {
            "repo": own_did,
            "collection": THREADGATE,
            "rkey": root.rkey,
            "record": record,
            "swapRecord": cid,  # None: the record must still not exist
        }
        try:
            call("POST", "com.atproto.repo.putRecord", body=body)
            return
        except XrpcError as exc:
            if exc.error != "InvalidSwap":
                raise
    raise TransientError(
        "Another app changed who may reply to this post at the same moment; try again."
    )


def _read_gate(call: Call, own_did: str, rkey: str) -> tuple[dict[str, Any] | None, str | None]:
    """The thread's threadgate record and its CID, or (None, None) when it has none."""
    params = {"repo": own_did, "collection": THREADGATE, "rkey": rkey}
    try:
        body = call("GET", "com.atproto.repo.getRecord", params=params)
    except XrpcError as exc:
        if exc.error == "RecordNotFound" or "Could not locate record" in str(exc):
            return None, None
        raise
    value, cid = body.get("value"), body.get("cid")
    if not isinstance(value, dict) or not isinstance(cid, str) or not cid:
        raise BadResponse("Bluesky sent the post's reply settings in an unexpected shape.")
    return value, cid
