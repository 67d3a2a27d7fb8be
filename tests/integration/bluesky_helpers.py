"""What the Bluesky integration tests do *around* SMM Desk: other people, checks.

SMM Desk's own code is what is under test; this module plays everybody else
over plain XRPC: it creates accounts on the PDS, acts as a second account
(replying, mentioning, following, liking), and reads what the AppView shows
the world. The AppView indexes writes asynchronously, so every read of it
polls (``eventually``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import struct
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import requests

T = TypeVar("T")
POST = "app.bsky.feed.post"
#: The dev-env PDS signs access tokens with this HS256 secret (@atproto/dev-env const.ts).
DEV_ENV_JWT_SECRET = b"jwt-secret"


class XrpcFailed(AssertionError):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status, self.body = status, body


def xrpc(base: str, method: str, nsid: str, token: str = "", **kwargs: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = requests.request(
        method, f"{base}/xrpc/{nsid}", headers=headers, timeout=15, **kwargs
    )
    try:
        body = response.json() if response.content else {}  # some procedures send nothing
    except ValueError:
        body = response.text[:300]
    if response.status_code != 200:
        raise XrpcFailed(response.status_code, body)
    assert isinstance(body, dict)
    return body


def eventually(check: Callable[[], T | None], what: str, timeout: float = 20.0) -> T:
    """Poll ``check`` until it returns something truthy (the AppView lags ~0.5 s)."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = check()
        except (AssertionError, requests.RequestException) as exc:
            last_error, value = exc, None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not seen within {timeout:.0f} s ({last_error})")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Person:
    """An account on the test PDS, driven directly (not through SMM Desk)."""

    pds: str
    handle: str
    did: str
    password: str
    access_jwt: str

    @classmethod
    def create(cls, pds: str, name: str) -> Person:
        handle = f"{name}-{uuid.uuid4().hex[:8]}.test"
        password = f"main-{uuid.uuid4().hex}"
        body = xrpc(
            pds,
            "POST",
            "com.atproto.server.createAccount",
            json={"handle": handle, "email": f"{handle}@mail.test", "password": password},
        )
        return cls(pds, body["handle"], body["did"], password, body["accessJwt"])

    def call(self, method: str, nsid: str, **kwargs: Any) -> dict[str, Any]:
        return xrpc(self.pds, method, nsid, self.access_jwt, **kwargs)

    def app_password(self, name: str = "SMM Desk") -> str:
        body = self.call("POST", "com.atproto.server.createAppPassword", json={"name": name})
        return str(body["password"])

    def write(self, collection: str, record: dict[str, Any]) -> dict[str, Any]:
        return self.call(
            "POST",
            "com.atproto.repo.createRecord",
            json={"repo": self.did, "collection": collection, "record": record},
        )

    def post(self, text: str, **extra: Any) -> dict[str, Any]:
        return self.write(POST, {"$type": POST, "text": text, "createdAt": now_iso(), **extra})

    def reply(self, text: str, root: dict[str, Any], parent: dict[str, Any]) -> dict[str, Any]:
        refs = {"root": _ref(root), "parent": _ref(parent)}
        return self.post(text, reply=refs)

    def mention(self, other: Person, text_after: str) -> dict[str, Any]:
        text = f"@{other.handle} {text_after}"
        end = len(f"@{other.handle}".encode())
        facet = {
            "index": {"byteStart": 0, "byteEnd": end},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": other.did}],
        }
        return self.post(text, facets=[facet])

    def follow(self, other: Person) -> dict[str, Any]:
        record = {"$type": "app.bsky.graph.follow", "subject": other.did, "createdAt": now_iso()}
        return self.write("app.bsky.graph.follow", record)

    def like(self, post: dict[str, Any]) -> dict[str, Any]:
        record = {"$type": "app.bsky.feed.like", "subject": _ref(post), "createdAt": now_iso()}
        return self.write("app.bsky.feed.like", record)


def _ref(post: dict[str, Any]) -> dict[str, str]:
    return {"uri": str(post["uri"]), "cid": str(post["cid"])}


class AppView:
    """What everybody else sees: public reads from the AppView, with polling."""

    def __init__(self, url: str) -> None:
        self.url = url

    def post(self, uri: str) -> dict[str, Any] | None:
        posts = xrpc(self.url, "GET", "app.bsky.feed.getPosts", params={"uris": [uri]})["posts"]
        return posts[0] if posts else None

    def wait_for_post(self, uri: str, check: Callable[[dict[str, Any]], bool] = bool) -> Any:
        def seen() -> dict[str, Any] | None:
            view = self.post(uri)
            return view if view is not None and check(view) else None

        return eventually(seen, f"post {uri} on the AppView")

    def thread(self, uri: str) -> dict[str, Any]:
        body = xrpc(self.url, "GET", "app.bsky.feed.getPostThread", params={"uri": uri})
        return dict(body["thread"])

    def profile(self, did: str) -> dict[str, Any]:
        return xrpc(self.url, "GET", "app.bsky.actor.getProfile", params={"actor": did})


def _png(width: int, height: int, rows: bytes, level: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, level))
        + chunk(b"IEND", b"")
    )


def tiny_png(width: int = 8, height: int = 6) -> bytes:
    """A small real PNG (RGB, a gradient), made here so no binary sits in the repo."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 30 % 256, y * 40 % 256, 160)) for x in range(width))
        for y in range(height)
    )
    return _png(width, height, rows, 9)


def noisy_png(width: int, height: int) -> bytes:
    """A real PNG of random pixels, stored uncompressed: about 3 bytes per pixel."""
    noise = random.Random(f"{width}x{height}")
    rows = b"".join(b"\x00" + noise.randbytes(width * 3) for _ in range(height))
    return _png(width, height, rows, 0)


def expired_copy(access_jwt: str) -> str:
    """The same access token, expired an hour ago, signed as the dev-env PDS signs.

    Lets a test meet the PDS's real "ExpiredToken" answer without waiting two hours.
    """

    def decode(part: str) -> dict[str, Any]:
        return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))

    def encode(value: dict[str, Any]) -> str:
        raw = json.dumps(value, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header, payload, _ = access_jwt.split(".")
    claims = decode(payload)
    assert decode(header)["alg"] == "HS256", "the dev-env PDS signs access tokens with HS256"
    now = int(time.time())
    claims.update(iat=now - 7200, exp=now - 3600)
    signing_input = f"{header}.{encode(claims)}"
    signature = hmac.new(DEV_ENV_JWT_SECRET, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
