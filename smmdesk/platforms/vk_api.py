"""VK's wire: method calls, what its error codes mean, and readers that never
trust a field.

VK answers almost everything with HTTP 200: ``{"response": ...}`` on success,
``{"error": {"error_code", "error_msg", "request_params", ...}}`` otherwise.
So the status code says little and the error object says what happened:

* 5 (authorization failed), 17 (validation required), 18/37 (user deleted or
  banned), 27/28 (community / application token refused) -> ``AuthError``:
  the account must be reconnected;
* 6 (too many requests per second) -> ``RateLimited(1)``; 9 (flood control:
  the same action repeated too often) -> ``RateLimited`` for minutes; 29
  (daily method quota) -> ``RateLimited`` until the next UTC midnight;
* 14 (captcha) -> ``CaptchaRequired`` with VK's sid and picture. The answer
  comes back through ``options["captcha_sid"/"captcha_key"]`` and goes out
  with the *writing* calls of that next job (one connector, one job), since we
  cannot know which of them VK will check; we never retry by ourselves, so a
  wrong answer is one more picture, not a loop;
* 7/15/200/203 (permission / access denied) -> ``AuthError`` naming the right
  the token lacks (a scope, or admin rights in the community);
* 210-214, 222-224 (wall refusals) and 100 (bad parameter) ->
  ``PermanentError`` with VK's words; 104 -> ``NotFound``;
* 1/10/13/36 (VK's own trouble) and HTTP 5xx -> ``TransientError``.

IDs are integers; a community is a *negative* ``owner_id``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    CaptchaRequired,
    ConnectorConfig,
    PermanentError,
    RateLimited,
    TransientError,
)
from smmdesk.platforms.http import HttpClient, json_body, seconds_until
from smmdesk.platforms.json_values import dict_of, list_of

API_VERSION = "5.199"
DEFAULT_BASE_URL = "https://api.vk.com"
WHAT = "VK"
#: Error 9: how long to leave a repeated action alone.
FLOOD_WAIT_SECONDS = 10 * 60.0
#: Methods that change something: a captcha answer goes out with these.
WRITING = (
    "wall.post",
    "wall.edit",
    "wall.createComment",
    "messages.send",
    "photos.saveWallPhoto",
)
#: Which token right a method family needs, in the words the user sees in VK.
_SCOPE_OF = {
    "wall": "wall",
    "photos": "photos",
    "stats": "stats",
    "messages": "messages",
    "groups": "groups",
}


#: When each token may send its next request (monotonic seconds), shared by every
#: connector in the process: VK counts requests per token, not per connection.
_next_slot: dict[str, float] = {}
_pace_lock = threading.Lock()


def _pace(token: str, interval: float) -> None:
    """Wait for this token's next slot so that VK never answers error 6 to us."""
    if interval <= 0:
        return
    key = hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]
    with _pace_lock:
        now = time.monotonic()
        slot = max(now, _next_slot.get(key, 0.0))
        _next_slot[key] = slot + interval
    if slot > now:
        time.sleep(slot - now)


class NotFound(PermanentError):
    """The post, comment or community is not (or no longer) on VK."""


# --- readers that never raise on a wrong type ------------------------------------


def text_of(data: Any, key: str) -> str:
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, str) else ""


def int_of(data: Any, key: str, lo: int = -(10**15), hi: int = 10**15) -> int | None:
    """An integer field (VK sends numbers; a digit string is accepted), clamped."""
    value = data.get(key) if isinstance(data, Mapping) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        digits = value.strip()
        negative = digits.startswith("-")
        digits = digits.lstrip("-")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 15:
            return None
        value = -int(digits) if negative else int(digits)
    if isinstance(value, int):
        return min(max(value, lo), hi)
    return None


def count_of(data: Any, key: str) -> int:
    """``{"likes": {"count": 3}}`` -> 3; anything odd -> 0."""
    return int_of(dict_of(data, key), "count", 0, 10**12) or 0


def time_of(data: Any, key: str = "date") -> datetime | None:
    """A Unix-seconds field as an aware UTC datetime, or None."""
    value = int_of(data, key, 0, 253_402_300_799)  # up to year 9999
    if not value:
        return None
    return datetime.fromtimestamp(value, UTC)


def items_of(response: Any) -> list[dict[str, Any]]:
    """``{"items": [...]}`` or a bare list (older versions), objects only."""
    found = response if isinstance(response, list) else list_of(response, "items")
    return [item for item in found if isinstance(item, dict)]


