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

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from smmdesk.core.triage import Classifier, rules_from_json
from smmdesk.core.vocabulary import InboxStatus
from smmdesk.platforms.base import RemoteInboxItem
from smmdesk.store import inbox_search
from smmdesk.store.inbox import ClientClock, clock_of, needs_answer, record_event
from smmdesk.store.models import Account, InboxItem

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
    rows: list[dict[str, Any]] = []
    updated = 0
    for remote_id, item in by_remote.items():
        stored = known.get(remote_id)
        if stored is None:
            rows.append(_new_row(account_id, remote_id, item, rules, now))
        elif _update_known(session, stored, item, rules, now):
            updated += 1
    if rows:
        session.execute(insert(InboxItem), rows)
    inbox_search.index_new_items(session)
    return IngestCount(len(rows), updated)


def _new_row(
    account_id: int, remote_id: str, item: RemoteInboxItem, rules: IngestRules, now: datetime
) -> dict[str, Any]:
    body = item.text[:MAX_BODY]
    verdict = rules.classifier.classify(body)
    created = item.created_at if item.created_at.tzinfo else item.created_at.replace(tzinfo=UTC)
    due = rules.clock.due(created) if needs_answer(InboxStatus.NEW, verdict.category) else None
    return {
        "account_id": account_id,
        "kind": str(item.kind),
        "remote_id": remote_id,
        "post_remote_id": item.post_remote_id[:MAX_NAME],
        "parent_remote_id": item.parent_remote_id[:MAX_NAME],
        "author_id": item.author_id[:MAX_NAME],
        "author_name": item.author_name[:MAX_NAME],
        "author_handle": item.author_handle[:MAX_NAME],
        "body": body,
        "url": item.url[:500],
        "created_at": created,
        "fetched_at": now,
        "category": verdict.category,
        "category_source": "auto",
        "language": verdict.language,
        "status": InboxStatus.NEW.value,
        "due_at": due,
        "removed_at": now if item.removed else None,
        "edited_at": now if item.edited else None,
    }


def _update_known(
    session: Session, stored: Any, item: RemoteInboxItem, rules: IngestRules, now: datetime
) -> bool:
    """Apply a remote edit or removal to a stored item; False when nothing changed."""
    changed = False
    body = item.text[:MAX_BODY]
    if item.removed:
        if stored.removed_at is None:
            session.execute(
                InboxItem.__table__.update().where(InboxItem.id == stored.id).values(removed_at=now)
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
        session.execute(
            InboxItem.__table__.update().where(InboxItem.id == stored.id).values(**values)
        )
        inbox_search.index_item(session, stored.id)
        record_event(session, stored.id, "edited", "Before: " + _excerpt(stored.body))
        changed = True
    return changed


def _excerpt(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
