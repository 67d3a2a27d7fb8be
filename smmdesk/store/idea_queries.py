"""Read queries for the Ideas panel, in plain SQL over ``sqlite3``.

Same rules as ``smmdesk.store.queries``: functions take the GUI thread's
read-only connection (``StoreReader.db``) and return NamedTuple rows with
aware UTC datetimes. They never write.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any, NamedTuple

from smmdesk.store.queries import from_stored

INBOX_ENTRY_PREFIX = "inbox:"  # as in smmdesk.store.ideas, without importing the ORM


class IdeaRow(NamedTuple):
    id: int
    client_id: int
    source_id: int | None
    #: Where the idea came from: the feed's title (or address), "Inbox", or "".
    origin: str
    title: str
    body: str
    link: str
    published_at: datetime | None
    created_at: datetime
    dismissed: bool
    post_id: int | None

    @property
    def when(self) -> datetime:
        """The date to show and sort by: the entry's own, else when it was added."""
        return self.published_at or self.created_at


class SourceRow(NamedTuple):
    id: int
    client_id: int
    title: str
    url: str
    error: str
    failures: int
    last_fetched_at: datetime | None
    next_poll_at: datetime | None
    idea_count: int

    @property
    def name(self) -> str:
        return self.title or self.url

    @property
    def ok(self) -> bool:
        return not self.error


def _time(text: str | None) -> datetime | None:
    return from_stored(text) if text else None


_IDEA_COLUMNS = (
    "i.id, i.client_id, i.source_id, "
    "CASE WHEN i.source_id IS NOT NULL THEN coalesce(nullif(s.title, ''), s.url) "
    f"WHEN i.entry_id LIKE '{INBOX_ENTRY_PREFIX}%' THEN 'Inbox' ELSE '' END, "
    "i.title, i.body, i.link, i.published_at, i.created_at, i.dismissed_at IS NOT NULL, i.post_id"
)


def _idea_row(row: tuple[Any, ...]) -> IdeaRow:
    idea_id, client_id, source_id, origin, title, body, link, published, created = row[:9]
    return IdeaRow(
        int(idea_id),
        int(client_id),
        source_id,
        origin or "",
        title,
        body or "",
        link or "",
        _time(published),
        from_stored(created),
        bool(row[9]),
        row[10],
    )


def list_ideas(
    db: sqlite3.Connection,
    client_id: int | None,
    include_dismissed: bool = False,
    limit: int = 2000,
) -> list[IdeaRow]:
    """A client's ideas (all clients for None), newest first."""
    conditions: list[str] = []
    params: list[object] = []
    if client_id is not None:
        conditions.append("i.client_id = ?")
        params.append(client_id)
    if not include_dismissed:
        conditions.append("i.dismissed_at IS NULL")
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    params.append(limit)
    rows = db.execute(
        f"SELECT {_IDEA_COLUMNS} FROM ideas i LEFT JOIN idea_sources s ON s.id = i.source_id "
        f"{where} ORDER BY coalesce(i.published_at, i.created_at) DESC, i.id DESC LIMIT ?",
        params,
    )
    return [_idea_row(row) for row in rows]


def get_idea(db: sqlite3.Connection, idea_id: int) -> IdeaRow | None:
    row = db.execute(
        f"SELECT {_IDEA_COLUMNS} FROM ideas i LEFT JOIN idea_sources s ON s.id = i.source_id "
        "WHERE i.id = ?",
        (idea_id,),
    ).fetchone()
    return _idea_row(row) if row is not None else None


def list_sources(db: sqlite3.Connection, client_id: int) -> list[SourceRow]:
    """A client's feeds with their state, by name."""
    counts = dict(
        db.execute(
            "SELECT source_id, count(*) FROM ideas WHERE client_id = ? AND source_id IS NOT NULL "
            "GROUP BY source_id",
            (client_id,),
        ).fetchall()
    )
    rows = db.execute(
        "SELECT id, client_id, title, url, error, failures, last_fetched_at, next_poll_at "
        "FROM idea_sources WHERE client_id = ? ORDER BY lower(coalesce(nullif(title, ''), url))",
        (client_id,),
    )
    return [
        SourceRow(
            sid,
            cid,
            title or "",
            url,
            error or "",
            int(failures or 0),
            _time(fetched),
            _time(next_poll),
            int(counts.get(sid, 0)),
        )
        for sid, cid, title, url, error, failures, fetched, next_poll in rows
    ]


def client_timezone(db: sqlite3.Connection, client_id: int) -> str:
    """The client's IANA zone name, "UTC" if the client is unknown."""
    row = db.execute("SELECT timezone FROM clients WHERE id = ?", (client_id,)).fetchone()
    return str(row[0]) if row and row[0] else "UTC"
