"""Full-text search over the inbox (SQLite FTS5), indexed in batches.

The index is external-content (migrations 0002 and 0005), and is brought up
to date by ``index_new_items`` after each sync page rather than by triggers,
which would slow bulk inserts about 15x. Inbox items are never deleted (the
app never deletes an audience comment), so "index every row past the last
indexed id" keeps the index complete; an item edited on the network is
re-indexed by ``reindex_item`` before its row changes, because an
external-content index can only drop a row given the text it indexed.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

_LAST_INDEXED = text("SELECT coalesce(max(id), 0) FROM inbox_fts_docsize")
_INDEX_NEW = text(
    "INSERT INTO inbox_fts(rowid, body, author_name, author_handle) "
    "SELECT id, body, author_name, author_handle FROM inbox_items WHERE id > :last ORDER BY id"
)
_DROP_ROW = text(
    "INSERT INTO inbox_fts(inbox_fts, rowid, body, author_name, author_handle) "
    "SELECT 'delete', id, body, author_name, author_handle FROM inbox_items "
    "WHERE id = :id AND id <= :last"
)
_ADD_ROW = text(
    "INSERT INTO inbox_fts(rowid, body, author_name, author_handle) "
    "SELECT id, body, author_name, author_handle FROM inbox_items WHERE id = :id AND id <= :last"
)
_TOKEN = re.compile(r"\w+", re.UNICODE)


def index_new_items(session: Session) -> int:
    """Index every inbox item added since the last call; returns how many."""
    last = session.execute(_LAST_INDEXED).scalar_one()
    result = session.execute(_INDEX_NEW, {"last": last})
    return int(getattr(result, "rowcount", 0) or 0)


def unindex_item(session: Session, item_id: int) -> None:
    """Drop an item's indexed text; call before its body or author changes."""
    last = session.execute(_LAST_INDEXED).scalar_one()
    session.execute(_DROP_ROW, {"id": item_id, "last": last})


def index_item(session: Session, item_id: int) -> None:
    """Index an item again after its text changed (pairs with ``unindex_item``)."""
    last = session.execute(_LAST_INDEXED).scalar_one()
    session.execute(_ADD_ROW, {"id": item_id, "last": last})


def match_expression(query: str) -> str | None:
    """Turn what a user types into a safe FTS5 query (prefix match per word).

    User text never reaches FTS5's query syntax directly: each word is quoted,
    so quotes, stars or ``NEAR`` in a search box cannot cause a syntax error.
    """
    words = _TOKEN.findall(query)
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


def search_ids(session: Session, query: str, limit: int = 5000) -> list[int]:
    """Ids of inbox items matching ``query``, best match first."""
    expression = match_expression(query)
    if expression is None:
        return []
    rows = session.execute(
        text("SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH :q ORDER BY rank LIMIT :n"),
        {"q": expression, "n": limit},
    )
    return [row[0] for row in rows]
