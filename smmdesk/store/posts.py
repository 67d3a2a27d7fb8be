"""Writing posts: the composer's save, text history, and the media store.

The composer saves about once a second while the manager types, so a save
is one short transaction. Text history keeps one version per editing burst:
while saves keep coming within ``VERSION_BURST`` of each other the newest
version is updated in place; after a pause, the next change starts a new
version. So history shows meaningful earlier texts, not one row per second.
"""

from __future__ import annotations

import hashlib
import mimetypes
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from smmdesk.core.vocabulary import PostStatus, TargetStatus
from smmdesk.store.models import Media, Post, PostMedia, PostTarget, PostVersion, utcnow

VERSION_BURST = timedelta(minutes=2)
IMAGE_SIGNATURES: dict[bytes, tuple[str, str]] = {
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"GIF87a": ("image/gif", ".gif"),
    b"GIF89a": ("image/gif", ".gif"),
}


#: Target states in which nothing of the post is on a network.
_NOT_SENT = (TargetStatus.PENDING, TargetStatus.FAILED, TargetStatus.MISSED)


class MediaError(ValueError):
    """A file cannot be attached; the message says why in plain words."""


@dataclass
class PostDraft:
    """Everything the composer edits, as plain values."""

    client_id: int
    body: str = ""
    content_type: str = "text"
    status: str = PostStatus.DRAFT
    scheduled_at: datetime | None = None
    notes: str = ""
    targets: dict[int, str | None] = field(default_factory=dict)  # account id -> variant
    media_ids: list[int] = field(default_factory=list)
    testimonial_by: str = ""
    testimonial_permission_at: datetime | None = None
    link_justification: str = ""
    # Accounts whose network should publish the post itself (native scheduling).
    handoff: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class VersionRow:
    id: int
    body: str
    saved_at: datetime


def load_post(session: Session, post_id: int) -> PostDraft:
    post = session.get(Post, post_id)
    if post is None:
        raise KeyError(post_id)
    return PostDraft(
        client_id=post.client_id,
        body=post.body,
        content_type=post.content_type,
        status=post.status,
        scheduled_at=post.scheduled_at,
        notes=post.notes,
        targets={t.account_id: t.variant_body for t in post.targets},
        media_ids=[m.media_id for m in post.media],
        testimonial_by=post.testimonial_by,
        testimonial_permission_at=post.testimonial_permission_at,
        link_justification=post.link_justification,
        handoff={t.account_id for t in post.targets if t.handoff},
    )


def save_post(session: Session, draft: PostDraft, post_id: int | None = None) -> int:
    """Create or update a post from the composer; returns its id."""
    post = Post(client_id=draft.client_id) if post_id is None else session.get(Post, post_id)
    if post is None:
        raise KeyError(post_id)
    body_changed = post.body != draft.body
    post.body = draft.body
    post.content_type = draft.content_type
    post.status = draft.status
    post.scheduled_at = draft.scheduled_at
    post.notes = draft.notes
    post.testimonial_by = draft.testimonial_by
    post.testimonial_permission_at = draft.testimonial_permission_at
    post.link_justification = draft.link_justification
    _sync_targets(post, draft.targets, draft.handoff)
    _sync_media(post, draft.media_ids)
    session.add(post)
    session.flush()
    if body_changed or post_id is None:
        _record_version(session, post.id, draft.body)
    return post.id


def _sync_targets(post: Post, wanted: dict[int, str | None], handoff: set[int]) -> None:
    existing = {t.account_id: t for t in post.targets}
    for account_id, target in existing.items():
        # A target that already went out stays: it is history, not a choice.
        if account_id not in wanted and target.status == TargetStatus.PENDING:
            post.targets.remove(target)
    for account_id, variant in wanted.items():
        current = existing.get(account_id)
        if current is None:
            post.targets.append(
                PostTarget(
                    account_id=account_id, variant_body=variant, handoff=account_id in handoff
                )
            )
        else:
            current.variant_body = variant
            current.handoff = account_id in handoff


def _sync_media(post: Post, media_ids: list[int]) -> None:
    if [m.media_id for m in post.media] == media_ids:
        return
    post.media.clear()
    for position, media_id in enumerate(dict.fromkeys(media_ids)):
        post.media.append(PostMedia(media_id=media_id, position=position))


def _record_version(session: Session, post_id: int, body: str) -> None:
    latest = session.scalars(
        select(PostVersion)
        .where(PostVersion.post_id == post_id)
        .order_by(PostVersion.saved_at.desc(), PostVersion.id.desc())
        .limit(1)
    ).first()
    now = utcnow()
    if latest is not None and now - latest.saved_at < VERSION_BURST:
        latest.body = body
        latest.saved_at = now
    else:
        session.add(PostVersion(post_id=post_id, body=body, saved_at=now))


def list_versions(session: Session, post_id: int) -> list[VersionRow]:
    rows = session.scalars(
        select(PostVersion)
        .where(PostVersion.post_id == post_id)
        .order_by(PostVersion.saved_at.desc(), PostVersion.id.desc())
    )
    return [VersionRow(v.id, v.body, v.saved_at) for v in rows]


def start_new_version(session: Session, post_id: int) -> None:
    """Close the current editing burst (e.g. before restoring an old text)."""
    latest = session.scalars(
        select(PostVersion)
        .where(PostVersion.post_id == post_id)
        .order_by(PostVersion.saved_at.desc(), PostVersion.id.desc())
        .limit(1)
    ).first()
    if latest is not None:
        latest.saved_at = latest.saved_at - VERSION_BURST


