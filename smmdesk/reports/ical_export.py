"""The schedule as an iCalendar file, for the client's own calendar app.

One event per post whose time falls in ``[start, end)``: drafts, posts in
review, approved, scheduled and published ones (ideas have no real time and
failed posts are the manager's business, so both are left out). Each event:

* ``UID`` ``post-<id>@smmdesk``: stable, so importing a newer export into
  the same calendar updates the events instead of duplicating them;
* ``SUMMARY`` ``[Client] first line of the text``;
* ``DESCRIPTION`` the full text, the networks and handles it goes to, the
  status, the content type and the reference code (``P-<id>``) used in
  review packs;
* ``DTSTART`` in UTC (``...Z``): every calendar app shows it in the viewer's
  own zone, and no ``VTIMEZONE`` has to be right for it. The description
  repeats the time in the client's zone. A post lasts 15 minutes;
* ``STATUS`` ``CONFIRMED`` once approved, scheduled or published,
  ``TENTATIVE`` before that; ``CATEGORIES`` the content type.

Nothing but post text, handles and network names goes into the file: no
vault keys, remote ids or notes. The file is written to a temporary file in
the target folder and moved into place, so a failed export never leaves half
a calendar behind.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from smmdesk.core.clock import as_utc, to_local
from smmdesk.core.vocabulary import ContentType, PostStatus
from smmdesk.platforms import connector_class
from smmdesk.reports.files import write_atomically
from smmdesk.store.models import Client, Post, PostTarget

__all__ = ["EXPORTED_STATUSES", "build_calendar", "export_schedule", "post_uid"]

EXPORTED_STATUSES: tuple[str, ...] = (
    PostStatus.DRAFT,
    PostStatus.IN_REVIEW,
    PostStatus.APPROVED,
    PostStatus.SCHEDULED,
    PostStatus.PUBLISHED,
)
_CONFIRMED = {PostStatus.APPROVED, PostStatus.SCHEDULED, PostStatus.PUBLISHED}
DURATION = timedelta(minutes=15)
_SUMMARY_LENGTH = 80


def post_uid(post_id: int) -> str:
    return f"post-{post_id}@smmdesk"


def _first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if not line:
        return "(no text)"
    if len(line) > _SUMMARY_LENGTH:
        return line[: _SUMMARY_LENGTH - 1].rstrip() + "…"
    return line


def _network(platform: str) -> str:
    try:
        return connector_class(platform).display_name or platform
    except KeyError:
        return platform


def _type_label(value: str) -> str:
    try:
        return ContentType(value).label
    except ValueError:
        return value


def _status_label(value: str) -> str:
    try:
        return PostStatus(value).label
    except ValueError:
        return value


def _description(post: Post, client: Client) -> str:
    local = to_local(post.scheduled_at, client.timezone) if post.scheduled_at else None
    lines = [post.body.strip() or "(no text)", ""]
    targets: list[PostTarget] = sorted(post.targets, key=lambda t: t.account_id)
    if targets:
        lines.append("Networks:")
        lines.extend(f"  {_network(t.account.platform)}: {t.account.handle}" for t in targets)
    else:
        lines.append("Networks: none chosen yet")
    if local is not None:
        lines.append(f"Time: {local:%Y-%m-%d %H:%M} ({client.timezone})")
    lines.append(f"Type: {_type_label(post.content_type)}")
    lines.append(f"Status: {_status_label(post.status)}")
    lines.append(f"Reference: P-{post.id}")
    return "\n".join(lines)


def _posts(session: Session, client_id: int | None, start: datetime, end: datetime) -> list[Post]:
    query = (
        select(Post)
        .join(Client, Client.id == Post.client_id)
        .where(
            Post.scheduled_at.is_not(None),
            Post.scheduled_at >= start,
            Post.scheduled_at < end,
            Post.status.in_([str(s) for s in EXPORTED_STATUSES]),
        )
        .options(selectinload(Post.targets).selectinload(PostTarget.account))
        .order_by(Post.scheduled_at, Post.id)
    )
    if client_id is not None:
        query = query.where(Post.client_id == client_id)
    else:
        query = query.where(Client.archived_at.is_(None))
    return list(session.scalars(query))


def build_calendar(
    session: Session,
    client_id: int | None,
    start: datetime,
    end: datetime,
    *,
    now: datetime | None = None,
) -> tuple[Calendar, int]:
    """The calendar of the posts in ``[start, end)`` and how many events it has."""
    start, end = as_utc(start, "start"), as_utc(end, "end")
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    clients = {c.id: c for c in session.scalars(select(Client))}
    if client_id is not None and client_id not in clients:
        raise KeyError(client_id)

    cal = Calendar()
    cal.add("prodid", "-//SMM Desk//Schedule export//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if client_id is not None:
        client = clients[client_id]
        cal.add("x-wr-calname", f"{client.name} — posting schedule")
        cal.add("x-wr-timezone", client.timezone)
    else:
        cal.add("x-wr-calname", "All clients — posting schedule")
    cal.add("x-wr-caldesc", "Planned social-media posts, exported from SMM Desk")

    posts = _posts(session, client_id, start, end)
    for post in posts:
        assert post.scheduled_at is not None
        client = clients[post.client_id]
        begin = post.scheduled_at.astimezone(UTC).replace(microsecond=0)
        event = Event()
        event.add("uid", post_uid(post.id))
        event.add("dtstamp", stamp)
        event.add("dtstart", begin)
        event.add("dtend", begin + DURATION)
        event.add("summary", f"[{client.name}] {_first_line(post.body)}")
        event.add("description", _description(post, client))
        event.add("categories", [_type_label(post.content_type)])
        event.add("status", "CONFIRMED" if post.status in _CONFIRMED else "TENTATIVE")
        event.add("transp", "TRANSPARENT")  # a post does not make anyone busy
        event.add("last-modified", post.updated_at.astimezone(UTC).replace(microsecond=0))
        cal.add_component(event)
    return cal, len(posts)


def export_schedule(
    session: Session,
    path: Path,
    client_id: int | None,
    start: datetime,
    end: datetime,
) -> int:
    """Write the schedule of one client (or of all active ones) to ``path``.

    Returns the number of events written; an empty range still writes a
    valid, empty calendar.
    """
    cal, count = build_calendar(session, client_id, start, end)
    write_atomically(Path(path), cal.to_ical())
    return count
