"""Comments on the account's Instagram posts, for the inbox.

Instagram tells a desktop app about new comments only when it asks (the
``comments`` webhook needs a public HTTPS server), so the inbox reads the
account's most recent posts (``GET /{ig-user-id}/media``, newest first, at
most ``RECENT_MEDIA``) and, for each that has comments, its comments with
their replies (``GET /{ig-media-id}/comments`` with ``replies{...}``
expanded; at most ``COMMENT_PAGES`` pages of ``COMMENT_LIMIT``). Comments on
older posts are not looked for: that is the bound that keeps one sync
short, and the reason an old post's new comment may be missed.

An item is a comment (``post_remote_id`` = the media id); a reply inside a
comment's thread carries its ``parent_remote_id``. The account's own
comments and replies are left out. The cursor is the newest comment time
seen (ISO 8601): comments at or after it are returned again (the engine keeps
one copy per id), older ones are not. Timestamps are ISO 8601 with ``+0000``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from smmdesk.platforms.base import (
    InboxKind,
    InboxPage,
    PermanentError,
    RemoteInboxItem,
    RemoteThread,
)
from smmdesk.platforms.instagram_publish import (
    dict_of,
    id_of,
    int_of,
    list_of,
    text_of,
    time_of,
)

RECENT_MEDIA = 15
COMMENT_LIMIT = 50
COMMENT_PAGES = 3
_REPLY_FIELDS = "id,text,timestamp,username,from,hidden,parent_id"
COMMENT_FIELDS = f"{_REPLY_FIELDS},like_count,replies{{{_REPLY_FIELDS}}}"

Getter = Callable[[str, Mapping[str, str], str], dict[str, Any]]


def read_cursor(cursor: str | None) -> datetime | None:
    if not cursor:
        return None
    return time_of({"t": cursor}, "t")


def write_cursor(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def recent_media(get: Getter, ig_id: str, limit: int = RECENT_MEDIA) -> list[dict[str, Any]]:
    body = get(
        f"/{ig_id}/media",
        {
            "fields": "id,caption,timestamp,permalink,comments_count,like_count",
            "limit": str(limit),
        },
        "Reading recent posts",
    )
    return [m for m in list_of(body, "data") if isinstance(m, dict) and id_of(m)]


def fetch_inbox(get: Getter, ig_id: str, username: str, cursor: str | None) -> InboxPage:
    since = read_cursor(cursor)
    items: dict[str, RemoteInboxItem] = {}
    newest = since
    for media in recent_media(get, ig_id):
        count = int_of(media, "comments_count")
        if count == 0:
            continue
        permalink = text_of(media, "permalink")
        for raw in _comments(get, id_of(media)):
            for item in _items(raw, id_of(media), permalink, ig_id, username):
                if since is not None and item.created_at < since:
                    continue
                items.setdefault(item.remote_id, item)
                if newest is None or item.created_at > newest:
                    newest = item.created_at
    ordered = sorted(items.values(), key=lambda i: (i.created_at, i.remote_id))
    return InboxPage(ordered, write_cursor(newest) if newest else (cursor or ""))


def _comments(get: Getter, media_id: str) -> Iterator[dict[str, Any]]:
    after = ""
    for _ in range(COMMENT_PAGES):
        params = {"fields": COMMENT_FIELDS, "limit": str(COMMENT_LIMIT)}
        if after:
            params["after"] = after
        body = get(f"/{media_id}/comments", params, "Reading comments")
        rows = [c for c in list_of(body, "data") if isinstance(c, dict)]
        yield from rows
        paging = dict_of(body, "paging")
        after = text_of(dict_of(paging, "cursors"), "after")
        if not rows or not after or not text_of(paging, "next"):
            return


def _items(
    raw: dict[str, Any], media_id: str, permalink: str, ig_id: str, username: str
) -> Iterator[RemoteInboxItem]:
    top = _item(raw, media_id, permalink, "", ig_id, username)
    if top is not None:
        yield top
    for reply in list_of(dict_of(raw, "replies"), "data"):
        item = _item(reply, media_id, permalink, id_of(raw), ig_id, username)
        if item is not None:
            yield item


def _item(
    raw: Any, media_id: str, permalink: str, parent: str, ig_id: str, username: str
) -> RemoteInboxItem | None:
    comment_id = id_of(raw)
    created = time_of(raw)
    if not comment_id or created is None:
        return None
    author = dict_of(raw, "from")
    author_id = id_of(author)
    name = text_of(raw, "username") or text_of(author, "username")
    own = (ig_id and author_id == ig_id) or (username and name.lower() == username.lower())
    if own and ig_id:
        return None  # the account's own answer
    return RemoteInboxItem(
        remote_id=comment_id,
        kind=InboxKind.COMMENT,
        author_id=author_id or name,
        author_name=name or "Instagram user",
        text=text_of(raw, "text"),
        created_at=created,
        post_remote_id=media_id,
        parent_remote_id=id_of(raw, "parent_id") or parent,
        url=permalink if permalink.startswith("https://") else "",
        author_handle=name,
    )


def fetch_thread(get: Getter, item: RemoteInboxItem) -> RemoteThread:
    """The post and the comment thread around ``item`` (its top comment and replies)."""
    top = item.parent_remote_id or item.remote_id
    if not top:
        raise PermanentError("This comment has no id on Instagram.")
    post_text, post_url = "", ""
    if item.post_remote_id:
        media = get(
            f"/{quote(item.post_remote_id, safe='')}",
            {"fields": "id,caption,permalink"},
            "Reading the post",
        )
        post_text, post_url = text_of(media, "caption"), text_of(media, "permalink")
    raw = get(f"/{quote(top, safe='')}", {"fields": COMMENT_FIELDS}, "Reading the comment")
    items = {i.remote_id: i for i in _items(raw, item.post_remote_id, post_url, "", "")}
    ordered = sorted(items.values(), key=lambda i: (i.created_at, i.remote_id))
    return RemoteThread(post_text, post_url if post_url.startswith("https://") else "", ordered)
