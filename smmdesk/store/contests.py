"""Contests kept with their post: the rules text and every winner draw.

SMM-PRACTICE rule 5: a contest must follow the platform's rules and the law,
so its rules text lives with the post that runs it, and each draw is stored
with its seed and the full list of entrants as they were at the moment of
the draw. Anyone (the client, a participant who doubts) can then be shown
that ``core.contest_draw.draw`` over the same entrants with the same seed
picks the same winners: ``repeat_draw``. A draw is never changed or deleted;
drawing again adds a new one.

Reads take the GUI's read-only ``sqlite3`` connection or a session (the same
SQL runs on both); writes take a session inside ``Store.transaction()``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from smmdesk.core.contest_draw import Entrant, draw, entrants_from_json, entrants_to_json
from smmdesk.store.inbox_queries import post_comments
from smmdesk.store.models import ContestDraw, Post
from smmdesk.store.queries import from_stored

__all__ = [
    "ContestPost",
    "StoredDraw",
    "contest_post",
    "list_draws",
    "load_draw",
    "post_entries",
    "record_draw",
    "repeat_draw",
    "set_contest_rules",
]

#: The longest keyword a draw filters on.
MAX_KEYWORD = 200


@dataclass(frozen=True)
class ContestPost:
    post_id: int
    client_id: int
    client_name: str
    timezone: str
    body: str
    rules: str


@dataclass(frozen=True)
class StoredDraw:
    """One recorded draw, with what it needs to be repeated."""

    id: int
    post_id: int
    drawn_at: datetime
    keyword: str
    winners_count: int
    one_per_person: bool
    closes_at: datetime | None
    seed: str
    rules: str
    entrants: list[Entrant]
    winners: list[Entrant]


Reader = sqlite3.Connection | Session


def _rows(db: Reader, sql: str, params: tuple[Any, ...]) -> list[Sequence[Any]]:
    if isinstance(db, Session):
        return list(db.connection().exec_driver_sql(sql, params).fetchall())
    return db.execute(sql, params).fetchall()


def contest_post(db: Reader, post_id: int) -> ContestPost:
    """The post a contest runs on, with its client; LookupError if it is gone."""
    found = _rows(
        db,
        "SELECT p.id, p.client_id, c.name, c.timezone, p.body, p.contest_rules "
        "FROM posts p JOIN clients c ON c.id = p.client_id WHERE p.id = ?",
        (post_id,),
    )
    if not found:
        raise LookupError(f"There is no post {post_id}; it may have been deleted.")
    r = found[0]
    return ContestPost(r[0], r[1], r[2], r[3] or "UTC", r[4] or "", r[5] or "")


def post_entries(db: sqlite3.Connection, post_id: int) -> list[Entrant]:
    """Every comment and reply on the post's published targets, as possible entrants."""
    return [
        Entrant(c.item_id, c.author_id, c.author_name, c.body, c.created_at)
        for c in post_comments(db, post_id)
    ]


def set_contest_rules(session: Session, post_id: int, text: str) -> None:
    post = session.get(Post, post_id)
    if post is None:
        raise LookupError(f"There is no post {post_id}; it may have been deleted.")
    if post.contest_rules != text:
        post.contest_rules = text


def record_draw(
    session: Session,
    post_id: int,
    keyword: str,
    winners_count: int,
    one_per_person: bool,
    closes_at: datetime | None,
    seed: str,
    entrants: Sequence[Entrant],
    winners: Sequence[Entrant],
    rules: str,
) -> int:
    """Store a draw as it happened; its id."""
    if winners_count < 1:
        raise ValueError("A draw needs at least one winner.")
    if len(keyword) > MAX_KEYWORD:
        raise ValueError(f"The keyword is longer than {MAX_KEYWORD} characters.")
    if session.get(Post, post_id) is None:
        raise LookupError(f"There is no post {post_id}; it may have been deleted.")
    row = ContestDraw(
        post_id=post_id,
        keyword=keyword,
        winners_count=winners_count,
        one_per_person=one_per_person,
        closes_at=closes_at,
        seed=seed,
        entrants_json=entrants_to_json(list(entrants)),
        winners_json=entrants_to_json(list(winners)),
        rules=rules,
    )
    session.add(row)
    session.flush()
    return row.id


_DRAW_COLUMNS = (
    "id, post_id, drawn_at, keyword, winners_count, one_per_person, closes_at, seed, rules, "
    "entrants_json, winners_json"
)


def _draw(r: Sequence[Any]) -> StoredDraw:
    return StoredDraw(
        id=r[0],
        post_id=r[1],
        drawn_at=from_stored(r[2]),
        keyword=r[3] or "",
        winners_count=int(r[4]),
        one_per_person=bool(r[5]),
        closes_at=from_stored(r[6]) if r[6] else None,
        seed=r[7],
        rules=r[8] or "",
        entrants=entrants_from_json(r[9]),
        winners=entrants_from_json(r[10]),
    )


def list_draws(db: Reader, post_id: int) -> list[StoredDraw]:
    """The post's draws, newest first."""
    rows = _rows(
        db,
        f"SELECT {_DRAW_COLUMNS} FROM contest_draws WHERE post_id = ? "
        "ORDER BY drawn_at DESC, id DESC",
        (post_id,),
    )
    return [_draw(r) for r in rows]


def load_draw(db: Reader, draw_id: int) -> StoredDraw:
    rows = _rows(db, f"SELECT {_DRAW_COLUMNS} FROM contest_draws WHERE id = ?", (draw_id,))
    if not rows:
        raise LookupError(f"There is no draw {draw_id}.")
    return _draw(rows[0])


def repeat_draw(stored: StoredDraw) -> list[Entrant]:
    """The winners the stored entrants and seed give today: the stored winners, or a problem."""
    return draw(stored.entrants, stored.winners_count, stored.seed)
