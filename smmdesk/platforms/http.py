"""HTTP plumbing every connector shares: one ``requests.Session``, bounded
timeouts, and the translation of what can go wrong on the wire into the
connector error hierarchy.

Connectors decide what a status code *means* on their network (a Telegram 400
is not a Mastodon 422); this module only does what is the same everywhere: no
connection becomes ``NetworkUnreachable``, a timeout or a dropped connection
``TransientError``, a body that is not the JSON we asked for ``BadResponse``,
and the three ways networks say "wait until" become seconds to wait.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from smmdesk import __version__
from smmdesk.platforms.base import BadResponse, NetworkUnreachable, TransientError

USER_AGENT = f"SMMDesk/{__version__} (+desktop)"
#: Bodies larger than this are refused rather than read into memory.
MAX_BODY_BYTES = 20 * 1024 * 1024
#: A wait a network asks for is believed up to this long; beyond, it is capped.
MAX_WAIT_SECONDS = 24 * 3600.0


class HttpClient:
    """A ``requests.Session`` with a base URL, a timeout and error translation.

    One instance per connector (and so per job): sessions are not shared
    across threads.
    """

    def __init__(self, base_url: str, timeout: float = 20.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send one request; raise only connector errors for transport failures.

        The response is returned whatever its status: the caller maps codes.
        """
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        try:
            response = self.session.request(method, self.url(path), **kwargs)
        except requests.exceptions.ConnectTimeout as exc:
            raise NetworkUnreachable("The server did not answer the connection.") from exc
        except requests.exceptions.Timeout as exc:
            raise TransientError("The server took too long to answer.") from exc
        except requests.exceptions.SSLError as exc:
            raise TransientError("The secure connection to the server failed.") from exc
        except requests.exceptions.ConnectionError as exc:
            if _is_refused_or_unresolved(exc):
                raise NetworkUnreachable("Cannot reach the server; are you online?") from exc
            raise TransientError("The connection to the server was lost.") from exc
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema) as exc:
            raise BadResponse(f"That server address is not valid: {exc}") from exc
        except requests.exceptions.RequestException as exc:
            raise TransientError(f"The request failed: {type(exc).__name__}") from exc
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            response.close()
            raise BadResponse("The server sent an unexpectedly large answer.")
        return response

    def close(self) -> None:
        self.session.close()


def _is_refused_or_unresolved(exc: BaseException) -> bool:
    text = repr(exc).lower()
    return any(
        marker in text
        for marker in (
            "refused",
            "name or service not known",
            "temporary failure in name resolution",
            "nodename nor servname",
            "network is unreachable",
            "no route to host",
            "getaddrinfo failed",
        )
    )


def json_body(response: requests.Response, what: str = "The server") -> Any:
    """The response's JSON, or ``BadResponse`` saying plainly what came instead."""
    try:
        content = response.content
    except requests.exceptions.RequestException as exc:
        raise TransientError(f"{what} stopped sending its answer half-way.") from exc
    if not content.strip():
        raise BadResponse(f"{what} sent an empty answer (HTTP {response.status_code}).")
    head = content.lstrip()[:20].lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
        raise BadResponse(
            f"{what} sent a web page instead of data (HTTP {response.status_code}); "
            "it may be down for maintenance."
        )
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadResponse(f"{what} sent an answer that cannot be read.") from exc


def json_object(response: requests.Response, what: str = "The server") -> dict[str, Any]:
    """Like ``json_body`` but insists on a JSON object."""
    body = json_body(response, what)
    if not isinstance(body, dict):
        raise BadResponse(f"{what} sent an answer of an unexpected shape.")
    return body


def seconds_until(
    headers: Mapping[str, str], now: float | None = None, default: float = 60.0
) -> float:
    """How long a rate-limited answer asks us to wait, from whichever header it used.

    ``Retry-After`` (seconds or an HTTP date), Mastodon's ``X-RateLimit-Reset``
    (an ISO 8601 time), Bluesky's ``RateLimit-Reset`` (Unix seconds). Anything
    unreadable falls back to ``default``; the result is within 0..24 h.
    """
    now = time.time() if now is None else now
    lowered = {k.lower(): v for k, v in headers.items()}
    candidates = [
        _parse_retry_after(lowered.get("retry-after", ""), now),
        _parse_iso_reset(lowered.get("x-ratelimit-reset", ""), now),
        _parse_epoch_reset(lowered.get("ratelimit-reset", ""), now),
    ]
    for value in candidates:
        if value is not None:
            return min(max(value, 0.0), MAX_WAIT_SECONDS)
    return default


def _parse_retry_after(value: str, now: float) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() - now


def _parse_iso_reset(value: str, now: float) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            return float(value) - now if float(value) > 1e9 else float(value)
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() - now


def _parse_epoch_reset(value: str, now: float) -> float | None:
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        return None
    # Epoch seconds; a small number would be "seconds from now" (some proxies).
    return number - now if number > 1e9 else number
