"""What the manager does to inbox items, and what the app remembers of it.

Every change goes through here so that each one leaves a line in the item's
history (``InboxEvent``) and keeps the response clock honest: an item that
needs an answer has a deadline (``due_at``) in its client's working time; an
answered, done or spam item has none. Nothing here ever deletes an audience
item (invariant 4): hiding and remote removal are marks, and can be undone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from smmdesk.core.response_clock import WorkingTime, deadline
from smmdesk.core.vocabulary import InboxCategory, InboxStatus, ReplyStatus
from smmdesk.store.models import Account, Client, InboxEvent, InboxItem, Reply

#: Kinds of history lines, shown in the reading pane.
EVENT_LABELS = {
    "received": "Arrived",
    "edited": "Edited by its author",
    "removed": "Removed on the network",
    "category": "Category set",
    "status": "Marked",
    "escalated": "Escalated to the client",
    "deescalated": "Escalation withdrawn",
    "reply_queued": "Reply written",
    "reply_sent": "Reply sent",
    "reply_failed": "Reply failed",
    "hidden": "Hidden on the network",
    "unhidden": "Shown again on the network",
    "idea": "Turned into an idea",
    "overdue": "Became overdue",
}

#: Categories whose items wait for no answer.
NO_ANSWER_CATEGORIES = frozenset({InboxCategory.SPAM.value})


@dataclass(frozen=True)
class ClientClock:
    """A client's response clock: its working time and reply target."""

    hours: WorkingTime
    target_hours: float

    def due(self, received: datetime) -> datetime:
        return deadline(received, self.target_hours, self.hours)


def clock_of(client: Client) -> ClientClock:
    hours = WorkingTime.from_columns(
        client.timezone,
        client.work_start_minute,
        client.work_end_minute,
        client.work_days,
        client.country,
    )
    return ClientClock(hours, client.reply_target_hours or 6.0)


def clock_for_account(session: Session, account_id: int) -> ClientClock:
    account = session.get(Account, account_id)
    if account is None:
        raise LookupError(f"There is no account {account_id}.")
    return clock_of(account.client)


def needs_answer(status: str, category: str) -> bool:
    return status == InboxStatus.NEW and category not in NO_ANSWER_CATEGORIES


def record_event(session: Session, item_id: int, kind: str, detail: str = "") -> None:
    session.add(InboxEvent(item_id=item_id, at=datetime.now(UTC), kind=kind, detail=detail))


def _item(session: Session, item_id: int) -> InboxItem:
    item = session.get(InboxItem, item_id)
    if item is None:
        raise LookupError(f"There is no inbox item {item_id}.")
    return item


def _refresh_due(session: Session, item: InboxItem) -> None:
    if needs_answer(item.status, item.category):
        if item.due_at is None:
            item.due_at = clock_for_account(session, item.account_id).due(item.created_at)
    else:
        item.due_at = None


def set_status(session: Session, item_id: int, status: InboxStatus) -> None:
    """Mark an item new, done, replied or escalated (escalation takes a note: ``escalate``)."""
    item = _item(session, item_id)
    if item.status == status:
        return
    item.status = status
    if status != InboxStatus.ESCALATED:
        item.escalated_at = None
    _refresh_due(session, item)
    record_event(session, item_id, "status", status.value)


def set_category(session: Session, item_id: int, category: InboxCategory) -> None:
    """The manager's correction: kept, and never overwritten by the classifier."""
    item = _item(session, item_id)
    item.category_source = "manual"
    if item.category == category:
        return
    item.category = category
    _refresh_due(session, item)
    record_event(session, item_id, "category", category.value)


def escalate(session: Session, item_id: int, note: str) -> None:
    """Hand the item to the client, with a note saying what they need to decide."""
    item = _item(session, item_id)
    item.status = InboxStatus.ESCALATED
    item.escalation_note = note.strip()
    item.escalated_at = datetime.now(UTC)
    item.due_at = None
    record_event(session, item_id, "escalated", note.strip())


