"""One reader per bot: a lock per token, and events held for another channel.

Telegram keeps a single update queue per bot and lets one reader take from
it: a ``getUpdates`` with a higher ``offset`` deletes everything before it,
for every chat the bot is in. Two SMM Desk accounts may share one bot (two
channels of one client), so in this process:

* one ``threading.Lock`` per token makes their polls take turns (and the
  peek of ``find_published`` waits for them too);
* a poll hands out the updates by chat instead of dropping what is not its
  own: events for another channel go to a per-token buffer here, and the next
  poll of the account they belong to takes them. The fetching account also
  writes them into its own cursor (``h``), because the buffer dies with the
  process while the cursor is stored: after a restart, whichever account of
  the bot syncs first puts them back into the buffer. The owner may then see
  some twice; remote ids are stable, so the engine ignores repeats;
* an account learns that its bot is shared (``Cursor.shared``) when it takes
  held events or finds a gap in update ids, and ``find_published`` is then
  more careful: a restart may hide events held in another account's cursor.

Chosen over "every account processes every channel's updates": an account's
cursor then has to know the other accounts, which a connector does not.
Another program polling the same bot cannot be handled this way: Telegram
answers 409 and the connector says so instead of fighting over the queue.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from smmdesk.platforms.telegram_updates import Event, valid_event

#: Most events one token's buffer holds; the oldest are dropped beyond it.
MAX_BUFFER = 1000
MAX_DELIVERED = 5000


@dataclass
class TokenState:
    """What this process knows about one bot's update queue."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    #: update id -> event fetched by one account for another (guarded by ``lock``)
    held: OrderedDict[int, Event] = field(default_factory=OrderedDict)
    #: update ids already handed to their account
    delivered: OrderedDict[int, None] = field(default_factory=OrderedDict)
    #: the highest ``offset`` any account sent in this process
    highest_offset: int = 0
    webhook_removed: bool = False
    #: channel ids of the accounts built on this token in this process
    channels: set[int] = field(default_factory=set)

    def hold(self, events: Iterable[Event]) -> None:
        for event in events:
            if not valid_event(event):
                continue
            update_id = int(event["u"])
            if update_id in self.delivered:
                continue
            self.held[update_id] = event
        while len(self.held) > MAX_BUFFER:
            self.held.popitem(last=False)

    def claim(self, owns: Callable[[Event], bool]) -> list[Event]:
        """Take the held events ``owns`` accepts, in update order."""
        taken = [event for event in self.held.values() if owns(event)]
        for event in taken:
            update_id = int(event["u"])
            del self.held[update_id]
            self.delivered[update_id] = None
        while len(self.delivered) > MAX_DELIVERED:
            self.delivered.popitem(last=False)
        return taken

    def peek(self, owns: Callable[[Event], bool]) -> list[Event]:
        return [event for event in self.held.values() if owns(event)]

    def undelivered(self, events: Iterable[Event]) -> list[Event]:
        return [e for e in events if valid_event(e) and int(e["u"]) not in self.delivered]


_STATES: dict[str, TokenState] = {}
_GUARD = threading.Lock()


def token_state(token: str) -> TokenState:
    """The shared state of one bot; keyed by a hash so no token sits in a dict key."""
    key = hashlib.sha256(token.encode("utf-8")).hexdigest()
    with _GUARD:
        state = _STATES.get(key)
        if state is None:
            state = _STATES[key] = TokenState()
        return state
