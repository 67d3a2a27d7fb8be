"""A stateful Mastodon server on 127.0.0.1, speaking the documented wire format.

What it keeps: accounts (local, and remote ones as ``name@domain``), tokens
(valid or revoked), registered apps and OAuth codes (PKCE S256 checked),
statuses with increasing string ids and HTML content, media that can take a
few polls to process (202, then 206, then 200), scheduled statuses that go out
when the test lets time pass (``advance``), notifications and conversations
with ``min_id``/``max_id`` and ``Link`` pagination, threads
(``/api/v1/statuses/:id/context``), edits by other people (``edit_as``: the
status gets ``edited_at``, and the accounts that boosted it get an ``update``
notification, as Mastodon's fan-out does; mentioned accounts get none),
deletions by other people (``delete_as``: the status and its notifications
vanish), and ``Idempotency-Key``
de-duplication per account for an hour, as the real server does (it keys on
the account, not on the token).

What it counts: ``created_per_key`` and ``created_per_text`` (statuses
created per idempotency key and per text), so a test can prove that nothing
went out twice, and ``received_per_key`` (requests that carried each key,
de-duplicated ones included).

It can run on its own, so that it outlives a client that is killed::

    python -m tests.fakes.mastodon_fake --port 0 --state FILE [--token me:token-me]

prints its base URL on the first line of stdout, and writes its state to
FILE (atomically) after every request that changed it; started again with the
same FILE it carries on where it was.
"""

from __future__ import annotations

import argparse
import base64
import email.parser
import email.policy
import hashlib
import html
import json
import os
import re
import secrets
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from tests.fakes.http_fake import FakeServer, Reply, Request

ID_BASE = 110_000_000_000_000_000
IDEMPOTENCY_SECONDS = 3600
HTML_404 = (
    b"<!DOCTYPE html><html><body><h1>The page you are looking for isn't here.</h1></body></html>"
)
_URL = re.compile(r"https?://[^\s<>\"]+")
_MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_]+)(?:@([A-Za-z0-9.-]+[A-Za-z0-9]))?")
_HASHTAG = re.compile(r"(?<![\w&#])#(\w+)")
_TOKEN = re.compile("|".join(f"(?:{p.pattern})" for p in (_URL, _MENTION, _HASHTAG)))


class _Answer(Exception):
    def __init__(self, reply: Reply) -> None:
        self.reply = reply


def _error(status: int, message: str) -> _Answer:
    return _Answer(Reply.json({"error": message}, status))


