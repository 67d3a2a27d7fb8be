"""Mastodon's wire: authenticated requests, what its status codes mean, and
readers that turn its JSON into plain values without ever trusting a field.

Split from ``mastodon.py`` so that the connector and the inbox reader share
one error mapping:

* 401: the token is invalid or revoked -> ``AuthError`` (sign in again);
* 403: a missing scope, or a login that is disabled / not confirmed ->
  ``AuthError``; anything else Mastodon forbids (editing someone else's post)
  -> ``PermanentError``;
* 404 / 410: ``NotFound`` (a ``PermanentError`` the callers catch where "gone"
  is an answer: a deleted post, a scheduled post that went out);
* 422: ``PermanentError`` with Mastodon's own words ("Text can't be blank");
* 429: ``RateLimited`` until ``X-RateLimit-Reset`` (an ISO time);
* 5xx: ``TransientError``; a redirect: ``PermanentError`` (a wrong address).

IDs are opaque strings, compared by length and then character by character,
never cast to numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import requests

from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    ConnectorConfig,
    PermanentError,
    PostStats,
    PublishedPost,
    RateLimited,
    TransientError,
)
from smmdesk.platforms.http import HttpClient, json_body, seconds_until
from smmdesk.platforms.json_values import dict_of, int_of, list_of
from smmdesk.platforms.mastodon_oauth import normalize_instance_url

WHAT = "The Mastodon server"


class NotFound(PermanentError):
    """The thing asked for is not (or no longer) on the server."""


def id_key(value: str) -> tuple[int, str]:
    """Sort key for Mastodon ids: longer is newer, then lexical order."""
    return (len(value), value)


def newest(*values: str) -> str:
    present = [v for v in values if v]
    return max(present, key=id_key) if present else ""


# --- readers that never raise on a wrong type --------------------------------


def text_of(data: Any, key: str) -> str:
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, str) else ""


def id_of(data: Any, key: str = "id") -> str:
    """An id field as a string ('' if absent); numbers are kept as their digits."""
    value = data.get(key) if isinstance(data, Mapping) else None
    if isinstance(value, str):
        return value.strip()[:200]
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)[:200]
    return ""


def time_of(data: Any, key: str = "created_at") -> datetime | None:
    """An RFC 3339 time as an aware UTC datetime, or None."""
    raw = text_of(data, key).strip()
    if not raw or len(raw) > 64:
        return None
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def status_url(base_url: str, acct: str, status_id: str) -> str:
    return f"{base_url}/@{acct}/{status_id}" if acct else f"{base_url}/web/statuses/{status_id}"


def published_post(status: Any, base_url: str, acct: str) -> PublishedPost:
    """A ``Status`` as ``PublishedPost``; ``BadResponse`` without an id."""
    status_id = id_of(status)
    if not status_id:
        raise BadResponse(f"{WHAT} answered without the post's id.")
    url = text_of(status, "url")
    if not url.startswith(("https://", "http://")):
        account_acct = text_of(dict_of(status, "account"), "acct") or acct
        url = status_url(base_url, account_acct, status_id)
    return PublishedPost(status_id, url, time_of(status) or datetime.now(UTC))


def next_link(header: str) -> str:
    """The ``rel="next"`` URL of a ``Link`` header, or ''."""
    for part in (header or "").split(","):
        if 'rel="next"' in part or "rel=next" in part:
            start, end = part.find("<"), part.find(">")
            if 0 <= start < end:
                return part[start + 1 : end].strip()
    return ""


# --- the client -----------------------------------------------------------------


class MastodonApi:
    """Authenticated requests to one server, with Mastodon's error mapping."""

    def __init__(self, config: ConnectorConfig) -> None:
        self.base_url = normalize_instance_url(config.base_url)
        token = config.secret.get("access_token", "") if config.secret else ""
        self._token = token.strip() if isinstance(token, str) else ""
        if not self._token:
            raise AuthError("Sign in to Mastodon, or paste an access token.")
        self.http = HttpClient(self.base_url, config.timeout)
        self.http.session.headers["Authorization"] = f"Bearer {self._token}"

    def close(self) -> None:
        self.http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] | Mapping[str, str] | None = None,
        data: Sequence[tuple[str, str]] | Mapping[str, str] | None = None,
        files: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        doing: str = "",
    ) -> requests.Response:
        """Send; return the response if 2xx, else raise the mapped error."""
        if path.startswith(("http://", "https://")) and not path.startswith(self.base_url + "/"):
            raise BadResponse(f"{WHAT} pointed to another address for the next page.")
        response = self.http.request(
            method, path, params=params, data=data, files=files, headers=dict(headers or {})
        )
        if 200 <= response.status_code < 300:
            return response
        self._raise_for(response, doing)
        raise AssertionError("unreachable")  # pragma: no cover

    def get_json(self, path: str, params: Any = None, doing: str = "") -> Any:
        return json_body(self.request("GET", path, params=params, doing=doing), WHAT)

    def get_object(self, path: str, params: Any = None, doing: str = "") -> dict[str, Any]:
        body = self.get_json(path, params, doing)
        if not isinstance(body, dict):
            raise BadResponse(f"{WHAT} sent an answer of an unexpected shape.")
        return body

    def get_list(self, path: str, params: Any = None, doing: str = "") -> list[Any]:
        body, _ = self.get_page(path, params, doing)
        return body

    def get_page(self, path: str, params: Any = None, doing: str = "") -> tuple[list[Any], str]:
        """A JSON array and the ``Link`` header's next URL."""
        response = self.request("GET", path, params=params, doing=doing)
        body = json_body(response, WHAT)
        if not isinstance(body, list):
            raise BadResponse(f"{WHAT} sent an answer of an unexpected shape.")
        return body, next_link(response.headers.get("Link", ""))

    def object_of(self, response: requests.Response) -> dict[str, Any]:
        body = json_body(response, WHAT)
        if not isinstance(body, dict):
            raise BadResponse(f"{WHAT} sent an answer of an unexpected shape.")
        return body

    # --- error mapping -------------------------------------------------------------

    def _clean(self, text: str) -> str:
        """The server's message, short, with our token blotted out just in case."""
        text = " ".join(text.split())[:300]
        return text.replace(self._token, "•••") if self._token else text

    def _error_text(self, response: requests.Response) -> str:
        try:
            body = json_body(response, WHAT)
        except (BadResponse, TransientError):
            return ""
        if not isinstance(body, dict):
            return ""
        text = body.get("error")
        if not isinstance(text, str):
            text = body.get("error_description")
        return self._clean(text) if isinstance(text, str) else ""

    def _raise_for(self, response: requests.Response, doing: str) -> None:
        status = response.status_code
        prefix = f"{doing}: " if doing else ""
        if status == 429:
            raise RateLimited(
                f"{prefix}Mastodon asks us to slow down for a while.",
                seconds_until(response.headers),
            )
        if status >= 500:
            raise TransientError(
                f"{prefix}The Mastodon server had a problem (HTTP {status}); it will be "
                "tried again."
            )
        if 300 <= status < 400:
            raise PermanentError(
                f"{prefix}The server sent us elsewhere (HTTP {status}). Check the server "
                "address in the account settings."
            )
        detail = self._error_text(response)
        said = f" Mastodon said: {detail}" if detail else ""
        if status == 401:
            raise AuthError(
                f"{prefix}Mastodon no longer accepts this sign-in (the access token is "
                f"invalid or was revoked). Sign in again.{said}"
            )
        if status == 403:
            lowered = detail.lower()
            if any(w in lowered for w in ("scope", "login", "disabled", "confirm", "suspend")):
                raise AuthError(f"{prefix}Mastodon does not allow this with this sign-in.{said}")
            raise PermanentError(f"{prefix}Mastodon does not allow this.{said}")
        if status in (404, 410):
            raise NotFound(f"{prefix}Mastodon cannot find it (it may have been deleted).{said}")
        if status == 422:
            raise PermanentError(f"{prefix}Mastodon refused it.{said}")
        raise PermanentError(f"{prefix}Mastodon refused the request (HTTP {status}).{said}")


