"""Telegram updates as small events, the inbox cursor, and comments as inbox items.

The Bot API has no history: what the bot is told through ``getUpdates`` is
all it will ever know, and Telegram forgets an update 24 hours after it was
made or as soon as a later ``offset`` confirms it. So everything the inbox
needs later is kept in the cursor, which the engine stores after every page:

* ``o``: the next ``offset`` (last ``update_id`` + 1);
* ``lu``: when an update last arrived. After a week without updates Telegram
  picks the next ``update_id`` at random, so a cursor that old sends no offset
  (the server then returns whatever is unconfirmed, which is exactly what is new);
* ``e``: when a poll last reached the end of the queue (``find_published``);
* ``f``: the discussion group's automatic forwards of our channel posts,
  ``[group id, forward id, channel post id, media group id, date, text hash]``,
  the newest 300. They map a comment thread to our post, group an album's
  messages into one post, and let ``find_published`` recognise a post by its
  text; ``ft`` is the date of the newest forward trimmed away;
* ``c``: comments seen, ``[group id, message id, thread root]``, the newest
  500: a reply to a comment names only the comment, and this finds its post;
* ``s``: counts per post, ``{post remote id: [reactions, comments, date]}``;
* ``h``: events this account fetched for *another* channel of the same bot
  (see ``telegram_poll``), so that a restart does not lose them;
* ``sh``: this bot has been seen serving another account; ``wh``: SMM Desk
  removed a webhook once and will not fight over it again.

An unreadable cursor counts as none: the first poll then sends no offset and
Telegram returns every unconfirmed update, which is harmless (ids are stable).

Events are plain JSON-able dicts, because held events live in cursors:
``{"u": update id, "k": kind, "chat": chat id, ...}`` with ``k`` one of
``"f"`` (automatic forward), ``"c"`` (a message in a comment thread) and
``"r"`` (reaction counts on a channel post). Everything else is dropped:
private chats (no direct messages in this app), group chatter outside a
comment thread, and channel posts (a bot is not sent its own posts, and other
admins' posts are not ours).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from smmdesk.platforms.base import InboxKind, PostStats, RemoteInboxItem

Event = dict[str, Any]

MAX_FORWARDS = 300
MAX_COMMENTS = 500
MAX_STATS = 200
MAX_HELD = 200
#: Counts above this are not believed (and would not fit the database).
MAX_COUNT = 2**40
#: Held events older than this are dropped (Telegram itself keeps updates 24 h).
HELD_MAX_AGE = 3 * 24 * 3600

_MEDIA_WORDS = {
    "photo": "(photo)",
    "video": "(video)",
    "animation": "(GIF)",
    "voice": "(voice message)",
    "video_note": "(video message)",
    "audio": "(audio)",
    "document": "(file)",
    "poll": "(poll)",
    "location": "(location)",
    "contact": "(contact)",
}


def _int(value: Any) -> int | None:
    """An int Telegram could send (ids have at most 52 significant bits); else None."""
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 2**53:
        return None
    return value


def _id(value: Any) -> int | None:
    """A message or update id: a positive int."""
    number = _int(value)
    return number if number is not None and number > 0 else None


def _is_int(value: Any) -> bool:
    return _int(value) is not None


def _str(value: Any) -> str:
    """Text as it can be stored: a lone UTF-16 surrogate (bad JSON) becomes '?'."""
    if not isinstance(value, str):
        return ""
    return value.encode("utf-8", "replace").decode("utf-8")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def text_hash(text: str) -> str:
    """A short fingerprint of a post's text, as Telegram will show it.

    Telegram trims leading and trailing white space; line ends are compared
    as ``\\n``.
    """
    normal = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def short_chat_id(chat_id: int) -> str:
    """A supergroup or channel id as ``t.me/c/`` links write it (no ``-100``)."""
    digits = str(abs(chat_id))
    return digits[3:] if digits.startswith("100") and len(digits) > 3 else digits


def post_url(channel_username: str, channel_id: int, message_id: int) -> str:
    if channel_username:
        return f"https://t.me/{channel_username}/{message_id}"
    return f"https://t.me/c/{short_chat_id(channel_id)}/{message_id}"


def unix_to_utc(value: Any, default: datetime) -> datetime:
    seconds = _int(value)
    if seconds is None or not 0 < seconds < 2**33:
        return default
    return datetime.fromtimestamp(seconds, UTC)


# --- updates -> events ---------------------------------------------------------------


def normalize(update: Any) -> Event | None:
    """One update as an event, or None when it is nothing the inbox uses."""
    update = _dict(update)
    update_id = _id(update.get("update_id"))
    if update_id is None:
        return None
    for key, edited in (("message", False), ("edited_message", True)):
        if key in update:
            return _group_event(update_id, _dict(update[key]), edited)
    if "message_reaction_count" in update:
        return _reaction_event(update_id, _dict(update["message_reaction_count"]))
    return None


def _origin(message: dict[str, Any]) -> tuple[int, int] | None:
    """(channel id, channel message id) of an automatic forward, else None."""
    if message.get("is_automatic_forward") is not True:
        return None
    origin = _dict(message.get("forward_origin"))
    chat = _int(_dict(origin.get("chat")).get("id"))
    post = _id(origin.get("message_id"))
    if chat is None or post is None:  # Bot API before 7.0
        chat = _int(_dict(message.get("forward_from_chat")).get("id"))
        post = _id(message.get("forward_from_message_id"))
    if chat is None or post is None:
        return None
    return chat, post


def _text(message: dict[str, Any]) -> str:
    text = _str(message.get("text")) or _str(message.get("caption"))
    if text:
        return text
    sticker = _dict(message.get("sticker"))
    if sticker:
        return f"(sticker {_str(sticker.get('emoji'))})".replace(" )", ")")
    for key, word in _MEDIA_WORDS.items():
        if key in message:
            return word
    return ""


def _group_event(update_id: int, message: dict[str, Any], edited: bool) -> Event | None:
    chat = _dict(message.get("chat"))
    chat_id = _int(chat.get("id"))
    message_id = _id(message.get("message_id"))
    if chat_id is None or message_id is None or chat.get("type") not in ("group", "supergroup"):
        return None
    date = _int(message.get("date")) or 0
    origin = _origin(message)
    if origin is not None:
        return {
            "u": update_id,
            "k": "f",
            "chat": chat_id,
            "id": message_id,
            "ch": origin[0],
            "post": origin[1],
            "mg": _str(message.get("media_group_id")),
            "d": date,
            "h": text_hash(_str(message.get("text")) or _str(message.get("caption"))),
        }
    replied = _dict(message.get("reply_to_message"))
    reply_to = _id(replied.get("message_id")) or 0
    thread = _id(message.get("message_thread_id")) or 0
    replied_origin = _origin(replied)
    if replied_origin is not None and not thread:
        thread = reply_to
    if not thread and not reply_to:
        return None  # chatter in the group, not a comment on a post
    sender_chat = _dict(message.get("sender_chat"))
    sender = _dict(message.get("from"))
    if sender_chat:
        author_id = _int(sender_chat.get("id")) or 0
        name = _str(sender_chat.get("title"))
        handle = _str(sender_chat.get("username"))
    else:
        author_id = _int(sender.get("id")) or 0
        name = " ".join(
            part for part in (_str(sender.get("first_name")), _str(sender.get("last_name"))) if part
        )
        handle = _str(sender.get("username"))
    return {
        "u": update_id,
        "k": "c",
        "chat": chat_id,
        "id": message_id,
        "ch": replied_origin[0] if replied_origin else 0,
        "post": replied_origin[1] if replied_origin else 0,
        "th": thread,
        "re": reply_to,
        "a": author_id,
        "sc": 1 if sender_chat else 0,
        "n": name[:200],
        "hd": handle[:64],
        "t": _text(message),
        "d": date,
        "e": 1 if edited else 0,
    }


def _reaction_event(update_id: int, counts: dict[str, Any]) -> Event | None:
    chat_id = _int(_dict(counts.get("chat")).get("id"))
    message_id = _id(counts.get("message_id"))
    reactions = counts.get("reactions")
    if chat_id is None or message_id is None or not isinstance(reactions, list):
        return None
    total = 0
    for reaction in reactions:
        count = _int(_dict(reaction).get("total_count"))
        if count is not None and count > 0:
            total = min(total + count, MAX_COUNT)
    return {
        "u": update_id,
        "k": "r",
        "chat": chat_id,
        "id": message_id,
        "n": total,
        "d": _int(counts.get("date")) or 0,
    }


_EVENT_FIELDS: dict[str, dict[str, type]] = {
    "f": {"ch": int, "post": int, "mg": str, "h": str},
    "c": {"ch": int, "post": int, "th": int, "re": int, "a": int, "sc": int, "e": int}
    | {"n": str, "hd": str, "t": str},
    "r": {"n": int},
}


def valid_event(value: Any) -> bool:
    """Whether an event read back from a cursor has every field, of the right type."""
    if not isinstance(value, dict) or value.get("k") not in _EVENT_FIELDS:
        return False
    fields = {"u": int, "chat": int, "id": int, "d": int, **_EVENT_FIELDS[value["k"]]}
    for name, kind in fields.items():
        item = value.get(name)
        if kind is int and _int(item) is None:
            return False
        if kind is str and not isinstance(item, str):
            return False
    return True


# --- which events are this account's ---------------------------------------------------


@dataclass
class AccountView:
    """Who this account is, to tell its events from another channel's."""

    channel_id: int
    channel_username: str = ""
    bot_id: int = 0
    group_ids: set[int] = field(default_factory=set)

    def owns(self, event: Event) -> bool:
        kind = event.get("k")
        if kind == "f":
            return bool(event.get("ch") == self.channel_id)
        if kind == "r":
            return bool(event.get("chat") == self.channel_id)
        return event.get("chat") in self.group_ids or event.get("ch") == self.channel_id

    def learn(self, event: Event) -> None:
        """An automatic forward from our channel names our discussion group."""
        if event.get("k") == "f" and event.get("ch") == self.channel_id:
            chat = _int(event.get("chat"))
            if chat is not None:
                self.group_ids.add(chat)


