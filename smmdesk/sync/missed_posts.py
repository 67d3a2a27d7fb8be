"""Posts that fell due while the app was not running.

A laptop that was closed over the weekend must not fire Friday's "See you
tonight!" on Monday morning. So a post that became due while SMM Desk was
closed (or the laptop asleep) goes out at start only if it is less late than
its client's grace period (default 2 hours); later ones are marked ``missed``
and listed for the user, who publishes them now, moves them, or drops them.

Posts that became due while the app *was* running (offline, rate limited,
retrying) are not "missed": they wait and go out in order. The app's last
sign of life is a heartbeat file in the profile, written on every publisher
tick.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from smmdesk.core.vocabulary import PostStatus, TargetStatus
from smmdesk.store.models import Client, Post, PostTarget, PublishAttempt

log = logging.getLogger(__name__)

HEARTBEAT_FILE = "last-running"


@dataclass(frozen=True)
class MissedPost:
    post_id: int
    client_name: str
    scheduled_at: datetime
    late_by: timedelta
    text: str


def read_heartbeat(profile_root: Path) -> datetime | None:
    try:
        text = (profile_root / HEARTBEAT_FILE).read_text(encoding="utf-8").strip()
        when = datetime.fromisoformat(text)
    except (OSError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def write_heartbeat(profile_root: Path, now: datetime) -> None:
    path = profile_root / HEARTBEAT_FILE
    try:
        temporary = path.with_suffix(".tmp")
        temporary.write_text(now.astimezone(UTC).isoformat(), encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:  # a full disk must not stop publishing
        log.warning("cannot write the heartbeat: %s", exc)


def mark_missed(session: Session, now: datetime, since: datetime | None) -> list[MissedPost]:
    """Mark targets that fell due after ``since`` and are later than their grace period.

    ``since`` is the app's last heartbeat (None on a first start: then any
    due, never-tried target counts). Returns the posts newly marked.
    """
    rows = session.execute(
        select(PostTarget, Post, Client)
        .join(Post, Post.id == PostTarget.post_id)
        .join(Client, Client.id == Post.client_id)
        .where(
            Post.status == PostStatus.SCHEDULED,
            Post.scheduled_at <= now,
            PostTarget.status == TargetStatus.PENDING,
            PostTarget.handoff.is_(False) | (PostTarget.scheduled_remote_id == ""),
            PostTarget.attempts == 0,
        )
    ).all()
    tried = set(
        session.scalars(
            select(PublishAttempt.target_id).where(
                PublishAttempt.target_id.in_([target.id for target, _, _ in rows])
            )
        )
    )
    missed: dict[int, MissedPost] = {}
    for target, post, client in rows:
        assert post.scheduled_at is not None
        if target.id in tried:
            continue  # the app was at it: a retry, not a missed post
        if since is not None and post.scheduled_at <= since:
            continue  # fell due while the app was running
        late = now - post.scheduled_at
        if late <= timedelta(minutes=max(0, client.grace_minutes)):
            continue
        target.status = TargetStatus.MISSED
        target.error = f"Missed its time by {_describe(late)} while SMM Desk was not running."
        # Shown like a failure (red in the calendar) until the user decides.
        post.status = PostStatus.FAILED
        missed.setdefault(
            post.id, MissedPost(post.id, client.name, post.scheduled_at, late, post.body)
        )
    return sorted(missed.values(), key=lambda m: m.scheduled_at)


def publish_missed_now(session: Session, post_id: int, now: datetime) -> None:
    """The user's "Publish now": the post's time becomes now and it goes out."""
    post = session.get(Post, post_id)
    if post is None:
        return
    _back_in_line(session, post)
    post.scheduled_at = now
    post.status = PostStatus.SCHEDULED


def unschedule_missed(session: Session, post_id: int) -> None:
    """The user's "Keep as draft": nothing goes out, nothing is lost."""
    post = session.get(Post, post_id)
    if post is None:
        return
    _back_in_line(session, post)
    post.status = PostStatus.DRAFT


def _back_in_line(session: Session, post: Post) -> None:
    from smmdesk.sync.publish_outcomes import retry_target

    for target in post.targets:
        if target.status in (TargetStatus.MISSED, TargetStatus.FAILED):
            retry_target(session, target.id)


def _describe(late: timedelta) -> str:
    hours = late.total_seconds() / 3600
    if hours < 1:
        return f"{int(late.total_seconds() // 60)} minutes"
    if hours < 48:
        return f"{hours:.0f} hours" if hours >= 2 else "an hour"
    return f"{hours / 24:.0f} days"


@dataclass(frozen=True)
class AttentionRow:
    """A post target the user must decide about: failed for good, or missed."""

    target_id: int
    post_id: int
    client_name: str
    account_handle: str
    scheduled_at: datetime | None
    status: str
    problem: str
    text: str


def attention_rows(session: Session) -> list[AttentionRow]:
    from smmdesk.store.models import Account

    rows = session.execute(
        select(PostTarget, Post, Client, Account)
        .join(Post, Post.id == PostTarget.post_id)
        .join(Client, Client.id == Post.client_id)
        .join(Account, Account.id == PostTarget.account_id)
        .where(PostTarget.status.in_([TargetStatus.FAILED, TargetStatus.MISSED]))
        .order_by(Post.scheduled_at, PostTarget.id)
    ).all()
    return [
        AttentionRow(
            target.id,
            post.id,
            client.name,
            account.handle,
            post.scheduled_at,
            target.status,
            target.error,
            target.variant_body if target.variant_body is not None else post.body,
        )
        for target, post, client, account in rows
    ]
