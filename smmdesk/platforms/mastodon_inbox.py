"""What people say to a Mastodon account: mentions, replies, private messages.

Two sources, one inbox:

* ``GET /api/v1/notifications?types[]=mention&types[]=quote&types[]=update``
  paged forward with ``min_id`` (the docs' advice: ``since_id`` returns the
  newest page and can leave gaps). A mention whose status answers one of the
  account's own statuses is a REPLY (``post_remote_id`` = the status it
  answers); one with ``visibility: direct`` is a DIRECT_MESSAGE; the rest are
  MENTIONs.
* ``GET /api/v1/conversations`` (newest first, paged only through the
  ``Link`` header): a conversation whose last status is someone else's and
  newer than the last one seen is a DIRECT_MESSAGE. Since Mastodon 4.3 a
  private mention from someone the user does not follow is filtered out of
  the notifications by default, so this second look is what finds them.

Both give the status id as the item's ``remote_id``, so a message seen by
both arrives once (and ``reply`` answers that status).

Edits: a status carries ``edited_at`` once edited, so an item read after its
edit says ``edited=True``. Mastodon notifies an edit (type ``update``) only to
the accounts that *boosted* the status (its fan-out sends ``update`` to
``reblogged_by_accounts``; mentioned accounts get no notification), so an edit
of a mention or reply reaches the inbox that way only when the user boosted
it: it comes again under the status id with the new text. An ``update`` of a
status that neither mentions nor answers the account is not an inbox item.
Deletions are never notified (a deleted status's notifications disappear);
``fetch_thread`` reports a deleted item as gone. The cursor is JSON:
``{"v": 1, "n": <newest notification id>, "c": <newest conversation status id>}``;
an unreadable cursor counts as none (the newest page again; the engine drops
items it already has), while an empty mark in a readable one means "read
before, nothing was there" and pages forward from the start. Every loop is
bounded, so a busy account is read over several calls instead of one long one.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from smmdesk.platforms.base import InboxKind, InboxPage, RemoteInboxItem
from smmdesk.platforms.html_text import html_to_text
from smmdesk.platforms.mastodon_api import (
    MastodonApi,
    dict_of,
    id_key,
    id_of,
    list_of,
    newest,
    text_of,
    time_of,
)

NOTIFICATION_LIMIT = 80
NOTIFICATION_PAGES = 5
CONVERSATION_LIMIT = 40
CONVERSATION_PAGES = 3


def read_cursor(cursor: str | None) -> tuple[str, str]:
    """(notifications min_id, conversations mark) from a stored cursor."""
    if not cursor:
        return "", ""
    try:
        data = json.loads(cursor)
    except ValueError:
        return "", ""
    if not isinstance(data, dict) or data.get("v") != 1:
        return "", ""
    # "0" = read before and nothing was there: page forward from the start.
    return id_of(data, "n") or "0", id_of(data, "c") or "0"


def write_cursor(notifications: str, conversations: str) -> str:
    return json.dumps({"v": 1, "n": notifications, "c": conversations}, sort_keys=True)


def fetch_inbox(api: MastodonApi, own_id: str, cursor: str | None) -> InboxPage:
    seen_notification, seen_conversation = read_cursor(cursor)
    items: dict[str, RemoteInboxItem] = {}
    last_notification = _notifications(api, own_id, seen_notification, items)
    last_conversation = _conversations(api, own_id, seen_conversation, items)
    ordered = sorted(items.values(), key=lambda item: (item.created_at, id_key(item.remote_id)))
    return InboxPage(ordered, write_cursor(last_notification, last_conversation))


def _notifications(
    api: MastodonApi, own_id: str, min_id: str, items: dict[str, RemoteInboxItem]
) -> str:
    """Read notifications newer than ``min_id``; return the newest id seen."""
    mark = min_id
    for _ in range(NOTIFICATION_PAGES):
        params: list[tuple[str, str]] = [
            ("types[]", "mention"),
            ("types[]", "quote"),
            ("types[]", "update"),
            ("limit", str(NOTIFICATION_LIMIT)),
        ]
        if mark:
            params.append(("min_id", mark))
        page = api.get_list("/api/v1/notifications", params, doing="Reading notifications")
        ids = [id_of(n) for n in page if isinstance(n, dict)]
        page_newest = newest(*ids)
        for notification in page:
            item = _from_notification(notification, own_id)
            known = items.get(item.remote_id) if item is not None else None
            if item is not None and (known is None or (item.edited and not known.edited)):
                items[item.remote_id] = item
        if not page_newest or id_key(page_newest) <= id_key(mark):
            break  # nothing newer (or a server that ignores min_id): stop here
        mark = page_newest
        if not min_id:
            break  # the first read takes the newest page only
    return mark


def _from_notification(notification: Any, own_id: str) -> RemoteInboxItem | None:
    kind_name = text_of(notification, "type")
    if kind_name not in ("mention", "quote", "update"):
        return None
    status = dict_of(notification, "status")
    account = dict_of(status, "account") or dict_of(notification, "account")
    if not status or id_of(account) == own_id:
        return None
    if kind_name == "update" and not addresses(status, own_id):
        return None  # an edit of a status the user boosted that was not to them
    item = status_item(status, own_id, notification, quote=kind_name == "quote")
    if item is not None and kind_name == "update":
        item = _with(item, edited=True)
    return item


def addresses(status: dict[str, Any], own_id: str) -> bool:
    """Whether a status is to the account: it answers, mentions or messages it."""
    if id_of(status, "in_reply_to_account_id") == own_id:
        return True
    return any(id_of(m) == own_id for m in list_of(status, "mentions") if isinstance(m, dict))


def status_item(
    status: dict[str, Any], own_id: str, notification: Any = None, quote: bool = False
) -> RemoteInboxItem | None:
    """Someone's status as an inbox item: DIRECT_MESSAGE, REPLY to us, or MENTION."""
    account = dict_of(status, "account") or dict_of(notification, "account")
    item = item_of(status, account, InboxKind.MENTION, notification)
    if item is None:
        return None
    answered = id_of(status, "in_reply_to_id")
    if text_of(status, "visibility") == "direct":
        return _with(item, kind=InboxKind.DIRECT_MESSAGE, parent_remote_id=answered)
    if quote:
        quoted = dict_of(dict_of(status, "quote"), "quoted_status")
        return _with(item, post_remote_id=id_of(quoted))
    if answered and id_of(status, "in_reply_to_account_id") == own_id:
        return _with(item, kind=InboxKind.REPLY, post_remote_id=answered, parent_remote_id=answered)
    return _with(item, parent_remote_id=answered)


