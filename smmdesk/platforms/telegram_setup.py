"""Connecting a Telegram channel: what the user typed, and what is missing.

``validate_account`` checks, in this order, and stops at the first thing
that makes publishing impossible: the token (``getMe``), the channel
(``getChat``; it must be a channel), and the bot's right to post there
(``getChatMember``: an administrator with ``can_post_messages``).

Comments are a separate matter: they come from the discussion group linked
to the channel (``linked_chat_id``), and the bot must be an admin there (or
a member with privacy mode off: ``getMe`` says ``can_read_all_group_messages``)
to see them. A channel without a group, or a bot not in it, can still
publish, so the account connects and ``settings`` say what to fix:

* ``comments``: ``ok``, ``no_group``, ``not_in_group`` or ``cannot_read``
  (``find_published`` relies on it: without the group it cannot see posts);
* ``warning``: the same in plain words, plus a note when a webhook is set.

Settings also keep ``channel_id``, ``channel_username``, ``channel_title``,
``discussion_group_id``, ``bot_id`` and ``bot_username``.
"""

from __future__ import annotations

import re
from typing import Any

from smmdesk.platforms.base import (
    AccountIdentity,
    AuthError,
    BadResponse,
    ConnectorError,
    PermanentError,
)
from smmdesk.platforms.telegram_api import BotApi, TokenRejected

_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_LINK = re.compile(r"(?:https?://)?(?:t\.me|telegram\.me)/(?:s/|c/)?([A-Za-z0-9_+]+)(?:/.*)?")


def as_int(value: Any) -> int | None:
    """An int, or the digits of a string; None for anything else (and for bools)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,20}", value.strip()):
        return int(value)
    return None


def _text(value: Any) -> str:
    return value.encode("utf-8", "replace").decode("utf-8")[:200] if isinstance(value, str) else ""


def as_object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadResponse(f"Telegram sent the {what} in an unexpected shape.")
    return value


def channel_ref(raw: str) -> int | str:
    """What the user typed as the channel, as a Bot API ``chat_id``.

    ``@name``, ``name``, ``t.me/name`` and links to a post become ``@name``;
    ``-100…`` stays a number, and bare digits or a ``t.me/c/…`` link get the
    ``-100`` channels have in the Bot API.
    """
    text = raw.strip()
    link = _LINK.fullmatch(text)
    if link:
        text = link.group(1)
        if text.startswith("+") or text == "joinchat":
            raise AuthError(
                "An invite link does not name the channel. Enter its @username, or for a "
                "private channel its numeric id that starts with -100."
            )
    number = as_int(text)
    if number is not None:
        return number if number < 0 else int(f"-100{number}")
    name = text.removeprefix("@")
    if not _USERNAME.fullmatch(name):
        raise AuthError(
            "Enter the channel as @username (for example @my_channel), or for a private "
            "channel its numeric id that starts with -100."
        )
    return f"@{name}"


def validate_account(api: BotApi, channel: str) -> AccountIdentity:
    """Check token, channel and rights; say who the account is and what is missing."""
    me = as_object(api.call("getMe"), "bot")
    bot_id = as_int(me.get("id"))
    if bot_id is None:
        raise BadResponse("Telegram did not say which bot this token belongs to.")
    bot_name = _text(me.get("username"))
    bot = f"@{bot_name}" if bot_name else "the bot"
    ref = channel_ref(channel)
    try:
        chat = as_object(api.call("getChat", {"chat_id": ref}), "channel")
    except TokenRejected:
        raise
    except (PermanentError, AuthError):
        raise AuthError(
            f"Telegram cannot find the channel {ref} for this bot. Check the name, and add "
            f"the bot {bot} to the channel as an admin."
        ) from None
    channel_id = as_int(chat.get("id"))
    if channel_id is None:
        raise BadResponse("Telegram did not say the channel's id.")
    title = _text(chat.get("title")) or str(ref)
    if chat.get("type") != "channel":
        raise AuthError(
            f"{title} is a {_text(chat.get('type')) or 'chat'}, not a channel. SMM Desk publishes "
            "to Telegram channels; enter the channel itself."
        )
    member = _member(api, channel_id, bot_id)
    if member.get("status") != "administrator" or member.get("can_post_messages") is not True:
        raise AuthError(
            f"The bot {bot} is not an admin of {title} with the right to post messages. "
            f"In Telegram open the channel, Administrators, add {bot} and allow "
            "'Post messages', then connect again."
        )
    username = _text(chat.get("username"))
    group_id = as_int(chat.get("linked_chat_id"))
    comments, warnings = _group_check(api, group_id, bot_id, bot, me, title)
    if _webhook_set(api):
        warnings.append(
            "This bot also sends its updates to another service (a webhook). SMM Desk will "
            "take them over to read comments; use a bot only for SMM Desk."
        )
    settings = {
        "channel_id": str(channel_id),
        "channel_username": username,
        "channel_title": title,
        "discussion_group_id": str(group_id) if group_id else "",
        "bot_id": str(bot_id),
        "bot_username": bot_name,
        "comments": comments,
        "warning": " ".join(warnings),
    }
    return AccountIdentity(
        remote_id=str(channel_id),
        handle=f"@{username}" if username else title,
        display_name=title,
        url=f"https://t.me/{username}" if username else "",
        settings=settings,
    )


def _member(api: BotApi, chat_id: int, bot_id: int) -> dict[str, Any]:
    """The bot's membership; "left" when Telegram will not say (not a member)."""
    try:
        member = api.call("getChatMember", {"chat_id": chat_id, "user_id": bot_id})
    except TokenRejected:
        raise
    except (PermanentError, AuthError):
        return {"status": "left"}
    return as_object(member, "member")


def _group_check(
    api: BotApi, group_id: int | None, bot_id: int, bot: str, me: dict[str, Any], title: str
) -> tuple[str, list[str]]:
    if not group_id:
        return "no_group", [
            f"{title} has no discussion group, so nobody can comment and SMM Desk has no "
            "comments to show. Link a discussion group in the channel's settings, add "
            f"{bot} to it as an admin, then reconnect."
        ]
    status = _member(api, group_id, bot_id).get("status")
    if status in ("administrator", "creator"):
        return "ok", []
    if status in ("member", "restricted"):
        if me.get("can_read_all_group_messages") is True:
            return "ok", []
        return "cannot_read", [
            f"{bot} is in the discussion group but cannot read comments. Make it an admin of "
            "the discussion group (or turn off its privacy mode in @BotFather), then reconnect."
        ]
    return "not_in_group", [
        f"Add {bot} to the discussion group of {title} as an admin to receive comments, "
        "then reconnect."
    ]


def _webhook_set(api: BotApi) -> bool:
    try:
        info = api.call("getWebhookInfo")
    except TokenRejected:
        raise
    except ConnectorError:
        return False  # only advice: a failure here does not stop the connection
    return isinstance(info, dict) and bool(info.get("url"))