def withdraw_escalation(session: Session, item_id: int) -> None:
    item = _item(session, item_id)
    if item.status != InboxStatus.ESCALATED:
        return
    item.status = InboxStatus.REPLIED if item.first_response_at else InboxStatus.NEW
    item.escalated_at = None
    _refresh_due(session, item)
    record_event(session, item_id, "deescalated")


def queue_reply(session: Session, item_id: int, body: str) -> int:
    """Save an answer at once; the engine sends it when the network allows."""
    if not body.strip():
        raise ValueError("A reply cannot be empty.")
    _item(session, item_id)
    reply = Reply(item_id=item_id, body=body, status=ReplyStatus.QUEUED)
    session.add(reply)
    session.flush()
    record_event(session, item_id, "reply_queued", _excerpt(body))
    return reply.id


def requeue_reply(session: Session, reply_id: int, body: str | None = None) -> None:
    """Send a failed reply again, with its text changed if ``body`` is given."""
    reply = session.get(Reply, reply_id)
    if reply is None:
        raise LookupError(f"There is no reply {reply_id}.")
    if reply.status == ReplyStatus.SENT:
        raise ValueError("This reply has been sent already.")
    if body is not None:
        if not body.strip():
            raise ValueError("A reply cannot be empty.")
        reply.body = body
    reply.status = ReplyStatus.QUEUED
    reply.error = ""
    record_event(session, reply.item_id, "reply_queued", _excerpt(reply.body))


def cancel_reply(session: Session, reply_id: int) -> None:
    """Withdraw a reply that has not gone out; the history keeps what it said."""
    reply = session.get(Reply, reply_id)
    if reply is None or reply.status == ReplyStatus.SENT:
        return
    record_event(session, reply.item_id, "reply_failed", "Withdrawn: " + _excerpt(reply.body))
    session.delete(reply)


def mark_hidden(session: Session, item_id: int, hidden: bool) -> None:
    item = _item(session, item_id)
    item.hidden_at = datetime.now(UTC) if hidden else None
    record_event(session, item_id, "hidden" if hidden else "unhidden")


def recompute_deadlines(session: Session, client_id: int) -> int:
    """After a client's hours or target changed: every open item's deadline again."""
    client = session.get(Client, client_id)
    if client is None:
        return 0
    clock = clock_of(client)
    account_ids = select(Account.id).where(Account.client_id == client_id)
    items = session.scalars(
        select(InboxItem).where(
            InboxItem.account_id.in_(account_ids), InboxItem.status == InboxStatus.NEW
        )
    )
    changed = 0
    for item in items:
        due = clock.due(item.created_at) if item.category not in NO_ANSWER_CATEGORIES else None
        if due != item.due_at:
            item.due_at = due
            item.overdue_notified_at = None
            changed += 1
    return changed


@dataclass(frozen=True)
class OverdueItem:
    item_id: int
    client_name: str
    author_name: str
    handle: str


def newly_overdue(session: Session, now: datetime | None = None) -> list[OverdueItem]:
    """Items that became overdue since the last look; each is returned once only."""
    now = now or datetime.now(UTC)
    rows = session.execute(
        select(InboxItem.id, Client.name, InboxItem.author_name, Account.handle)
        .join(Account, Account.id == InboxItem.account_id)
        .join(Client, Client.id == Account.client_id)
        .where(
            InboxItem.status == InboxStatus.NEW,
            InboxItem.due_at < now,
            InboxItem.overdue_notified_at.is_(None),
        )
        .order_by(InboxItem.due_at)
    ).all()
    ids = [row[0] for row in rows]
    for chunk in _chunks(ids, 500):
        session.execute(
            update(InboxItem).where(InboxItem.id.in_(chunk)).values(overdue_notified_at=now)
        )
        for item_id in chunk:
            record_event(session, item_id, "overdue")
    return [OverdueItem(*row) for row in rows]


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _excerpt(text: str, limit: int = 120) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