# --- the cursor ------------------------------------------------------------------------


@dataclass
class Cursor:
    offset: int = 0
    last_update_at: int = 0
    end_seen_at: int = 0
    forwards: list[list[Any]] = field(default_factory=list)
    forwards_trimmed_at: int = 0
    comments: dict[tuple[int, int], int] = field(default_factory=dict)
    stats: dict[str, list[int]] = field(default_factory=dict)
    held: list[Event] = field(default_factory=list)
    shared: bool = False
    webhook_removed: bool = False

    @classmethod
    def parse(cls, text: str | None) -> Cursor:
        """The cursor in ``text``; a fresh one for anything unreadable."""
        try:
            data = json.loads(text) if text else {}
        except (ValueError, TypeError, RecursionError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        cursor = cls(
            offset=max(_int(data.get("o")) or 0, 0),
            last_update_at=_int(data.get("lu")) or 0,
            end_seen_at=_int(data.get("e")) or 0,
            forwards_trimmed_at=_int(data.get("ft")) or 0,
            shared=data.get("sh") is True,
            webhook_removed=data.get("wh") is True,
        )
        for entry in _list(data.get("f")):
            if _valid_forward(entry):
                cursor.forwards.append(list(entry))
        for entry in _list(data.get("c")):
            if (
                isinstance(entry, list)
                and len(entry) == 3
                and all(_int(x) is not None for x in entry)
            ):
                cursor.comments[(entry[0], entry[1])] = entry[2]
        stats = data.get("s")
        if isinstance(stats, dict):
            for key, values in stats.items():
                if isinstance(values, list) and len(values) == 3 and all(map(_is_int, values)):
                    cursor.stats[str(key)] = [min(max(v, 0), MAX_COUNT) for v in values]
        cursor.held = [e for e in _list(data.get("h")) if valid_event(e)]
        return cursor

    def dump(self, now: int) -> str:
        """The cursor as compact JSON, trimmed to its bounds."""
        if len(self.forwards) > MAX_FORWARDS:
            dropped = self.forwards[: len(self.forwards) - MAX_FORWARDS]
            self.forwards_trimmed_at = max(
                [self.forwards_trimmed_at, *(int(f[4]) for f in dropped)]
            )
            self.forwards = self.forwards[-MAX_FORWARDS:]
        comments = list(self.comments.items())[-MAX_COMMENTS:]
        stats = list(self.stats.items())[-MAX_STATS:]
        held = [e for e in self.held if now - int(e.get("d", 0)) < HELD_MAX_AGE][-MAX_HELD:]
        data = {
            "v": 1,
            "o": self.offset,
            "lu": self.last_update_at,
            "e": self.end_seen_at,
            "f": self.forwards,
            "ft": self.forwards_trimmed_at,
            "c": [[chat, msg, root] for (chat, msg), root in comments],
            "s": dict(stats),
            "h": held,
            "sh": self.shared,
            "wh": self.webhook_removed,
        }
        return json.dumps(data, separators=(",", ":"))

    # -- forwards and posts --

    def set_stats(self, key: str, likes: int, replies: int, reacted_at: int) -> None:
        """Counts of one post; the most recently touched posts are kept."""
        self.stats.pop(key, None)
        self.stats[key] = [likes, replies, reacted_at]

    def add_forward(self, event: Event) -> None:
        key = (event["chat"], event["id"])
        self.forwards = [f for f in self.forwards if (f[0], f[1]) != key]
        self.forwards.append(
            [event["chat"], event["id"], event["post"], event["mg"], event["d"], event["h"]]
        )

    def forward_post(self, chat: int, forward_id: int) -> int:
        """The channel post whose automatic forward is ``forward_id``; 0 if unknown."""
        for entry in reversed(self.forwards):
            if entry[0] == chat and entry[1] == forward_id:
                return int(entry[2])
        return 0

    def post_key(self, post_id: int) -> str:
        """Our remote id for a channel message: an album is all its ids, comma-joined."""
        for entry in reversed(self.forwards):
            if entry[2] == post_id and entry[3]:
                album = sorted(
                    {int(f[2]) for f in self.forwards if f[0] == entry[0] and f[3] == entry[3]}
                )
                return ",".join(str(i) for i in album)
        return str(post_id)


def _valid_forward(entry: Any) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == 6
        and all(_int(entry[i]) is not None for i in (0, 1, 2, 4))
        and isinstance(entry[3], str)
        and isinstance(entry[5], str)
    )


