"""Follower goals per account and the manager's notes per report period."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smmdesk.core.analytics import Period
from smmdesk.store.models import AccountGoal, ReportNote


def set_goal(session: Session, account_id: int, target_followers: int, by_date: date) -> None:
    """Set or replace the account's goal (one per account)."""
    if target_followers <= 0:
        raise ValueError("The goal is a number of followers above zero.")
    goal = session.scalars(select(AccountGoal).where(AccountGoal.account_id == account_id)).first()
    if goal is None:
        session.add(
            AccountGoal(account_id=account_id, target_followers=target_followers, by_date=by_date)
        )
    else:
        goal.target_followers = target_followers
        goal.by_date = by_date
        goal.created_at = datetime.now(UTC)


def clear_goal(session: Session, account_id: int) -> None:
    goal = session.scalars(select(AccountGoal).where(AccountGoal.account_id == account_id)).first()
    if goal is not None:
        session.delete(goal)


def save_report_note(session: Session, client_id: int, period: Period, body: str) -> None:
    """Keep the manager's notes for exactly this client and period."""
    note = session.scalars(
        select(ReportNote).where(
            ReportNote.client_id == client_id,
            ReportNote.period_start == period.start,
            ReportNote.period_end == period.end,
        )
    ).first()
    if note is None:
        session.add(
            ReportNote(
                client_id=client_id, period_start=period.start, period_end=period.end, body=body
            )
        )
    else:
        note.body = body
