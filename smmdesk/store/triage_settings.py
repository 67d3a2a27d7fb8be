"""A client's classification rules and flagged words, and re-sorting after a change.

The rules are stored as JSON in ``Client.triage_rules`` holding only the
languages the manager changed: a language left alone keeps following the
shipped defaults (``core.triage.effective_rules``), so an improved default in
a later version reaches every client who never touched it. An empty text
means "the defaults". The flagged words (the tone check's list) are stored
one a line in ``Client.flagged_words``.

After the rules change, the client's items are sorted again by the new rules,
except those the manager corrected by hand (``category_source == "manual"``):
a correction is the manager's decision and no rule overrides it. Re-sorting
goes through the items in id order, ``CHUNK`` at a time; ``reclassify_in_steps``
commits each chunk in its own transaction so a background sync writing the
same database never waits more than a moment. An item whose category changes
gets a line in its history and, if it still waits for an answer, a deadline
that fits its new category (spam needs none).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from smmdesk.core.tone import parse_word_list
from smmdesk.core.triage import (
    CATEGORIES,
    LANGUAGES,
    Classifier,
    Rules,
    effective_rules,
    rules_from_json,
    rules_to_json,
)
from smmdesk.core.triage_defaults import DEFAULT_RULES
from smmdesk.core.vocabulary import InboxStatus
from smmdesk.store.database import Store
from smmdesk.store.inbox import ClientClock, clock_of, needs_answer, record_event
from smmdesk.store.models import Account, Client, InboxItem

__all__ = [
    "CHUNK",
    "TriageSettings",
    "load_triage_settings",
    "reclassify_in_steps",
    "reclassify_open_items",
    "save_triage_settings",
]

#: Items read and re-sorted per step.
CHUNK = 1000

EffectiveRules = dict[str, dict[str, tuple[str, ...]]]


@dataclass(frozen=True)
class TriageSettings:
    rules: EffectiveRules  # every language and category, the defaults where not changed
    own_languages: frozenset[str]  # the languages the client has its own rules for
    flagged_words: str  # one a line, as the editor shows them


def _normal(categories: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    return {c: tuple(p.strip() for p in categories.get(c, ()) if p.strip()) for c in CATEGORIES}


def is_default(language: str, categories: Mapping[str, Sequence[str]]) -> bool:
    return _normal(categories) == _normal(DEFAULT_RULES.get(language, {}))


def load_triage_settings(db: sqlite3.Connection | Session, client_id: int) -> TriageSettings:
    """The rules and flagged words as the editor shows them; LookupError for no client."""
    if isinstance(db, Session):
        client = db.get(Client, client_id)
        found = None if client is None else (client.triage_rules, client.flagged_words)
    else:
        found = db.execute(
            "SELECT triage_rules, flagged_words FROM clients WHERE id = ?", (client_id,)
        ).fetchone()
    if found is None:
        raise LookupError(f"There is no client {client_id}.")
    own = rules_from_json(found[0] or "")
    return TriageSettings(effective_rules(own), frozenset(own), found[1] or "")


def save_triage_settings(
    session: Session, client_id: int, rules: Rules, flagged_words: str
) -> bool:
    """Store the editor's rules and words; True when the rules differ from before.

    Languages equal to the defaults are not stored, so they keep following them.
    """
    client = session.get(Client, client_id)
    if client is None:
        raise LookupError(f"There is no client {client_id}.")
    before = effective_rules(rules_from_json(client.triage_rules or ""))
    own = {
        language: _normal(rules[language])
        for language in LANGUAGES
        if language in rules and not is_default(language, rules[language])
    }
    client.triage_rules = rules_to_json(own) if own else ""
    client.flagged_words = "\n".join(parse_word_list(flagged_words))
    after = effective_rules(own)
    return any(_normal(before[lang]) != _normal(after[lang]) for lang in LANGUAGES)


def _client_rules(session: Session, client_id: int) -> tuple[Classifier, ClientClock]:
    client = session.get(Client, client_id)
    if client is None:
        raise LookupError(f"There is no client {client_id}.")
    # The same classifier the sync builds for new items (inbox_ingest.IngestRules).
    return Classifier(rules_from_json(client.triage_rules) or None), clock_of(client)


def _reclassify_chunk(
    session: Session,
    client_id: int,
    classifier: Classifier,
    clock: ClientClock,
    after_id: int,
    limit: int,
) -> tuple[int | None, int]:
    """Re-sort up to ``limit`` items after ``after_id``: (last id read or None, changed)."""
    rows = session.execute(
        select(
            InboxItem.id,
            InboxItem.body,
            InboxItem.category,
            InboxItem.language,
            InboxItem.status,
            InboxItem.due_at,
            InboxItem.created_at,
        )
        .where(
            InboxItem.account_id.in_(select(Account.id).where(Account.client_id == client_id)),
            InboxItem.category_source != "manual",
            InboxItem.id > after_id,
        )
        .order_by(InboxItem.id)
        .limit(limit)
    ).all()
    changed = 0
    for item_id, body, category, language, status, due_at, created_at in rows:
        verdict = classifier.classify(body)
        if verdict.category == category and verdict.language == language:
            continue
        values: dict[str, object] = {"category": verdict.category, "language": verdict.language}
        if verdict.category != category:
            changed += 1
            if status == InboxStatus.NEW:
                due = (
                    (due_at or clock.due(created_at))
                    if needs_answer(status, verdict.category)
                    else None
                )
                if due != due_at:
                    values.update(due_at=due, overdue_notified_at=None)
            record_event(
                session, item_id, "category", f"{verdict.category} (re-sorted by the new rules)"
            )
        session.execute(update(InboxItem).where(InboxItem.id == item_id).values(**values))
    return (rows[-1][0] if rows else None), changed


def reclassify_open_items(session: Session, client_id: int, chunk: int = CHUNK) -> int:
    """Re-sort the client's items by its current rules in one transaction; how many moved.

    The manager's own corrections (``category_source == "manual"``) are never touched.
    """
    classifier, clock = _client_rules(session, client_id)
    after, total = 0, 0
    while True:
        last, changed = _reclassify_chunk(session, client_id, classifier, clock, after, chunk)
        total += changed
        if last is None:
            return total
        after = last


def reclassify_in_steps(
    store: Store,
    client_id: int,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> int:
    """``reclassify_open_items`` with a commit per chunk, for a worker thread.

    ``progress`` is told the number of items moved so far after each chunk.
    """
    with store.session() as session:
        classifier, clock = _client_rules(session, client_id)
    after, total = 0, 0
    while True:
        with store.transaction() as session:
            last, changed = _reclassify_chunk(session, client_id, classifier, clock, after, chunk)
        total += changed
        if last is None:
            return total
        after = last
        if progress is not None:
            progress(total)
