"""Read queries the views need, in plain SQL over ``sqlite3``.

The views read through ``StoreReader``: a read-only ``sqlite3`` connection
owned by the GUI thread, returning small frozen rows. Reads do not need the
ORM, and keeping them on the standard library lets the main window paint real
data before SQLAlchemy is even imported (start-up loads it afterwards, for
writes and background jobs). Each query is shaped for one view and uses an
index: single-digit milliseconds on a profile of 10k posts and 100k inbox
items. Rows are NamedTuples: immutable, and several times cheaper to build
than dataclasses when a month view makes a thousand of them. Times are
stored as naive UTC text by the ORM (``UTCDateTime``) and come back here as
aware UTC datetimes.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

_STORED = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's DateTime text format on SQLite


def to_stored(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_STORED)


def from_stored(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class ClientRow(NamedTuple):
    id: int
    name: str
    colour: str
    timezone: str
    archived: bool
    account_count: int
    accounts_needing_attention: int


class AccountRow(NamedTuple):
    id: int
    client_id: int
    platform: str
    handle: str
    display_name: str
    status: str
    status_message: str
    archived: bool
    settings_json: str = "{}"  # the connector's facts, e.g. an instance's own limits


class CalendarPost(NamedTuple):
    id: int
    client_id: int
    colour: str
    timezone: str
    body: str
    status: str
    content_type: str
    scheduled_at: datetime
    platforms: tuple[str, ...]


class InboxRow(NamedTuple):
    id: int
    account_id: int
    handle: str
    platform: str
    kind: str
    author_name: str
    body: str
    created_at: datetime
    status: str
    category: str
    timezone: str


class StoreReader:
    """Read-only access for the GUI thread; one connection, never written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.db.execute("PRAGMA busy_timeout=2000")

    def close(self) -> None:
        self.db.close()

    def list_clients(self, include_archived: bool = False) -> list[ClientRow]:
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for client_id, status in self.db.execute(
            "SELECT client_id, status FROM accounts WHERE archived_at IS NULL"
        ):
            counts[client_id][0] += 1
            counts[client_id][1] += status != "ok"
        where = "" if include_archived else "WHERE archived_at IS NULL"
        rows = self.db.execute(
            f"SELECT id, name, colour, timezone, archived_at IS NOT NULL FROM clients {where} "
            "ORDER BY archived_at IS NOT NULL, lower(name)"
        )
        return [
            ClientRow(cid, name, colour, zone, bool(archived), counts[cid][0], counts[cid][1])
            for cid, name, colour, zone, archived in rows
        ]

    def list_accounts(
        self, client_id: int | None = None, include_archived: bool = False
    ) -> list[AccountRow]:
        conditions, params = [], []
        if client_id is not None:
            conditions.append("client_id = ?")
            params.append(client_id)
        if not include_archived:
            conditions.append("archived_at IS NULL")
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self.db.execute(
            "SELECT id, client_id, platform, handle, display_name, status, status_message, "
            f"archived_at IS NOT NULL, settings_json FROM accounts {where} "
            "ORDER BY client_id, platform, handle",
            params,
        )
        return [
            AccountRow(aid, cid, platform, handle, name, status, msg, bool(archived), settings)
            for aid, cid, platform, handle, name, status, msg, archived, settings in rows
        ]

    def count_accounts(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM accounts").fetchone()[0])

    def posts_between(
        self, start: datetime, end: datetime, client_id: int | None = None
    ) -> list[CalendarPost]:
        """Posts scheduled in [start, end), with the platforms they go to."""
        params: list[object] = [to_stored(start), to_stored(end)]
        client_filter = ""
        if client_id is not None:
            client_filter = "AND p.client_id = ?"
            params.append(client_id)
        platforms: dict[int, list[str]] = defaultdict(list)
        for post_id, platform in self.db.execute(
            "SELECT t.post_id, a.platform FROM post_targets t "
            "JOIN posts p ON p.id = t.post_id JOIN accounts a ON a.id = t.account_id "
            f"WHERE p.scheduled_at >= ? AND p.scheduled_at < ? {client_filter}",
            params,
        ):
            platforms[post_id].append(platform)
        rows = self.db.execute(
            "SELECT p.id, p.client_id, c.colour, c.timezone, substr(p.body, 1, 120), p.status, "
            "p.content_type, p.scheduled_at FROM posts p JOIN clients c ON c.id = p.client_id "
            f"WHERE p.scheduled_at >= ? AND p.scheduled_at < ? {client_filter} "
            "ORDER BY p.scheduled_at",
            params,
        )
        return [
            CalendarPost(
                pid,
                cid,
                colour,
                zone,
                body or "",
                status,
                ctype,
                from_stored(when),
                tuple(sorted(platforms[pid])),
            )
            for pid, cid, colour, zone, body, status, ctype, when in rows
        ]

    def inbox_count(self, client_id: int | None = None) -> int:
        if client_id is None:
            return int(self.db.execute("SELECT count(*) FROM inbox_items").fetchone()[0])
        return int(
            self.db.execute(
                "SELECT count(*) FROM inbox_items i JOIN accounts a ON a.id = i.account_id "
                "WHERE a.client_id = ?",
                (client_id,),
            ).fetchone()[0]
        )

    def inbox_page(self, offset: int, limit: int, client_id: int | None = None) -> list[InboxRow]:
        """Newest first; the inbox table model asks for one page at a time."""
        client_filter = "WHERE a.client_id = ?" if client_id is not None else ""
        params: list[object] = [client_id] if client_id is not None else []
        rows = self.db.execute(
            "SELECT i.id, i.account_id, a.handle, a.platform, i.kind, i.author_name, i.body, "
            "i.created_at, i.status, i.category, c.timezone FROM inbox_items i "
            "JOIN accounts a ON a.id = i.account_id JOIN clients c ON c.id = a.client_id "
            f"{client_filter} ORDER BY i.created_at DESC, i.id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [
            InboxRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], from_stored(r[7]), *r[8:])
            for r in rows
        ]

    def follower_history(
        self, account_ids: list[int], since: datetime
    ) -> dict[int, list[tuple[datetime, int]]]:
        """Followers over time per account, oldest first."""
        series: dict[int, list[tuple[datetime, int]]] = {a: [] for a in account_ids}
        if not account_ids:
            return series
        marks = ",".join("?" * len(account_ids))
        rows = self.db.execute(
            "SELECT account_id, measured_at, followers FROM account_metrics "
            f"WHERE account_id IN ({marks}) AND measured_at >= ? "
            "ORDER BY account_id, measured_at",
            [*account_ids, to_stored(since)],
        )
        for account_id, measured_at, followers in rows:
            series[account_id].append((from_stored(measured_at), followers))
        return series
