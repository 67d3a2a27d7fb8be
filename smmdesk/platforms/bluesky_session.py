"""Talking XRPC to a Bluesky PDS, and keeping one login per account alive.

Why a module of its own: Bluesky sessions are the fragile part of the
connector. ``createSession`` (log in with the app password) is limited to 30
per 5 minutes and 300 per day per account, so it is called only when no
working session exists. The access token lives about two hours and is renewed
with ``refreshSession``; the refresh token *rotates* (each refresh revokes the
token it was called with). Two jobs of one account can run at the same time in
different threads, each with its own connector: if both refreshed with the
same refresh token, the second would find it revoked and fall back to a fresh
login. So the live session sits in a module-level cache keyed by
(PDS URL, identifier, a digest of the app password), one lock per key: the
first thread that meets an expired token renews it, the others wait on the
lock and then reuse what it got. The digest is in memory only; it makes a
re-entered app password start its own session instead of silently riding on
the old one.

The vault mapping (``ConnectorConfig.secret``) holds ``identifier``,
``app_password`` and optionally ``pds_url`` as the user typed them and, once
logged in, ``access_jwt``, ``refresh_jwt`` and ``did``. Every new session is
handed to ``on_secret_changed`` as a complete mapping, so the next start of
the app resumes it without logging in again.

Error shape (``@atproto/xrpc-server``): ``{"error": "<Name>", "message": "..."}``.
An expired access token comes back as 400 ``ExpiredToken`` (older PDS) or 401
(newer); a bad one as 400 ``InvalidToken``; both mean "renew and retry once".
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
from smmdesk.platforms.http import HttpClient, json_body, seconds_until

DEFAULT_PDS = "https://bsky.social"
#: Error names that mean "this token is no good any more: renew it".
TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})
#: Refusals about the account itself, in words the user can act on.
ACCOUNT_ERRORS = {
    "AccountTakedown": "Bluesky has taken this account down; it cannot be used here.",
    "AccountDeactivated": "This Bluesky account is deactivated; reactivate it in the Bluesky app.",
    "AccountNotFound": "Bluesky no longer knows this account; connect it again.",
}
_APP_PASSWORD_HELP = (
    "Create an app password in the Bluesky app under Settings → Privacy and security → "
    "App passwords, and use it here instead of your main password."
)


class XrpcError(PermanentError):
    """A refusal the network named; callers that expect one check ``error``."""

    def __init__(self, message: str, status: int, error: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error


class XrpcAuthError(AuthError):
    """A refusal of who we are (401/403), with the network's error name."""

    def __init__(self, message: str, status: int, error: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error


class TokenRejected(XrpcAuthError):
    """The access token was refused (expired, revoked, unknown): renew it."""


@dataclass(frozen=True)
class Tokens:
    access_jwt: str
    refresh_jwt: str
    did: str
    handle: str = ""


class _Slot:
    """One account's live session; ``lock`` serialises renewals."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tokens: Tokens | None = None
        # Why Bluesky last refused a login with this password, if it did: failed
        # logins count against the same small daily quota, so background jobs do
        # not try again; only ``validate`` (the user reconnecting) does.
        self.refused = ""


_CACHE: dict[tuple[str, str, str], _Slot] = {}
_CACHE_GUARD = threading.Lock()


def forget_sessions() -> None:
    """Drop every cached session (the vault keeps its copy); used between tests."""
    with _CACHE_GUARD:
        _CACHE.clear()


def normalise_pds_url(raw: str) -> str:
    """``bsky.social`` -> ``https://bsky.social``; empty -> the default entryway."""
    value = (raw or "").strip().rstrip("/")
    if not value:
        return DEFAULT_PDS
    if "://" not in value:
        value = "https://" + value
    if not value.lower().startswith(("http://", "https://")):
        raise PermanentError("The Bluesky server address must start with https://.")
    return value


def _clip(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _error_fields(response: requests.Response) -> tuple[str, str]:
    """The ``error`` name and ``message`` of an XRPC error body, tolerating anything."""
    try:
        body = json_body(response, "Bluesky")
    except ConnectorError:
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    error = body.get("error")
    message = body.get("message")
    return (
        error if isinstance(error, str) else "",
        message if isinstance(message, str) else "",
    )


class Xrpc:
    """Plain XRPC calls to one PDS: no session logic, only status mapping."""

    def __init__(self, base_url: str, timeout: float, scrub: Callable[[str], str]) -> None:
        self.http = HttpClient(base_url, timeout)
        self._scrub = scrub

    def close(self) -> None:
        self.http.close()

    def call(
        self,
        method: str,
        nsid: str,
        *,
        token: str = "",
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        data: bytes | None = None,
        content_type: str = "",
    ) -> dict[str, Any]:
        headers: dict[str, str] = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        kwargs: dict[str, Any] = {"headers": headers}
        if params:
            kwargs["params"] = params
        if body is not None:
            kwargs["json"] = body
        elif data is not None:
            headers["Content-Type"] = content_type or "application/octet-stream"
            kwargs["data"] = data
        response = self.http.request(method, f"xrpc/{nsid}", **kwargs)
        try:
            if 200 <= response.status_code < 300:
                result = json_body(response, "Bluesky")
                if not isinstance(result, dict):
                    raise BadResponse("Bluesky sent an answer of an unexpected shape.")
                return result
            raise self._error(response, nsid, bool(token))
        finally:
            response.close()

    def _error(self, response: requests.Response, nsid: str, authed: bool) -> ConnectorError:
        status = response.status_code
        error, message = _error_fields(response)
        message = self._scrub(_clip(message))
        said = f": {message}" if message else ""
        if status == 429 or error == "RateLimitExceeded":
            wait = seconds_until(response.headers)
            return RateLimited(f"Bluesky asks us to slow down; trying again in {wait:.0f} s.", wait)
        if error in ACCOUNT_ERRORS:  # a new session would not help: no renewal
            return XrpcAuthError(ACCOUNT_ERRORS[error], status, error)
        if authed and (status == 401 or error in TOKEN_ERRORS):
            return TokenRejected(f"Bluesky did not accept the session{said}", status, error)
        if status == 401:
            return XrpcAuthError(f"Bluesky refused the request{said}", status, error)
        if status == 403:
            return XrpcAuthError(
                f"Bluesky does not allow this account to do that{said}", status, error
            )
        if status == 413 or error in ("PayloadTooLarge", "BlobTooLarge"):
            return XrpcError("Bluesky refused the image: it is too large.", status, error)
        if status >= 500 or error.startswith("Upstream"):
            return TransientError(f"Bluesky had a problem on its side (HTTP {status}){said}")
        if 400 <= status < 500:
            text = message or f"HTTP {status}"
            return XrpcError(f"Bluesky refused the request: {text}", status, error)
        return BadResponse(f"Bluesky sent an unexpected answer (HTTP {status}) to {nsid}.")


def _tokens_from(body: Mapping[str, Any], fallback_did: str = "") -> Tokens:
    access, refresh = body.get("accessJwt"), body.get("refreshJwt")
    did, handle = body.get("did", fallback_did), body.get("handle", "")
    if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
        raise BadResponse("Bluesky's login answer holds no session.")
    if not isinstance(did, str) or not did.startswith("did:"):
        raise BadResponse("Bluesky's login answer holds no account id.")
    return Tokens(access, refresh, did, handle if isinstance(handle, str) else "")


class BlueskySession:
    """Authenticated XRPC for one account: log in once, renew, retry once."""

    def __init__(
        self,
        pds_url: str,
        secret: Mapping[str, str],
        timeout: float,
        on_secret_changed: Callable[[Mapping[str, str]], None] | None = None,
    ) -> None:
        self.pds_url = pds_url
        self._secret = dict(secret)
        self._on_secret_changed = on_secret_changed
        self.identifier = self._secret.get("identifier", "").strip().removeprefix("@")
        self._password = self._secret.get("app_password", "").strip()
        self.xrpc = Xrpc(pds_url, timeout, self.scrub)
        digest = hashlib.sha256(self._password.encode("utf-8", "replace")).hexdigest()[:16]
        key = (pds_url.lower(), self.identifier.lower(), digest)
        with _CACHE_GUARD:
            self._slot = _CACHE.setdefault(key, _Slot())

    # --- secrets never leave in a message ------------------------------------

    def scrub(self, text: str) -> str:
        for name in ("app_password", "access_jwt", "refresh_jwt"):
            value = self._secret.get(name, "")
            if len(value) >= 4:
                text = text.replace(value, "…")
        tokens = self._slot.tokens
        if tokens is not None:
            for value in (tokens.access_jwt, tokens.refresh_jwt):
                if len(value) >= 4:
                    text = text.replace(value, "…")
        return text

    # --- the session ------------------------------------------------------------

    def tokens(self) -> Tokens:
        """The live session: from the cache, else the vault, else a login."""
        with self._slot.lock:
            if self._slot.tokens is None:
                stored = self._stored_tokens()
                if stored is not None:
                    self._slot.tokens = stored
                else:
                    self._slot.tokens = self._login()
            tokens = self._slot.tokens
        self._adopt(tokens)
        return tokens

    def _stored_tokens(self) -> Tokens | None:
        access = self._secret.get("access_jwt", "")
        refresh = self._secret.get("refresh_jwt", "")
        did = self._secret.get("did", "")
        if access and refresh and did.startswith("did:"):
            return Tokens(access, refresh, did, "")
        return None

    def renew(self, stale: Tokens) -> Tokens:
        """Replace a refused session; a thread that comes second reuses the first's work."""
        with self._slot.lock:
            current = self._slot.tokens
            if current is not None and current.access_jwt != stale.access_jwt:
                tokens = current
            else:
                tokens = self._refresh_or_login(current or stale)
                self._slot.tokens = tokens
        self._adopt(tokens)
        return tokens

    def _refresh_or_login(self, old: Tokens) -> Tokens:
        try:
            body = self.xrpc.call(
                "POST", "com.atproto.server.refreshSession", token=old.refresh_jwt
            )
            return _tokens_from(body, old.did)
        except (XrpcAuthError, XrpcError):
            # Refresh token expired, revoked (rotated by someone else) or unknown:
            # only now is a fresh login the right thing.
            return self._login()

    def _login(self) -> Tokens:
        if not self.identifier or not self._password:
            raise AuthError(
                "The Bluesky login is incomplete (handle or app password missing); "
                "connect the account again."
            )
        if self._slot.refused:
            raise AuthError(self._slot.refused)
        try:
            body = self.xrpc.call(
                "POST",
                "com.atproto.server.createSession",
                body={"identifier": self.identifier, "password": self._password},
            )
        except (XrpcAuthError, XrpcError) as exc:
            self._slot.refused = self._refusal(exc.error)
            raise AuthError(self._slot.refused) from None
        return _tokens_from(body)

    def _refusal(self, error: str) -> str:
        if error == "AuthFactorTokenRequired":
            return (
                "Bluesky asked for a sign-in code from your email: that happens with the "
                "main password. " + _APP_PASSWORD_HELP
            )
        if error in ACCOUNT_ERRORS:
            return ACCOUNT_ERRORS[error]
        return (
            f"Bluesky did not accept this app password for {self.identifier}. "
            "Check the handle, or create a new app password: " + _APP_PASSWORD_HELP
        )

    def allow_login(self) -> None:
        """Let the next login try again although the last one was refused."""
        with self._slot.lock:
            self._slot.refused = ""

    def _adopt(self, tokens: Tokens) -> None:
        """Hand a session this connector has not saved yet to the vault."""
        if self._secret.get("refresh_jwt") == tokens.refresh_jwt and self._secret.get(
            "access_jwt"
        ) == (tokens.access_jwt):
            return
        self._secret.update(
            access_jwt=tokens.access_jwt, refresh_jwt=tokens.refresh_jwt, did=tokens.did
        )
        if self._on_secret_changed is not None:
            self._on_secret_changed(dict(self._secret))

    # --- calls -------------------------------------------------------------------

    def call(self, method: str, nsid: str, **kwargs: Any) -> dict[str, Any]:
        """An authenticated call; a refused token is renewed and the call retried once."""
        tokens = self.tokens()
        try:
            return self.xrpc.call(method, nsid, token=tokens.access_jwt, **kwargs)
        except TokenRejected:
            pass
        tokens = self.renew(tokens)
        try:
            return self.xrpc.call(method, nsid, token=tokens.access_jwt, **kwargs)
        except TokenRejected as exc:
            raise AuthError(
                f"Bluesky refused this account's fresh session ({exc}). Connect the account "
                "again with a new app password."
            ) from None

    def close(self) -> None:
        self.xrpc.close()
