"""The conversation around a VK inbox item, for the reading pane.

A comment: the post (``wall.getById``) and the thread the comment is in. VK
threads are one level deep (a top-level comment and its replies), so we read
the post's top-level comments with their replies (``wall.getComments``,
``thread_items_count``; bounded pages) and keep the thread holding the item.
A direct message: the conversation's latest messages (``messages.getHistory``),
oldest first. The community's own comments and messages are part of the
thread (they are the answers the manager gave).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from smmdesk.platforms.base import InboxKind, PermanentError, RemoteInboxItem, RemoteThread
from smmdesk.platforms.vk_api import (
    VkApi,
    dict_of,
    int_of,
    items_of,
    post_url,
    text_of,
    time_of,
)
from smmdesk.platforms.vk_inbox import COMMENT_PAGE, COMMENT_PAGES, HISTORY, THREAD_ITEMS, Names

#: Replies of one thread read at most (VK gives ten with the thread; the rest here).
THREAD_REPLIES = 100


def fetch_thread(api: VkApi, group_id: int, item: RemoteInboxItem) -> RemoteThread:
    if item.kind == InboxKind.DIRECT_MESSAGE:
        return _conversation(api, group_id, item)
    post_id = int_of({"id": item.post_remote_id}, "id", 1)
    comment_id = int_of({"id": item.remote_id}, "id", 1)
    if post_id is None or comment_id is None:
        raise PermanentError("This comment has no post on VK to show it with.")
    owner = str(-group_id)
    posts = items_of(
        api.call("wall.getById", {"posts": f"{owner}_{post_id}"}, doing="Reading the post")
    )
    post = next((p for p in posts if int_of(p, "id") == post_id), None)
    url = post_url(group_id, post_id)
    if post is None:
        return RemoteThread("", url, [_removed(item)])  # the post is gone, its comments too
    names = Names()
    for page in range(COMMENT_PAGES):
        response = api.call(
            "wall.getComments",
            {"owner_id": owner, "post_id": str(post_id), "sort": "asc",
             "count": str(COMMENT_PAGE), "offset": str(page * COMMENT_PAGE), "extended": "1",
             "thread_items_count": str(THREAD_ITEMS)},
            doing="Reading the comments",
        )  # fmt: skip
        names.learn(response)
        top = items_of(response)
        for comment in top:
            replies = items_of(dict_of(comment, "thread"))
            ids = {int_of(c, "id") for c in [comment, *replies]}
            if comment_id in ids:
                thread = [comment, *replies]
                return RemoteThread(
                    text_of(post, "text"),
                    url,
                    [i for i in (_item(c, str(post_id), group_id, names) for c in thread) if i],
                )
        if len(top) < COMMENT_PAGE:
            break
    return RemoteThread(text_of(post, "text"), url, [_removed(item)])


def _removed(item: RemoteInboxItem) -> RemoteInboxItem:
    return RemoteInboxItem(
        item.remote_id, item.kind, item.author_id, item.author_name, item.text, item.created_at,
        item.post_remote_id, item.parent_remote_id, item.url, item.author_handle, removed=True,
    )  # fmt: skip


def _item(comment: Any, post_id: str, group_id: int, names: Names) -> RemoteInboxItem | None:
    comment_id = int_of(comment, "id", 1)
    author = int_of(comment, "from_id")
    if comment_id is None or author is None:
        return None
    name, handle = names.of(author)
    reply_to = int_of(comment, "reply_to_comment", 1)
    return RemoteInboxItem(
        remote_id=str(comment_id),
        kind=InboxKind.COMMENT,
        author_id=str(author),
        author_name=name,
        text=text_of(comment, "text"),
        created_at=time_of(comment) or datetime.now(UTC),
        post_remote_id=post_id,
        parent_remote_id=str(reply_to) if reply_to else "",
        url=f"{post_url(group_id, post_id)}?reply={comment_id}",
        author_handle=handle,
        removed=bool(comment.get("deleted")),
    )


def _conversation(api: VkApi, group_id: int, item: RemoteInboxItem) -> RemoteThread:
    peer = int_of({"id": item.author_id}, "id", 1)
    if peer is None:
        raise PermanentError("VK did not say who sent this message.")
    history = api.call(
        "messages.getHistory",
        {"peer_id": str(peer), "count": str(HISTORY), "extended": "1"},
        group=True,
        doing="Reading the conversation",
    )
    names = Names()
    names.learn(history)
    found = []
    for message in items_of(history):
        message_id = int_of(message, "id", 1)
        author = int_of(message, "from_id")
        if message_id is None or author is None:
            continue
        name, handle = names.of(author)
        found.append(
            RemoteInboxItem(
                remote_id=f"dm{message_id}",
                kind=InboxKind.DIRECT_MESSAGE,
                author_id=str(author),
                author_name=name,
                text=text_of(message, "text"),
                created_at=time_of(message) or datetime.now(UTC),
                url=f"https://vk.com/gim{group_id}?sel={peer}",
                author_handle=handle,
            )
        )
    found.sort(key=lambda i: (i.created_at, len(i.remote_id), i.remote_id))
    return RemoteThread("", f"https://vk.com/gim{group_id}?sel={peer}", found)