def _conversations(
    api: MastodonApi, own_id: str, mark: str, items: dict[str, RemoteInboxItem]
) -> str:
    """Read conversations whose last status is newer than ``mark``; the new mark."""
    best = mark
    path: str = "/api/v1/conversations"
    params: list[tuple[str, str]] | None = [("limit", str(CONVERSATION_LIMIT))]
    for _ in range(CONVERSATION_PAGES):
        page, next_url = api.get_page(path, params, doing="Reading private messages")
        reached_seen = False
        for conversation in page:
            status = dict_of(conversation, "last_status")
            status_id = id_of(status)
            if not status_id:
                continue
            if mark and id_key(status_id) <= id_key(mark):
                reached_seen = True
                continue
            best = newest(best, status_id)
            account = dict_of(status, "account")
            if id_of(account) == own_id:
                continue  # our own answer is the newest: nothing to read
            item = item_of(status, account, InboxKind.DIRECT_MESSAGE, None)
            if item is not None:
                item = _with(item, parent_remote_id=id_of(status, "in_reply_to_id"))
                items.setdefault(item.remote_id, item)
        if reached_seen or not next_url or not mark or len(page) < CONVERSATION_LIMIT:
            break
        path, params = next_url, None
    return best


def item_of(
    status: dict[str, Any], account: dict[str, Any], kind: InboxKind, notification: Any = None
) -> RemoteInboxItem | None:
    status_id = id_of(status)
    if not status_id:
        return None
    acct = text_of(account, "acct")
    name = text_of(account, "display_name").strip() or text_of(account, "username") or acct
    text = html_to_text(text_of(status, "content"))
    spoiler = text_of(status, "spoiler_text").strip()
    if spoiler:
        text = f"[{spoiler}]\n{text}" if text else f"[{spoiler}]"
    url = text_of(status, "url") or text_of(status, "uri")
    created = time_of(status) or time_of(notification) or datetime.now(UTC)
    return RemoteInboxItem(
        remote_id=status_id,
        kind=kind,
        author_id=id_of(account),
        author_name=name[:200],
        text=text,
        created_at=created,
        url=url if url.startswith(("https://", "http://")) else "",
        author_handle=acct[:200],
        edited=bool(text_of(status, "edited_at")),
    )


def _with(item: RemoteInboxItem, **changes: Any) -> RemoteInboxItem:
    return replace(item, **changes)
