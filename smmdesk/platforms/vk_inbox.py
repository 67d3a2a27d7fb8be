"""What people say to a VK community: comments on its recent posts and, with a
community token, its direct messages.

Comments are pulled, not pushed: the Bots Long Poll needs a community token
and a long-running connection, while the engine calls ``fetch_inbox`` now and
then. So each call reads the community's ``RECENT_POSTS`` newest posts
(``wall.get``) and, for each that has comments, ``wall.getComments`` newest
first with up to ``THREAD_ITEMS`` replies of each thread, paging back (at most
``COMMENT_PAGES``) until it meets the newest comment seen before. Comment ids
grow along a wall, so the cursor keeps the newest comment id per post, for the
recent posts only: it stays small however long the account runs. The
community's own comments (our replies) are left out.

Direct messages (community token with the messages right): the newest
``CONVERSATIONS`` conversations (``messages.getConversations``); for those
whose last message is newer than the newest seen, their history
(``messages.getHistory``), keeping incoming messages only. Their remote ids
are ``dm<message id>`` so they never collide with comment ids.

The cursor is JSON: ``{"v": 1, "p": {"<post id>": <comment id>}, "m": <message id>}``;
an unreadable cursor counts as none (the engine drops items it already has).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from smmdesk.platforms.base import (
    Capabilities,
    InboxKind,
    InboxPage,
    PermanentError,
    RemoteInboxItem,
)
from smmdesk.platforms.vk_api import (
    VkApi,
    count_of,
    dict_of,
    int_of,
    items_of,
    list_of,
    post_url,
    text_of,
    time_of,
)

RECENT_POSTS = 20
COMMENT_PAGE = 100
COMMENT_PAGES = 3
THREAD_ITEMS = 10
CONVERSATIONS = 20
HISTORY = 50
HISTORY_CONVERSATIONS = 10


def read_cursor(cursor: str | None) -> tuple[dict[str, int], int]:
    """({post id: newest comment id}, newest message id) from a stored cursor."""
    if not cursor:
        return {}, 0
    try:
        data = json.loads(cursor)
    except ValueError:
        return {}, 0
    if not isinstance(data, dict) or data.get("v") != 1:
        return {}, 0
    posts = data.get("p")
    marks: dict[str, int] = {}
    if isinstance(posts, dict):
        for key, value in list(posts.items())[: RECENT_POSTS * 2]:
            mark = int_of({"v": value}, "v", 0)
            if isinstance(key, str) and key.isdigit() and mark is not None:
                marks[key] = mark
    return marks, int_of(data, "m", 0) or 0


def write_cursor(posts: dict[str, int], message: int) -> str:
    return json.dumps({"v": 1, "p": posts, "m": message}, sort_keys=True)


class Names:
    """Who wrote what, from the ``profiles`` and ``groups`` of an extended answer."""

    def __init__(self) -> None:
        self.names: dict[int, tuple[str, str]] = {}

    def learn(self, response: Any) -> None:
        for profile in list_of(response, "profiles"):
            person = int_of(profile, "id")
            if person is not None:
                name = " ".join(
                    p for p in (text_of(profile, "first_name"), text_of(profile, "last_name")) if p
                )
                self.names[person] = (name, text_of(profile, "screen_name"))
        for group in list_of(response, "groups"):
            group_id = int_of(group, "id")
            if group_id is not None:
                self.names[-abs(group_id)] = (text_of(group, "name"), text_of(group, "screen_name"))

    def of(self, author: int) -> tuple[str, str]:
        name, handle = self.names.get(author, ("", ""))
        fallback = f"id{author}" if author > 0 else f"club{-author}"
        return (name.strip() or handle or fallback)[:200], (handle or fallback)[:100]


def fetch_inbox(
    api: VkApi, group_id: int, capabilities: Capabilities, cursor: str | None
) -> InboxPage:
    marks, message_mark = read_cursor(cursor)
    items: dict[str, RemoteInboxItem] = {}
    names = Names()
    new_marks = _comments(api, group_id, marks, items, names)
    if capabilities.has_direct_messages:
        message_mark = _messages(api, group_id, message_mark, items, names)
    ordered = sorted(items.values(), key=lambda i: (i.created_at, len(i.remote_id), i.remote_id))
    return InboxPage(ordered, write_cursor(new_marks, message_mark))


def _comments(
    api: VkApi,
    group_id: int,
    marks: dict[str, int],
    items: dict[str, RemoteInboxItem],
    names: Names,
) -> dict[str, int]:
    owner = str(-group_id)
    wall = api.call(
        "wall.get", {"owner_id": owner, "count": str(RECENT_POSTS)}, doing="Reading recent posts"
    )
    new_marks: dict[str, int] = {}
    for post in items_of(wall)[:RECENT_POSTS]:
        post_id = int_of(post, "id", 1)
        if post_id is None or text_of(post, "post_type") == "postpone":
            continue
        key = str(post_id)
        mark = marks.get(key, 0)
        new_marks[key] = mark
        comments = dict_of(post, "comments")
        if comments and count_of(post, "comments") == 0:
            continue  # nothing to read (saves a request per quiet post)
        newest = mark
        for page in range(COMMENT_PAGES):
            try:
                response = api.call(
                    "wall.getComments",
                    {"owner_id": owner, "post_id": key, "sort": "desc",
                     "count": str(COMMENT_PAGE), "offset": str(page * COMMENT_PAGE),
                     "extended": "1", "thread_items_count": str(THREAD_ITEMS)},
                    doing="Reading comments",
                )  # fmt: skip
            except PermanentError as exc:
                if "error 212" in str(exc) or "error 211" in str(exc):
                    break  # comments closed on this post
                raise
            names.learn(response)
            top = items_of(response)
            for comment in top:
                newest = max(newest, _take(comment, key, group_id, mark, items, names, ""))
                parent = str(int_of(comment, "id", 1) or "")
                for answer in items_of(dict_of(comment, "thread")):
                    newest = max(newest, _take(answer, key, group_id, mark, items, names, parent))
            ids = [i for i in (int_of(c, "id", 1) for c in top) if i is not None]
            if len(top) < COMMENT_PAGE or not ids or min(ids) <= mark:
                break
        new_marks[key] = newest
    return new_marks


def _take(
    comment: Any,
    post_id: str,
    group_id: int,
    mark: int,
    items: dict[str, RemoteInboxItem],
    names: Names,
    parent: str,
) -> int:
    """Add one comment if it is new and someone else's; return its id (0 if unreadable)."""
    comment_id = int_of(comment, "id", 1)
    author = int_of(comment, "from_id")
    if comment_id is None:
        return 0
    if comment_id <= mark or author is None or author == -group_id or comment.get("deleted"):
        return comment_id
    created = time_of(comment) or datetime.now(UTC)
    name, handle = names.of(author)
    reply_to = int_of(comment, "reply_to_comment", 1)
    items[str(comment_id)] = RemoteInboxItem(
        remote_id=str(comment_id),
        kind=InboxKind.COMMENT,
        author_id=str(author),
        author_name=name,
        text=text_of(comment, "text"),
        created_at=created,
        post_remote_id=post_id,
        parent_remote_id=str(reply_to) if reply_to else parent,
        url=f"{post_url(group_id, post_id)}?reply={comment_id}",
        author_handle=handle,
    )
    return comment_id