def _iso(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _parse_time(value: str) -> float | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _key(value: str) -> tuple[int, str]:
    return (len(value), value)


def render_html(text: str, base_url: str, domain_of: Callable[[str], str]) -> str:
    """Plain text as Mastodon's formatter shows it: paragraphs, <br />, links, mentions."""

    def inline(line: str) -> str:
        out, last = [], 0
        for match in _TOKEN.finditer(line):
            out.append(html.escape(line[last : match.start()], quote=False))
            token = match.group(0)
            if token.startswith("http"):
                scheme, _, rest = token.partition("://")
                shown, hidden = rest[:30], rest[30:]
                out.append(
                    f'<a href="{html.escape(token)}" target="_blank" rel="nofollow noopener" '
                    f'translate="no"><span class="invisible">{scheme}://</span>'
                    f'<span class="{"ellipsis" if hidden else ""}">{html.escape(shown)}</span>'
                    f'<span class="invisible">{html.escape(hidden)}</span></a>'
                )
            elif token.startswith("@"):
                found = _MENTION.match(token)
                assert found is not None
                name, domain = found.group(1), found.group(2) or domain_of(found.group(1))
                out.append(
                    f'<span class="h-card" translate="no"><a href="https://{domain}/@{name}" '
                    f'class="u-url mention">@<span>{html.escape(name)}</span></a></span>'
                )
            else:
                tag = token[1:]
                out.append(
                    f'<a href="{base_url}/tags/{tag}" class="mention hashtag" rel="tag">'
                    f"#<span>{html.escape(tag)}</span></a>"
                )
            last = match.end()
        out.append(html.escape(line[last:], quote=False))
        return "".join(out)

    paragraphs = [p for p in re.split(r"\n{2,}", text.strip()) if p]
    return "".join("<p>" + "<br />".join(map(inline, p.split("\n"))) + "</p>" for p in paragraphs)


def _fresh_state() -> dict[str, Any]:
    return {
        "next_id": 1,
        "clock_offset": 0.0,
        "accounts": {},
        "tokens": {},
        "apps": {},
        "codes": {},
        "statuses": {},
        "media": {},
        "scheduled": {},
        "notifications": {},
        "conversations": {},
        "idempotency": {},
        "created_per_key": {},
        "created_per_text": {},
    }


class MastodonFake(FakeServer):
    """Use as a context manager; ``fake.token`` belongs to ``fake.me`` (``@me``)."""

    def __init__(self, port: int = 0, state_file: str | Path | None = None) -> None:
        super().__init__()
        if port:
            self._server.server_close()
            self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
            self._server.daemon_threads = True
        self._server.handle_error = self._handle_error  # type: ignore[method-assign]
        # A short poll so that stopping takes milliseconds, not half a second.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.state_file = Path(state_file) if state_file else None
        self.s: dict[str, Any] = _fresh_state()
        if self.state_file is not None and self.state_file.exists():
            self.s = json.loads(self.state_file.read_text(encoding="utf-8"))
        # Knobs a test may turn.
        self.max_characters = 500
        self.max_media = 4
        self.v2_instance = True
        self.batch_statuses = True
        self.media_processing_polls = 0  # >0: uploads answer 202 and poll 206 this often
        self.edit_drops_unnamed_media = True  # like servers that need media_ids[] re-sent
        self.approving_username = "me"
        self.oauth_code_checks = 0
        self._dirty = False
        if not self.s["accounts"]:
            self.me = self.add_account("me", display_name="Me Myself")
            self.token = self.add_token(self.me, "token-me")
            self._save()
        else:
            self.me = self.account_id("me")
            self.token = next(
                (t for t, v in self.s["tokens"].items() if v["account"] == self.me), ""
            )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        class Handler(super()._handler_class()):  # type: ignore[misc]
            # Headers and body go out in two writes; without this, Nagle and the
            # client's delayed ACK add ~40 ms to every request.
            disable_nagle_algorithm = True

        return Handler

    def _handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timed out, was killed) is normal here; the rest is not."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            ThreadingHTTPServer.handle_error(self._server, request, client_address)

    # --- helpers for tests --------------------------------------------------------

    @property
    def domain(self) -> str:
        return urlsplit(self.base_url).netloc

    def now(self) -> float:
        return time.time() + self.s["clock_offset"]

    def advance(self, seconds: float) -> None:
        """Let time pass on the server; due scheduled statuses go out."""
        with self.lock:
            self.s["clock_offset"] += seconds
            self._publish_due()
            self._save()

    def new_id(self) -> str:
        self.s["next_id"] += 1
        self._dirty = True
        return str(ID_BASE + self.s["next_id"])

    def add_account(
        self, username: str, domain: str = "", display_name: str = "", followers: int = 0
    ) -> str:
        with self.lock:
            account_id = self.new_id()
            self.s["accounts"][account_id] = {
                "id": account_id,
                "username": username,
                "acct": f"{username}@{domain}" if domain else username,
                "domain": domain,
                "display_name": display_name or username.capitalize(),
                "followers_count": followers,
                "following_count": 3,
            }
            self._save()
            return account_id

    def account_id(self, acct: str) -> str:
        for account_id, account in self.s["accounts"].items():
            if account["acct"] == acct:
                return str(account_id)
        raise KeyError(acct)

    def add_token(self, account_id: str, token: str = "") -> str:
        with self.lock:
            token = token or secrets.token_urlsafe(24)
            self.s["tokens"][token] = {"account": account_id, "revoked": False}
            self._save()
            return token

    def revoke(self, token: str) -> None:
        with self.lock:
            self.s["tokens"][token]["revoked"] = True
            self._save()

    def post_as(
        self,
        account_id: str,
        text: str,
        in_reply_to_id: str = "",
        visibility: str = "public",
        notify: bool = True,
    ) -> str:
        """A status by anyone, as if it arrived from the network."""
        with self.lock:
            status = self._create_status(account_id, text, [], in_reply_to_id, visibility, notify)
            self._save()
            return str(status["id"])

    def add_reply(self, acct: str, to_status_id: str, text: str) -> str:
        """``acct`` answers one of our statuses (mentioning us, as clients do)."""
        return self.post_as(self.account_id(acct), f"@me {text}", to_status_id)

    def add_mention(self, acct: str, text: str) -> str:
        return self.post_as(self.account_id(acct), f"@me {text}")

    def add_dm(self, acct: str, text: str, notify: bool = True, in_reply_to_id: str = "") -> str:
        """A private message; ``notify=False`` is a private mention the server filtered
        out of the notifications (4.3 does that for people you do not follow)."""
        return self.post_as(
            self.account_id(acct), f"@me {text}", in_reply_to_id, "direct", notify=notify
        )

    def boost(self, account_id: str, status_id: str) -> None:
        """``account_id`` boosts the status (so it is told of later edits)."""
        with self.lock:
            status = self.s["statuses"][status_id]
            boosters = status.setdefault("boosted_by", [])
            if account_id not in boosters:
                boosters.append(account_id)
                status["reblogs"] += 1
            self._save()

    def edit_as(self, status_id: str, text: str) -> None:
        """The status's author edits it (``PUT /api/v1/statuses/:id`` on their server)."""
        with self.lock:
            status = self.s["statuses"][status_id]
            status["text"] = text
            status["edited_at"] = self.now()
            for booster in status.get("boosted_by", []):
                notification_id = self.new_id()
                self.s["notifications"][notification_id] = {
                    "id": notification_id,
                    "account": booster,
                    "type": "update",
                    "from": status["account"],
                    "status": status_id,
                    "created_at": self.now(),
                }
            self._save()

    def delete_as(self, status_id: str) -> None:
        """The status's author deletes it: it and its notifications are gone."""
        with self.lock:
            self.s["statuses"][status_id]["deleted"] = True
            self._save()

    def statuses_by(self, account_id: str) -> list[dict[str, Any]]:
        return [
            s
            for s in self.s["statuses"].values()
            if s["account"] == account_id and not s["deleted"]
        ]

    def status(self, status_id: str) -> dict[str, Any]:
        return dict(self.s["statuses"][status_id])

    def set_counts(self, status_id: str, favourites: int = 0, reblogs: int = 0) -> None:
        with self.lock:
            status = self.s["statuses"][status_id]
            status["favourites"], status["reblogs"] = favourites, reblogs
            self._save()

    @property
    def created_per_key(self) -> dict[str, int]:
        return dict(self.s["created_per_key"])

    @property
    def received_per_key(self) -> dict[str, int]:
        """POSTs that carried each idempotency key, duplicates included."""
        return dict(self.s.get("received_per_key", {}))

    @property
    def created_per_text(self) -> dict[str, int]:
        return dict(self.s["created_per_text"])

    # --- plumbing -------------------------------------------------------------------

    def _save(self) -> None:
        self._dirty = False
        if self.state_file is None:
            return
        temporary = self.state_file.with_name(self.state_file.name + ".tmp")
        temporary.write_text(json.dumps(self.s), encoding="utf-8")
        os.replace(temporary, self.state_file)

    def handle(self, request: Request) -> Reply:
        with self.lock:
            self._publish_due()
            try:
                reply = self._route(request)
            except _Answer as answer:
                reply = answer.reply
            if self._dirty:
                self._save()
            reply.headers.setdefault("X-RateLimit-Limit", "300")
            reply.headers.setdefault("X-RateLimit-Remaining", "299")
            reply.headers.setdefault("X-RateLimit-Reset", _iso(self.now() + 300))
            return reply

    _ROUTES: list[tuple[str, re.Pattern[str], str]] = [
        (m, re.compile(p + "$"), h)
        for m, p, h in [
            ("POST", r"/api/v1/apps", "_apps"),
            ("GET", r"/oauth/authorize", "_authorize"),
            ("POST", r"/oauth/token", "_oauth_token"),
            ("GET", r"/api/v1/accounts/verify_credentials", "_verify"),
            ("GET", r"/api/v1/accounts/(?P<id>[^/]+)/statuses", "_account_statuses"),
            ("GET", r"/api/v1/accounts/(?P<id>[^/]+)", "_account"),
            ("GET", r"/api/v2/instance", "_instance_v2"),
            ("GET", r"/api/v1/instance", "_instance_v1"),
            ("POST", r"/api/v2/media", "_upload"),
            ("GET", r"/api/v1/media/(?P<id>[^/]+)", "_media"),
            ("POST", r"/api/v1/statuses", "_post_status"),
            ("GET", r"/api/v1/statuses", "_statuses_batch"),
            ("GET", r"/api/v1/statuses/(?P<id>[^/]+)/context", "_context"),
            ("GET", r"/api/v1/statuses/(?P<id>[^/]+)", "_get_status"),
            ("PUT", r"/api/v1/statuses/(?P<id>[^/]+)", "_edit_status"),
            ("DELETE", r"/api/v1/statuses/(?P<id>[^/]+)", "_delete_status"),
            ("GET", r"/api/v1/scheduled_statuses/(?P<id>[^/]+)", "_get_scheduled"),
            ("PUT", r"/api/v1/scheduled_statuses/(?P<id>[^/]+)", "_put_scheduled"),
            ("DELETE", r"/api/v1/scheduled_statuses/(?P<id>[^/]+)", "_delete_scheduled"),
            ("GET", r"/api/v1/notifications", "_notifications"),
            ("GET", r"/api/v1/conversations", "_conversations"),
        ]
    ]

    def _route(self, request: Request) -> Reply:
        for method, pattern, handler in self._ROUTES:
            match = pattern.match(request.path)
            if method == request.method and match:
                result: Reply = getattr(self, handler)(request, **match.groupdict())
                return result
        return Reply(404, HTML_404, {"Content-Type": "text/html"})

    def _params(self, request: Request) -> dict[str, list[str]]:
        """Query, form or JSON parameters, each as a list (``name[]`` for arrays)."""
        merged: dict[str, list[str]] = {k: list(v) for k, v in request.query.items()}
        content_type = request.headers.get("content-type", "")
        if "application/x-www-form-urlencoded" in content_type:
            for key, values in request.form().items():
                merged.setdefault(key, []).extend(values)
        elif "application/json" in content_type:
            body = request.json()
            for key, value in (body or {}).items():
                values = value if isinstance(value, list) else [value]
                merged.setdefault(key, []).extend(str(v) for v in values)
        return merged

    def _auth(self, request: Request) -> str:
        header = request.headers.get("authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        record = self.s["tokens"].get(token)
        if record is None or record["revoked"]:
            raise _error(401, "The access token is invalid")
        return str(record["account"])

    # --- OAuth ------------------------------------------------------------------------

    def _apps(self, request: Request) -> Reply:
        params = self._params(request)
        uris = params.get("redirect_uris", [""])[0].split()
        if not params.get("client_name", [""])[0] or not uris:
            raise _error(422, "Validation failed: Redirect URI can't be blank")
        client_id, secret = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.s["apps"][client_id] = {
            "secret": secret,
            "redirect_uris": uris,
            "scopes": params.get("scopes", ["read"])[0],
        }
        self._dirty = True
        return Reply.json(
            {
                "id": self.new_id(),
                "name": params["client_name"][0],
                "redirect_uri": "\n".join(uris),
                "redirect_uris": uris,
                "client_id": client_id,
                "client_secret": secret,
            }
        )

    def _authorize(self, request: Request) -> Reply:
        """The user's browser; the fake user approves at once."""
        query = {k: v[0] for k, v in request.query.items()}
        app = self.s["apps"].get(query.get("client_id", ""))
        redirect = query.get("redirect_uri", "")
        if app is None or redirect not in app["redirect_uris"]:
            page = b"<!DOCTYPE html><p>The redirect uri included is not valid.</p>"
            return Reply(400, page, {"Content-Type": "text/html"})
        code = secrets.token_urlsafe(24)
        self.s["codes"][code] = {
            "client_id": query["client_id"],
            "redirect_uri": redirect,
            "challenge": query.get("code_challenge", ""),
            "method": query.get("code_challenge_method", ""),
            "account": self.account_id(self.approving_username),
            "scope": query.get("scope", "read"),
            "used": False,
        }
        self._dirty = True
        if redirect == "urn:ietf:wg:oauth:2.0:oob":
            page = (
                "<!DOCTYPE html><p>Copy this authorization code and paste it to the application."
                f'</p><input class="oauth-code" readonly type="text" value="{code}">'
            )
            return Reply(200, page.encode(), {"Content-Type": "text/html"})
        state = {"state": query["state"]} if "state" in query else {}
        location = f"{redirect}?{urlencode({'code': code, **state})}"
        return Reply(302, b"", {"Location": location})

    def _oauth_token(self, request: Request) -> Reply:
        params = {k: v[0] for k, v in self._params(request).items()}
        app = self.s["apps"].get(params.get("client_id", ""))
        if app is None or app["secret"] != params.get("client_secret"):
            return Reply.json(
                {"error": "invalid_client", "error_description": "Client authentication failed"},
                401,
            )
        grant = self.s["codes"].get(params.get("code", ""))
        invalid = Reply.json(
            {"error": "invalid_grant", "error_description": "The provided grant is invalid."}, 400
        )
        if (
            params.get("grant_type") != "authorization_code"
            or grant is None
            or grant["used"]
            or grant["client_id"] != params["client_id"]
            or grant["redirect_uri"] != params.get("redirect_uri")
        ):
            return invalid
        if grant["challenge"]:
            self.oauth_code_checks += 1
            digest = hashlib.sha256(params.get("code_verifier", "").encode()).digest()
            expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if grant["method"] != "S256" or expected != grant["challenge"]:
                return invalid
        grant["used"] = True
        token = self.add_token(grant["account"])
        return Reply.json(
            {
                "access_token": token,
                "token_type": "Bearer",
                "scope": grant["scope"],
                "created_at": int(self.now()),
            }
        )

    # --- accounts and instance ------------------------------------------------------

    def _account_json(self, account_id: str, counts: bool = False) -> dict[str, Any]:
        account = self.s["accounts"][account_id]
        domain = account["domain"] or self.domain
        statuses = len(self.statuses_by(account_id)) if counts else 0
        return {
            "id": account_id,
            "username": account["username"],
            "acct": account["acct"],
            "display_name": account["display_name"],
            "url": f"https://{domain}/@{account['username']}",
            "followers_count": account["followers_count"],
            "following_count": account["following_count"],
            "statuses_count": statuses,
            "created_at": "2020-01-01T00:00:00.000Z",
            "note": "<p>Hello</p>",
            "avatar": f"https://{domain}/avatars/original/missing.png",
        }

    def _verify(self, request: Request) -> Reply:
        account = self._account_json(self._auth(request), counts=True)
        account["source"] = {"privacy": "public", "sensitive": False, "note": "Hello"}
        return Reply.json(account)

    def _account(self, request: Request, id: str) -> Reply:
        self._auth(request)
        if id not in self.s["accounts"]:
            raise _error(404, "Record not found")
        return Reply.json(self._account_json(id, counts=True))

    def _limits(self) -> dict[str, Any]:
        return {
            "statuses": {
                "max_characters": self.max_characters,
                "max_media_attachments": self.max_media,
                "characters_reserved_per_url": 23,
            },
            "media_attachments": {
                "supported_mime_types": ["image/jpeg", "image/png", "image/webp", "video/mp4"],
                "image_size_limit": 16777216,
                "image_matrix_limit": 33177600,
                "description_limit": 1500,
            },
        }

    def _instance_v2(self, request: Request) -> Reply:
        if not self.v2_instance:
            return Reply(404, HTML_404, {"Content-Type": "text/html"})
        return Reply.json(
            {
                "domain": self.domain,
                "title": "Fake Mastodon",
                "version": "4.3.0",
                "configuration": {"urls": {}, **self._limits()},
            }
        )

    def _instance_v1(self, request: Request) -> Reply:
        return Reply.json(
            {
                "uri": self.domain,
                "title": "Old Mastodon",
                "version": "3.5.3",
                "configuration": self._limits(),
            }
        )

    # --- media --------------------------------------------------------------------------

    def _upload(self, request: Request) -> Reply:
        account = self._auth(request)
        content_type = request.headers.get("content-type", "")
        if "multipart/form-data" not in content_type:
            raise _error(422, "Validation failed: File can't be blank")
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
            head + request.body
        )
        file_part = next(
            (
                p
                for p in message.iter_parts()
                if p.get_param("name", header="content-disposition") == "file"
            ),
            None,
        )
        if file_part is None:
            raise _error(422, "Validation failed: File can't be blank")
        payload = file_part.get_payload(decode=True) or b""
        media_id = self.new_id()
        self.s["media"][media_id] = {
            "account": account,
            "name": file_part.get_filename() or "",
            "size": len(payload),
            "polls_left": self.media_processing_polls,
        }
        processing = self.media_processing_polls > 0
        return Reply.json(self._media_json(media_id), 202 if processing else 200)

    def _media_json(self, media_id: str) -> dict[str, Any]:
        media = self.s["media"][media_id]
        ready = media["polls_left"] <= 0
        url = f"{self.base_url}/system/media/{media_id}.png" if ready else None
        return {
            "id": media_id,
            "type": "image",
            "url": url,
            "preview_url": url,
            "description": None,
        }

    def _media(self, request: Request, id: str) -> Reply:
        account = self._auth(request)
        media = self.s["media"].get(id)
        if media is None or media["account"] != account:
            raise _error(404, "Record not found")
        if media["polls_left"] > 0:
            media["polls_left"] -= 1
            self._dirty = True
            return Reply.json(self._media_json(id) | {"url": None}, 206)
        return Reply.json(self._media_json(id))

    # --- statuses ---------------------------------------------------------------------------

    def _status_json(self, status: dict[str, Any]) -> dict[str, Any]:
        account = self.s["accounts"][status["account"]]
        domain = account["domain"] or self.domain
        return {
            "id": status["id"],
            "created_at": _iso(status["created_at"]),
            "in_reply_to_id": status["in_reply_to_id"] or None,
            "in_reply_to_account_id": status["in_reply_to_account_id"] or None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": status["visibility"],
            "language": "en",
            "uri": f"https://{domain}/users/{account['username']}/statuses/{status['id']}",
            "url": f"https://{domain}/@{account['username']}/{status['id']}",
            "replies_count": status["replies"],
            "reblogs_count": status["reblogs"],
            "favourites_count": status["favourites"],
            "edited_at": _iso(status["edited_at"]) if status["edited_at"] else None,
            "content": render_html(status["text"], self.base_url, self._domain_of),
            "reblog": None,
            "account": self._account_json(status["account"]),
            "media_attachments": [self._media_json(m) for m in status["media_ids"]],
            "mentions": [
                {
                    "id": target,
                    "username": self.s["accounts"][target]["username"],
                    "acct": self.s["accounts"][target]["acct"],
                    "url": self._account_json(target)["url"],
                }
                for target in status.get("mentions", [])
            ],
            "tags": [],
            "emojis": [],
            "card": None,
            "poll": None,
        }

    def _domain_of(self, username: str) -> str:
        for account in self.s["accounts"].values():
            if account["username"] == username:
                return str(account["domain"] or self.domain)
        return self.domain

    def _create_status(
        self,
        account_id: str,
        text: str,
        media_ids: list[str],
        in_reply_to_id: str,
        visibility: str,
        notify: bool = True,
    ) -> dict[str, Any]:
        parent = self.s["statuses"].get(in_reply_to_id) if in_reply_to_id else None
        if in_reply_to_id and (parent is None or parent["deleted"]):
            raise _error(404, "Record not found")
        status_id = self.new_id()
        status = {
            "id": status_id,
            "account": account_id,
            "text": text,
            "media_ids": list(media_ids),
            "in_reply_to_id": in_reply_to_id,
            "in_reply_to_account_id": parent["account"] if parent else "",
            "visibility": visibility,
            "created_at": self.now(),
            "edited_at": None,
            "deleted": False,
            "replies": 0,
            "reblogs": 0,
            "favourites": 0,
        }
        self.s["statuses"][status_id] = status
        if parent is not None:
            parent["replies"] += 1
        mentioned = []
        for match in _MENTION.finditer(text):
            acct = match.group(1)
            if match.group(2) and match.group(2) != self.domain:
                acct = f"{match.group(1)}@{match.group(2)}"
            try:
                target = self.account_id(acct)
            except KeyError:
                continue
            if target != account_id and target not in mentioned:
                mentioned.append(target)
        status["mentions"] = mentioned
        for target in mentioned:
            if notify:
                notification_id = self.new_id()
                self.s["notifications"][notification_id] = {
                    "id": notification_id,
                    "account": target,
                    "type": "mention",
                    "from": account_id,
                    "status": status_id,
                    "created_at": self.now(),
                }
        if visibility == "direct":
            self._update_conversations(status, [account_id, *mentioned])
        return status

    def _update_conversations(self, status: dict[str, Any], participants: list[str]) -> None:
        group = sorted(set(participants))
        for owner in group:
            found = next(
                (
                    c
                    for c in self.s["conversations"].values()
                    if c["owner"] == owner and c["participants"] == group
                ),
                None,
            )
            if found is None:
                conversation_id = self.new_id()
                found = {"id": conversation_id, "owner": owner, "participants": group}
                self.s["conversations"][conversation_id] = found
            found["last_status"] = status["id"]
            found["unread"] = owner != status["account"]

    def _post_status(self, request: Request) -> Reply:
        account = self._auth(request)
        params = self._params(request)
        key = request.headers.get("idempotency-key", "")
        if key:
            received = self.s.setdefault("received_per_key", {})
            received[key] = received.get(key, 0) + 1
            self._dirty = True
        slot = f"{account}:{key}"
        remembered = self.s["idempotency"].get(slot) if key else None
        if remembered and self.now() - remembered["at"] < IDEMPOTENCY_SECONDS:
            if remembered["kind"] == "scheduled" and remembered["id"] in self.s["scheduled"]:
                return Reply.json(self._scheduled_json(remembered["id"]))
            if remembered["kind"] == "status":
                return Reply.json(self._status_json(self.s["statuses"][remembered["id"]]))
        text = params.get("status", [""])[0]
        media_ids = params.get("media_ids[]", []) or params.get("media_ids", [])
        if not text.strip() and not media_ids:
            raise _error(422, "Validation failed: Text can't be blank")
        if len(text) > self.max_characters:
            raise _error(
                422, f"Validation failed: Text character limit of {self.max_characters} exceeded"
            )
        if len(media_ids) > self.max_media:
            raise _error(422, "Validation failed: Media attachments too many")
        for media_id in media_ids:
            media = self.s["media"].get(media_id)
            if media is None or media["account"] != account:
                raise _error(422, "Validation failed: Media attachments are invalid")
            if media["polls_left"] > 0:
                raise _error(
                    422,
                    "Cannot attach files that have not finished processing. Try again in a moment!",
                )
        visibility = params.get("visibility", ["public"])[0]
        in_reply_to = params.get("in_reply_to_id", [""])[0]
        scheduled_at = params.get("scheduled_at", [""])[0]
        if scheduled_at:
            when = _parse_time(scheduled_at)
            if when is None or when < self.now() + 300:
                raise _error(
                    422, "Validation failed: Scheduled at The scheduled date must be in the future"
                )
            scheduled_id = self.new_id()
            self.s["scheduled"][scheduled_id] = {
                "id": scheduled_id,
                "account": account,
                "at": when,
                "params": {
                    "text": text,
                    "media_ids": media_ids or None,
                    "visibility": visibility,
                    "in_reply_to_id": in_reply_to or None,
                    "idempotency": key or None,
                },
            }
            if key:
                self.s["idempotency"][slot] = {
                    "kind": "scheduled",
                    "id": scheduled_id,
                    "at": self.now(),
                }
            return Reply.json(self._scheduled_json(scheduled_id))
        status = self._create_status(account, text, media_ids, in_reply_to, visibility)
        if key:
            self.s["idempotency"][slot] = {"kind": "status", "id": status["id"], "at": self.now()}
            self.s["created_per_key"][key] = self.s["created_per_key"].get(key, 0) + 1
        self.s["created_per_text"][text] = self.s["created_per_text"].get(text, 0) + 1
        return Reply.json(self._status_json(status))

    def _visible(self, status_id: str) -> dict[str, Any]:
        status = self.s["statuses"].get(status_id)
        if status is None or status["deleted"]:
            raise _error(404, "Record not found")
        return dict(status)

    def _get_status(self, request: Request, id: str) -> Reply:
        self._auth(request)
        return Reply.json(self._status_json(self._visible(id)))

    def _context(self, request: Request, id: str) -> Reply:
        """Ancestors oldest first; descendants in depth-first order, as Mastodon gives them."""
        self._auth(request)
        status = self._visible(id)
        ancestors: list[dict[str, Any]] = []
        parent = self.s["statuses"].get(status["in_reply_to_id"] or "")
        while parent is not None and not parent["deleted"] and len(ancestors) < 4096:
            ancestors.insert(0, parent)
            parent = self.s["statuses"].get(parent["in_reply_to_id"] or "")
        children: dict[str, list[dict[str, Any]]] = {}
        for other in self.s["statuses"].values():
            if other["in_reply_to_id"] and not other["deleted"]:
                children.setdefault(other["in_reply_to_id"], []).append(other)
        descendants: list[dict[str, Any]] = []

        def walk(status_id: str) -> None:
            for child in sorted(children.get(status_id, []), key=lambda c: _key(c["id"])):
                if len(descendants) < 4096:
                    descendants.append(child)
                    walk(child["id"])

        walk(id)
        return Reply.json(
            {
                "ancestors": [self._status_json(a) for a in ancestors],
                "descendants": [self._status_json(d) for d in descendants],
            }
        )

    def _statuses_batch(self, request: Request) -> Reply:
        self._auth(request)
        if not self.batch_statuses:
            return Reply(404, HTML_404, {"Content-Type": "text/html"})
        ids = request.query.get("id[]", []) or request.query.get("id", [])
        if len(ids) > 20:
            raise _error(422, "Too many ids")
        found = [s for i in ids if (s := self.s["statuses"].get(i)) and not s["deleted"]]
        return Reply.json([self._status_json(s) for s in reversed(found)])

    def _edit_status(self, request: Request, id: str) -> Reply:
        account = self._auth(request)
        status = self.s["statuses"].get(id)
        if status is None or status["deleted"]:
            raise _error(404, "Record not found")
        if status["account"] != account:
            raise _error(403, "This action is not allowed")
        params = self._params(request)
        status["text"] = params.get("status", [status["text"]])[0]
        media_ids = params.get("media_ids[]")
        if media_ids is not None or self.edit_drops_unnamed_media:
            status["media_ids"] = list(media_ids or [])
        status["edited_at"] = self.now()
        self._dirty = True
        return Reply.json(self._status_json(status))

    def _delete_status(self, request: Request, id: str) -> Reply:
        account = self._auth(request)
        status = self.s["statuses"].get(id)
        if status is None or status["deleted"]:
            raise _error(404, "Record not found")
        if status["account"] != account:
            raise _error(403, "This action is not allowed")
        status["deleted"] = True
        self._dirty = True
        return Reply.json(self._status_json(status) | {"text": status["text"]})

    def _account_statuses(self, request: Request, id: str) -> Reply:
        self._auth(request)
        if id not in self.s["accounts"]:
            raise _error(404, "Record not found")
        items = [s for s in self.statuses_by(id)]
        return self._paged(request, items, 20, 40, lambda s: self._status_json(s))

    def _paged(
        self,
        request: Request,
        items: list[dict[str, Any]],
        default: int,
        cap: int,
        render: Callable[[dict[str, Any]], dict[str, Any]],
        key: str = "id",
    ) -> Reply:
        """Newest first; max_id / since_id / min_id / limit, with a Link header."""
        query = {k: v[0] for k, v in request.query.items()}
        ordered = sorted(items, key=lambda s: _key(s[key]), reverse=True)
        if query.get("max_id"):
            ordered = [s for s in ordered if _key(s[key]) < _key(query["max_id"])]
        if query.get("since_id"):
            ordered = [s for s in ordered if _key(s[key]) > _key(query["since_id"])]
        try:
            limit = max(1, min(cap, int(query.get("limit", default))))
        except ValueError:
            limit = default
        if query.get("min_id"):
            newer = [s for s in ordered if _key(s[key]) > _key(query["min_id"])]
            page = newer[-limit:]  # the ones immediately after min_id
        else:
            page = ordered[:limit]
        headers = {}
        if page:
            base = f"{self.base_url}{request.path}"
            extra = [
                (k, v)
                for k, vs in request.query.items()
                for v in vs
                if k not in ("max_id", "min_id", "since_id")
            ]
            next_q = urlencode([*extra, ("max_id", page[-1][key])])
            prev_q = urlencode([*extra, ("min_id", page[0][key])])
            headers["Link"] = f'<{base}?{next_q}>; rel="next", <{base}?{prev_q}>; rel="prev"'
        return Reply.json([render(s) for s in page], headers=headers)

    # --- scheduled statuses --------------------------------------------------------------

    def _scheduled_json(self, scheduled_id: str) -> dict[str, Any]:
        scheduled = self.s["scheduled"][scheduled_id]
        params = dict(scheduled["params"])
        params["scheduled_at"] = None
        return {
            "id": scheduled_id,
            "scheduled_at": _iso(scheduled["at"]),
            "params": params,
            "media_attachments": [self._media_json(m) for m in params["media_ids"] or []],
        }

    def _own_scheduled(self, request: Request, id: str) -> dict[str, Any]:
        account = self._auth(request)
        scheduled = self.s["scheduled"].get(id)
        if scheduled is None or scheduled["account"] != account:
            raise _error(404, "Record not found")
        return dict(scheduled)

    def _get_scheduled(self, request: Request, id: str) -> Reply:
        self._own_scheduled(request, id)
        return Reply.json(self._scheduled_json(id))

    def _put_scheduled(self, request: Request, id: str) -> Reply:
        self._own_scheduled(request, id)
        when = _parse_time(self._params(request).get("scheduled_at", [""])[0])
        if when is None or when < self.now() + 300:
            raise _error(
                422, "Validation failed: Scheduled at The scheduled date must be in the future"
            )
        self.s["scheduled"][id]["at"] = when
        self._dirty = True
        return Reply.json(self._scheduled_json(id))

    def _delete_scheduled(self, request: Request, id: str) -> Reply:
        self._own_scheduled(request, id)
        del self.s["scheduled"][id]
        self._dirty = True
        return Reply.json({})

    def _publish_due(self) -> None:
        now = self.now()
        for scheduled_id, scheduled in list(self.s["scheduled"].items()):
            if scheduled["at"] <= now:
                params = scheduled["params"]
                del self.s["scheduled"][scheduled_id]
                self._create_status(
                    scheduled["account"],
                    params["text"],
                    params["media_ids"] or [],
                    "",
                    params["visibility"] or "public",
                )
                self.s["created_per_text"][params["text"]] = (
                    self.s["created_per_text"].get(params["text"], 0) + 1
                )
                self._dirty = True

    # --- notifications and conversations ----------------------------------------------------

    def _notifications(self, request: Request) -> Reply:
        account = self._auth(request)
        types = set(request.query.get("types[]", []))
        excluded = set(request.query.get("exclude_types[]", []))
        items = [
            n
            for n in self.s["notifications"].values()
            if n["account"] == account
            and (not types or n["type"] in types)
            and n["type"] not in excluded
            and not self.s["statuses"][n["status"]]["deleted"]
        ]

        def render(notification: dict[str, Any]) -> dict[str, Any]:
            return {
                "id": notification["id"],
                "type": notification["type"],
                "created_at": _iso(notification["created_at"]),
                "account": self._account_json(notification["from"]),
                "status": self._status_json(self.s["statuses"][notification["status"]]),
            }

        return self._paged(request, items, 40, 80, render)

    def _conversations(self, request: Request) -> Reply:
        account = self._auth(request)
        items = [
            {**c, "sort": c["last_status"]}
            for c in self.s["conversations"].values()
            if c["owner"] == account
        ]

        def render(conversation: dict[str, Any]) -> dict[str, Any]:
            return {
                "id": conversation["id"],
                "unread": conversation["unread"],
                "accounts": [
                    self._account_json(a) for a in conversation["participants"] if a != account
                ],
                "last_status": self._status_json(self.s["statuses"][conversation["last_status"]]),
            }

        return self._paged(request, items, 20, 40, render, key="sort")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state", default="")
    parser.add_argument(
        "--token", action="append", default=[], help="username:token to add (local account)"
    )
    args = parser.parse_args(argv)
    return serve_until_signalled(MastodonFake(args.port, args.state or None), args.token)


def serve_until_signalled(fake: MastodonFake, tokens: list[str]) -> int:
    """Add the ``username:token`` pairs, print the URL, serve until SIGTERM/SIGINT."""
    for spec in tokens:
        username, _, token = spec.partition(":")
        with fake.lock:
            try:
                account = fake.account_id(username)
            except KeyError:
                account = fake.add_account(username)
            if token not in fake.s["tokens"]:
                fake.add_token(account, token)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    fake.start()
    print(fake.base_url, flush=True)
    stop.wait()
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
