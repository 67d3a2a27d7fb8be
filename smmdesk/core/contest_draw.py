"""A contest's winner draw that anyone can repeat (SMM-PRACTICE rule 5).

A giveaway has to follow the platform's rules and the law, and a brand may be
asked to show that the draw was fair. So the draw is a pure function of the
list of entrants and a seed: the app stores both with the draw, and drawing
again from the stored list with the stored seed names the same winners, in
the same order, on any computer and any later Python.

For that last promise the draw shuffles with ``random.Random(...).random()``
only, whose sequence for a given integer seed Python guarantees across
versions; ``Random.sample`` and ``shuffle`` carry no such guarantee. The
integer seed comes from SHA-256 of the seed text, never from ``hash()``, which
changes from one process to the next.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Entrant:
    item_id: int
    author_id: str
    author_name: str
    text: str
    created_at: datetime


def _order(entrant: Entrant) -> tuple[datetime, int]:
    return entrant.created_at, entrant.item_id


def keyword_matcher(keyword: str) -> re.Pattern[str] | None:
    """``keyword`` as a whole word or phrase in any case; None for no keyword."""
    words = keyword.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(word) for word in words)
    if re.match(r"\w", words[0]):
        pattern = r"(?<!\w)" + pattern
    if re.search(r"\w$", words[-1]):
        pattern += r"(?!\w)"
    return re.compile(pattern, re.IGNORECASE)


def eligible(
    comments: Sequence[Entrant],
    keyword: str = "",
    one_per_person: bool = True,
    excluded_author_ids: Collection[str] = (),
    closes_at: datetime | None = None,
) -> list[Entrant]:
    """The comments that take part, sorted by (created_at, item_id).

    A comment takes part when it contains ``keyword`` (if any) as a word or
    phrase, was written at or before ``closes_at`` (if given), and is not by
    one of ``excluded_author_ids`` (the brand's own accounts). With
    ``one_per_person`` each author keeps only their earliest such comment.
    """
    matcher = keyword_matcher(keyword)
    excluded = set(excluded_author_ids)
    chosen: dict[int, Entrant] = {}
    for comment in sorted(comments, key=_order):
        if comment.item_id in chosen or comment.author_id in excluded:
            continue
        if closes_at is not None and comment.created_at > closes_at:
            continue
        if matcher is not None and not matcher.search(comment.text):
            continue
        chosen[comment.item_id] = comment
    result = list(chosen.values())
    if one_per_person:
        seen: set[str] = set()
        earliest = []
        for entrant in result:
            if entrant.author_id not in seen:
                seen.add(entrant.author_id)
                earliest.append(entrant)
        result = earliest
    return result


def new_seed() -> str:
    """A fresh random seed: 64 bits as 16 hex digits."""
    return secrets.token_hex(8)


def _seed_number(seed: str) -> int:
    return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big")


def draw(entrants: Sequence[Entrant], winners: int, seed: str) -> list[Entrant]:
    """``winners`` entrants drawn at random with ``seed``, in the order drawn.

    The entrants are put in (created_at, item_id) order first, so the result
    does not depend on the order they are given in. Asking for more winners
    than entrants returns every entrant, shuffled.
    """
    pool = sorted(entrants, key=_order)
    count = min(max(winners, 0), len(pool))
    rng = random.Random(_seed_number(seed))
    # a partial Fisher-Yates shuffle driven only by rng.random()
    for index in range(count):
        pick = index + int(rng.random() * (len(pool) - index))
        pool[index], pool[pick] = pool[pick], pool[index]
    return pool[:count]


def entrants_to_json(entrants: Sequence[Entrant]) -> str:
    """The entrant list as stored with a draw."""
    return json.dumps(
        [
            {
                "item_id": entrant.item_id,
                "author_id": entrant.author_id,
                "author_name": entrant.author_name,
                "text": entrant.text,
                "created_at": entrant.created_at.astimezone(UTC).isoformat(),
            }
            for entrant in entrants
        ],
        ensure_ascii=False,
    )


def entrants_from_json(text: str) -> list[Entrant]:
    """A stored entrant list; ValueError if it is damaged (a repeat would not be faithful)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise ValueError("The stored list of entrants is not readable.") from error
    if not isinstance(data, list):
        raise ValueError("The stored list of entrants is not a list.")
    entrants = []
    for number, row in enumerate(data, start=1):
        try:
            created = datetime.fromisoformat(row["created_at"])
            item_id = row["item_id"]
            if not isinstance(item_id, int) or isinstance(item_id, bool):
                raise TypeError("item_id")
            if not all(isinstance(row[key], str) for key in ("author_id", "author_name", "text")):
                raise TypeError("text fields")
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"Entrant {number} of the stored list is damaged.") from error
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        entrants.append(
            Entrant(item_id, row["author_id"], row["author_name"], row["text"], created)
        )
    return entrants
