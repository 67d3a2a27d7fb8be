"""Telegram Bot API transport: one method call, and what its answer means.

Every Bot API method is ``POST https://api.telegram.org/bot<TOKEN>/<method>``
and every answer is ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": N, "description": "...", "parameters": {...}}``.
Telegram says ``error_code`` and ``description`` "are subject to change", so
this module branches on the HTTP status and on ``parameters`` and only quotes
the description to the user:

* 429, or any ``parameters.retry_after``: ``RateLimited`` for that many seconds;
* ``parameters.migrate_to_chat_id`` (a group became a supergroup):
  ``Migrated``, which carries the new id so that the caller can follow it for
  the one call it is making (a connector cannot store settings from a call);
* 401 (a well-formed but revoked token) and 404 (a malformed one):
  ``AuthError``;
* 403 (the bot was removed or lost its rights): ``AuthError``, since only the
  user can fix it in Telegram;
* 409 (a webhook is set, or another program polls the same bot):
  ``Conflict``, a ``TransientError`` that says which of the two it is;
* other 4xx: ``PermanentError`` with Telegram's own words;
* 5xx: ``TransientError``; a 200 without ``"ok": true``: ``BadResponse``.

The token is part of every URL, so every error leaving this module is
re-raised without its chain (``from None``: the ``requests`` exception below
names the URL) and with the token cut out of its text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import requests

from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    ConnectorError,
    PermanentError,
    RateLimited,
    TransientError,
)
from smmdesk.platforms.http import HttpClient, json_object, seconds_until

DEFAULT_BASE_URL = "https://api.telegram.org"
#: What BotFather hands out: the bot's numeric id, a colon, ~35 URL-safe characters.
TOKEN_RE = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{20,100}")

TOKEN_REJECTED = (
    "Telegram did not accept this bot token. Copy it again from @BotFather "
    "(it looks like 123456789:AAE…), or create a new token there if it was revoked."
)
BOT_LOST_RIGHTS = (
    "SMM Desk's bot was removed from the channel or lost its rights there"
    " (Telegram said: {desc}). Add the bot back as an admin, then reconnect the account."
)
CONFLICT_POLLER = (
    "Another program is reading this bot's updates, and Telegram allows only one reader "
    "per bot. Close the other program or give SMM Desk a bot of its own; SMM Desk will "
    "try again later."
)
CONFLICT_WEBHOOK = (
    "This bot sends its updates to another service (a webhook), so SMM Desk cannot read "
    "comments. Give SMM Desk a bot of its own."
)


class Conflict(TransientError):
    """HTTP 409 from ``getUpdates``: a webhook is set, or another poller runs."""

    def __init__(self, message: str, webhook: bool) -> None:
        super().__init__(message)
        self.webhook = webhook


class TokenRejected(AuthError):
    """HTTP 401 or 404: the token itself is wrong or revoked."""


class Migrated(PermanentError):
    """The group was upgraded to a supergroup with a new id."""

    def __init__(self, message: str, new_chat_id: int) -> None:
        super().__init__(message)
        self.new_chat_id = new_chat_id


def _scrubbed(exc: ConnectorError, token: str) -> ConnectorError:
    """The same error with the token (and its secret half) cut out of the text."""
    text = str(exc)
    secret_half = token.partition(":")[2]
    for needle in (token, secret_half):
        if needle and needle in text:
            text = text.replace(needle, "…")
    if text == str(exc):
        return exc
    if isinstance(exc, RateLimited):
        return RateLimited(text, exc.retry_after)
    if isinstance(exc, Conflict):
        return Conflict(text, exc.webhook)
    if isinstance(exc, TokenRejected):
        return TokenRejected(text)
    if isinstance(exc, Migrated):
        return Migrated(text, exc.new_chat_id)
    return type(exc)(text)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


class BotApi:
    """Calls Bot API methods for one token; one instance per connector."""

    def __init__(self, base_url: str, token: str, timeout: float) -> None:
        self._token = token
        self.http = HttpClient(base_url or DEFAULT_BASE_URL, timeout)

    def close(self) -> None:
        self.http.close()

    def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, tuple[str, bytes]] | None = None,
    ) -> Any:
        """Call ``method`` and return its ``result``; raise only connector errors.

        Without files the parameters go as a JSON body; with files as
        multipart, where nested values (``media``) must already be JSON text.
        """
        try:
            if files:
                fields = {k: str(v) for k, v in (params or {}).items()}
                response = self.http.request(
                    "POST", f"bot{self._token}/{method}", data=fields, files=dict(files)
                )
            else:
                response = self.http.request(
                    "POST", f"bot{self._token}/{method}", json=dict(params or {})
                )
            try:
                return self._result(response)
            finally:
                response.close()
        except ConnectorError as exc:
            # ``from None``: the chained requests error names the URL and so the token.
            raise _scrubbed(exc, self._token) from None

    def _result(self, response: requests.Response) -> Any:
        status = response.status_code
        if status >= 500:
            raise TransientError(
                f"Telegram is having trouble (HTTP {status}); SMM Desk will try again."
            )
        try:
            body = json_object(response, "Telegram")
        except BadResponse:
            if status == 429:
                wait = seconds_until(response.headers)
                raise RateLimited(_slow_down(wait), wait) from None
            raise
        if status == 200:
            if body.get("ok") is True and "result" in body:
                return body["result"]
            raise BadResponse("Telegram answered without saying whether the request worked.")
        description = _description(body.get("description"))
        raw_parameters = body.get("parameters")
        parameters: Mapping[str, Any] = (
            raw_parameters if isinstance(raw_parameters, Mapping) else {}
        )
        retry_after = parameters.get("retry_after")
        if status == 429 or (_int(retry_after) is not None and 400 <= status < 500):
            given = _int(retry_after)
            seconds = float(given) if given is not None else seconds_until(response.headers)
            seconds = min(max(seconds, 0.0), 24 * 3600.0)
            raise RateLimited(_slow_down(seconds), seconds)
        new_chat = _int(parameters.get("migrate_to_chat_id"))
        if new_chat is not None:
            raise Migrated(
                "Telegram upgraded the discussion group to a supergroup with a new id. "
                "Reconnect the account so SMM Desk uses the new group.",
                new_chat,
            )
        if status in (401, 404):
            raise TokenRejected(TOKEN_REJECTED)
        if status == 403:
            raise AuthError(BOT_LOST_RIGHTS.format(desc=description or "forbidden"))
        if status == 409:
            webhook = "webhook" in description.lower()
            raise Conflict(CONFLICT_WEBHOOK if webhook else CONFLICT_POLLER, webhook)
        if 400 <= status < 500:
            raise PermanentError(f"Telegram refused the request: {description or 'no reason'}.")
        raise BadResponse(f"Telegram answered with an unexpected status (HTTP {status}).")


def _slow_down(seconds: float) -> str:
    return f"Telegram asks SMM Desk to slow down; it will try again in {round(seconds)} s."


def _description(value: Any) -> str:
    """Telegram's reason, as a short single line (it is shown to the user)."""
    if not isinstance(value, str):
        return ""
    text = " ".join(value.encode("utf-8", "replace").decode("utf-8").split())
    return text[:200].rstrip(".")
