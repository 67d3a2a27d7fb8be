"""The conversation around a Mastodon inbox item, for the reading pane.

``GET /api/v1/statuses/:id`` (the item as it is now) and
``GET /api/v1/statuses/:id/context`` (``ancestors``, oldest first, and
``descendants``; up to 4096 each for a signed-in account). The root ancestor
is the post the conversation hangs under, given as ``post_text``; when the
item has no ancestors it starts the conversation itself and there is no post.
Everything else, the item included, becomes inbox items the way the inbox
reads them (``mastodon_inbox.status_item``), the account's own answers among
them as REPLY items, sorted oldest first and capped so that a viral thread
cannot flood the pane. A 404 means the author deleted the item (or the
account can no longer see it): the thread is then the item alone, marked
``removed``, which is what the network says; it is not an error of the account.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote

from smmdesk.platforms.base import InboxKind, PermanentError, RemoteInboxItem, RemoteThread
from smmdesk.platforms.html_text import html_to_text
from smmdesk.platforms.mastodon_api import (
    MastodonApi,
    NotFound,
    dict_of,
    id_key,
    id_of,
    list_of,
    text_of,
)
from smmdesk.platforms.mastodon_inbox import item_of, status_item

#: Most ancestors (the nearest) and descendants (the first) shown.
MAX_ANCESTORS = 100
MAX_DESCENDANTS = 300


def fetch_thread(api: MastodonApi, own_id: str, item: RemoteInboxItem) -> RemoteThread:
    if not item.remote_id:
        raise PermanentError("This message has no id on Mastodon, so its conversation is unknown.")
    path = f"/api/v1/statuses/{quote(item.remote_id, safe='')}"
    doing = "Reading the conversation"
    try:
        status = api.get_object(path, doing=doing)
        context = api.get_object(f"{path}/context", doing=doing)
    except NotFound:
        return RemoteThread(post_text="", post_url="", items=[replace(item, removed=True)])
    ancestors = [s for s in list_of(context, "ancestors") if isinstance(s, dict)]
    descendants = [s for s in list_of(context, "descendants") if isinstance(s, dict)]
    root = ancestors[0] if ancestors else None
    members = [*ancestors[1:][-MAX_ANCESTORS:], status, *descendants[:MAX_DESCENDANTS]]
    items: dict[str, RemoteInboxItem] = {}
    for member in members:
        found = _thread_item(member, own_id)
        if found is not None and (root is None or found.remote_id != id_of(root)):
            items.setdefault(found.remote_id, found)
    ordered = sorted(items.values(), key=lambda i: (i.created_at, id_key(i.remote_id)))
    if root is None:
        return RemoteThread(post_text="", post_url="", items=ordered)
    url = text_of(root, "url") or text_of(root, "uri")
    return RemoteThread(
        post_text=_plain(root),
        post_url=url if url.startswith(("https://", "http://")) else "",
        items=ordered,
    )


def _plain(status: dict[str, Any]) -> str:
    text = html_to_text(text_of(status, "content"))
    spoiler = text_of(status, "spoiler_text").strip()
    return f"[{spoiler}]\n{text}" if spoiler and text else (text or spoiler)


def _thread_item(status: dict[str, Any], own_id: str) -> RemoteInboxItem | None:
    """A status of the thread: someone's as the inbox reads it, ours as a REPLY."""
    account = dict_of(status, "account")
    if own_id and id_of(account) == own_id:
        mine = item_of(status, account, InboxKind.REPLY)
        if mine is None:
            return None
        direct = text_of(status, "visibility") == "direct"
        return replace(
            mine,
            kind=InboxKind.DIRECT_MESSAGE if direct else InboxKind.REPLY,
            parent_remote_id=id_of(status, "in_reply_to_id"),
        )
    return status_item(status, own_id)
