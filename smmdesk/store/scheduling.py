"""Moving a post to another time: the one ORM write the calendar makes.

``reschedule`` changes ``Post.scheduled_at`` (aware in, stored as UTC) and
nothing else: status, targets and texts stay. A post that has gone out, or is
going out right now (a target ``published`` or ``sending``: see DESIGN
invariant 2), keeps its time: moving it would misreport when it was
published, or race the publisher.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from smmdesk.core.vocabulary import PostStatus, TargetStatus
from smmdesk.store.models import Post


class RescheduleError(ValueError):
    """The post cannot be moved; the message says why, for the user."""


def reschedule(session: Session, post_id: int, new_time_utc: datetime) -> datetime | None:
    """Give post ``post_id`` the time ``new_time_utc``; returns its previous time.

    Raises ``RescheduleError`` if the post is gone or already (being) published.
    """
    if new_time_utc.tzinfo is None:
        raise ValueError("naive datetime given to reschedule; use an aware one")
    post = session.get(Post, post_id)
    if post is None:
        raise RescheduleError("This post no longer exists.")
    gone_out = {TargetStatus.PUBLISHED.value, TargetStatus.SENDING.value}
    if post.status == PostStatus.PUBLISHED or any(t.status in gone_out for t in post.targets):
        raise RescheduleError("This post has been published; its time can no longer change.")
    previous = post.scheduled_at
    post.scheduled_at = new_time_utc.astimezone(UTC)
    session.flush()
    return previous
