"""Reading the bot's update queue: polling for the inbox, peeking for ``find_published``.

Polling confirms: a ``getUpdates`` with ``offset`` N deletes every update
before N on Telegram's side. A poll therefore starts from the offset of the
cursor it was given, which the engine stored, and pages on (bounded) only
while a full page of 100 brought nothing for the inbox: a page with items
ends the call, the engine stores the cursor, and asks again. So what a later
request confirms is, at worst, the forwards, reactions and other channels'
events of one call, and those are in the cursor it returns.

The peek of ``find_published`` reads from the stored offset and confirms
nothing the stored cursor does not already hold.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from smmdesk.platforms.base import BadResponse, PermanentError, TransientError
from smmdesk.platforms.telegram_api import BotApi, Conflict
from smmdesk.platforms.telegram_poll import TokenState
from smmdesk.platforms.telegram_updates import (
    AccountView,
    Cursor,
    Event,
    apply_events,
    normalize,
    text_hash,
)

PAGE_SIZE = 100
#: Pages one call reads while they bring nothing for the inbox.
MAX_PAGES = 5
#: The updates SMM Desk asks for. Reaction counts are sent only when listed.
ALLOWED_UPDATES = ["message", "edited_message", "message_reaction_count"]
#: After a week without updates Telegram numbers the next one at random.
STALE_OFFSET_SECONDS = 6 * 24 * 3600
#: Seconds allowed between this computer's clock and Telegram's.
CLOCK_SLACK = 300
#: Telegram keeps an unconfirmed update this long.
UPDATE_LIFETIME = 24 * 3600

CANNOT_TELL = (
    "Telegram cannot tell whether this post arrived before SMM Desk stopped. "
    "Check the channel, then choose Retry or Mark as published."
)
WEBHOOK_CAME_BACK = (
    "This bot sends its updates to another service (a webhook), which came back after "
    "SMM Desk removed it once. SMM Desk will not fight over the bot: give SMM Desk a bot "
    "of its own, then reconnect."
)


def busy_error() -> TransientError:
    return TransientError(
        "Another account that uses the same Telegram bot is still syncing; SMM Desk will "
        "try again shortly."
    )


def get_updates(
    api: BotApi,
    offset: int,
    cursor: Cursor,
    state: TokenState,
    may_remove_webhook: bool = True,
    limit: int = PAGE_SIZE,
) -> list[dict[str, Any]]:
    """One ``getUpdates`` (never a long poll); a leftover webhook is removed once."""
    params: dict[str, Any] = {"limit": limit, "timeout": 0, "allowed_updates": ALLOWED_UPDATES}
    if offset:
        params["offset"] = offset
    try:
        result = api.call("getUpdates", params)
    except Conflict as exc:
        if not (exc.webhook and may_remove_webhook):
            raise
        if cursor.webhook_removed or state.webhook_removed:
            raise PermanentError(WEBHOOK_CAME_BACK) from None
        api.call("deleteWebhook", {"drop_pending_updates": False})
        cursor.webhook_removed = state.webhook_removed = True
        result = api.call("getUpdates", params)
    if not isinstance(result, list):
        raise BadResponse("Telegram sent its updates in an unexpected shape.")
    return [update for update in result if isinstance(update, dict)]


def start_offset(cursor: Cursor, now: int) -> int:
    """The cursor's offset, or 0 (none) when no update came for almost a week."""
    if cursor.last_update_at and now - cursor.last_update_at > STALE_OFFSET_SECONDS:
        return 0
    return cursor.offset


def _update_id(update: dict[str, Any]) -> int | None:
    value = update.get("update_id")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53:
        return None
    return value


