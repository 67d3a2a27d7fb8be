"""Writing what happened to a publish request into the store.

Every state a post target can be in after a request is decided here, in one
place, so that the job (``publish_job``), the hand-off jobs and the user's
"Retry" / "Mark as published" all agree:

- published: remote id, URL and time recorded; the post is published once
  all its targets are.
- the network named a wait (429): nothing was published; the *account* is
  paused until then and the target waits for it.
- no connection at all: nothing was sent; the target waits for the network.
- timeout, 5xx, unreadable answer: the request may or may not have gone out.
  The attempt is kept as ``unknown`` so that the next try first asks the
  network (invariant 2); the retry backs off exponentially with jitter and,
  after ``MAX_TRANSIENT_ATTEMPTS``, the target fails and the user is told.
- the credential was refused: the account needs reconnecting; the target
  waits and goes out after the user reconnects.
- anything else the network refused: the target fails with its message.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from smmdesk.core.retry_policy import MAX_TRANSIENT_ATTEMPTS, backoff_seconds, gives_up
from smmdesk.core.vocabulary import AccountStatus, PostStatus, TargetStatus
from smmdesk.logs import redact
from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    CaptchaRequired,
    ConnectorError,
    NetworkUnreachable,
    PublishedPost,
    RateLimited,
    TransientError,
)
from smmdesk.store.captchas import ask_captcha, forget_captcha
from smmdesk.store.models import Account, Post, PostTarget, PublishAttempt

#: Attempt states. ``sending`` is committed before the request; the others end it.
SENDING, PUBLISHED, UNKNOWN, FAILED = "sending", "published", "unknown", "failed"
NOT_SENT, REFUSED, CHECKED = "not_sent", "refused", "checked"
#: Attempts whose request may have reached the network: ask before sending again.
OPEN_STATES = (SENDING, UNKNOWN)


def outcome_unknown(exc: ConnectorError) -> bool:
    """Whether a failed request may nevertheless have published the post."""
    if isinstance(exc, NetworkUnreachable):
        return False  # no connection was made: nothing can have arrived
    return isinstance(exc, TransientError | BadResponse)


def has_open_attempt(session: Session, target_id: int) -> bool:
    return (
        session.scalar(
            select(PublishAttempt.id).where(
                PublishAttempt.target_id == target_id, PublishAttempt.state.in_(OPEN_STATES)
            )
        )
        is not None
    )


def begin_attempt(session: Session, target: PostTarget) -> None:
    """Commit point before the request: the target is ``sending`` (invariant 2)."""
    target.status = TargetStatus.SENDING
    session.add(PublishAttempt(target_id=target.id, state=SENDING))


def close_open_attempts(session: Session, target_id: int, state: str, error: str = "") -> None:
    session.execute(
        update(PublishAttempt)
        .where(PublishAttempt.target_id == target_id, PublishAttempt.state.in_(OPEN_STATES))
        .values(state=state, error=error[:1000], finished_at=datetime.now(UTC))
    )


def mark_published(session: Session, target: PostTarget, published: PublishedPost) -> None:
    target.status = TargetStatus.PUBLISHED
    target.remote_id = published.remote_id
    target.remote_url = published.url
    target.published_at = published.published_at
    target.error = ""
    target.retry_at = None
    close_open_attempts(session, target.id, PUBLISHED)
    refresh_post_status(target.post)
    account = session.get(Account, target.account_id)
    if account is not None:
        forget_captcha(account)


def refresh_post_status(post: Post) -> None:
    """A post is published when every target is, failed when any target failed."""
    statuses = {t.status for t in post.targets}
    if statuses and statuses == {TargetStatus.PUBLISHED}:
        post.status = PostStatus.PUBLISHED
    elif TargetStatus.FAILED in statuses:
        post.status = PostStatus.FAILED
    elif post.status == PostStatus.FAILED:
        post.status = PostStatus.SCHEDULED


def record_failure(
    session: Session,
    target: PostTarget,
    exc: ConnectorError,
    *,
    request_sent: bool,
    now: datetime | None = None,
) -> str:
    """Put a failed request on the target and its account; returns the target's new status.

    ``request_sent`` is False when the failure came before the publishing
    request (while checking for an earlier attempt): then no new attempt was
    opened and an unknown outcome stays unknown.
    """
    now = now or datetime.now(UTC)
    message = redact(str(exc))[:1000] or type(exc).__name__
    account = session.get(Account, target.account_id)
    if isinstance(exc, RateLimited):
        until = now + timedelta(seconds=exc.retry_after)
        if account is not None:
            account.paused_until = until
        _end_attempt(session, target, REFUSED, message, request_sent)
        target.status = _waiting_status(session, target)
        target.retry_at = until
        target.error = f"The network asked to wait until {until.astimezone():%H:%M}."
    elif isinstance(exc, NetworkUnreachable):
        _end_attempt(session, target, NOT_SENT, message, request_sent)
        target.status = _waiting_status(session, target)
        target.error = "Waiting for the network."
    elif isinstance(exc, AuthError):
        _end_attempt(session, target, REFUSED, message, request_sent)
        target.status = _waiting_status(session, target)
        target.error = "Waiting for you to reconnect the account: " + message
        if account is not None:
            account.status = AccountStatus.NEEDS_REAUTH
            account.status_message = ("Reconnect this account: " + message)[:500]
    elif isinstance(exc, CaptchaRequired):
        # Refused before anything was posted; never retried until a person
        # has read the picture (Sync → Answer a captcha…).
        _end_attempt(session, target, REFUSED, message, request_sent)
        target.status = _waiting_status(session, target)
        target.error = "Waiting for you to answer the network's captcha (Sync menu)."
        if account is not None:
            ask_captcha(account, exc.sid, exc.image_url, now)
    elif outcome_unknown(exc):
        _end_attempt(session, target, UNKNOWN, message, request_sent)
        target.attempts += 1
        if gives_up(target.attempts):
            target.status = TargetStatus.FAILED
            target.retry_at = None
            target.error = f"Gave up after {MAX_TRANSIENT_ATTEMPTS} tries. Last error: {message}"
        else:
            target.status = _waiting_status(session, target)
            target.retry_at = now + timedelta(seconds=backoff_seconds(target.attempts))
            target.error = (
                f"{message} Trying again at {target.retry_at.astimezone():%H:%M} "
                f"(try {target.attempts + 1} of {MAX_TRANSIENT_ATTEMPTS})."
            )
    else:
        _end_attempt(session, target, FAILED, message, request_sent)
        target.status = TargetStatus.FAILED
        target.retry_at = None
        target.error = message
    refresh_post_status(target.post)
    return str(target.status)


def _end_attempt(
    session: Session, target: PostTarget, state: str, message: str, request_sent: bool
) -> None:
    if not request_sent:
        return  # the check before sending failed: earlier attempts keep their state
    session.execute(
        update(PublishAttempt)
        .where(PublishAttempt.target_id == target.id, PublishAttempt.state == SENDING)
        .values(state=state, error=message, finished_at=datetime.now(UTC))
    )


def _waiting_status(session: Session, target: PostTarget) -> str:
    """``sending`` while an earlier request may have gone out, else ``pending``."""
    session.flush()
    return TargetStatus.SENDING if has_open_attempt(session, target.id) else TargetStatus.PENDING


# --- the user's decisions -------------------------------------------------------


def retry_target(session: Session, target_id: int, checked_by_user: bool = False) -> None:
    """Put a failed (or missed) target back in line.

    ``checked_by_user``: the user looked at the network and says the post is
    not there, so open attempts are closed and the next try publishes
    without asking the network first.
    """
    target = session.get(PostTarget, target_id)
    if target is None or target.status == TargetStatus.PUBLISHED:
        return
    if checked_by_user:
        close_open_attempts(session, target_id, CHECKED, "checked by the user")
    target.status = (
        TargetStatus.SENDING if has_open_attempt(session, target_id) else TargetStatus.PENDING
    )
    target.attempts = 0
    target.retry_at = None
    target.error = ""
    post = target.post
    if post.status in (PostStatus.FAILED, PostStatus.PUBLISHED):
        post.status = PostStatus.SCHEDULED
    refresh_post_status(post)


def mark_published_by_user(session: Session, target_id: int, url: str = "") -> None:
    """The user found the post on the network: record it, never send it again."""
    target = session.get(PostTarget, target_id)
    if target is None:
        return
    target.status = TargetStatus.PUBLISHED
    target.remote_url = url or target.remote_url
    target.published_at = target.published_at or datetime.now(UTC)
    target.error = ""
    target.retry_at = None
    close_open_attempts(session, target_id, PUBLISHED, "marked as published by the user")
    refresh_post_status(target.post)
