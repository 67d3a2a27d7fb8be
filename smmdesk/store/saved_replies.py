"""Saved replies: a client's agreed answers to the questions that keep coming.

SMM-PRACTICE rule 2: agree with the client who answers what, and how. A
saved reply belongs to one client (or to every client when it has none) and
to a category, so the picker offers first the answers for the kind of item
being answered. Reads use the GUI's ``sqlite3`` connection, writes a session.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from sqlalchemy.orm import Session

from smmdesk.store.models import SavedReply

MAX_TITLE = 200


class SavedReplyRow(NamedTuple):
    id: int
    client_id: int | None
    title: str
    body: str
    category: str


def list_saved_replies(
    db: sqlite3.Connection, client_id: int | None, category: str = ""
) -> list[SavedReplyRow]:
    """A client's saved replies and the shared ones; ``category`` first, then the rest."""
    rows = db.execute(
        "SELECT id, client_id, title, body, category FROM saved_replies "
        "WHERE client_id IS NULL OR client_id = ? "
        "ORDER BY category != ?, client_id IS NULL, lower(title), id",
        (client_id, category),
    )
    return [SavedReplyRow(*row) for row in rows]


def save_reply_template(
    session: Session,
    client_id: int | None,
    title: str,
    body: str,
    category: str,
    reply_id: int | None = None,
) -> int:
    """Add a saved reply, or change the one with ``reply_id``."""
    title, body = title.strip(), body.strip()
    if not title:
        raise ValueError("Give the saved reply a title.")
    if not body:
        raise ValueError("A saved reply needs its text.")
    if len(title) > MAX_TITLE:
        raise ValueError(f"The title is longer than {MAX_TITLE} characters.")
    if reply_id is None:
        saved = SavedReply(client_id=client_id, title=title, body=body, category=category)
        session.add(saved)
    else:
        found = session.get(SavedReply, reply_id)
        if found is None:
            raise LookupError(f"There is no saved reply {reply_id}.")
        saved = found
        saved.client_id, saved.title, saved.body = client_id, title, body
        saved.category = category
    session.flush()
    return saved.id


def delete_reply_template(session: Session, reply_id: int) -> None:
    saved = session.get(SavedReply, reply_id)
    if saved is not None:
        session.delete(saved)