# --- events -> inbox items and counts ----------------------------------------------------


def apply_events(
    events: Iterable[Event], cursor: Cursor, view: AccountView, now: datetime
) -> tuple[list[RemoteInboxItem], dict[str, PostStats]]:
    """Fold this account's events into the cursor; return new items and touched counts."""
    items: list[RemoteInboxItem] = []
    touched: set[str] = set()
    for event in sorted(events, key=lambda e: int(e["u"])):
        kind = event["k"]
        if kind == "f":
            view.learn(event)
            cursor.add_forward(event)
        elif kind == "r":
            key = cursor.post_key(int(event["id"]))
            likes, replies, reacted_at = cursor.stats.get(key, [0, 0, 0])
            if int(event["d"]) >= reacted_at:
                cursor.set_stats(key, int(event["n"]), replies, int(event["d"]))
                touched.add(key)
        elif kind == "c":
            known = (int(event["chat"]), int(event["id"])) in cursor.comments
            item = _comment(event, cursor, view, now)
            if item is None:
                continue  # our own answer
            # An edit: the comment again with its new text (Telegram also sends one when
            # other fields change; the inbox compares). Bots are never told of deletions.
            items.append(replace(item, edited=True) if event["e"] else item)
            if item.post_remote_id and not known:
                likes, replies, reacted_at = cursor.stats.get(item.post_remote_id, [0, 0, 0])
                cursor.set_stats(item.post_remote_id, likes, replies + 1, reacted_at)
                touched.add(item.post_remote_id)
    stats = {
        key: PostStats(likes=cursor.stats[key][0], replies=cursor.stats[key][1])
        for key in sorted(touched)
    }
    return items, stats


