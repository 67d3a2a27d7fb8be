"""Storing a page of fetched inbox items: new ones added, known ones updated.

A sync may bring thousands of items, so new rows go in with one bulk insert
per page, already classified and with their response deadline; only items
the network reports as edited or removed are touched one by one. Re-running
a sync never duplicates an item (the account's remote id is unique), and an
item removed on the network stays here, marked (invariant 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from smmdesk.core.triage import Classifier, rules_from_json
from smmdesk.core.vocabulary import InboxStatus
from smmdesk.platforms.base import RemoteInboxItem
from smmdesk.store import inbox_search
from smmdesk.store.inbox import ClientClock, clock_of, needs_answer, record_event
from smmdesk.store.models import Account, InboxItem
from smmdesk.store.queries import to_stored

#: Longest text kept from the network; a hostile item cannot bloat the profile.
MAX_BODY = 20_000
MAX_NAME = 200


@dataclass
class IngestRules:
    """What a client's items are judged by, loaded once per sync job."""

    classifier: Classifier
    clock: ClientClock

    @classmethod
    def for_account(cls, session: Session, account_id: int) -> IngestRules:
        account = session.get(Account, account_id)
        if account is None:
            raise LookupError(f"There is no account {account_id}.")
        client = account.client
        return cls(Classifier(rules_from_json(client.triage_rules) or None), clock_of(client))


@dataclass(frozen=True)
class IngestCount:
    added: int = 0
    updated: int = 0


def ingest_page(
    session: Session, account_id: int, items: Sequence[RemoteInboxItem], rules: IngestRules
) -> IngestCount:
    """Add the new items of one fetched page and update the known ones."""
    by_remote: dict[str, RemoteInboxItem] = {}
    for item in items:
        by_remote[item.remote_id[:MAX_NAME]] = item  # a later copy in a page wins
    known = {
        row.remote_id: row
        for row in session.execute(
            select(
                InboxItem.id,
                InboxItem.remote_id,
                InboxItem.body,
                InboxItem.removed_at,
                InboxItem.category_source,
            ).where(
                InboxItem.account_id == account_id,
                InboxItem.remote_id.in_(list(by_remote)),
            )
        )
    }
    now = datetime.now(UTC)
    rows: list[tuple[Any, ...]] = []
    updated = 0
    for remote_id, item in by_remote.items():
        stored = known.get(remote_id)
        if stored is None:
            rows.append(_new_row(account_id, remote_id, item, rules, now))
        elif _update_known(session, stored, item, rules, now):
            updated += 1
    if rows:
        # Plain executemany: SQLAlchemy's per-row bind processing costs more
        # than the insert itself on a sync of thousands of items.
        session.connection().exec_driver_sql(_INSERT, rows)
    inbox_search.index_new_items(session)
    return IngestCount(len(rows), updated)


_COLUMNS = (
    "account_id", "kind", "remote_id", "post_remote_id", "parent_remote_id", "author_id",
    "author_name", "author_handle", "body", "url", "created_at", "fetched_at", "category",
    "category_source", "language", "status", "due_at", "removed_at", "edited_at", "reply_until",
)  # fmt: skip
_INSERT = (
    f"INSERT INTO inbox_items ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
)


def _new_row(
    account_id: int, remote_id: str, item: RemoteInboxItem, rules: IngestRules, now: datetime
) -> tuple[Any, ...]:
    """One row for ``_INSERT``, times as the ORM stores them (naive UTC text)."""
    body = item.text[:MAX_BODY]
    verdict = rules.classifier.classify(body)
    created = item.created_at if item.created_at.tzinfo else item.created_at.replace(tzinfo=UTC)
    due = rules.clock.due(created) if needs_answer(InboxStatus.NEW, verdict.category) else None
    stamp = to_stored(now)
    return (
        account_id,
        str(item.kind),
        remote_id,
        item.post_remote_id[:MAX_NAME],
        item.parent_remote_id[:MAX_NAME],
        item.author_id[:MAX_NAME],
        item.author_name[:MAX_NAME],
        item.author_handle[:MAX_NAME],
        body,
        item.url[:500],
        to_stored(created),
        stamp,
        verdict.category,
        "auto",
        verdict.language,
        InboxStatus.NEW.value,
        to_stored(due) if due is not None else None,
        stamp if item.removed else None,
        stamp if item.edited else None,
        to_stored(item.reply_until) if item.reply_until is not None else None,
    )


def _update_known(
    session: Session, stored: Any, item: RemoteInboxItem, rules: IngestRules, now: datetime
) -> bool:
    """Apply a remote edit or removal to a stored item; False when nothing changed."""
    changed = False
    body = item.text[:MAX_BODY]
    if item.reply_until is not None:
        session.execute(
            update(InboxItem).where(InboxItem.id == stored.id).values(reply_until=item.reply_until)
        )
    if item.removed:
        if stored.removed_at is None:
            session.execute(
                update(InboxItem).where(InboxItem.id == stored.id).values(removed_at=now)
            )
            record_event(session, stored.id, "removed")
            changed = True
        return changed
    if body and body != stored.body:
        inbox_search.unindex_item(session, stored.id)
        values: dict[str, Any] = {"body": body, "edited_at": now}
        if stored.category_source != "manual":
            verdict = rules.classifier.classify(body)
            values["category"] = verdict.category
            values["language"] = verdict.language
        session.execute(update(InboxItem).where(InboxItem.id == stored.id).values(**values))
        inbox_search.index_item(session, stored.id)
        record_event(session, stored.id, "edited", "Before: " + _excerpt(stored.body))
        changed = True
    return changed


def _excerpt(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
