"""Review packs: the client sees each upcoming post per network and decides.

``export_review_pack`` writes an A4 PDF for one client and a date range: a
title, short instructions, then one block per post that is not yet out
(draft, in review, approved, scheduled), in time order. A block shows the
post's reference code (``P-<id>``), its date and time in the client's zone,
one card per target account "as it will look", and a decision box to fill in
by hand.

This module gathers what the pack shows (``review_items``, plain data) and
writes the file. The modules around it:

* ``review_pack_layout`` and ``review_pack_pages``: the blocks, pagination
  and drawing with ``QPainter`` on a ``QPdfWriter``;
* ``review_pack_words``: dates and labels in words;
* ``review_decisions``: the decisions typed back in (``record_decision``,
  ``decision_history``), re-exported here.

The PDF is built in memory and moved into place (``files.write_atomically``),
so a failed export leaves no half-written file. Drawing needs a
``QGuiApplication`` (the app and pytest-qt make one); nothing here is a
widget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from smmdesk.core.clock import as_utc, to_local
from smmdesk.core.text_length import measure
from smmdesk.core.vocabulary import PostStatus
from smmdesk.platforms import connector_class
from smmdesk.platforms.base import TextCounting
from smmdesk.reports.csv_import import network_name, text_limit
from smmdesk.reports.files import write_atomically
from smmdesk.reports.review_decisions import (
    DECISIONS,
    DecisionRecord,
    decision_history,
    record_decision,
)
from smmdesk.reports.review_pack_layout import render_review_pack
from smmdesk.reports.review_pack_words import format_range, short_day
from smmdesk.store.models import Client, Post, PostMedia, PostTarget

__all__ = [
    "DECISIONS",
    "REVIEW_STATUSES",
    "DecisionRecord",
    "ReviewItem",
    "TargetPreview",
    "decision_history",
    "export_review_pack",
    "format_range",
    "parse_reference",
    "record_decision",
    "reference_code",
    "review_items",
]

REVIEW_STATUSES: tuple[str, ...] = (
    PostStatus.DRAFT,
    PostStatus.IN_REVIEW,
    PostStatus.APPROVED,
    PostStatus.SCHEDULED,
)
_UNITS = {
    TextCounting.GRAPHEMES: "graphemes",
    TextCounting.CODEPOINTS: "characters",
    TextCounting.UTF16: "UTF-16 units",
}


def reference_code(post_id: int) -> str:
    return f"P-{post_id}"


def parse_reference(text: str) -> int | None:
    """The post id in a typed-back code: "P-12", "p12", "12"; None if none."""
    m = re.fullmatch(r"\s*(?:[Pp]\s*-?\s*)?(\d{1,12})\s*", text)
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class TargetPreview:
    """One post on one account, as the review pack shows it."""

    account_id: int
    platform: str
    network: str
    handle: str
    text: str
    is_variant: bool
    length: int
    limit: int | None  # None for a network no connector declares
    unit: str

    @property
    def too_long(self) -> bool:
        return self.limit is not None and self.length > self.limit


@dataclass(frozen=True)
class ReviewItem:
    post_id: int
    code: str
    scheduled_at: datetime  # aware UTC
    local_time: datetime  # the same instant in the client's zone
    status: str
    content_type: str
    body: str
    targets: tuple[TargetPreview, ...]
    images: tuple[Path, ...]


def default_media_dir(session: Session) -> Path | None:
    """The profile's media folder, next to its database (see ``paths.py``)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    database = engine.url.database
    return Path(database).parent / "media" if database else None


def _preview(target: PostTarget, body: str, with_media: bool) -> TargetPreview:
    account = target.account
    variant = target.variant_body
    is_variant = variant is not None and bool(variant.strip())
    text = variant if is_variant and variant is not None else body
    try:
        caps = connector_class(account.platform).capabilities
    except KeyError:
        return TargetPreview(
            account.id,
            account.platform,
            account.platform,
            account.handle,
            text,
            is_variant,
            len(text),
            None,
            "characters",
        )
    return TargetPreview(
        account_id=account.id,
        platform=account.platform,
        network=network_name(account.platform),
        handle=account.handle,
        text=text,
        is_variant=is_variant,
        length=measure(text, str(caps.text_counting), caps.url_length),
        limit=text_limit(caps, with_media),
        unit=_UNITS.get(caps.text_counting, "characters"),
    )


def review_items(
    session: Session,
    client_id: int,
    start: datetime,
    end: datetime,
    media_dir: Path | None = None,
) -> list[ReviewItem]:
    """The client's posts to review in ``[start, end)``, in time order."""
    start, end = as_utc(start, "start"), as_utc(end, "end")
    client = session.get(Client, client_id)
    if client is None:
        raise KeyError(client_id)
    if media_dir is None:
        media_dir = default_media_dir(session) or Path()
    posts = session.scalars(
        select(Post)
        .where(
            Post.client_id == client_id,
            Post.scheduled_at.is_not(None),
            Post.scheduled_at >= start,
            Post.scheduled_at < end,
            Post.status.in_([str(s) for s in REVIEW_STATUSES]),
        )
        .options(
            selectinload(Post.targets).selectinload(PostTarget.account),
            selectinload(Post.media).selectinload(PostMedia.item),
        )
        .order_by(Post.scheduled_at, Post.id)
    )
    items = []
    for post in posts:
        assert post.scheduled_at is not None
        images = tuple(media_dir / link.item.relative_path for link in post.media)
        targets = tuple(
            _preview(t, post.body, bool(images))
            for t in sorted(post.targets, key=lambda t: (t.account.platform, t.account.handle))
        )
        items.append(
            ReviewItem(
                post_id=post.id,
                code=reference_code(post.id),
                scheduled_at=post.scheduled_at,
                local_time=to_local(post.scheduled_at, client.timezone),
                status=post.status,
                content_type=post.content_type,
                body=post.body,
                targets=targets,
                images=images,
            )
        )
    return items


def export_review_pack(
    session: Session,
    path: Path,
    client_id: int,
    start: datetime,
    end: datetime,
    *,
    media_dir: Path | None = None,
    now: datetime | None = None,
) -> int:
    """Write the review pack PDF for ``[start, end)``; return how many posts it shows.

    ``media_dir`` is the profile's media folder (by default the ``media``
    folder next to the database).
    """
    if QGuiApplication.instance() is None:
        raise RuntimeError("A QGuiApplication must exist to draw a review pack.")
    start, end = as_utc(start, "start"), as_utc(end, "end")
    client = session.get(Client, client_id)
    if client is None:
        raise KeyError(client_id)
    items = review_items(session, client_id, start, end, media_dir)

    first = to_local(start, client.timezone).date()
    last = to_local(end - timedelta(microseconds=1), client.timezone).date()
    period = format_range(first, max(first, last))
    prepared = short_day(to_local(now or datetime.now(UTC), client.timezone).date())
    write_atomically(Path(path), render_review_pack(client, items, period, prepared))
    return len(items)
