"""Read queries for the planning calendar, in plain SQL over ``sqlite3``.

Like ``queries.py`` these run on the GUI thread's read-only connection (a
``StoreReader`` or its ``.db``), return NamedTuples and never import the ORM,
so the calendar can paint before SQLAlchemy is loaded. Each is one statement
over an index:

- ``plan_entries``: the posts of a date range with the accounts they go to
  (one row per post), for the month, week and list views, their filters and
  the posting guard;
- ``client_plans``: each client's planning settings (zone, country, posting
  guard, weekday themes, target mix);
- ``account_post_times``: (post id, time) per account, for the posting guard
  at a drop and the gap finder;
- ``content_type_counts``: how many posts of each type in a range;
- ``post_brief``: one post's status and targets, checked again at a drop.

Times in and out are aware UTC datetimes; ``to_stored``/``from_stored``
translate to the ORM's naive-UTC text. A range of days is the selective part
of every query here: a unary ``+`` keeps SQLite from choosing the client or
account index instead (it has no statistics to know better), which would read
all of a client's posts for one month.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple, Protocol

from smmdesk.store.queries import from_stored, to_stored

# Posts that will not go out at their time do not count towards the posting
# guard, the gaps or the content mix: ideas are not planned yet, and a failed
# post did not go out at its time.
UNPLANNED_STATUSES = ("idea", "failed")
TEXT_CHARS = 80  # of a post's text, for chips and lists; tooltips read more


class _HasConnection(Protocol):
    db: sqlite3.Connection


Source = sqlite3.Connection | _HasConnection


def _db(source: Source) -> sqlite3.Connection:
    return source if isinstance(source, sqlite3.Connection) else source.db


class PlanEntry(NamedTuple):
    """One post on the calendar: what the views paint and the filters test."""

    id: int
    client_id: int
    colour: str
    timezone: str
    body: str
    status: str
    content_type: str
    scheduled_at: datetime
    account_ids: tuple[int, ...]


class ClientPlan(NamedTuple):
    id: int
    name: str
    colour: str
    timezone: str
    country: str
    max_posts_per_day: int
    min_gap_minutes: int
    weekday_themes: str  # JSON text, parsed by core.weekday_themes
    target_mix: str  # JSON text, parsed by core.content_mix


class PostBrief(NamedTuple):
    id: int
    client_id: int
    status: str
    scheduled_at: datetime | None
    account_ids: tuple[int, ...]
    published_targets: int  # targets already published or being sent


def _ids(text: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",")) if text else ()


class _TargetLists(dict[str | None, tuple[int, ...]]):
    """ "3,7" -> (3, 7), parsed once per distinct list."""

    def __missing__(self, text: str | None) -> tuple[int, ...]:
        ids = self[text] = _ids(text)
        return ids


def plan_entries(
    source: Source,
    start: datetime,
    end: datetime,
    client_id: int | None = None,
    with_text: bool = True,
) -> list[PlanEntry]:
    """Posts scheduled in [start, end), oldest first, with their account ids.

    Shaped for a month of thousands of posts (one statement, a few
    milliseconds per thousand): SQLite appends the UTC offset so that
    ``datetime.fromisoformat`` returns aware UTC times directly (several times
    cheaper than ``from_stored``), clients' colours and zones come from a
    small side table instead of a join, the few distinct target lists are
    parsed once each, and rows are converted as they are read (no list of
    raw rows kept alive beside the result).
    """
    db = _db(source)
    params: list[object] = [to_stored(start), to_stored(end)]
    client_filter = ""
    if client_id is not None:
        client_filter = "AND +p.client_id = ?"  # unary +: keep to the time index
        params.append(client_id)
    colours: dict[int, str] = {}
    zones: dict[int, str] = {}
    for cid, colour, zone in db.execute("SELECT id, colour, timezone FROM clients"):
        colours[cid], zones[cid] = colour, zone
    text = f"coalesce(substr(p.body, 1, {TEXT_CHARS}), '')" if with_text else "''"
    rows = db.execute(
        f"SELECT p.id, p.client_id, {text}, p.status, "
        "p.content_type, p.scheduled_at || '+00:00', "
        "(SELECT group_concat(t.account_id) FROM post_targets t WHERE t.post_id = p.id) "
        f"FROM posts p WHERE p.scheduled_at >= ? AND p.scheduled_at < ? {client_filter} "
        "ORDER BY p.scheduled_at, p.id",
        params,
    )
    targets = _TargetLists()
    parse_time = datetime.fromisoformat
    new = tuple.__new__
    return [
        new(
            PlanEntry,
            (
                pid,
                cid,
                colours[cid],
                zones[cid],
                body,
                status,
                kind,
                parse_time(when),
                targets[acc],
            ),
        )
        for pid, cid, body, status, kind, when, acc in rows
    ]


def post_texts(source: Source, post_ids: Iterable[int], chars: int = TEXT_CHARS) -> dict[int, str]:
    """The first ``chars`` characters of each post's text, by id."""
    db = _db(source)
    ids = list(dict.fromkeys(post_ids))
    texts: dict[int, str] = {}
    for first in range(0, len(ids), 500):
        chunk = ids[first : first + 500]
        rows = db.execute(
            "SELECT id, coalesce(substr(body, 1, ?), '') FROM posts "
            f"WHERE id IN ({','.join('?' * len(chunk))})",
            [chars, *chunk],
        )
        texts.update(rows)
    return texts


