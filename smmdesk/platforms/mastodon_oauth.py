"""Signing in to a Mastodon server through the user's browser (OAuth 2 + PKCE).

Mastodon has no app-wide client id: every server is its own authority, so the
app registers itself on the server the user names (``POST /api/v1/apps``) each
time someone signs in, then sends the browser to ``/oauth/authorize``. The
code comes back one of two ways:

* a loopback redirect to ``http://127.0.0.1:<port>/callback`` on a listener this
  module opens for one answer (RFC 8252), which needs nothing from the user;
* the out-of-band page (``urn:ietf:wg:oauth:2.0:oob``): the server shows the
  code and the user pastes it, for when the browser runs elsewhere or a
  firewall blocks the loopback.

Both redirect URIs are registered with the one app, and both authorize URLs
carry the same PKCE challenge (S256; servers before 4.3 ignore it) and state.
The code is exchanged at ``POST /oauth/token`` for an access token that does
not expire. Nothing here knows Qt: ``sync/login_jobs.py`` runs these steps
off the GUI thread.

Scopes: ``read write`` (the granular ``read:*``/``write:*`` list differs
between server versions; the broad pair works on every one).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    ConnectorError,
    PermanentError,
    RateLimited,
    TransientError,
)
from smmdesk.platforms.http import HttpClient, json_object, seconds_until

CLIENT_NAME = "SMM Desk"
SCOPES = "read write"
OOB_REDIRECT = "urn:ietf:wg:oauth:2.0:oob"
CALLBACK_PATH = "/callback"
DONE_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>SMM Desk</title></head>"
    "<body style='font-family:sans-serif;margin:3em'><h1>Signed in</h1>"
    "<p>You can close this tab and return to SMM Desk.</p></body></html>"
)
DENIED_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>SMM Desk</title></head>"
    "<body style='font-family:sans-serif;margin:3em'><h1>Not signed in</h1>"
    "<p>Access was not granted. You can close this tab and return to SMM Desk.</p>"
    "</body></html>"
)


class LoginCancelled(ConnectorError):
    """The user closed the dialog or the wait ran out."""


def normalize_instance_url(text: str) -> str:
    """``https://host`` from what a user types: ``mastodon.social``, a profile URL,
    ``@me@mastodon.social``... Raises ``PermanentError`` when nothing is usable.

    An explicit ``http://`` scheme is kept (a server on this computer, the tests).
    """
    value = (text or "").strip()
    if value.startswith("@") and value.count("@") >= 2:
        value = value.rsplit("@", 1)[1]
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
        scheme, host, port = parts.scheme, parts.hostname or "", parts.port
    except ValueError:
        scheme, host, port = "", "", None
    if scheme not in ("http", "https") or not host or any(c.isspace() for c in host):
        raise PermanentError(
            "Enter the address of your Mastodon server, for example mastodon.social."
        )
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    return f"{scheme}://{host}{f':{port}' if port else ''}"


@dataclass(frozen=True)
class OAuthApp:
    """The client the server registered for this sign-in."""

    client_id: str
    client_secret: str = field(repr=False)


@dataclass(frozen=True)
class Pkce:
    """One sign-in's PKCE verifier and challenge, and its anti-forgery state."""

    verifier: str = field(repr=False)
    challenge: str
    state: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(64)  # 86 characters of [A-Za-z0-9_-]
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        return cls(verifier, challenge, secrets.token_urlsafe(24))


def _error_text(response: Any) -> str:
    try:
        body = response.json()
    except Exception:
        return ""
    if not isinstance(body, dict):
        return ""
    text = body.get("error_description") or body.get("error") or ""
    return str(text)[:300] if isinstance(text, str) else ""


def _check(response: Any, what: str) -> dict[str, Any]:
    status = response.status_code
    if status == 429:
        raise RateLimited(f"{what}: the server asks us to wait.", seconds_until(response.headers))
    if status >= 500:
        raise TransientError(f"{what}: the server had a problem (HTTP {status}); try again.")
    if status == 404:
        raise PermanentError(
            f"{what}: this server does not look like Mastodon (no sign-in page was found)."
        )
    if status in (400, 401, 403):
        detail = _error_text(response)
        raise AuthError(f"{what}: the server refused" + (f" ({detail})." if detail else "."))
    if not 200 <= status < 300:
        raise PermanentError(f"{what}: the server answered HTTP {status}.")
    return json_object(response, "The Mastodon server")


def register_app(base_url: str, redirect_uris: list[str], timeout: float = 20.0) -> OAuthApp:
    """Register SMM Desk on the server with these redirect URIs."""
    client = HttpClient(base_url, timeout)
    try:
        response = client.request(
            "POST",
            "/api/v1/apps",
            data={
                "client_name": CLIENT_NAME,
                "redirect_uris": "\n".join(redirect_uris),
                "scopes": SCOPES,
            },
        )
        body = _check(response, "Registering SMM Desk with the server")
    finally:
        client.close()
    client_id, client_secret = body.get("client_id"), body.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(client_secret, str) or not client_id:
        raise BadResponse("The server did not give SMM Desk a client id.")
    return OAuthApp(client_id, client_secret)