def post_url(group_id: int, post_id: int | str) -> str:
    return f"https://vk.com/wall-{group_id}_{post_id}"


def seconds_to_utc_midnight(now: datetime | None = None) -> float:
    now = now or datetime.now(UTC)
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60.0, (tomorrow - now).total_seconds())


# --- the client ------------------------------------------------------------------


class VkApi:
    """Method calls with a user token and, where given, a community token.

    Requests are paced per token (VK allows about 3 a second with a user token
    and 20 with a community token) so that an inbox sync over twenty posts does
    not run into error 6; tests set the intervals to 0.
    """

    user_interval = 0.34
    group_interval = 0.05

    def __init__(self, config: ConnectorConfig) -> None:
        secret = config.secret or {}
        self.user_token = _clean_secret(secret.get("access_token"))
        self.group_token = _clean_secret(secret.get("community_token"))
        if not self.user_token:
            raise AuthError("Paste the VK access token of a community administrator.")
        self.base_url = (config.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.http = HttpClient(self.base_url, config.timeout)
        options = config.options or {}
        sid, key = options.get("captcha_sid", ""), options.get("captcha_key", "")
        self._captcha: tuple[str, str] | None = (sid, key) if sid and key else None

    def close(self) -> None:
        self.http.close()

    def call(
        self,
        method: str,
        params: Mapping[str, str | int] | None = None,
        *,
        group: bool = False,
        doing: str = "",
    ) -> Any:
        """Call ``method``; return its ``response`` or raise the mapped error."""
        token = self.group_token if group else self.user_token
        if not token:
            raise AuthError(f"{doing or method}: this needs the community token (not given).")
        data: dict[str, str] = {k: str(v) for k, v in (params or {}).items()}
        data["v"] = API_VERSION
        data["access_token"] = token
        answered = self._captcha is not None and method in WRITING
        if answered and self._captcha is not None:
            data["captcha_sid"], data["captcha_key"] = self._captcha
        _pace(token, self.group_interval if group else self.user_interval)
        response = self.http.request("POST", f"/method/{method}", data=data)
        body = self._body(response, doing)
        error = body.get("error")
        if error is not None:
            if answered and int_of(error, "error_code") == 14:
                self._captcha = None  # that answer is spent: the next picture needs a new one
            self._raise_for(error, method, doing, answered)
        if "response" not in body:
            raise BadResponse(f"{self._prefix(doing)}VK sent an answer without a result.")
        return body["response"]

    def upload(self, upload_url: str, name: str, data: bytes, mime: str, doing: str) -> Any:
        """POST one photo to the upload server VK named; its JSON answer."""
        if not upload_url.startswith(("https://", "http://")):
            raise BadResponse(f"{self._prefix(doing)}VK named an upload address we cannot use.")
        response = self.http.request(
            "POST", upload_url, files={"photo": (name, data, mime)}, timeout=self.http.timeout * 3
        )
        body = self._body(response, doing)
        error = body.get("error")
        if error is not None:
            if isinstance(error, dict):
                self._raise_for(error, "photos.upload", doing, False)
            raise PermanentError(f"{self._prefix(doing)}VK's upload server refused the image.")
        return body

    # --- error mapping ---------------------------------------------------------------

    def _prefix(self, doing: str) -> str:
        return f"{doing}: " if doing else ""

    def _clean(self, text: str) -> str:
        text = " ".join(text.split())[:300]
        for token in (self.user_token, self.group_token):
            if token:
                text = text.replace(token, "•••")
        return text

    def _body(self, response: requests.Response, doing: str) -> dict[str, Any]:
        status = response.status_code
        prefix = self._prefix(doing)
        if status == 429:
            raise RateLimited(f"{prefix}VK asks us to slow down.", seconds_until(response.headers))
        if status >= 500:
            raise TransientError(
                f"{prefix}VK had a problem (HTTP {status}); it will be tried again."
            )
        if 300 <= status < 400:
            raise PermanentError(f"{prefix}VK sent us elsewhere (HTTP {status}).")
        body = json_body(response, WHAT)
        if not isinstance(body, dict):
            raise BadResponse(f"{prefix}VK sent an answer of an unexpected shape.")
        if status != 200 and "error" not in body:
            raise PermanentError(f"{prefix}VK refused the request (HTTP {status}).")
        return body

    def _raise_for(self, error: Any, method: str, doing: str, answered: bool) -> None:
        prefix = self._prefix(doing)
        if not isinstance(error, dict):
            raise BadResponse(f"{prefix}VK sent an error we cannot read.")
        code = int_of(error, "error_code")
        said = self._clean(text_of(error, "error_msg") or text_of(error, "error_text"))
        detail = f" VK said: {said}" if said else ""
        if code in (6,):
            raise RateLimited(f"{prefix}VK allows only a few requests a second.", 1.0)
        if code == 9:
            raise RateLimited(
                f"{prefix}VK's flood control stopped this action for a while (the same action "
                "was repeated too often). It will be tried again in a few minutes.",
                FLOOD_WAIT_SECONDS,
            )
        if code == 29:
            raise RateLimited(
                f"{prefix}VK's daily limit for this kind of request is used up; it will be "
                "tried again tomorrow.",
                seconds_to_utc_midnight(),
            )
        if code == 14:
            sid = text_of(error, "captcha_sid") or str(int_of(error, "captcha_sid") or "")
            image = self._clean(text_of(error, "captcha_img"))
            again = " The last answer was not right." if answered else ""
            raise CaptchaRequired(
                f"{prefix}VK wants a person to type the characters from a picture before it "
                f"does this.{again}",
                sid,
                image if image.startswith(("https://", "http://")) else "",
            )
        if code == 5:
            raise AuthError(
                f"{prefix}VK no longer accepts this sign-in (the access token is invalid, "
                f"expired or revoked). Reconnect the account with a new token.{detail}"
            )
        if code == 27:
            raise AuthError(
                f"{prefix}VK does not accept the community token (it was deleted or "
                f"regenerated). Make a new one and reconnect the account.{detail}"
            )
        if code in (17, 24, 25):
            raise AuthError(
                f"{prefix}VK wants the account owner to confirm the sign-in in a browser "
                f"first; then reconnect the account.{detail}"
            )
        if code in (18, 37):
            raise AuthError(f"{prefix}VK says this user page is deleted or banned.{detail}")
        if code in (2, 28):
            raise AuthError(f"{prefix}VK does not accept the application of this token.{detail}")
        if code in (7, 15, 200):
            raise AuthError(f"{prefix}{missing_right(method, bool(code == 15))}{detail}")
        if code == 203:
            raise AuthError(
                f"{prefix}VK denies access to the community: the token's user is not one of "
                f"its administrators or editors.{detail}"
            )
        if code in (1, 10, 13, 36):
            raise TransientError(f"{prefix}VK had a problem; it will be tried again.{detail}")
        if code == 214:
            raise PermanentError(
                f"{prefix}VK does not allow adding this post now (posting may be closed in "
                f"the community, or its daily limit of posts is reached).{detail}"
            )
        if code in (104, 113, 125) or (code == 100 and "not found" in said.lower()):
            raise NotFound(f"{prefix}VK cannot find it (it may have been deleted).{detail}")
        if code is None:
            raise BadResponse(f"{prefix}VK sent an error without a code.{detail}")
        raise PermanentError(f"{prefix}VK refused the request (error {code}).{detail}")


def missing_right(method: str, access: bool) -> str:
    """Plain words for a permission error on ``method``."""
    family = method.split(".", 1)[0]
    scope = _SCOPE_OF.get(family, "")
    if family == "messages":
        return (
            "The community token lacks the right to manage messages, or messages are "
            "switched off in the community. Turn on messages (Manage → Messages) and give "
            "the token the “Community messages” right, then reconnect."
        )
    if scope:
        return (
            f"The VK access token lacks the “{scope}” right. Make a new token with the "
            "rights wall, photos, groups, stats and offline, then reconnect the account."
        )
    what = "access" if access else "permission"
    return f"VK denies {what} for this action with this token."


def _clean_secret(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def post_id_of(remote_id: str) -> int:
    """Our remote ids are VK post ids; anything else cannot be one of ours."""
    value = remote_id.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 15 or int(value) <= 0:
        raise PermanentError("This is not a VK post id SMM Desk knows.")
    return int(value)


def attachments_of(post: dict[str, Any]) -> list[str]:
    """The ``photo<owner>_<id>`` strings of a post's photos (other kinds kept too)."""
    found = []
    for attachment in list_of(post, "attachments"):
        kind = text_of(attachment, "type")
        media = dict_of(attachment, kind) if kind else {}
        owner, media_id = int_of(media, "owner_id"), int_of(media, "id")
        if kind.isalpha() and owner is not None and media_id is not None:
            found.append(f"{kind}{owner}_{media_id}")
    return found[:10]
