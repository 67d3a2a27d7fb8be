"""A stateful Telegram Bot API on 127.0.0.1: ``/bot<token>/<method>``.

It keeps bots (tokens), chats (channels, discussion groups) with members and
rights, messages numbered per chat, and one update queue per bot with
Telegram's confirming ``offset``. What it does as Telegram does:

* parameters come as query, urlencoded form, JSON or multipart (files);
* a well-formed unknown token is 401, a malformed one 404; errors are
  ``{"ok": false, "error_code", "description", "parameters"}``;
* a channel post by a bot is not sent to that bot as an update, but its
  automatic forward into the linked discussion group is (to bots that can
  read the group: admins, or members with privacy mode off);
* ``deleteMessage`` refuses messages older than 48 hours (``now`` is a fake
  clock a test moves), ``getUpdates`` answers 409 while a webhook is set or
  when a test says another program polls, and forgets updates after 24 h;
* reaction counts are queued only if a bot asked for ``message_reaction_count``.

Tests drive the audience with ``comment``, ``react`` and ``post_as_admin``.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.http_fake import Failure, FakeServer, Reply, Request

DEFAULT_ALLOWED = {"message", "edited_message", "channel_post", "edited_channel_post"}
_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]{20,}")
_PATH = re.compile(r"/bot([^/]*)/([A-Za-z]+)")


class ApiError(Exception):
    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def telegram_error(code: int, description: str, **parameters: Any) -> Failure:
    """A Bot API error answer to queue with ``fake.fail_next``."""
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Failure.status(code, body)


@dataclass
class Bot:
    token: str
    id: int
    username: str
    privacy: bool = True
    webhook_url: str = ""
    other_poller: bool = False
    updates: list[dict[str, Any]] = field(default_factory=list)
    allowed: set[str] = field(default_factory=lambda: set(DEFAULT_ALLOWED))
    confirmed_below: int = 0

    def user(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": True, "first_name": "SMM bot", "username": self.username}


@dataclass
class Chat:
    id: int
    type: str
    title: str
    username: str = ""
    linked_chat_id: int = 0
    members: dict[int, dict[str, Any]] = field(default_factory=dict)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_id: int = 1
    member_count: int = 0

    def ref(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type, "title": self.title}
        if self.username:
            data["username"] = self.username
        return data


class TelegramFake(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        # The handler writes headers and body separately; without TCP_NODELAY every
        # answer waits ~40 ms for a delayed ACK.
        self._server.RequestHandlerClass.disable_nagle_algorithm = True  # type: ignore[attr-defined]
        self.now = float(int(time.time()))
        self.bots: dict[str, Bot] = {}
        self.chats: dict[int, Chat] = {}
        self._next_update = 7000
        self._next_chat = 1_001_000_000_000
        self._next_media_group = 900

    def __enter__(self) -> TelegramFake:
        self.start()
        return self

    # --- setting up the world ------------------------------------------------------

    def add_bot(self, token: str, username: str = "desk_bot", privacy: bool = True) -> Bot:
        bot_id = int(token.split(":")[0])
        with self.lock:
            if token not in self.bots:
                self.bots[token] = Bot(token, bot_id, username, privacy)
            return self.bots[token]

    def add_chat(self, type: str, title: str, username: str = "", members: int = 0) -> Chat:
        with self.lock:
            self._next_chat += 1
            chat = Chat(-self._next_chat, type, title, username, member_count=members)
            self.chats[chat.id] = chat
            return chat

    def add_channel(
        self, title: str = "Riga Bakery", username: str = "rigabakery", group: bool = True
    ) -> tuple[Chat, Chat | None]:
        channel = self.add_chat("channel", title, username, members=1234)
        if not group:
            return channel, None
        discussion = self.add_chat("supergroup", f"{title} Chat", members=56)
        channel.linked_chat_id = discussion.id
        discussion.linked_chat_id = channel.id
        return channel, discussion

    def set_member(self, chat: Chat, bot: Bot, status: str, **rights: bool) -> None:
        with self.lock:
            chat.members[bot.id] = {"status": status, "user": bot.user(), **rights}

    def make_admin(self, chat: Chat, bot: Bot, can_post: bool = True) -> None:
        rights = {"can_post_messages": can_post} if chat.type == "channel" else {}
        self.set_member(chat, bot, "administrator", can_delete_messages=True, **rights)

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds

    # --- the audience ---------------------------------------------------------------

    def forward_of(self, channel: Chat, post_id: int) -> int:
        """The id of the discussion group's automatic forward of a channel post."""
        group = self.chats[channel.linked_chat_id]
        for message in group.messages.values():
            origin = message.get("forward_origin") or {}
            if message.get("is_automatic_forward") and origin.get("message_id") == post_id:
                return int(message["message_id"])
        raise KeyError(post_id)

    def comment(
        self,
        group: Chat,
        text: str,
        reply_to: int,
        user_id: int = 111,
        first_name: str = "Ann",
        username: str = "ann",
        thread: bool = True,
    ) -> dict[str, Any]:
        """A user comments in the group, replying to ``reply_to`` (a forward or a comment)."""
        with self.lock:
            replied = dict(group.messages[reply_to])
            replied.pop("reply_to_message", None)
            root = replied.get("message_thread_id") or reply_to
            sender = {"id": user_id, "is_bot": False, "first_name": first_name}
            if username:
                sender["username"] = username
            fields: dict[str, Any] = {"from": sender, "text": text, "reply_to_message": replied}
            if thread:
                fields["message_thread_id"] = root
            message = self._new_message(group, **fields)
            self._deliver_group(group, {"message": message}, sender_id=user_id)
            return message

    def edit_comment(self, group: Chat, message_id: int, text: str) -> dict[str, Any]:
        """The author edits a comment: bots that see the group get ``edited_message``.

        The update carries the whole message as it now is (same ``message_id``,
        ``date`` of the original, ``edit_date`` now, still replying to its thread).
        """
        with self.lock:
            message = group.messages[message_id]
            message["text"] = text
            message["edit_date"] = int(self.now)
            sender = int(message.get("from", {}).get("id", 0))
            self._deliver_group(group, {"edited_message": dict(message)}, sender_id=sender)
            return dict(message)

    def delete_comment(self, group: Chat, message_id: int) -> None:
        """The author deletes a comment. The Bot API tells bots nothing of it."""
        with self.lock:
            del group.messages[message_id]

    def react(self, channel: Chat, message_id: int, **counts: int) -> None:
        """Reaction totals on a channel post, e.g. ``react(ch, 42, thumbs=3, heart=1)``."""
        emoji = {"thumbs": "👍", "heart": "❤", "fire": "🔥"}
        reactions = [
            {"type": {"type": "emoji", "emoji": emoji.get(k, k)}, "total_count": v}
            for k, v in counts.items()
        ]
        update = {
            "message_reaction_count": {
                "chat": channel.ref(),
                "message_id": message_id,
                "date": int(self.now),
                "reactions": reactions,
            }
        }
        with self.lock:
            for bot in self.bots.values():
                if self._status(channel, bot) == "administrator":
                    self._queue(bot, "message_reaction_count", update)

    def post_as_admin(self, channel: Chat, text: str) -> dict[str, Any]:
        """A person posts in the channel (not through the bot)."""
        with self.lock:
            message = self._new_message(channel, sender_chat=channel.ref(), text=text)
            for bot in self.bots.values():
                if self._status(channel, bot) == "administrator":
                    self._queue(bot, "channel_post", {"channel_post": message})
            self._auto_forward(channel, [message])
            return message

    def pending(self, bot: Bot) -> list[dict[str, Any]]:
        with self.lock:
            return [u for u in bot.updates if u["update_id"] >= bot.confirmed_below]

    # --- plumbing ---------------------------------------------------------------------

    def _new_message(self, chat: Chat, **fields: Any) -> dict[str, Any]:
        message = {"message_id": chat.next_id, "date": int(self.now), "chat": chat.ref(), **fields}
        chat.messages[chat.next_id] = message
        chat.next_id += 1
        return message

    def _status(self, chat: Chat, bot: Bot) -> str:
        return str(chat.members.get(bot.id, {}).get("status", "left"))

    def _queue(self, bot: Bot, kind: str, update: dict[str, Any]) -> None:
        if kind not in bot.allowed:
            return
        self._next_update += 1
        bot.updates.append({"update_id": self._next_update, **update})

    def _deliver_group(self, group: Chat, update: dict[str, Any], sender_id: int = 0) -> None:
        kind = next(iter(update))
        for bot in self.bots.values():
            status = self._status(group, bot)
            sees = status in ("administrator", "creator") or (
                status == "member" and not bot.privacy
            )
            if sees and bot.id != sender_id:
                self._queue(bot, kind, update)

    def _auto_forward(self, channel: Chat, posts: list[dict[str, Any]]) -> None:
        group = self.chats.get(channel.linked_chat_id)
        if group is None:
            return
        media_group = ""
        if len(posts) > 1:
            self._next_media_group += 1
            media_group = str(self._next_media_group)
        for post in posts:
            fields: dict[str, Any] = {k: post[k] for k in ("text", "caption", "photo") if k in post}
            if media_group:
                fields["media_group_id"] = media_group
            origin = {
                "type": "channel",
                "chat": channel.ref(),
                "message_id": post["message_id"],
                "date": post["date"],
            }
            forward = self._new_message(
                group,
                sender_chat=channel.ref(),
                is_automatic_forward=True,
                forward_origin=origin,
                forward_from_chat=channel.ref(),
                forward_from_message_id=post["message_id"],
                **fields,
            )
            self._deliver_group(group, {"message": forward})

    # --- HTTP ------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        match = _PATH.fullmatch(request.path)
        if match is None:
            return _error(ApiError(404, "Not Found"))
        token, method = match.groups()
        if not _TOKEN.fullmatch(token):
            return _error(ApiError(404, "Not Found"))
        with self.lock:
            bot = self.bots.get(token)
            if bot is None:
                return _error(ApiError(401, "Unauthorized"))
            handler = getattr(self, f"_m_{method.lower()}", None)
            if handler is None:
                return _error(ApiError(404, "Not Found: method not found"))
            try:
                result = handler(bot, _params(request))
            except ApiError as exc:
                return _error(exc)
        return Reply.json({"ok": True, "result": result})

    def _chat(self, value: Any) -> Chat:
        if isinstance(value, str) and value.startswith("@"):
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == value[1:].lower():
                    return chat
            raise ApiError(400, "Bad Request: chat not found")
        try:
            return self.chats[int(value)]
        except (KeyError, ValueError, TypeError):
            raise ApiError(400, "Bad Request: chat not found") from None

    def _can_send(self, bot: Bot, chat: Chat) -> None:
        status = self._status(chat, bot)
        if chat.type == "channel":
            if status == "left":
                raise ApiError(403, "Forbidden: bot is not a member of the channel chat")
            if not chat.members[bot.id].get("can_post_messages"):
                raise ApiError(400, "Bad Request: need administrator rights in the channel chat")
        elif status in ("left", "kicked"):
            raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")

    def _m_getme(self, bot: Bot, p: dict[str, Any]) -> Any:
        return {**bot.user(), "can_read_all_group_messages": not bot.privacy}

    def _m_getchat(self, bot: Bot, p: dict[str, Any]) -> Any:
        chat = self._chat(p.get("chat_id"))
        if not chat.username and self._status(chat, bot) == "left":
            raise ApiError(400, "Bad Request: chat not found")
        info = chat.ref()
        if chat.linked_chat_id:
            info["linked_chat_id"] = chat.linked_chat_id
        return info

    def _m_getchatmember(self, bot: Bot, p: dict[str, Any]) -> Any:
        chat = self._chat(p.get("chat_id"))
        if self._status(chat, bot) == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        member = chat.members.get(int(p.get("user_id", 0)))
        return member or {"status": "left", "user": {"id": int(p.get("user_id", 0))}}

    def _m_getchatmembercount(self, bot: Bot, p: dict[str, Any]) -> Any:
        return self._chat(p.get("chat_id")).member_count

    def _m_getwebhookinfo(self, bot: Bot, p: dict[str, Any]) -> Any:
        return {"url": bot.webhook_url, "pending_update_count": len(bot.updates)}

    def _m_setwebhook(self, bot: Bot, p: dict[str, Any]) -> Any:
        bot.webhook_url = str(p.get("url", ""))
        return True

    def _m_deletewebhook(self, bot: Bot, p: dict[str, Any]) -> Any:
        bot.webhook_url = ""
        if _flag(p.get("drop_pending_updates")):
            bot.updates.clear()
        return True

    def _m_sendmessage(self, bot: Bot, p: dict[str, Any]) -> Any:
        chat = self._chat(p.get("chat_id"))
        self._can_send(bot, chat)
        text = str(p.get("text", ""))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        fields: dict[str, Any] = {"text": text}
        reply = _json(p.get("reply_parameters"))
        if reply:
            replied = chat.messages.get(int(reply.get("message_id", 0)))
            if replied is None:
                raise ApiError(400, "Bad Request: message to be replied not found")
            replied = {k: v for k, v in replied.items() if k != "reply_to_message"}
            fields["reply_to_message"] = replied
            fields["message_thread_id"] = replied.get("message_thread_id") or replied["message_id"]
        return self._post(bot, chat, fields)

    def _post(self, bot: Bot, chat: Chat, fields: dict[str, Any]) -> dict[str, Any]:
        if chat.type == "channel":
            message = self._new_message(chat, sender_chat=chat.ref(), **fields)
            self._auto_forward(chat, [message])
            return message
        message = self._new_message(chat, **{"from": bot.user()}, **fields)
        self._deliver_group(chat, {"message": message}, sender_id=bot.id)
        return message

    def _photo(self, p: dict[str, Any], name: str) -> list[dict[str, Any]]:
        files = p.get("__files__", {})
        if name not in files:
            raise ApiError(400, "Bad Request: wrong remote file identifier specified")
        data = files[name][1]
        if len(data) > 10 * 1024 * 1024:
            raise ApiError(400, "Bad Request: file is too big")
        return [{"file_id": f"ph-{len(data)}", "file_unique_id": "u", "width": 800,
                 "height": 600, "file_size": len(data)}]  # fmt: skip

    def _caption(self, value: Any) -> str:
        caption = str(value or "")
        if len(caption.encode("utf-16-le")) // 2 > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return caption

    def _m_sendphoto(self, bot: Bot, p: dict[str, Any]) -> Any:
        chat = self._chat(p.get("chat_id"))
        self._can_send(bot, chat)
        fields: dict[str, Any] = {"photo": self._photo(p, "photo")}
        if p.get("caption"):
            fields["caption"] = self._caption(p["caption"])
        return self._post(bot, chat, fields)

    def _m_sendmediagroup(self, bot: Bot, p: dict[str, Any]) -> Any:
        chat = self._chat(p.get("chat_id"))
        self._can_send(bot, chat)
        media = _json(p.get("media"))
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: media must include 2-10 items")
        self._next_media_group += 1
        group_id = str(self._next_media_group)
        messages = []
        for item in media:
            name = str(item.get("media", "")).removeprefix("attach://")
            fields: dict[str, Any] = {"photo": self._photo(p, name), "media_group_id": group_id}
            if item.get("caption"):
                fields["caption"] = self._caption(item["caption"])
            messages.append(self._new_message(chat, sender_chat=chat.ref(), **fields))
        if chat.type == "channel":
            self._auto_forward(chat, messages)
        return messages

    def _deletable(self, bot: Bot, chat: Chat, message_id: int) -> dict[str, Any]:
        message = chat.messages.get(message_id)
        if message is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        if self.now - message["date"] >= 48 * 3600:
            raise ApiError(400, "Bad Request: message can't be deleted")
        self._can_send(bot, chat)
        return message

    def _m_deletemessage(self, bot: Bot, p: dict[str, Any]) -> Any:
        chat = self._chat(p.get("chat_id"))
        message_id = int(p.get("message_id", 0))
        self._deletable(bot, chat, message_id)
        del chat.messages[message_id]
        return True

    def _m_deletemessages(self, bot: Bot, p: dict[str, Any]) -> Any:
        chat = self._chat(p.get("chat_id"))
        ids = [int(i) for i in _json(p.get("message_ids")) or []]
        present = [i for i in ids if i in chat.messages]
        for message_id in present:
            self._deletable(bot, chat, message_id)
        if not present:
            raise ApiError(400, "Bad Request: message to delete not found")
        for message_id in present:
            del chat.messages[message_id]
        return True

    def _edit(self, bot: Bot, p: dict[str, Any], field_name: str) -> Any:
        chat = self._chat(p.get("chat_id"))
        self._can_send(bot, chat)
        message = chat.messages.get(int(p.get("message_id", 0)))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if field_name == "text" and "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        if field_name == "caption" and "photo" not in message:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        new = str(p.get(field_name, ""))
        if field_name == "caption":
            new = self._caption(new)
        if message.get(field_name, "") == new:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        message[field_name] = new
        message["edit_date"] = int(self.now)
        return message

    def _m_editmessagetext(self, bot: Bot, p: dict[str, Any]) -> Any:
        return self._edit(bot, p, "text")

    def _m_editmessagecaption(self, bot: Bot, p: dict[str, Any]) -> Any:
        return self._edit(bot, p, "caption")

    def _m_getupdates(self, bot: Bot, p: dict[str, Any]) -> Any:
        if bot.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        if bot.other_poller:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; make sure that only one "
                "bot instance is running",
            )
        allowed = _json(p.get("allowed_updates"))
        if isinstance(allowed, list):
            bot.allowed = set(allowed) if allowed else set(DEFAULT_ALLOWED)
        offset = int(p.get("offset") or 0)
        if offset > 0:
            bot.confirmed_below = max(bot.confirmed_below, offset)
        bot.updates = [u for u in bot.updates if u["update_id"] >= bot.confirmed_below]
        fresh = []
        for update in bot.updates:
            body = next(v for k, v in update.items() if k != "update_id")
            date = body.get("date", self.now) if isinstance(body, dict) else self.now
            if self.now - date < 24 * 3600:
                fresh.append(update)
        bot.updates = fresh
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        return bot.updates[:limit]


