"""What people say to a Facebook Page: comments on its recent posts and, where the
token has ``pages_messaging``, its Messenger conversations.

Comments are pulled (webhooks need a public HTTPS server, which a desktop app
has not): each call reads the Page's ``RECENT_POSTS`` newest posts, and for
each with comments ``/{post}/comments?filter=stream&order=reverse_chronological``
(replies included, each with ``parent``), paging back at most
``COMMENT_PAGES`` times until it meets what the cursor says was seen. The
Page's own comments (our replies) are left out.

Conversations: the ``CONVERSATIONS`` most recently updated ones with their
newest messages; incoming messages newer than the cursor become items whose
``author_id`` is the person's page-scoped id (PSID, what a reply is sent to)
and whose ``parent_remote_id`` is the conversation. Facebook lets a Page
answer only within 24 hours of the person's last message
(``messaging_type=RESPONSE``): each message item carries that end as
``reply_until`` (the person's newest message + 24 h), and a reply after it is
refused with a plain message (Graph code 10 / 2018278).

The cursor is JSON, ``{"v": 2, "c": {post id: [newest comment time, [ids at
that time]]}, "m": {conversation id: [newest message time, [ids]]}}`` (Unix
seconds; Graph times have one-second steps, so the ids at the newest second
are kept to tell a comment seen from one that came in the same second). It
is kept to the recent posts and conversations so it stays small. An
unreadable cursor counts as none (the engine drops items it already has).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    InboxKind,
    InboxPage,
    RemoteInboxItem,
    RemoteThread,
    Unsupported,
)
from smmdesk.platforms.graph_api import (
    GraphClient,
    dict_of,
    graph_code,
    id_of,
    int_of,
    list_of,
    next_page,
    text_of,
    time_of,
)

RECENT_POSTS = 15
COMMENT_PAGE = 50
COMMENT_PAGES = 3
CONVERSATIONS = 20
MESSAGES = 10
#: Facebook's standard messaging window.
REPLY_WINDOW = timedelta(hours=24)
COMMENT_FIELDS = "id,message,from,created_time,parent{id},is_hidden,permalink_url"


def _seg(value: str) -> str:
    return quote(value, safe="")


def reply_window_end(item: RemoteInboxItem) -> datetime | None:
    """Until when the Page may answer a Messenger item (None for comments)."""
    if item.kind is not InboxKind.DIRECT_MESSAGE:
        return None
    return item.reply_until or item.created_at + REPLY_WINDOW


#: (newest time seen, ids seen at that time)
Mark = tuple[int, frozenset[str]]


def read_cursor(cursor: str | None) -> tuple[dict[str, Mark], dict[str, Mark]]:
    """({post id: mark}, {conversation id: mark}) from a stored cursor."""
    try:
        data = json.loads(cursor or "{}")
    except ValueError:
        return {}, {}
    if not isinstance(data, dict) or data.get("v") != 2:
        return {}, {}
    return _marks(data.get("c")), _marks(data.get("m"))


def _marks(value: Any) -> dict[str, Mark]:
    if not isinstance(value, dict):
        return {}
    marks: dict[str, Mark] = {}
    for key, mark in list(value.items())[:200]:
        if not (isinstance(mark, list) and len(mark) == 2):
            continue
        stamp, ids = mark
        if isinstance(stamp, int) and not isinstance(stamp, bool) and isinstance(ids, list):
            marks[str(key)[:100]] = (stamp, frozenset(str(i)[:100] for i in ids[:50]))
    return marks


def _is_new(stamp: int, item_id: str, mark: Mark) -> bool:
    return stamp > mark[0] or (stamp == mark[0] and item_id not in mark[1])


def _advance(mark: Mark, stamp: int, item_id: str) -> Mark:
    if stamp > mark[0]:
        return (stamp, frozenset({item_id}))
    if stamp == mark[0]:
        return (stamp, mark[1] | {item_id})
    return mark


def _dump(marks: dict[str, Mark]) -> dict[str, list[Any]]:
    return {key: [stamp, sorted(ids)[:50]] for key, (stamp, ids) in marks.items()}


def fetch_inbox(
    graph: GraphClient, page_id: str, options: Mapping[str, str], cursor: str | None
) -> InboxPage:
    seen_comments, seen_messages = read_cursor(cursor)
    items: list[RemoteInboxItem] = []
    new_comments: dict[str, Mark] = {}
    posts = graph.get(
        f"/{_seg(page_id)}/published_posts",
        {
            "fields": "id,created_time,comments.summary(total_count).limit(0)",
            "limit": str(RECENT_POSTS),
        },
        "Reading the Page's recent posts",
        needs="pages_read_engagement",
    )
    for post in list_of(posts, "data")[:RECENT_POSTS]:
        post_id = id_of(post)
        if not post_id:
            continue
        mark = seen_comments.get(post_id, (0, frozenset()))
        new_comments[post_id] = mark
        total = int_of(dict_of(dict_of(post, "comments"), "summary"), "total_count")
        if total == 0:
            continue
        new_comments[post_id] = _comments(graph, page_id, post_id, mark, items)
    new_messages = dict(seen_messages)
    if options.get("messaging", "") != "no":
        new_messages = _conversations(graph, page_id, seen_messages, items)
    state = {"v": 2, "c": _dump(new_comments), "m": _dump(new_messages)}
    return InboxPage(items, json.dumps(state, separators=(",", ":")))


def _comments(
    graph: GraphClient, page_id: str, post_id: str, seen: Mark, items: list[RemoteInboxItem]
) -> Mark:
    """Add the comments on one post newer than ``seen``; the new mark."""
    mark = seen
    body = graph.get(
        f"/{_seg(post_id)}/comments",
        {
            "filter": "stream",
            "order": "reverse_chronological",
            "fields": COMMENT_FIELDS,
            "limit": str(COMMENT_PAGE),
        },
        "Reading comments",
        needs="pages_read_engagement",
    )
    for page_number in range(COMMENT_PAGES):
        reached_seen = False
        for raw in list_of(body, "data"):
            when, comment_id = time_of(raw), id_of(raw)
            if when is None or not comment_id:
                continue
            stamp = int(when.timestamp())
            if not _is_new(stamp, comment_id, seen):
                reached_seen = True
                continue
            mark = _advance(mark, stamp, comment_id)
            item = comment_item(raw, page_id, post_id)
            if item is not None:
                items.append(item)
        following = next_page(body)
        if reached_seen or not following or page_number == COMMENT_PAGES - 1:
            break
        body = graph.get(following, None, "Reading comments", needs="pages_read_engagement")
    return mark


def comment_item(raw: Any, page_id: str, post_id: str) -> RemoteInboxItem | None:
    comment_id, when = id_of(raw), time_of(raw)
    author = dict_of(raw, "from")
    if not comment_id or when is None or id_of(author) == page_id:
        return None  # unreadable, or the Page's own answer
    url = text_of(raw, "permalink_url")
    return RemoteInboxItem(
        remote_id=comment_id,
        kind=InboxKind.COMMENT,
        author_id=id_of(author),
        author_name=text_of(author, "name")[:200] or "Facebook user",
        text=text_of(raw, "message"),
        created_at=when,
        post_remote_id=post_id,
        parent_remote_id=id_of(dict_of(raw, "parent")),
        url=url if url.startswith("https://") else "",
    )


def _conversations(
    graph: GraphClient, page_id: str, seen: dict[str, Mark], items: list[RemoteInboxItem]
) -> dict[str, Mark]:
    try:
        body = graph.get(
            f"/{_seg(page_id)}/conversations",
            {
                "platform": "messenger",
                "fields": f"id,updated_time,participants,messages.limit({MESSAGES})"
                "{id,message,from,created_time}",
                "limit": str(CONVERSATIONS),
            },
            "Reading Messenger conversations",
            needs="pages_messaging",
        )
    except AuthError as exc:
        if graph_code(exc)[0] in (None, 190, 102):
            raise
        return dict(seen)  # no pages_messaging: comments still come in
    result: dict[str, Mark] = {}
    for conversation in list_of(body, "data")[:CONVERSATIONS]:
        conversation_id = id_of(conversation)
        if not conversation_id:
            continue
        last = seen.get(conversation_id, (0, frozenset()))
        result[conversation_id] = last
        incoming = [
            item
            for item in (
                message_item(raw, page_id, conversation_id)
                for raw in list_of(dict_of(conversation, "messages"), "data")[:MESSAGES]
            )
            if item is not None
        ]
        if not incoming:
            continue
        # The window runs from the person's newest message, whichever item is answered.
        until = max(item.created_at for item in incoming) + REPLY_WINDOW
        for item in incoming:
            stamp = int(item.created_at.timestamp())
            if not _is_new(stamp, item.remote_id, last):
                continue
            result[conversation_id] = _advance(result[conversation_id], stamp, item.remote_id)
            items.append(replace(item, reply_until=until))
    return result


def message_item(raw: Any, page_id: str, conversation_id: str) -> RemoteInboxItem | None:
    message_id, when = id_of(raw), time_of(raw)
    author = dict_of(raw, "from")
    author_id = id_of(author)
    if not message_id or when is None or not author_id or author_id == page_id:
        return None  # unreadable, or the Page's own message
    return RemoteInboxItem(
        remote_id=message_id,
        kind=InboxKind.DIRECT_MESSAGE,
        author_id=author_id,
        author_name=text_of(author, "name")[:200] or "Messenger user",
        text=text_of(raw, "message"),
        created_at=when,
        parent_remote_id=conversation_id,
    )


def reply_to(graph: GraphClient, page_id: str, item: RemoteInboxItem, text: str) -> str:
    """Answer a comment in its thread, or a Messenger message within the 24-hour window."""
    if item.kind is InboxKind.DIRECT_MESSAGE:
        body = graph.post(
            f"/{_seg(page_id)}/messages",
            {
                "recipient": json.dumps({"id": item.author_id}),
                "messaging_type": "RESPONSE",
                "message": json.dumps({"text": text}),
            },
            "Answering on Messenger",
            needs="pages_messaging",
        )
        answer = text_of(body, "message_id") or id_of(body, "message_id")
    else:
        body = graph.post(
            f"/{_seg(item.remote_id)}/comments",
            {"message": text},
            "Replying to the comment",
            needs="pages_manage_engagement",
        )
        answer = id_of(body)
    if not answer:
        raise BadResponse("Facebook did not give the answer an id.")
    return answer


def hide_comment(graph: GraphClient, item: RemoteInboxItem, hidden: bool) -> None:
    """Hide (or show again) a comment from everyone but its author and friends; never delete."""
    if item.kind is InboxKind.DIRECT_MESSAGE:
        raise Unsupported("Facebook cannot hide a Messenger message.")
    graph.post(
        f"/{_seg(item.remote_id)}",
        {"is_hidden": "true" if hidden else "false"},
        "Hiding the comment" if hidden else "Showing the comment again",
        needs="pages_manage_engagement",
    )


def fetch_thread(graph: GraphClient, page_id: str, item: RemoteInboxItem) -> RemoteThread:
    """The post and the comment thread around a comment, or a conversation's messages."""
    if item.kind is InboxKind.DIRECT_MESSAGE:
        body = graph.get(
            f"/{_seg(item.parent_remote_id)}/messages",
            {"fields": "id,message,from,created_time", "limit": "25"},
            "Reading the conversation",
            needs="pages_messaging",
        )
        messages = [
            m
            for m in (
                _any_message(raw, item.parent_remote_id) for raw in list_of(body, "data")[:25]
            )
            if m is not None
        ]
        return RemoteThread("", "", sorted(messages, key=lambda m: m.created_at))
    post: dict[str, Any] = {}
    if item.post_remote_id:
        post = graph.get(
            f"/{_seg(item.post_remote_id)}",
            {"fields": "id,message,permalink_url"},
            "Reading the post",
            needs="pages_read_engagement",
        )
    top = item.parent_remote_id or item.remote_id
    first = graph.get(f"/{_seg(top)}", {"fields": COMMENT_FIELDS}, "Reading the comment")
    replies = graph.get_all(
        f"/{_seg(top)}/comments",
        {"fields": COMMENT_FIELDS, "limit": "50"},
        "Reading the replies",
        max_pages=2,
        max_items=100,
    )
    items = [
        c
        for c in (_any_comment(raw, item.post_remote_id) for raw in [first, *replies])
        if c is not None
    ]
    url = text_of(post, "permalink_url")
    return RemoteThread(
        text_of(post, "message"),
        url if url.startswith("https://") else "",
        sorted(items, key=lambda c: c.created_at),
    )


def _any_comment(raw: Any, post_id: str) -> RemoteInboxItem | None:
    """A comment for the reading pane, the Page's own answers included."""
    return comment_item(raw, "", post_id)


def _any_message(raw: Any, conversation_id: str) -> RemoteInboxItem | None:
    return message_item(raw, "", conversation_id)