@dataclass(frozen=True)
class TargetOutcome:
    """Where one target of a post stands, for the composer to show."""

    account_id: int
    status: str
    error: str
    remote_url: str
    handoff: bool


def target_outcomes(session: Session, post_id: int) -> dict[int, TargetOutcome]:
    post = session.get(Post, post_id)
    if post is None:
        return {}
    return {
        t.account_id: TargetOutcome(t.account_id, t.status, t.error, t.remote_url, t.handoff)
        for t in post.targets
    }


def edit_published_text(session: Session, post_id: int, body: str) -> None:
    """New text for a post already out: kept as a version, sent by the engine."""
    post = session.get(Post, post_id)
    if post is None:
        raise KeyError(post_id)
    if post.body != body:
        post.body = body
        _record_version(session, post_id, body)


def delete_post(session: Session, post_id: int) -> None:
    """Delete a post that never went out; published ones are kept as history."""
    post = session.get(Post, post_id)
    if post is None:
        return
    if any(t.status not in _NOT_SENT for t in post.targets):
        raise ValueError("This post has been sent to a network; it stays in the history.")
    session.delete(post)


# --- media ------------------------------------------------------------------------


def sniff_image(head: bytes) -> tuple[str, str] | None:
    for signature, kind in IMAGE_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ("image/webp", ".webp")
    return None


def store_media(session: Session, media_dir: Path, source: Path) -> int:
    """Keep one copy of an image in the profile, by content hash; returns its id."""
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise MediaError(f"{source.name} cannot be read: {exc.strerror or exc}") from None
    kind = sniff_image(data[:16])
    if kind is None:
        guessed = mimetypes.guess_type(source.name)[0] or "unknown type"
        raise MediaError(f"{source.name} is not a PNG, JPEG, GIF or WebP image ({guessed}).")
    digest = hashlib.sha256(data).hexdigest()
    existing = session.scalars(select(Media).where(Media.sha256 == digest)).first()
    if existing is not None:
        return existing.id
    mime, extension = kind
    name = f"{digest}{extension}"
    media_dir.mkdir(parents=True, exist_ok=True)
    target = media_dir / name
    if not target.exists():
        partial = target.with_suffix(".part")
        shutil.copyfile(source, partial)
        partial.replace(target)
    width, height = _image_size(data, mime)
    media = Media(
        sha256=digest,
        relative_path=name,
        mime_type=mime,
        size_bytes=len(data),
        width=width,
        height=height,
    )
    session.add(media)
    session.flush()
    return media.id


def _image_size(data: bytes, mime: str) -> tuple[int, int]:
    """Width and height from the header bytes (PNG and GIF); 0 when unknown."""
    if mime == "image/png" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if mime == "image/gif" and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    return 0, 0


@dataclass(frozen=True)
class MediaRow:
    id: int
    path: Path
    mime_type: str
    size_bytes: int


def media_rows(session: Session, media_dir: Path, media_ids: list[int]) -> list[MediaRow]:
    if not media_ids:
        return []
    found = {m.id: m for m in session.scalars(select(Media).where(Media.id.in_(media_ids)))}
    return [
        MediaRow(m.id, media_dir / m.relative_path, m.mime_type, m.size_bytes)
        for m in (found[i] for i in media_ids if i in found)
    ]


# --- what the composer needs to know around a post --------------------------------


@dataclass(frozen=True)
class ClientContext:
    id: int
    name: str
    colour: str
    timezone: str
    link_policy: str
    max_posts_per_day: int
    min_gap_minutes: int
    weekday_themes: str
    content_types: str


def client_context(session: Session, client_id: int) -> ClientContext:
    from smmdesk.store.models import Client

    client = session.get(Client, client_id)
    if client is None:
        raise KeyError(client_id)
    return ClientContext(
        client.id,
        client.name,
        client.colour,
        client.timezone,
        client.link_policy,
        client.max_posts_per_day,
        client.min_gap_minutes,
        client.weekday_themes,
        client.content_types,
    )


def account_post_times(
    session: Session,
    account_ids: list[int],
    start: datetime,
    end: datetime,
    exclude_post_id: int | None = None,
) -> dict[int, list[tuple[int, datetime]]]:
    """Other planned or published posts of each account in [start, end)."""
    times: dict[int, list[tuple[int, datetime]]] = {a: [] for a in account_ids}
    if not account_ids:
        return times
    rows = session.execute(
        select(PostTarget.account_id, Post.id, Post.scheduled_at)
        .join(Post, Post.id == PostTarget.post_id)
        .where(
            PostTarget.account_id.in_(account_ids),
            Post.scheduled_at >= start,
            Post.scheduled_at < end,
            Post.status.in_([PostStatus.APPROVED, PostStatus.SCHEDULED, PostStatus.PUBLISHED]),
        )
    )
    for account_id, post_id, when in rows:
        if post_id != exclude_post_id and when is not None:
            times[account_id].append((post_id, when))
    return times


def client_post_bodies(
    session: Session, client_id: int, start: datetime, end: datetime
) -> list[str]:
    """Texts of the client's posts planned in [start, end), for the link share."""
    return list(
        session.scalars(
            select(Post.body).where(
                Post.client_id == client_id,
                Post.scheduled_at >= start,
                Post.scheduled_at < end,
                Post.status != PostStatus.IDEA,
            )
        )
    )
