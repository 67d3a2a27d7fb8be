"""The client's decisions on a review pack, kept as an audit trail.

The decisions come back from a review pack (on paper, by photo or e-mail,
quoting the P-code) and are typed in with ``record_decision``. Every decision
is appended to ``review_decisions`` and never changed or deleted: that table
is the audit trail of who decided what, when (``decided_at``) and when it was
recorded (``recorded_at``). ``approved`` moves a draft or in-review post to
approved; ``changes_requested`` moves the post back to draft so that it is not
published as it is, unless it is already (even partly) published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smmdesk.core.clock import as_utc
from smmdesk.core.vocabulary import PostStatus, TargetStatus
from smmdesk.store.models import Post, ReviewDecision

__all__ = ["DECISIONS", "DecisionRecord", "decision_history", "record_decision"]

DECISIONS: dict[str, str] = {"approved": "Approved", "changes_requested": "Change requested"}


@dataclass(frozen=True)
class DecisionRecord:
    id: int
    post_id: int
    decision: str
    comment: str
    decided_by: str
    decided_at: datetime
    recorded_at: datetime

    @property
    def label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)


def record_decision(
    session: Session,
    post_id: int,
    decision: str,
    comment: str,
    decided_by: str,
    decided_at: datetime,
) -> None:
    """Append the client's decision on a post and move the post accordingly."""
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}; use one of {', '.join(DECISIONS)}")
    if not decided_by.strip():
        raise ValueError("Say who decided (the client's name).")
    decided_at = as_utc(decided_at, "decided_at")
    post = session.get(Post, post_id)
    if post is None:
        raise KeyError(post_id)
    if decision == "approved":
        if post.status in (PostStatus.DRAFT, PostStatus.IN_REVIEW):
            post.status = PostStatus.APPROVED.value
    else:
        out = {TargetStatus.SENDING, TargetStatus.PUBLISHED}
        partly_out = any(t.status in out for t in post.targets)
        if post.status != PostStatus.PUBLISHED and not partly_out:
            post.status = PostStatus.DRAFT.value
    session.add(
        ReviewDecision(
            post_id=post_id,
            decision=decision,
            comment=comment.strip(),
            decided_by=decided_by.strip(),
            decided_at=decided_at,
            recorded_at=datetime.now(UTC),
        )
    )
    session.flush()


def decision_history(session: Session, post_id: int) -> list[DecisionRecord]:
    """Every decision recorded for a post, oldest first."""
    rows = session.scalars(
        select(ReviewDecision)
        .where(ReviewDecision.post_id == post_id)
        .order_by(ReviewDecision.decided_at, ReviewDecision.id)
    )
    return [
        DecisionRecord(
            r.id, r.post_id, r.decision, r.comment, r.decided_by, r.decided_at, r.recorded_at
        )
        for r in rows
    ]