def authorize_url(base_url: str, app: OAuthApp, redirect_uri: str, pkce: Pkce) -> str:
    """Where to send the browser for the user to approve the app."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
            "state": pkce.state,
            "code_challenge": pkce.challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{base_url.rstrip('/')}/oauth/authorize?{query}"


def exchange_code(
    base_url: str,
    app: OAuthApp,
    code: str,
    redirect_uri: str,
    pkce: Pkce,
    timeout: float = 20.0,
) -> str:
    """Trade an authorization code for an access token."""
    code = code.strip()
    if not code:
        raise AuthError("Paste the code the server showed you.")
    client = HttpClient(base_url, timeout)
    try:
        response = client.request(
            "POST",
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "redirect_uri": redirect_uri,
                "code_verifier": pkce.verifier,
                "scope": SCOPES,
            },
        )
        if response.status_code in (400, 401):
            raise AuthError(
                "The server did not accept the sign-in code (it may have expired or been "
                "used already). Sign in again."
            )
        body = _check(response, "Finishing the sign-in")
    finally:
        client.close()
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise BadResponse("The server did not hand out an access token.")
    return token


class LoopbackListener:
    """A one-shot HTTP listener on 127.0.0.1 that waits for the OAuth redirect.

    It runs in its own thread (a browser may open idle connections that would
    block a single-threaded server), answers the callback with a short page,
    and ignores requests whose ``state`` is not ours.
    """

    def __init__(self, state: str) -> None:
        self.state = state
        self._done = threading.Event()
        self._code = ""
        self._error = ""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}{CALLBACK_PATH}"

    def wait(self, timeout: float, cancelled: Callable[[], bool] = lambda: False) -> str:
        """The code once the browser comes back; ``LoginCancelled`` on cancel or time-out."""
        deadline = time.monotonic() + timeout
        try:
            while not self._done.wait(0.1):
                if cancelled():
                    raise LoginCancelled("Sign-in cancelled.")
                if time.monotonic() >= deadline:
                    raise LoginCancelled(
                        "The browser did not come back in time. Sign in again, or paste the code."
                    )
        finally:
            self.close()
        if self._error:
            raise AuthError("Access was not granted on the server's page.")
        return self._code

    def close(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def _accept(self, query: dict[str, list[str]]) -> bool:
        if query.get("state", [""])[0] != self.state:
            return False
        if query.get("error"):
            self._error = query["error"][0] or "denied"
        else:
            self._code = query.get("code", [""])[0]
            if not self._code:
                return False
        self._done.set()
        return True

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 10  # an idle browser connection must not hold a thread for ever

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != CALLBACK_PATH:
                    self._answer(404, "<!DOCTYPE html><title>Not found</title>")
                    return
                query = parse_qs(parts.query)
                if not listener._accept(query):
                    self._answer(400, DENIED_PAGE.replace("Access was not granted.", "Wrong link."))
                    return
                self._answer(200, DENIED_PAGE if listener._error else DONE_PAGE)

            def _answer(self, status: int, page: str) -> None:
                body = page.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

        return Handler


@dataclass
class BrowserLogin:
    """One sign-in in progress: the app, the PKCE secret, the listener, the URLs."""

    base_url: str
    app: OAuthApp
    pkce: Pkce
    listener: LoopbackListener

    @classmethod
    def start(cls, base_url: str, timeout: float = 20.0) -> BrowserLogin:
        """Open the listener, then register the app with its port (the URI must match)."""
        pkce = Pkce.new()
        listener = LoopbackListener(pkce.state)
        try:
            app = register_app(base_url, [listener.redirect_uri, OOB_REDIRECT], timeout)
        except BaseException:
            listener.close()
            raise
        return cls(base_url, app, pkce, listener)

    @property
    def loopback_url(self) -> str:
        return authorize_url(self.base_url, self.app, self.listener.redirect_uri, self.pkce)

    @property
    def paste_url(self) -> str:
        return authorize_url(self.base_url, self.app, OOB_REDIRECT, self.pkce)

    def wait_for_browser(
        self, wait: float, cancelled: Callable[[], bool] = lambda: False, timeout: float = 20.0
    ) -> str:
        """Wait for the loopback redirect, then exchange its code; the access token."""
        code = self.listener.wait(wait, cancelled)
        return exchange_code(
            self.base_url, self.app, code, self.listener.redirect_uri, self.pkce, timeout
        )

    def exchange_pasted(self, code: str, timeout: float = 20.0) -> str:
        """Exchange a code the user copied from the server's page; the access token."""
        return exchange_code(self.base_url, self.app, code, OOB_REDIRECT, self.pkce, timeout)

    def close(self) -> None:
        self.listener.close()