def poll(
    api: BotApi, cursor: Cursor, state: TokenState, view: AccountView, now: int
) -> list[Event]:
    """Read new updates; return this account's events, hold everyone else's.

    Call with ``state.lock`` held. Moves ``cursor`` on (offset, times, held
    events); the events themselves are folded in by ``apply_events``.
    """
    state.hold(cursor.held)
    mine = _claim(state, view)
    if mine or len(state.channels) > 1:
        cursor.shared = True
    offset = start_offset(cursor, now)
    others: list[Event] = []
    for _page in range(MAX_PAGES):
        updates = get_updates(api, offset, cursor, state)
        ids = [i for i in map(_update_id, updates) if i is not None]
        if offset and ids and min(ids) > offset and now - cursor.end_seen_at < UPDATE_LIFETIME:
            cursor.shared = True  # someone else confirmed updates we had not read
        brought_items = False
        for update in updates:
            update_id = _update_id(update)
            if update_id is None:
                continue
            offset = max(offset, update_id + 1)
            event = normalize(update)
            if event is None:
                continue
            if view.owns(event):
                view.learn(event)
                mine.append(event)
                brought_items = brought_items or event["k"] == "c"
            else:
                others.append(event)
        if updates:
            cursor.last_update_at = now
        state.highest_offset = max(state.highest_offset, offset)
        if len(updates) < PAGE_SIZE:
            cursor.end_seen_at = now
            break
        if brought_items:
            break
    cursor.offset = offset
    state.hold(others)
    held = {int(e["u"]): e for e in state.undelivered([*cursor.held, *others])}
    cursor.held = list(held.values())
    return _unique(mine)


def _claim(state: TokenState, view: AccountView) -> list[Event]:
    """Events another account fetched for us; forwards first teach us our group."""
    taken = state.claim(view.owns)
    for event in taken:
        view.learn(event)
    return taken + state.claim(view.owns)


def _unique(events: list[Event]) -> list[Event]:
    return list({int(e["u"]): e for e in events}.values())


def find_forward(
    cursor: Cursor,
    view: AccountView,
    held: list[Event],
    peeked: list[dict[str, Any]],
    text: str,
    since: int | None,
    now: datetime,
) -> tuple[str, int] | None:
    """(remote id, date) of our channel's post with ``text`` made after ``since``.

    Folds the held and peeked events into ``cursor`` (a copy the caller
    will not store) so that an album's forwards are grouped together.
    """
    events = [*held]
    for update in peeked:
        event = normalize(update)
        if event is not None and view.owns(event):
            view.learn(event)
            events.append(event)
    apply_events(_unique(events), cursor, view, now)
    want = text_hash(text)
    matches = [
        entry
        for entry in cursor.forwards
        if entry[5] == want and (since is None or int(entry[4]) >= since)
    ]
    if not matches:
        return None
    first = min(matches, key=lambda entry: (int(entry[4]), int(entry[2])))
    return cursor.post_key(int(first[2])), int(first[4])


def sure_not_published(
    cursor: Cursor, peeked: list[dict[str, Any]], highest: int, since: int, now: datetime
) -> None:
    """Raise unless a forward made after ``since`` could not have escaped us.

    It could have when the peek did not reach the end of the queue (a sync
    reads on, so that is worth a retry); when the key is so old that the
    forward may have expired unread (Telegram keeps updates 24 hours); when
    the cursor trimmed forwards that recent; or when another reader took
    updates after our offset that this process did not see: a gap in update
    ids (unless our last complete poll is so old that the gap is expired
    updates, which are older than the key), or an empty queue for a bot that
    serves two accounts. One case stays blind: another program polling the
    bot between our polls, which the setup help forbids.
    """
    if len(peeked) >= PAGE_SIZE:
        raise TransientError(
            "SMM Desk must first read the channel's newer comments to know whether this "
            "post went out; it will check again after the next sync."
        )
    seconds = int(now.timestamp())
    if since < seconds - UPDATE_LIFETIME + 3600 or cursor.forwards_trimmed_at >= since:
        raise PermanentError(CANNOT_TELL)
    ids = [i for i in map(_update_id, peeked) if i is not None]
    gap = bool(ids) and cursor.offset > 0 and min(ids) > max(cursor.offset, highest)
    recent_poll = seconds - cursor.end_seen_at < UPDATE_LIFETIME
    if gap and (cursor.shared or recent_poll):
        raise PermanentError(CANNOT_TELL)
    if not ids and cursor.shared and highest <= cursor.offset:
        raise PermanentError(CANNOT_TELL)