def first_images(source: Source, post_ids: Iterable[int]) -> dict[int, str]:
    """Each post's first image (its path inside the media folder), by post id."""
    db = _db(source)
    ids = list(dict.fromkeys(post_ids))
    images: dict[int, str] = {}
    for first in range(0, len(ids), 500):
        chunk = ids[first : first + 500]
        rows = db.execute(
            "SELECT pm.post_id, m.relative_path FROM post_media pm "
            "JOIN media m ON m.id = pm.media_id "
            f"WHERE pm.post_id IN ({','.join('?' * len(chunk))}) "
            "ORDER BY pm.post_id, pm.position DESC",
            chunk,
        )
        images.update(rows)  # the last written per post is position 0
    return images


def client_plans(source: Source) -> dict[int, ClientPlan]:
    """Every client's planning settings (archived ones too: their posts stay)."""
    rows = _db(source).execute(
        "SELECT id, name, colour, timezone, country, max_posts_per_day, min_gap_minutes, "
        "weekday_themes, target_mix FROM clients"
    )
    return {row[0]: ClientPlan(*row) for row in rows}


def account_post_times(
    source: Source,
    start: datetime,
    end: datetime,
    client_id: int | None = None,
    account_ids: tuple[int, ...] | list[int] | None = None,
) -> dict[int, list[tuple[int, datetime]]]:
    """(post id, time) of the planned posts per account in [start, end), by time.

    Only posts that count (not ideas, not failed ones) are returned; accounts
    asked for by id are always keys, even with no posts.
    """
    conditions = ["p.scheduled_at >= ?", "p.scheduled_at < ?"]
    params: list[object] = [to_stored(start), to_stored(end)]
    conditions.append(f"p.status NOT IN ({','.join('?' * len(UNPLANNED_STATUSES))})")
    params.extend(UNPLANNED_STATUSES)
    if client_id is not None:
        conditions.append("+p.client_id = ?")
        params.append(client_id)
    result: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    if account_ids is not None:
        if not account_ids:
            return {}
        conditions.append(f"+t.account_id IN ({','.join('?' * len(account_ids))})")
        params.extend(account_ids)
        for account_id in account_ids:
            result[account_id] = []
    rows = _db(source).execute(
        "SELECT t.account_id, p.id, p.scheduled_at FROM posts p "
        "JOIN post_targets t ON t.post_id = p.id "
        f"WHERE {' AND '.join(conditions)} ORDER BY p.scheduled_at, p.id",
        params,
    )
    for account_id, post_id, when in rows:
        result[account_id].append((post_id, from_stored(when)))
    return dict(result)


def content_type_counts(
    source: Source, start: datetime, end: datetime, client_id: int | None = None
) -> dict[str, int]:
    """Planned posts per content type in [start, end) (not ideas, not failed)."""
    params: list[object] = [to_stored(start), to_stored(end), *UNPLANNED_STATUSES]
    client_filter = ""
    if client_id is not None:
        client_filter = "AND +client_id = ?"
        params.append(client_id)
    rows = _db(source).execute(
        "SELECT content_type, count(*) FROM posts "
        "WHERE scheduled_at >= ? AND scheduled_at < ? "
        f"AND status NOT IN ({','.join('?' * len(UNPLANNED_STATUSES))}) {client_filter} "
        "GROUP BY content_type",
        params,
    )
    return {ctype: count for ctype, count in rows}


def post_statuses(source: Source, post_ids: Iterable[int]) -> dict[int, str]:
    """The current status of some posts (those that still exist), in chunks of 500."""
    db = _db(source)
    ids = list(post_ids)
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(db.execute(f"SELECT id, status FROM posts WHERE id IN ({marks})", chunk))
    return found


def post_brief(source: Source, post_id: int) -> PostBrief | None:
    """One post as the database has it now: checked again before a move."""
    db = _db(source)
    row = db.execute(
        "SELECT id, client_id, status, scheduled_at FROM posts WHERE id = ?", (post_id,)
    ).fetchone()
    if row is None:
        return None
    targets = db.execute(
        "SELECT account_id, status FROM post_targets WHERE post_id = ? ORDER BY account_id",
        (post_id,),
    ).fetchall()
    return PostBrief(
        row[0],
        row[1],
        row[2],
        from_stored(row[3]) if row[3] else None,
        tuple(account_id for account_id, _status in targets),
        sum(status in ("published", "sending") for _account, status in targets),
    )
