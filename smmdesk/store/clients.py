"""Creating, editing and archiving clients and accounts.

Archiving sets ``archived_at`` and nothing else: posts, inbox items, replies
and metrics stay, so reports about the past remain complete.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smmdesk.core.client_rules import ClientSettings, format_work_days, parse_work_days
from smmdesk.core.content_mix import parse_target_mix
from smmdesk.core.weekday_themes import dump_themes, parse_themes
from smmdesk.store.models import Account, Client

log = logging.getLogger(__name__)


def load_settings(session: Session, client_id: int) -> ClientSettings:
    client = session.get(Client, client_id)
    if client is None:
        raise KeyError(client_id)
    return ClientSettings(
        name=client.name,
        colour=client.colour,
        timezone=client.timezone,
        country=client.country,
        work_start_minute=client.work_start_minute,
        work_end_minute=client.work_end_minute,
        work_days=parse_work_days(client.work_days),
        reply_target_hours=client.reply_target_hours,
        max_posts_per_day=client.max_posts_per_day,
        min_gap_minutes=client.min_gap_minutes,
        link_policy=client.link_policy,
        notes=client.notes,
        weekday_themes=parse_themes(client.weekday_themes),
        target_mix=parse_target_mix(client.target_mix),
        content_types=_parse_types(client.content_types),
    )


def _parse_types(text: str) -> tuple[str, ...]:
    try:
        values = json.loads(text or "[]")
    except ValueError:
        return ()
    return tuple(v for v in values if isinstance(v, str)) if isinstance(values, list) else ()


def save_client(session: Session, settings: ClientSettings, client_id: int | None = None) -> int:
    client = Client() if client_id is None else session.get(Client, client_id)
    if client is None:
        raise KeyError(client_id)
    clock_before = _clock_fields(client)
    client.name = settings.name.strip()
    client.colour = settings.colour
    client.timezone = settings.timezone
    client.country = settings.country
    client.work_start_minute = settings.work_start_minute
    client.work_end_minute = settings.work_end_minute
    client.work_days = format_work_days(settings.work_days)
    client.reply_target_hours = settings.reply_target_hours
    client.max_posts_per_day = settings.max_posts_per_day
    client.min_gap_minutes = settings.min_gap_minutes
    client.link_policy = settings.link_policy
    client.notes = settings.notes
    client.weekday_themes = dump_themes(settings.weekday_themes)
    client.target_mix = json.dumps(settings.target_mix, sort_keys=True)
    client.content_types = json.dumps(list(settings.content_types))
    session.add(client)
    session.flush()
    if client_id is not None and _clock_fields(client) != clock_before:
        from smmdesk.store.inbox import recompute_deadlines

        recompute_deadlines(session, client.id)
    return client.id


def _clock_fields(client: Client) -> tuple[object, ...]:
    """What the response clock depends on: a change re-times every open item."""
    return (
        client.timezone,
        client.country,
        client.work_start_minute,
        client.work_end_minute,
        client.work_days,
        client.reply_target_hours,
    )


def set_client_archived(session: Session, client_id: int, archived: bool) -> None:
    client = session.get(Client, client_id)
    if client is None:
        raise KeyError(client_id)
    client.archived_at = datetime.now(UTC) if archived else None


def set_account_archived(session: Session, account_id: int, archived: bool) -> None:
    account = session.get(Account, account_id)
    if account is None:
        raise KeyError(account_id)
    account.archived_at = datetime.now(UTC) if archived else None


def is_client_archived(session: Session, client_id: int) -> bool:
    client = session.get(Client, client_id)
    return client is not None and client.archived_at is not None


def count_clients(session: Session) -> int:
    return session.scalar(select(func.count(Client.id))) or 0


def account_settings(account: Account) -> dict[str, str]:
    """The connector facts stored with an account; {} if the JSON is damaged."""
    try:
        loaded = json.loads(account.settings_json or "{}")
    except ValueError:
        log.warning("account %s has unreadable settings; ignoring them", account.id)
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {str(k): str(v) for k, v in loaded.items()}