def _messages(
    api: VkApi, group_id: int, mark: int, items: dict[str, RemoteInboxItem], names: Names
) -> int:
    response = api.call(
        "messages.getConversations",
        {"count": str(CONVERSATIONS), "extended": "1", "filter": "all"},
        group=True,
        doing="Reading messages",
    )
    names.learn(response)
    newest = mark
    looked = 0
    for entry in items_of(response):
        last = dict_of(entry, "last_message")
        last_id = int_of(last, "id", 0) or 0
        peer = int_of(dict_of(dict_of(entry, "conversation"), "peer"), "id")
        if peer is None or last_id <= mark or looked >= HISTORY_CONVERSATIONS:
            continue
        looked += 1
        history = api.call(
            "messages.getHistory",
            {"peer_id": str(peer), "count": str(HISTORY), "extended": "1"},
            group=True,
            doing="Reading a conversation",
        )
        names.learn(history)
        for message in items_of(history):
            message_id = int_of(message, "id", 1)
            author = int_of(message, "from_id")
            if message_id is None:
                continue
            newest = max(newest, message_id)
            if author is None or message_id <= mark or int_of(message, "out") == 1:
                continue
            if author == -group_id:
                continue
            name, handle = names.of(author)
            items[f"dm{message_id}"] = RemoteInboxItem(
                remote_id=f"dm{message_id}",
                kind=InboxKind.DIRECT_MESSAGE,
                author_id=str(peer),
                author_name=name,
                text=text_of(message, "text"),
                created_at=time_of(message) or datetime.now(UTC),
                url=f"https://vk.com/gim{group_id}?sel={peer}",
                author_handle=handle,
            )
    return newest
