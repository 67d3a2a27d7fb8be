"""The demo's inbox as a manager would leave it after a few weeks of work.

The sandbox audience fills the inbox; this answers most of the older items,
closes some, escalates a complaint to the client, and adds the saved replies
and flagged words each demo client works with, so every part of the Inbox
(clock, filters, history, saved replies, tone check) has something to show.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smmdesk.core.response_clock import deadline
from smmdesk.core.vocabulary import InboxStatus, ReplyStatus
from smmdesk.store.database import Store
from smmdesk.store.inbox import clock_for_account, record_event
from smmdesk.store.models import Client, InboxItem, Post, Reply, SavedReply

SAVED_REPLIES = {
    "Kafija Rīga": (
        ("Opening hours", "question",
         "Hi {first_name}! We are open daily 8–20 at Tērbatas iela 5."),
        ("Sorry about your visit", "complaint",
         "{name}, we are sorry this happened. Please write to us in a direct message so the "
         "{client} team can put it right."),
        ("Thank you", "praise", "Thank you, {first_name}! See you soon at {client} ☕"),
        ("Paldies (LV)", "praise", "Paldies, {first_name}! Uz tikšanos {client}!"),
    ),
    "Addis Bloom": (
        ("Delivery areas", "question",
         "Hi {first_name}! We deliver across Addis Ababa; delivery in Bole is free before noon."),
        ("We will fix it", "complaint",
         "Dear {name}, we are sorry. Please send us your order number in a message and we "
         "will make it right today."),
        ("አመሰግናለሁ", "praise", "{first_name}, እናመሰግናለን! — {client}"),
    ),
}  # fmt: skip
FLAGGED_WORDS = {
    "Kafija Rīga": "cheap\nyour fault\nwhatever",
    "Addis Bloom": "calm down\nnot our problem",
}
CONTEST_RULES = (
    "Comment with the word BLOOM under this post by Sunday 20:00 (Addis Ababa time). "
    "Three winners are drawn at random among the comments; one entry per person; the shop's "
    "own accounts do not take part. Winners are announced on Monday."
)


def add_inbox_work(store: Store, now: datetime, rng: random.Random) -> None:
    with store.transaction() as session:
        for client in session.scalars(select(Client)):
            client.flagged_words = FLAGGED_WORDS.get(client.name, "")
            for title, category, body in SAVED_REPLIES.get(client.name, ()):
                session.add(
                    SavedReply(client_id=client.id, title=title, body=body, category=category)
                )
        items = session.scalars(select(InboxItem).order_by(InboxItem.created_at)).all()
        escalated: set[int] = set()
        for item in items:
            age = now - item.created_at
            if item.category == "spam":
                if age > timedelta(days=1):
                    _mark(session, item, InboxStatus.DONE)
                continue
            if item.category == "complaint" and item.account.client_id not in escalated:
                item.status = InboxStatus.ESCALATED
                item.escalation_note = "Customer asks for a refund: the owner decides."
                item.escalated_at = item.created_at + timedelta(hours=2)
                item.due_at = None
                record_event(session, item.id, "escalated", item.escalation_note)
                escalated.add(item.account.client_id)
                continue
            if age > timedelta(days=2) and rng.random() < 0.85:
                _answer(session, item, rng, now)
            elif age > timedelta(days=1) and rng.random() < 0.3:
                _mark(session, item, InboxStatus.DONE)
        contest = session.scalar(
            select(Post)
            .join(Client, Client.id == Post.client_id)
            .where(Client.name == "Addis Bloom", Post.content_type == "question")
            .order_by(Post.scheduled_at)
        )
        if contest is not None:
            contest.contest_rules = CONTEST_RULES


def _answer(session: Session, item: InboxItem, rng: random.Random, now: datetime) -> None:
    # Answered within 20 minutes to 8 working hours, as a busy manager would.
    clock = clock_for_account(session, item.account_id)
    sent = deadline(item.created_at, rng.uniform(0.3, 8.0), clock.hours)
    if sent > now:
        return  # not answered yet: it waits in the inbox
    first = (item.author_name or "there").split()[0]
    reply = Reply(
        item_id=item.id,
        body=f"Thank you, {first}! We read every comment.",
        status=ReplyStatus.SENT,
        remote_id=f"demo-reply-{item.id}",
        created_at=sent,
        sent_at=sent,
    )
    session.add(reply)
    item.status = InboxStatus.REPLIED
    item.first_response_at = sent
    item.due_at = None


def _mark(session: Session, item: InboxItem, status: InboxStatus) -> None:
    item.status = status
    item.due_at = None
    record_event(session, item.id, "status", status.value)
