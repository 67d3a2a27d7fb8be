"""The inbox's read queries, in plain SQL over the GUI's read-only connection.

The list is a filter over up to hundreds of thousands of items; each filter
becomes conditions on ``inbox_items`` alone (accounts and clients enter as
id subqueries), so a count and a page each use one index. Full-text search
narrows by the FTS5 index first. Everything returned is plain values: the
views show network text as plain text (invariant 5).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import NamedTuple

from smmdesk.store.inbox_search import match_expression
from smmdesk.store.queries import from_stored, to_stored

#: The characters of an item's text a list row carries; the pane reads it whole.
ROW_TEXT = 300


@dataclass(frozen=True)
class InboxFilter:
    """What the Inbox tab shows; empty strings and None mean "any"."""

    client_id: int | None = None
    account_id: int | None = None
    platform: str = ""
    kind: str = ""
    status: str = ""
    category: str = ""
    overdue_only: bool = False
    search: str = ""


class InboxListRow(NamedTuple):
    id: int
    account_id: int
    handle: str
    platform: str
    kind: str
    author_name: str
    body: str  # the first ROW_TEXT characters
    created_at: datetime
    status: str
    category: str
    timezone: str
    due_at: datetime | None
    removed: bool
    hidden: bool
    client_id: int


def _conditions(flt: InboxFilter, now: datetime) -> tuple[list[str], list[object]]:
    """SQL conditions on ``inbox_items i`` alone.

    The search term is written ``+i.id IN (...)``: the unary plus keeps
    SQLite from looking up each match by id and sorting them all; instead it
    walks the newest-first index and checks each row against the match set,
    so the first page of a broad search stops after a page of hits.
    """
    where: list[str] = []
    params: list[object] = []
    if flt.account_id is not None:
        where.append("i.account_id = ?")
        params.append(flt.account_id)
    elif flt.client_id is not None or flt.platform:
        sub: list[str] = []
        sub_params: list[object] = []
        if flt.client_id is not None:
            sub.append("client_id = ?")
            sub_params.append(flt.client_id)
        if flt.platform:
            sub.append("platform = ?")
            sub_params.append(flt.platform)
        where.append(f"i.account_id IN (SELECT id FROM accounts WHERE {' AND '.join(sub)})")
        params.extend(sub_params)
    if flt.kind:
        where.append("i.kind = ?")
        params.append(flt.kind)
    if flt.overdue_only:
        where.append("i.status = 'new' AND i.due_at < ?")
        params.append(to_stored(now))
    elif flt.status:
        where.append("i.status = ?")
        params.append(flt.status)
    if flt.category:
        where.append("i.category = ?")
        params.append(flt.category)
    if flt.search:
        expression = match_expression(flt.search)
        if expression is None:
            where.append("0")
        else:
            where.append("+i.id IN (SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH ?)")
            params.append(expression)
    return where, params


def _where(where: list[str]) -> str:
    return f"WHERE {' AND '.join(where)}" if where else ""


def count_items(db: sqlite3.Connection, flt: InboxFilter, now: datetime | None = None) -> int:
    if flt.search and replace(flt, search="") == InboxFilter():
        expression = match_expression(flt.search)
        if expression is None:
            return 0
        row = db.execute(
            "SELECT count(*) FROM inbox_fts WHERE inbox_fts MATCH ?", (expression,)
        ).fetchone()
        return int(row[0])
    where, params = _conditions(flt, now or datetime.now(UTC))
    row = db.execute(f"SELECT count(*) FROM inbox_items i {_where(where)}", params).fetchone()
    return int(row[0])


def list_page(
    db: sqlite3.Connection,
    flt: InboxFilter,
    offset: int,
    limit: int,
    now: datetime | None = None,
) -> list[InboxListRow]:
    """One page of the filtered list, newest first."""
    where, params = _conditions(flt, now or datetime.now(UTC))
    rows = db.execute(
        "SELECT i.id, i.account_id, a.handle, a.platform, i.kind, i.author_name, "
        f"substr(i.body, 1, {ROW_TEXT}), i.created_at, i.status, i.category, c.timezone, "
        "i.due_at, i.removed_at IS NOT NULL, i.hidden_at IS NOT NULL, a.client_id "
        "FROM inbox_items i JOIN accounts a ON a.id = i.account_id "
        f"JOIN clients c ON c.id = a.client_id {_where(where)} "
        "ORDER BY i.created_at DESC, i.id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [
        InboxListRow(
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], from_stored(r[7]), r[8], r[9], r[10],
            from_stored(r[11]) if r[11] else None, bool(r[12]), bool(r[13]), r[14],
        )
        for r in rows
    ]  # fmt: skip


def overdue_count(db: sqlite3.Connection, now: datetime | None = None) -> int:
    row = db.execute(
        "SELECT count(*) FROM inbox_items WHERE status = 'new' AND due_at < ?",
        (to_stored(now or datetime.now(UTC)),),
    ).fetchone()
    return int(row[0])


def account_choices(db: sqlite3.Connection, client_id: int | None) -> list[tuple[int, str, str]]:
    """(id, handle, platform) of the accounts the account filter offers."""
    if client_id is None:
        rows = db.execute("SELECT id, handle, platform FROM accounts ORDER BY handle")
    else:
        rows = db.execute(
            "SELECT id, handle, platform FROM accounts WHERE client_id = ? ORDER BY handle",
            (client_id,),
        )
    return [(r[0], r[1], r[2]) for r in rows]


def platform_choices(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in db.execute("SELECT DISTINCT platform FROM accounts ORDER BY platform")]


@dataclass(frozen=True)
class LeaderRow:
    author_id: str
    author_name: str
    author_handle: str
    handle: str  # the client's account they talk to
    platform: str
    items: int
    comments: int
    last_at: datetime


def audience_leaders(
    db: sqlite3.Connection, client_id: int, since: datetime, until: datetime, limit: int = 25
) -> list[LeaderRow]:
    """The most active people in a client's audience over a period.

    The client's own accounts are left out (a brand answering itself is not
    an audience leader), and so is spam; one person is one author on one
    account.
    """
    rows = db.execute(
        "SELECT i.author_id, max(i.author_name), max(i.author_handle), a.handle, a.platform, "
        "count(*), sum(i.kind IN ('comment', 'reply')), max(i.created_at) "
        "FROM inbox_items i JOIN accounts a ON a.id = i.account_id "
        "WHERE a.client_id = ? AND i.created_at >= ? AND i.created_at < ? "
        "AND i.category != 'spam' AND i.author_id != '' AND i.author_id NOT IN "
        "(SELECT remote_id FROM accounts WHERE client_id = ? AND remote_id != '') "
        "GROUP BY i.account_id, i.author_id ORDER BY count(*) DESC, max(i.created_at) DESC "
        "LIMIT ?",
        (client_id, to_stored(since), to_stored(until), client_id, limit),
    )
    return [
        LeaderRow(r[0], r[1], r[2], r[3], r[4], int(r[5]), int(r[6] or 0), from_stored(r[7]))
        for r in rows
    ]


@dataclass(frozen=True)
class EscalatedRow:
    item_id: int
    client_name: str
    handle: str
    platform: str
    kind: str
    author_name: str
    body: str
    url: str
    created_at: datetime
    escalated_at: datetime
    note: str
    timezone: str


def escalated_items(
    db: sqlite3.Connection, client_id: int | None, since: datetime, until: datetime
) -> list[EscalatedRow]:
    """Items escalated to the client in a period, oldest first, for the export."""
    client_filter = "AND a.client_id = ?" if client_id is not None else ""
    params: list[object] = [to_stored(since), to_stored(until)]
    if client_id is not None:
        params.append(client_id)
    rows = db.execute(
        "SELECT i.id, c.name, a.handle, a.platform, i.kind, i.author_name, i.body, i.url, "
        "i.created_at, i.escalated_at, i.escalation_note, c.timezone "
        "FROM inbox_items i JOIN accounts a ON a.id = i.account_id "
        "JOIN clients c ON c.id = a.client_id "
        "WHERE i.escalated_at IS NOT NULL AND i.escalated_at >= ? AND i.escalated_at < ? "
        f"{client_filter} ORDER BY i.escalated_at",
        params,
    )
    return [
        EscalatedRow(
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
            from_stored(r[8]), from_stored(r[9]), r[10], r[11],
        )
        for r in rows
    ]  # fmt: skip


class CommentRow(NamedTuple):
    item_id: int
    author_id: str
    author_name: str
    body: str
    created_at: datetime


def post_comments(db: sqlite3.Connection, post_id: int) -> list[CommentRow]:
    """Every comment and reply on a post's published targets, for a contest draw."""
    rows = db.execute(
        "SELECT i.id, i.author_id, i.author_name, i.body, i.created_at "
        "FROM inbox_items i JOIN post_targets t "
        "ON t.account_id = i.account_id AND t.remote_id = i.post_remote_id "
        "WHERE t.post_id = ? AND t.remote_id != '' AND i.kind IN ('comment', 'reply') "
        "AND i.removed_at IS NULL ORDER BY i.created_at, i.id",
        (post_id,),
    )
    return [CommentRow(r[0], r[1], r[2], r[3], from_stored(r[4])) for r in rows]


def own_author_ids(db: sqlite3.Connection, client_id: int) -> set[str]:
    """The remote ids of the client's own accounts: never contest entrants."""
    rows = db.execute(
        "SELECT remote_id FROM accounts WHERE client_id = ? AND remote_id != ''", (client_id,)
    )
    return {r[0] for r in rows}