def _comment(
    event: Event, cursor: Cursor, view: AccountView, now: datetime
) -> RemoteInboxItem | None:
    chat, message_id = int(event["chat"]), int(event["id"])
    reply_to = int(event["re"])
    root = int(event["th"]) or cursor.comments.get((chat, reply_to), 0)
    cursor.comments.pop((chat, message_id), None)
    cursor.comments[(chat, message_id)] = root
    # Posted by our bot, as the channel, or as the group by an anonymous admin: that is us.
    ours = event["a"] in (view.channel_id, chat) if event["sc"] else event["a"] == view.bot_id
    if ours:
        return None
    post_id = cursor.forward_post(chat, root) if root else 0
    post_id = post_id or int(event["post"])
    post_key = cursor.post_key(post_id) if post_id else ""
    parent = reply_to if reply_to and reply_to != root else 0
    if view.channel_username and post_id:
        url = f"https://t.me/{view.channel_username}/{post_id}?comment={message_id}"
    else:
        thread = f"?thread={root}" if root else ""
        url = f"https://t.me/c/{short_chat_id(chat)}/{message_id}{thread}"
    handle = _str(event["hd"])
    return RemoteInboxItem(
        remote_id=f"{chat}:{message_id}",
        kind=InboxKind.REPLY if parent else InboxKind.COMMENT,
        author_id=str(event["a"]),
        author_name=_str(event["n"]) or (f"@{handle}" if handle else "Someone"),
        text=_str(event["t"]),
        created_at=unix_to_utc(event["d"], now),
        post_remote_id=post_key,
        parent_remote_id=f"{chat}:{parent}" if parent else "",
        url=url,
        author_handle=f"@{handle}" if handle else "",
    )
