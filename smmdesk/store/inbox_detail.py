"""Everything the reading pane shows about one inbox item, in one read.

The conversation is built from what the store already holds (our post, the
other items on it, the answers we sent); the pane asks the network for more
only when the item's parent is not here (see ``sync/thread_job.py``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from smmdesk.store.queries import from_stored, to_stored

#: Items of a conversation shown around the selected one, at most.
THREAD_LIMIT = 200


@dataclass(frozen=True)
class ReplyInfo:
    id: int
    item_id: int
    body: str
    status: str
    error: str
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class ThreadEntry:
    item_id: int
    author_name: str
    body: str
    created_at: datetime
    removed: bool


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    kind: str
    detail: str


@dataclass(frozen=True)
class AuthorInfo:
    items: int
    answered: int
    first_at: datetime
    categories: dict[str, int]


@dataclass(frozen=True)
class InboxDetail:
    id: int
    account_id: int
    client_id: int
    client_name: str
    timezone: str
    handle: str
    platform: str
    account_settings: str
    kind: str
    remote_id: str
    post_remote_id: str
    parent_remote_id: str
    author_id: str
    author_name: str
    author_handle: str
    body: str
    url: str
    created_at: datetime
    fetched_at: datetime
    status: str
    category: str
    category_source: str
    language: str
    due_at: datetime | None
    first_response_at: datetime | None
    escalation_note: str
    hidden: bool
    removed_at: datetime | None
    edited_at: datetime | None
    flagged_words: str
    link_policy: str
    reply_until: datetime | None
    post_id: int | None = None
    post_text: str = ""
    post_url: str = ""
    parent_in_store: bool = True
    thread: list[ThreadEntry] = field(default_factory=list)
    replies: list[ReplyInfo] = field(default_factory=list)
    history: list[HistoryLine] = field(default_factory=list)
    author: AuthorInfo | None = None


def _when(text: str | None) -> datetime | None:
    return from_stored(text) if text else None


def item_detail(db: sqlite3.Connection, item_id: int) -> InboxDetail | None:
    row = db.execute(
        "SELECT i.id, i.account_id, a.client_id, c.name, c.timezone, a.handle, a.platform, "
        "a.settings_json, i.kind, i.remote_id, i.post_remote_id, i.parent_remote_id, "
        "i.author_id, i.author_name, i.author_handle, i.body, i.url, i.created_at, "
        "i.fetched_at, i.status, i.category, i.category_source, i.language, i.due_at, "
        "i.first_response_at, i.escalation_note, i.hidden_at IS NOT NULL, i.removed_at, "
        "i.edited_at, c.flagged_words, c.link_policy, i.reply_until "
        "FROM inbox_items i JOIN accounts a ON a.id = i.account_id "
        "JOIN clients c ON c.id = a.client_id WHERE i.id = ?",
        (item_id,),
    ).fetchone()
    if row is None:
        return None
    values = list(row)
    for index in (17, 18):
        values[index] = from_stored(values[index])
    for index in (23, 24, 27, 28, 31):
        values[index] = _when(values[index])
    values[26] = bool(values[26])
    detail = InboxDetail(*values)
    post = _our_post(db, detail.account_id, detail.post_remote_id)
    thread = _thread(db, detail)
    replies = _replies(db, [entry.item_id for entry in thread] or [item_id])
    parent_here = not detail.parent_remote_id or _has_item(
        db, detail.account_id, detail.parent_remote_id
    )
    return InboxDetail(
        **{
            **detail.__dict__,
            "post_id": post[0] if post else None,
            "post_text": post[1] if post else "",
            "post_url": post[2] if post else "",
            "parent_in_store": parent_here or (post is not None and _is_post(detail)),
            "thread": thread,
            "replies": replies,
            "history": _history(db, item_id),
            "author": _author(db, detail.account_id, detail.author_id),
        }
    )


def _is_post(detail: InboxDetail) -> bool:
    return detail.parent_remote_id in ("", detail.post_remote_id)


def _our_post(
    db: sqlite3.Connection, account_id: int, post_remote_id: str
) -> tuple[int, str, str] | None:
    if not post_remote_id:
        return None
    row = db.execute(
        "SELECT p.id, coalesce(t.variant_body, p.body), t.remote_url FROM post_targets t "
        "JOIN posts p ON p.id = t.post_id WHERE t.account_id = ? AND t.remote_id = ?",
        (account_id, post_remote_id),
    ).fetchone()
    return (row[0], row[1], row[2]) if row else None


def _has_item(db: sqlite3.Connection, account_id: int, remote_id: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM inbox_items WHERE account_id = ? AND remote_id = ?", (account_id, remote_id)
    ).fetchone()
    return row is not None


def _thread(db: sqlite3.Connection, detail: InboxDetail) -> list[ThreadEntry]:
    """The items on the same post (or the same direct-message author), oldest first."""
    if detail.post_remote_id:
        where, key = "i.post_remote_id = ?", detail.post_remote_id
    elif detail.kind == "direct_message" and detail.author_id:
        where, key = "i.kind = 'direct_message' AND i.author_id = ?", detail.author_id
    else:
        where, key = "i.id = ?", str(detail.id)
    rows = db.execute(
        "SELECT i.id, i.author_name, i.body, i.created_at, i.removed_at IS NOT NULL "
        f"FROM inbox_items i WHERE i.account_id = ? AND {where} "
        "ORDER BY abs(julianday(i.created_at) - julianday(?)), i.id LIMIT ?",
        (detail.account_id, key, to_stored(detail.created_at), THREAD_LIMIT),
    )
    entries = [ThreadEntry(r[0], r[1], r[2], from_stored(r[3]), bool(r[4])) for r in rows]
    return sorted(entries, key=lambda e: (e.created_at, e.item_id))


def _replies(db: sqlite3.Connection, item_ids: list[int]) -> list[ReplyInfo]:
    marks = ",".join("?" * len(item_ids))
    rows = db.execute(
        "SELECT id, item_id, body, status, error, created_at, sent_at FROM replies "
        f"WHERE item_id IN ({marks}) ORDER BY created_at, id",
        item_ids,
    )
    return [ReplyInfo(r[0], r[1], r[2], r[3], r[4], from_stored(r[5]), _when(r[6])) for r in rows]


def _history(db: sqlite3.Connection, item_id: int) -> list[HistoryLine]:
    rows = db.execute(
        "SELECT at, kind, detail FROM inbox_events WHERE item_id = ? ORDER BY at, id", (item_id,)
    )
    return [HistoryLine(from_stored(r[0]), r[1], r[2]) for r in rows]


def _author(db: sqlite3.Connection, account_id: int, author_id: str) -> AuthorInfo | None:
    if not author_id:
        return None
    rows = db.execute(
        "SELECT category, count(*), sum(status IN ('replied', 'done')), min(created_at) "
        "FROM inbox_items WHERE account_id = ? AND author_id = ? GROUP BY category",
        (account_id, author_id),
    ).fetchall()
    if not rows:
        return None
    return AuthorInfo(
        items=sum(r[1] for r in rows),
        answered=sum(int(r[2] or 0) for r in rows),
        first_at=min(from_stored(r[3]) for r in rows),
        categories={r[0]: r[1] for r in rows},
    )
