"""Ideas and their sources: the first step of the daily loop.

An idea is a topic worth a post: an entry of a client's RSS/Atom feed, a
comment from the inbox, or a note the manager typed. Any idea becomes a draft
post in one action (``idea_to_draft``); the idea remembers its post, so doing
it twice opens the same draft instead of making a second one.

Decisions written down here:

- Removing a source keeps its ideas (their ``source_id`` becomes NULL); a
  draft may already have been started from one.
- A feed is read again and again, so entries are deduplicated on
  ``(source_id, entry_id)`` (a unique constraint), with ``entry_id`` the
  entry's guid/id, else its link, else a hash of its title and text. Ideas of
  a removed source still count, so adding the same feed back adds nothing twice.
- An idea from the inbox carries the entry id ``inbox:<item id>``; turning the
  same comment into an idea twice returns the same idea, and the inbox item
  itself is never changed (DESIGN invariant 4: audience comments are left as
  they are). Its draft is a text post with the comment's address in the notes,
  not in the body: linking to a fan's comment is not a link post, and the
  client's link policy (SMM-PRACTICE rule 9) is about links in the post.
- Poll bookkeeping (``record_poll_success`` / ``record_poll_failure``) lives
  here so the job and the tests share one backoff rule: 15 minutes after the
  first failure, doubling each time, at most a day apart.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from smmdesk.core.vocabulary import ContentType, InboxKind, PostStatus
from smmdesk.store.models import Account, Client, Idea, IdeaSource, InboxItem, Post

#: A source is read this long after a good poll.
REFRESH_INTERVAL = timedelta(minutes=30)
#: The delay after the first failure; it doubles with each further failure.
FIRST_RETRY = timedelta(minutes=15)
#: Backoff never waits longer than this.
MAX_RETRY = timedelta(hours=24)

TITLE_LENGTH = 80  # of an idea made from a comment
_MAX_TITLE = 300  # the column's declared length
_MAX_ENTRY_ID = 500
INBOX_ENTRY_PREFIX = "inbox:"


@dataclass(frozen=True)
class FeedEntry:
    """One feed entry, as plain data: what a feed job hands to the store."""

    entry_id: str
    title: str
    summary: str = ""
    link: str = ""
    published_at: datetime | None = None


# --- sources ------------------------------------------------------------------


def validate_feed_url(url: str) -> str:
    """The address, trimmed; ValueError with a message the user can act on."""
    url = url.strip()
    if not url:
        raise ValueError("Enter the address of an RSS or Atom feed.")
    if any(c.isspace() for c in url):
        raise ValueError("A feed address cannot contain spaces.")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise ValueError("This is not a valid web address.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(
            "A feed address starts with https:// or http://, "
            "for example https://example.com/feed.xml"
        )
    if not parts.hostname:
        raise ValueError("This feed address has no server name after https://.")
    if parts.username or parts.password:
        # DESIGN invariant 1: no password in the database.
        raise ValueError(
            "Feeds that need a user name and password are not supported: "
            "SMM Desk never keeps a password in its database."
        )
    if len(url) > 500:
        raise ValueError("This feed address is too long (more than 500 characters).")
    return url


def add_source(session: Session, client_id: int, url: str, title: str = "") -> int:
    """Add a feed for a client; it is polled at once (``next_poll_at`` unset)."""
    url = validate_feed_url(url)
    if session.get(Client, client_id) is None:
        raise ValueError(f"There is no client {client_id}.")
    existing = session.scalar(
        select(IdeaSource.id).where(IdeaSource.client_id == client_id, IdeaSource.url == url)
    )
    if existing is not None:
        raise ValueError("This feed is already in the client's sources.")
    source = IdeaSource(client_id=client_id, url=url, title=title.strip()[:200])
    session.add(source)
    session.flush()
    return source.id


def remove_source(session: Session, source_id: int) -> None:
    """Forget a feed; its ideas stay, without a source."""
    source = session.get(IdeaSource, source_id)
    if source is None:
        return
    for idea in session.scalars(select(Idea).where(Idea.source_id == source_id)):
        idea.source_id = None
    session.flush()
    session.delete(source)
    session.flush()


def retry_delay(failures: int) -> timedelta:
    """How long to wait after ``failures`` failures in a row (1 = the first)."""
    if failures <= 0:
        return REFRESH_INTERVAL
    return min(FIRST_RETRY * 2 ** min(failures - 1, 16), MAX_RETRY)


def record_poll_success(
    session: Session,
    source_id: int,
    *,
    etag: str = "",
    modified: str = "",
    feed_title: str = "",
    now: datetime | None = None,
) -> None:
    """A poll worked (new entries or 304): clear the error, plan the next one."""
    source = session.get(IdeaSource, source_id)
    if source is None:
        return
    now = now or datetime.now(UTC)
    source.error = ""
    source.failures = 0
    source.last_fetched_at = now
    source.next_poll_at = now + REFRESH_INTERVAL
    source.etag = etag[:200]
    source.modified = modified[:100]
    if not source.title and feed_title.strip():
        source.title = feed_title.strip()[:200]


def record_poll_failure(
    session: Session,
    source_id: int,
    message: str,
    *,
    now: datetime | None = None,
    at_least: timedelta | None = None,
) -> datetime | None:
    """Keep the error on the source and back off; returns the next poll time."""
    source = session.get(IdeaSource, source_id)
    if source is None:
        return None
    now = now or datetime.now(UTC)
    source.failures = (source.failures or 0) + 1
    delay = retry_delay(source.failures)
    if at_least is not None:
        delay = min(max(delay, at_least), MAX_RETRY)
    source.error = message[:1000]
    source.next_poll_at = now + delay
    return source.next_poll_at


def due_sources(session: Session, now: datetime | None = None) -> list[tuple[int, int]]:
    """(source id, client id) of every source never polled or due now."""
    now = now or datetime.now(UTC)
    rows = session.execute(
        select(IdeaSource.id, IdeaSource.client_id)
        .join(Client, Client.id == IdeaSource.client_id)
        .where(
            Client.archived_at.is_(None),
            or_(IdeaSource.next_poll_at.is_(None), IdeaSource.next_poll_at <= now),
        )
        .order_by(IdeaSource.id)
    )
    return [(source_id, client_id) for source_id, client_id in rows]


def store_feed_entries(session: Session, source_id: int, entries: Iterable[FeedEntry]) -> int:
    """Add the entries not seen before as ideas; returns how many were new."""
    source = session.get(IdeaSource, source_id)
    if source is None:
        raise ValueError(f"There is no idea source {source_id}.")
    batch: dict[str, FeedEntry] = {}
    for entry in entries:
        key = _entry_key(entry)
        batch.setdefault(key, entry)
    if not batch:
        return 0
    # Ideas kept from this feed when it was removed and added again.
    orphans = set(
        session.scalars(
            select(Idea.entry_id).where(
                Idea.client_id == source.client_id,
                Idea.source_id.is_(None),
                Idea.entry_id.in_(list(batch)),
            )
        )
    )
    added = 0
    for key, entry in batch.items():
        if key in orphans:
            continue
        statement = (
            sqlite_insert(Idea)
            .values(
                client_id=source.client_id,
                source_id=source_id,
                title=_clip(entry.title.strip() or _fallback_title(entry), _MAX_TITLE),
                body=entry.summary.strip(),
                link=entry.link.strip(),
                entry_id=key,
                published_at=entry.published_at,
            )
            .on_conflict_do_nothing()
        )
        result = session.execute(statement)
        added += max(0, getattr(result, "rowcount", 0) or 0)
    return added


def _entry_key(entry: FeedEntry) -> str:
    key = entry.entry_id.strip() or entry.link.strip()
    if not key:
        digest = hashlib.sha256(f"{entry.title}\n{entry.summary}".encode()).hexdigest()
        return f"sha256:{digest}"
    if len(key) > _MAX_ENTRY_ID:
        return "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def _fallback_title(entry: FeedEntry) -> str:
    return _first_words(entry.summary, TITLE_LENGTH) or entry.link or "(untitled)"


# --- ideas ------------------------------------------------------------------------


def add_idea(session: Session, client_id: int, title: str, body: str = "", link: str = "") -> int:
    """An idea typed by the manager."""
    title = " ".join(title.split())
    if not title:
        raise ValueError("An idea needs a title.")
    link = link.strip()
    if link:
        try:
            parts = urlsplit(link)
        except ValueError:
            raise ValueError("This link is not a valid web address.") from None
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError("A link starts with https:// or http://.")
    if session.get(Client, client_id) is None:
        raise ValueError(f"There is no client {client_id}.")
    idea = Idea(client_id=client_id, title=_clip(title, _MAX_TITLE), body=body.strip(), link=link)
    session.add(idea)
    session.flush()
    return idea.id


def dismiss_idea(session: Session, idea_id: int) -> None:
    idea = _idea(session, idea_id)
    if idea.dismissed_at is None:
        idea.dismissed_at = datetime.now(UTC)


def restore_idea(session: Session, idea_id: int) -> None:
    _idea(session, idea_id).dismissed_at = None


#: ``restore`` is the short name some callers use.
restore = restore_idea


def is_inbox_idea(entry_id: str, source_id: int | None) -> bool:
    return source_id is None and entry_id.startswith(INBOX_ENTRY_PREFIX)


def draft_text(title: str, body: str, link: str, from_inbox: bool = False) -> str:
    """The body of a draft made from an idea: title, text, then the link."""
    parts: list[str] = []
    stripped_title = title.rstrip("…").strip()
    if stripped_title and stripped_title not in body:
        parts.append(title.strip())
    if body.strip():
        parts.append(body.strip())
    if link and not from_inbox and link not in body:
        parts.append(link)
    return "\n\n".join(parts)


def idea_to_draft(session: Session, idea_id: int) -> int:
    """Start a draft post from an idea; a second call returns the same post."""
    idea = _idea(session, idea_id)
    if idea.post_id is not None and session.get(Post, idea.post_id) is not None:
        return idea.post_id
    from_inbox = is_inbox_idea(idea.entry_id, idea.source_id)
    notes = f"Started from the idea “{idea.title}”."
    if from_inbox and idea.link:
        notes += f"\nThe comment: {idea.link}"
    if idea.source_id is not None:
        source = session.get(IdeaSource, idea.source_id)
        if source is not None:
            notes += f"\nFeed: {source.title or source.url}"
    has_link = bool(idea.link) and not from_inbox
    post = Post(
        client_id=idea.client_id,
        body=draft_text(idea.title, idea.body, idea.link, from_inbox),
        content_type=ContentType.LINK if has_link else ContentType.TEXT,
        status=PostStatus.DRAFT,
        notes=notes,
    )
    session.add(post)
    session.flush()
    idea.post_id = post.id
    idea.dismissed_at = None
    session.flush()
    return post.id


def inbox_item_to_idea(session: Session, item_id: int) -> int:
    """Turn a comment's topic into an idea for its client; the item is untouched."""
    item = session.get(InboxItem, item_id)
    if item is None:
        raise LookupError(f"There is no inbox item {item_id}.")
    account = session.get(Account, item.account_id)
    if account is None:
        raise LookupError(f"There is no account {item.account_id}.")
    entry_id = f"{INBOX_ENTRY_PREFIX}{item_id}"
    existing = session.scalar(
        select(Idea.id).where(
            Idea.client_id == account.client_id,
            Idea.source_id.is_(None),
            Idea.entry_id == entry_id,
        )
    )
    if existing is not None:
        return existing
    author = item.author_name or "Someone"
    try:
        kind = InboxKind(item.kind).label
    except ValueError:
        kind = item.kind.capitalize() or "Comment"
    title = _first_words(item.body, TITLE_LENGTH) or f"{kind} by {author}"
    body = f"{kind} by {author} to {account.handle}:\n\n{item.body.strip()}".rstrip()
    idea = Idea(
        client_id=account.client_id,
        title=_clip(title, _MAX_TITLE),
        body=body,
        link=item.url.strip(),
        entry_id=entry_id,
        published_at=item.created_at,
    )
    session.add(idea)
    session.flush()
    return idea.id


def _idea(session: Session, idea_id: int) -> Idea:
    idea = session.get(Idea, idea_id)
    if idea is None:
        raise LookupError(f"There is no idea {idea_id}.")
    return idea


def _first_words(text: str, limit: int) -> str:
    """The first ``limit`` characters of ``text`` on one line, cut at a word, with "…"."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return re.sub(r"[\s,;:.\-–—]+$", "", cut) + "…"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
