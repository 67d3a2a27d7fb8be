"""Meta's Graph API on the wire, shared by the Facebook Page and Instagram connectors.

One client (``GraphClient``) does what is the same for every Graph call:

* a pinned, versioned base URL (``https://graph.facebook.com/v25.0``), the
  Page token sent as a Bearer header (not in the URL, where logs keep it);
* the Graph error object (``{"error": {"message", "type", "code",
  "error_subcode", "error_user_msg", "fbtrace_id", "is_transient"}}``) turned
  into our error hierarchy, with the Graph code kept on the exception
  (``graph_code`` / ``graph_subcode`` / ``fbtrace_id``) for callers that must
  tell one refusal from another (Instagram's daily quota, "not enough viewers");
* throttling: codes 4 / 17 / 32 / 613 / 341 / 80001-80014 and HTTP 429 become
  ``RateLimited`` for as long as the usage headers (``X-App-Usage``,
  ``X-Page-Usage``, ``X-Business-Use-Case-Usage``) say access comes back
  (``estimated_time_to_regain_access``, minutes), else a sensible backoff;
  once a header reports 100 % with a time to wait, the client refuses further
  calls itself until then instead of digging the hole deeper;
* cursor paging (``paging.next``) followed only on the same host and only for
  a bounded number of pages.

Error meanings (developers.facebook.com/docs/graph-api/guides/error-handling):
190 (and 102) -> ``AuthError`` "connect again"; 10 and 200-299 -> ``AuthError``
naming the missing permission; 1 / 2 / ``is_transient`` / 5xx ->
``TransientError``; 368 (blocked for policy) and 506 (duplicate post) ->
``PermanentError`` with Facebook's own words; 100 + subcode 33 / HTTP 404 ->
``NotFound``; anything else -> ``PermanentError`` with the message.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    ConnectorConfig,
    ConnectorError,
    PermanentError,
    RateLimited,
    TransientError,
)
from smmdesk.platforms.http import HttpClient, json_body, seconds_until
from smmdesk.platforms.json_values import dict_of, int_of, list_of

GRAPH_VERSION = "v25.0"
DEFAULT_BASE = f"https://graph.facebook.com/{GRAPH_VERSION}"
#: Codes Meta uses for "too many calls" (app, user, Page, custom, app limit, BUC).
THROTTLE_CODES = frozenset({4, 17, 32, 341, 613, *range(80001, 80015)})
#: Used when a throttled answer names no time: the Page/BUC windows roll over
#: an hour or more, so retrying sooner than a few minutes only extends them.
DEFAULT_BACKOFF = 300.0
#: Each paged read follows ``paging.next`` at most this many times.
MAX_PAGES = 10
#: Permission names as Meta spells them, to pick out of an error message.
_PERMISSION = re.compile(
    r"\b(pages_[a-z_]+|read_insights|instagram_[a-z_]+|business_management|publish_[a-z_]+|"
    r"read_page_mailboxes|public_profile)\b"
)
_SUBCODE_WORDS = {
    458: "the SMM Desk app was removed from the Facebook account",
    459: "Facebook wants the account owner to log in on facebook.com first",
    460: "the Facebook password was changed",
    463: "the token has expired",
    464: "Facebook wants the account owner to log in on facebook.com first",
    467: "the token is no longer valid",
    492: "the person who made the token is no longer an admin of the Page",
}


class NotFound(PermanentError):
    """The object is not (or no longer) there: a deleted post or comment."""


# --- readers that never raise on a wrong type --------------------------------------------


def text_of(data: Any, key: str) -> str:
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, str) else ""


def id_of(data: Any, key: str = "id") -> str:
    """A Graph id as a string ('' if absent or odd); ids are opaque digit strings."""
    value = data.get(key) if isinstance(data, Mapping) else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)[:100]
    if isinstance(value, str):
        value = value.strip()
        if (
            value
            and len(value) <= 100
            and all(c.isascii() and (c.isalnum() or c in "_-:") for c in value)
        ):
            return value
    return ""


def time_of(data: Any, key: str = "created_time") -> datetime | None:
    """Graph's ``2026-01-01T10:00:00+0000`` (or Unix seconds) as aware UTC, or None."""
    value = data.get(key) if isinstance(data, Mapping) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 0 < value < 1e11:
            return datetime.fromtimestamp(value, UTC)
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def graph_stamp(when: datetime) -> int:
    """A datetime as the Unix seconds Graph takes for ``scheduled_publish_time``/``since``."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp())


# --- usage headers -----------------------------------------------------------------------


def usage_wait(headers: Mapping[str, str]) -> tuple[float, float | None]:
    """(highest usage percent, seconds until access returns or None) from the usage headers.

    ``X-App-Usage`` / ``X-Page-Usage``: ``{"call_count": %, "total_cputime": %,
    "total_time": %}`` (``X-Page-Usage`` may add ``estimated_time_to_regain_access``);
    ``X-Business-Use-Case-Usage``: ``{"<id>": [{"type", "call_count", ...,
    "estimated_time_to_regain_access": minutes}]}``. Unreadable headers count
    as nothing.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    entries: list[Mapping[str, Any]] = []
    for name in ("x-app-usage", "x-page-usage", "x-ad-account-usage"):
        parsed = _json_header(lowered.get(name, ""))
        if isinstance(parsed, dict):
            entries.append(parsed)
    buc = _json_header(lowered.get("x-business-use-case-usage", ""))
    if isinstance(buc, dict):
        for value in list(buc.values())[:50]:
            for entry in value[:50] if isinstance(value, list) else []:
                if isinstance(entry, dict):
                    entries.append(entry)
    percent = 0.0
    wait: float | None = None
    for entry in entries:
        for key in ("call_count", "total_cputime", "total_time", "acc_id_util_pct"):
            number = int_of(entry, key, 0, 10_000)
            if number is not None:
                percent = max(percent, float(number))
        minutes = int_of(entry, "estimated_time_to_regain_access", 0, 24 * 60)
        if minutes:
            wait = max(wait or 0.0, minutes * 60.0)
    return percent, wait