def _error(exc: ApiError) -> Reply:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return Reply.json(body, exc.code)


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _params(request: Request) -> dict[str, Any]:
    """Parameters from the query, a form, a JSON body or a multipart body."""
    params: dict[str, Any] = {k: v[0] for k, v in request.query.items()}
    content_type = request.headers.get("content-type", "")
    if "application/json" in content_type:
        body = request.json()
        if isinstance(body, dict):
            params.update(body)
    elif "application/x-www-form-urlencoded" in content_type:
        params.update({k: v[0] for k, v in request.form().items()})
    elif "multipart/form-data" in content_type:
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
        files: dict[str, tuple[str, bytes]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            payload = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename()
            if filename is not None:
                files[str(name)] = (filename, payload)
            else:
                params[str(name)] = payload.decode("utf-8")
        params["__files__"] = files
    return params


# --- a ready-made world for tests -------------------------------------------------------

_token_counter = [100_000_000]


def new_token() -> str:
    """A fresh, well-formed bot token (the connector keeps per-token state in-process)."""
    _token_counter[0] += 1
    return f"{_token_counter[0]}:AAE{_token_counter[0]}xyzSECRETxyzSECRETxyz"


@dataclass
class World:
    fake: TelegramFake
    bot: Bot
    channel: Chat
    group: Chat | None


def standard_world(
    fake: TelegramFake,
    token: str | None = None,
    *,
    username: str | None = None,
    with_group: bool = True,
    bot_in_group: bool = True,
    title: str = "Riga Bakery",
) -> World:
    """A channel with a discussion group and a bot that is admin of both.

    Without ``username`` the channel gets a unique one (worlds share a server).
    """
    bot = fake.add_bot(token or new_token())
    if username is None:
        username = f"bakery{len(fake.chats)}"
    channel, group = fake.add_channel(title, username, group=with_group)
    fake.make_admin(channel, bot)
    if group is not None and bot_in_group:
        fake.make_admin(group, bot)
    return World(fake, bot, channel, group)