def instance_settings(api: MastodonApi) -> dict[str, str]:
    """The server's limits as account settings; {} from a server that hides them."""
    try:
        instance = api.get_object("/api/v2/instance", doing="Reading the server's limits")
    except NotFound:
        try:
            instance = api.get_object("/api/v1/instance", doing="Reading the limits")
        except NotFound:
            return {}
    configuration = dict_of(instance, "configuration")
    statuses = dict_of(configuration, "statuses")
    media = dict_of(configuration, "media_attachments")
    found: dict[str, int | None] = {
        "max_characters": int_of(statuses, "max_characters", 1, 1_000_000)
        or int_of(instance, "max_toot_chars", 1, 1_000_000),
        "max_media_attachments": int_of(statuses, "max_media_attachments", 1, 100),
        "characters_reserved_per_url": int_of(statuses, "characters_reserved_per_url", 0, 10_000),
        "image_size_limit": int_of(media, "image_size_limit", 1, 10**10),
    }
    settings = {key: str(value) for key, value in found.items() if value is not None}
    types = [
        t.strip()
        for t in list_of(media, "supported_mime_types")
        if isinstance(t, str) and t.startswith("image/") and len(t) < 60 and "," not in t
    ]
    if types:
        settings["image_types"] = ",".join(types[:20])
    version = text_of(instance, "version")
    if version:
        settings["instance_version"] = version[:60]
    return settings


#: ``GET /api/v1/statuses?id[]=`` takes at most 20 ids.
STATUS_BATCH = 20


def post_stats(api: MastodonApi, remote_ids: Sequence[str]) -> dict[str, PostStats]:
    """Counts of some statuses: by twenties where the server can (4.3+), else one by one.

    Ids that are gone (deleted on the network) are left out.
    """
    ids = [i for i in dict.fromkeys(remote_ids) if i]
    result: dict[str, PostStats] = {}
    batch = True
    for start in range(0, len(ids), STATUS_BATCH):
        chunk = ids[start : start + STATUS_BATCH]
        if batch:
            try:
                page = api.get_list(
                    "/api/v1/statuses", [("id[]", i) for i in chunk], doing="Reading post stats"
                )
            except PermanentError:  # before 4.3: no batch lookup
                batch = False
            else:
                for status in page:
                    status_id = id_of(status)
                    if status_id in chunk:
                        result[status_id] = _counts(status)
                continue
        for status_id in chunk:
            try:
                status = api.get_object(
                    f"/api/v1/statuses/{quote(status_id, safe='')}", doing="Reading post stats"
                )
            except NotFound:
                continue  # deleted on the network
            result[status_id] = _counts(status)
    return result


def _counts(status: Any) -> PostStats:
    return PostStats(
        likes=int_of(status, "favourites_count") or 0,
        reposts=int_of(status, "reblogs_count") or 0,
        replies=int_of(status, "replies_count") or 0,
        views=None,
    )