def _json_header(value: str) -> Any:
    if not value or len(value) > 20_000:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


# --- errors --------------------------------------------------------------------------------


def _tag(
    error: ConnectorError, code: int | None, subcode: int | None, trace: str
) -> ConnectorError:
    """Keep the Graph code on the exception for callers that must tell refusals apart."""
    error.graph_code = code  # type: ignore[attr-defined]
    error.graph_subcode = subcode  # type: ignore[attr-defined]
    error.fbtrace_id = trace  # type: ignore[attr-defined]
    return error


def graph_code(error: BaseException) -> tuple[int | None, int | None]:
    """The (code, subcode) a Graph error carried, or (None, None)."""
    return getattr(error, "graph_code", None), getattr(error, "graph_subcode", None)


def missing_permission(message: str) -> str:
    """The first permission name in a Graph message ('' if it names none)."""
    found = _PERMISSION.search(message or "")
    return found.group(1) if found else ""


class GraphClient:
    """Authenticated Graph calls with Meta's error object and usage headers understood.

    ``what`` names the network in messages ("Facebook", "Instagram"). One
    instance per connector (and so per job); not shared across threads.
    """

    def __init__(
        self,
        config: ConnectorConfig,
        what: str = "Facebook",
        token_keys: tuple[str, ...] = ("page_token", "access_token"),
    ) -> None:
        self.config = config
        self.what = what
        self.base_url = (config.base_url or DEFAULT_BASE).rstrip("/")
        self.http = HttpClient(self.base_url, timeout=config.timeout)
        token = ""
        for key in token_keys:
            value = config.secret.get(key, "") if config.secret else ""
            if isinstance(value, str) and value.strip():
                token = value.strip()
                break
        self.token = token
        #: Highest usage percent any header reported on the last answer.
        self.usage_percent = 0.0
        self._blocked_until = 0.0

    def close(self) -> None:
        self.http.close()

    # --- calls ---------------------------------------------------------------------------

    def get(
        self, path: str, params: Mapping[str, Any] | None = None, doing: str = "", needs: str = ""
    ) -> dict[str, Any]:
        return self.call("GET", path, params=params, doing=doing, needs=needs)

    def post(
        self,
        path: str,
        data: Mapping[str, Any] | None = None,
        doing: str = "",
        needs: str = "",
        files: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self.call("POST", path, data=data, files=files, doing=doing, needs=needs)

    def delete(self, path: str, doing: str = "", needs: str = "") -> dict[str, Any]:
        return self.call("DELETE", path, doing=doing, needs=needs)

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        doing: str = "",
        needs: str = "",
    ) -> dict[str, Any]:
        """Send one call; a JSON object back (``true`` becomes ``{"success": True}``).

        ``needs`` names the permission the call depends on, so a permission
        error can say which one to grant when Facebook's message does not.
        """
        if not self.token:
            raise AuthError(
                f"No {self.what} access token is stored for this account; connect it again."
            )
        if path.startswith(("http://", "https://")) and not self._same_host(path):
            raise BadResponse(f"{self.what} pointed to another address for the next page.")
        now = time.monotonic()
        if now < self._blocked_until:
            raise RateLimited(
                f"{self._prefix(doing)}{self.what} asked SMM Desk to pause its calls for a while.",
                self._blocked_until - now,
            )
        response = self.http.request(
            method,
            path,
            params=dict(params) if params else None,
            data=dict(data) if data else None,
            files=files,
            headers={"Authorization": f"Bearer {self.token}"},
        )
        percent, wait = usage_wait(response.headers)
        self.usage_percent = percent
        if percent >= 100 and wait:
            self._blocked_until = time.monotonic() + wait
        if response.status_code >= 300 or _has_error(response):
            raise self._error(response, doing, needs, wait)
        body = json_body(response, self.what)
        if body is True:
            return {"success": True}
        if not isinstance(body, dict):
            raise BadResponse(
                f"{self._prefix(doing)}{self.what} sent an answer of an unexpected shape."
            )
        return body

    def get_all(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        doing: str = "",
        needs: str = "",
        max_pages: int = MAX_PAGES,
        max_items: int = 500,
    ) -> list[dict[str, Any]]:
        """The ``data`` items of a list edge; ``paging.next`` is followed boundedly."""
        items: list[dict[str, Any]] = []
        body = self.get(path, params, doing, needs)
        for number in range(max(1, max_pages)):
            items.extend(item for item in list_of(body, "data") if isinstance(item, dict))
            following = next_page(body)
            if len(items) >= max_items or not following or number == max_pages - 1:
                break
            body = self.get(following, None, doing, needs)
        return items[:max_items]

    def granted_permissions(self) -> set[str] | None:
        """The permissions the token carries, or None when Facebook will not say.

        ``/debug_token`` answers for a token about itself when the app allows
        it; ``/me/permissions`` answers for user tokens. A Page token often
        gets neither, and then the connector judges by what it can read.
        """
        try:
            body = self.get("/debug_token", {"input_token": self.token}, "Checking the token")
        except (PermanentError, BadResponse, AuthError) as exc:
            _reraise_bad_token(exc)
            body = {}
        data = dict_of(body, "data")
        if data.get("is_valid") is False:
            raise AuthError(
                f"{self.what} says this token is no longer valid; make a new one and connect again."
            )
        scopes = data.get("scopes")
        if isinstance(scopes, list):
            return {s for s in scopes if isinstance(s, str)}
        try:
            items = self.get_all("/me/permissions", None, "Checking the permissions", max_pages=2)
        except (PermanentError, BadResponse, AuthError) as exc:
            _reraise_bad_token(exc)
            return None
        granted = {
            text_of(item, "permission")
            for item in items
            if text_of(item, "status") == "granted" and text_of(item, "permission")
        }
        return granted or None

    # --- internals ----------------------------------------------------------------------

    def _same_host(self, url: str) -> bool:
        ours, theirs = urlsplit(self.base_url), urlsplit(url)
        return (ours.scheme, ours.netloc) == (theirs.scheme, theirs.netloc)

    def _prefix(self, doing: str) -> str:
        return f"{doing}: " if doing else ""

    def _clean(self, text: str) -> str:
        text = " ".join(str(text).split())[:300]
        return text.replace(self.token, "•••") if self.token else text

    def _error(
        self, response: requests.Response, doing: str, needs: str, wait: float | None
    ) -> ConnectorError:
        status = response.status_code
        prefix = self._prefix(doing)
        try:
            body = json_body(response, self.what)
        except BadResponse:
            if status != 429:
                raise  # a web page or garbage instead of the error object
            body = {}
        error = dict_of(body, "error")
        code = int_of(error, "code", -(10**9), 10**9)
        subcode = int_of(error, "error_subcode", -(10**9), 10**9)
        trace = self._clean(text_of(error, "fbtrace_id"))[:40]
        said = self._clean(text_of(error, "error_user_msg") or text_of(error, "message"))
        tail = f" {self.what} said: {said}" if said else ""
        trace_note = f" (Facebook trace id {trace})" if trace else ""

        def tagged(exc: ConnectorError) -> ConnectorError:
            return _tag(exc, code, subcode, trace)

        if code in THROTTLE_CODES or status == 429:
            seconds = wait or seconds_until(response.headers, default=DEFAULT_BACKOFF)
            return tagged(
                RateLimited(
                    f"{prefix}{self.what} asks SMM Desk to slow down (too many calls); it will "
                    "try again later.",
                    seconds,
                )
            )
        if code in (190, 102) or (status == 401 and code is None):
            reason = _SUBCODE_WORDS.get(subcode or 0, "the token is invalid or was revoked")
            return tagged(
                AuthError(
                    f"{prefix}{self.what} no longer accepts this account's token ({reason}). "
                    "Connect the account again."
                )
            )
        outside_window = "outside of allowed window" in said.lower()
        if code == 10 and (subcode in (2018278, 2018065, 2018108, 2534022) or outside_window):
            return tagged(
                PermanentError(
                    f"{prefix}the 24-hour window for answering this person on Messenger has "
                    "closed; Facebook lets a Page reply only within 24 hours of their last "
                    f"message.{tail}"
                )
            )
        if code == 551:
            return tagged(PermanentError(f"{prefix}this person cannot be reached right now.{tail}"))
        if code == 10 or (code is not None and 200 <= code <= 299):
            permission = missing_permission(said) or needs
            named = f"the permission {permission}" if permission else "a permission it needs"
            return tagged(
                AuthError(
                    f"{prefix}the token lacks {named}. Make a new token that grants it and "
                    f"connect the account again.{tail}"
                )
            )
        if code in (1, 2) or error.get("is_transient") is True or status >= 500:
            return tagged(
                TransientError(
                    f"{prefix}{self.what} had a temporary problem; it will be tried again.{tail}"
                )
            )
        if code == 368:
            return tagged(
                PermanentError(
                    f"{prefix}{self.what} has temporarily blocked this action on the Page (its "
                    f"rules on spam or abuse).{tail}{trace_note}"
                )
            )
        if code == 506:
            return tagged(
                PermanentError(
                    f"{prefix}{self.what} refused it as a duplicate of a recent post.{tail}"
                )
            )
        if (code == 100 and subcode == 33) or status == 404:
            return tagged(
                NotFound(f"{prefix}{self.what} cannot find it (it may be deleted).{tail}")
            )
        if 300 <= status < 400:
            return tagged(
                PermanentError(f"{prefix}{self.what} sent SMM Desk elsewhere (HTTP {status}).")
            )
        if not error and status < 300:
            return tagged(BadResponse(f"{prefix}{self.what} sent an error it did not explain."))
        detail = tail or f" (HTTP {status})"
        return tagged(
            PermanentError(f"{prefix}{self.what} refused the request.{detail}{trace_note}")
        )


def _reraise_bad_token(exc: ConnectorError) -> None:
    """A dead token stays an error; "you may not ask that" only means "not known"."""
    if isinstance(exc, AuthError) and graph_code(exc)[0] in (None, 190, 102):
        raise exc


def _has_error(response: requests.Response) -> bool:
    """A 2xx answer that still carries an ``error`` object (batch-style answers do)."""
    if not response.content or b'"error"' not in response.content[:200]:
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("error"), dict)


def next_page(body: Mapping[str, Any]) -> str:
    """The ``paging.next`` URL of a list answer, or ''."""
    following = text_of(dict_of(body, "paging"), "next")
    return following if following.startswith(("https://", "http://")) else ""
