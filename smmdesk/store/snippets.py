"""Hashtag groups and text snippets per client: small reusable pieces of text."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from smmdesk.store.models import HashtagGroup, TextSnippet


@dataclass(frozen=True)
class Piece:
    id: int
    name: str
    text: str


def list_hashtag_groups(session: Session, client_id: int) -> list[Piece]:
    rows = session.scalars(
        select(HashtagGroup).where(HashtagGroup.client_id == client_id).order_by(HashtagGroup.name)
    )
    return [Piece(g.id, g.name, g.tags) for g in rows]


def list_snippets(session: Session, client_id: int) -> list[Piece]:
    rows = session.scalars(
        select(TextSnippet).where(TextSnippet.client_id == client_id).order_by(TextSnippet.name)
    )
    return [Piece(s.id, s.name, s.body) for s in rows]


def save_hashtag_group(
    session: Session, client_id: int, name: str, tags: str, group_id: int | None = None
) -> int:
    if not name.strip():
        raise ValueError("Give the hashtag group a name.")
    normalised = " ".join(
        tag if tag.startswith("#") else f"#{tag}" for tag in tags.replace(",", " ").split()
    )
    group = (
        HashtagGroup(client_id=client_id)
        if group_id is None
        else session.get(HashtagGroup, group_id)
    )
    if group is None:
        raise KeyError(group_id)
    group.name, group.tags = name.strip(), normalised
    session.add(group)
    session.flush()
    return group.id


def save_snippet(
    session: Session, client_id: int, name: str, body: str, snippet_id: int | None = None
) -> int:
    if not name.strip():
        raise ValueError("Give the snippet a name.")
    snippet = (
        TextSnippet(client_id=client_id)
        if snippet_id is None
        else session.get(TextSnippet, snippet_id)
    )
    if snippet is None:
        raise KeyError(snippet_id)
    snippet.name, snippet.body = name.strip(), body
    session.add(snippet)
    session.flush()
    return snippet.id


def delete_hashtag_group(session: Session, group_id: int) -> None:
    group = session.get(HashtagGroup, group_id)
    if group is not None:
        session.delete(group)


def delete_snippet(session: Session, snippet_id: int) -> None:
    snippet = session.get(TextSnippet, snippet_id)
    if snippet is not None:
        session.delete(snippet)
