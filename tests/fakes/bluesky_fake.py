"""A stateful Bluesky PDS + AppView on 127.0.0.1, speaking XRPC as the reference does.

What it keeps: accounts (handle, DID, app password, profile), sessions with
rotating refresh tokens, blobs, post/like/repost records per repo,
notifications derived from posts (replies to the parent's and the root's
author, mentions from facets, quotes from ``embed.record``) and counts.

Wire details copied from the reference servers (@atproto/pds, xrpc-server):

* errors are ``{"error": "<Name>", "message": "..."}``;
* an expired access token: 400 ``ExpiredToken`` "Token has expired"; an unknown
  one: 400 ``InvalidToken`` "Token could not be verified"; none: 401
  ``AuthMissing``;
* ``refreshSession`` revokes the refresh token it was called with: using it
  again gives 400 ``ExpiredToken`` "Token has been revoked";
* ``createSession`` with a wrong password: 401 ``AuthenticationRequired``
  "Invalid identifier or password"; with a main password of an account that
  has email 2FA: 401 ``AuthFactorTokenRequired``;
* ``createRecord`` at a key that already holds a record: the reference PDS
  fails inside its repository tree ("There is already a value at key") and
  answers 500 ``InternalServerError`` "Internal Server Error"; the fake does
  the same;
* ``getRecord`` of a missing record: 400 ``RecordNotFound``; ``deleteRecord``
  of a missing record: 200 (a no-op);
* ``listNotifications`` is newest first; its cursor (``<indexedAt>::<cid>``)
  pages to older items;
* ``resolveHandle`` of an unknown handle: 400 ``InvalidRequest`` "Unable to
  resolve handle";
* ``getPostThread`` gives ``parent`` up to ``parentHeight`` and ``replies`` down
  to ``depth`` (defaults 80 and 6), a deleted post in the chain as
  ``notFoundPost``, and a deleted post asked for as 400 ``NotFound``; the root
  post's view carries its ``threadgate`` (``{uri, cid, record, lists}``);
* ``putRecord`` creates or replaces a record; ``swapRecord`` is compare and
  swap (a CID: the record must be at it; JSON null: it must not exist), and a
  mismatch is 400 ``InvalidSwap``. An ``app.bsky.feed.threadgate`` is checked
  as its lexicon says: ``post`` and ``createdAt`` required, the post in the
  same repo with the same rkey, at most 5 ``allow`` rules and 300
  ``hiddenReplies``.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.http_fake import FakeServer, Reply, Request

POST = "app.bsky.feed.post"
THREADGATE = "app.bsky.feed.threadgate"
LIKE = "app.bsky.feed.like"
REPOST = "app.bsky.feed.repost"
_RKEY = re.compile(r"^[A-Za-z0-9._:~-]{1,512}$")
_S32 = "234567abcdefghijklmnopqrstuvwxyz"


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def err(status: int, error: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply.json({"error": error, "message": message}, status, headers)


@dataclass
class Account:
    did: str
    handle: str
    password: str
    email: str = ""
    display_name: str = ""
    followers: int = 0
    follows: int = 0
    needs_email_code: bool = False  # the "main password with 2FA" case
    taken_down: bool = False


@dataclass
class Record:
    uri: str
    cid: str
    value: dict[str, Any]
    indexed_at: datetime

    @property
    def repo(self) -> str:
        return self.uri.split("/")[2]


@dataclass
class Notification:
    uri: str
    cid: str
    author: str
    reason: str
    reason_subject: str
    record: dict[str, Any]
    sort_at: datetime


@dataclass
class _Token:
    did: str
    kind: str  # "access" | "refresh"
    expired: bool = False
    revoked: bool = False


class BlueskyFake(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        # Stop within 50 ms instead of the default half second poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.accounts: dict[str, Account] = {}
        self.tokens: dict[str, _Token] = {}
        self.records: dict[str, Record] = {}  # uri -> record
        self.blobs: dict[str, tuple[str, int]] = {}
        self.notifications: dict[str, list[Notification]] = {}
        self.clock = datetime.now(UTC) - timedelta(hours=1)
        self._ids = itertools.count(1)
        self.extra_counts: dict[str, dict[str, int]] = {}
        self.ignore_reasons_param = False

    # --- helpers for tests ---------------------------------------------------------

    def tick(self, seconds: float = 1.0) -> datetime:
        with self.lock:
            self.clock += timedelta(seconds=seconds)
            return self.clock

    def add_account(
        self, handle: str, password: str = "app-pass-1234", display_name: str = "", **kw: Any
    ) -> str:
        did = "did:plc:" + hashlib.sha256(handle.encode()).hexdigest()[:24]
        with self.lock:
            self.accounts[did] = Account(did, handle, password, display_name=display_name, **kw)
            self.notifications.setdefault(did, [])
        return did

    def did_of(self, handle: str) -> str:
        return next(a.did for a in self.accounts.values() if a.handle == handle)

    def expire_access_tokens(self) -> None:
        with self.lock:
            for token in self.tokens.values():
                if token.kind == "access":
                    token.expired = True

    def expire_refresh_tokens(self) -> None:
        with self.lock:
            for token in self.tokens.values():
                if token.kind == "refresh":
                    token.expired = True

    def live_refresh_tokens(self) -> list[str]:
        with self.lock:
            return [
                value
                for value, t in self.tokens.items()
                if t.kind == "refresh" and not (t.expired or t.revoked)
            ]

    def _new_tid(self) -> str:
        micros = int(self.clock.timestamp() * 1_000_000) + next(self._ids)
        value = (micros << 10) | 7
        return "".join(_S32[(value >> (5 * i)) & 31] for i in reversed(range(13)))

    def _cid(self, seed: str) -> str:
        return "bafyrei" + hashlib.sha256(f"{seed}{next(self._ids)}".encode()).hexdigest()[:40]

    def post_as(
        self,
        did: str,
        text: str,
        *,
        reply_to: str = "",
        quote: str = "",
        mention: str = "",
        created_at: datetime | None = None,
    ) -> str:
        """Another user writes a post (a reply, a quote or a mention); returns its uri."""
        with self.lock:
            record: dict[str, Any] = {"$type": POST, "text": text}
            record["createdAt"] = iso(created_at or self.clock)
            if reply_to:
                parent = self.records[reply_to]
                root = parent.value.get("reply", {}).get("root") or {
                    "uri": parent.uri,
                    "cid": parent.cid,
                }
                record["reply"] = {"root": root, "parent": {"uri": parent.uri, "cid": parent.cid}}
            if quote:
                quoted = self.records[quote]
                record["embed"] = {
                    "$type": "app.bsky.embed.record",
                    "record": {"uri": quoted.uri, "cid": quoted.cid},
                }
            if mention:
                target = self.accounts[mention]
                label = f"@{target.handle}"
                record["text"] = f"{text} {label}"
                start = len(text.encode()) + 1
                record["facets"] = [
                    {
                        "index": {"byteStart": start, "byteEnd": start + len(label.encode())},
                        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": mention}],
                    }
                ]
            return self._store_record(did, POST, self._new_tid(), record).uri

    def delete_as(self, uri: str) -> None:
        """The author deletes a post: it and the notifications about it vanish."""
        with self.lock:
            self.records.pop(uri, None)
            for notes in self.notifications.values():
                notes[:] = [n for n in notes if n.uri != uri]

    def threadgate(self, post_uri: str) -> dict[str, Any] | None:
        """The threadgate record's value for a post, if it has one."""
        did, _, rkey = post_uri[5:].split("/")
        with self.lock:
            record = self.records.get(f"at://{did}/{THREADGATE}/{rkey}")
            return dict(record.value) if record else None

    def like(self, did: str, uri: str) -> str:
        with self.lock:
            subject = self.records[uri]
            value = {
                "$type": LIKE,
                "subject": {"uri": uri, "cid": subject.cid},
                "createdAt": iso(self.clock),
            }
            return self._store_record(did, LIKE, self._new_tid(), value).uri

    # --- state ------------------------------------------------------------------------

    def _store_record(self, did: str, collection: str, rkey: str, value: dict[str, Any]) -> Record:
        self.tick()
        uri = f"at://{did}/{collection}/{rkey}"
        record = Record(uri, self._cid(uri), value, self.clock)
        self.records[uri] = record
        self._notify(did, record)
        return record

    def _notify(self, author: str, record: Record) -> None:
        value = record.value
        created = _parse(value.get("createdAt")) or record.indexed_at
        sort_at = min(created, record.indexed_at)
        told: set[str] = {author}

        def tell(did: str, reason: str, subject: str) -> None:
            if did in told or did not in self.accounts:
                return
            told.add(did)
            self.notifications.setdefault(did, []).append(
                Notification(record.uri, record.cid, author, reason, subject, value, sort_at)
            )

        collection = record.uri.split("/")[3]
        if collection == LIKE:
            subject = value["subject"]["uri"]
            tell(subject.split("/")[2], "like", subject)
            return
        if collection != POST:
            return
        reply = value.get("reply")
        if isinstance(reply, dict):
            parent = reply["parent"]["uri"]
            root = reply["root"]["uri"]
            tell(parent.split("/")[2], "reply", parent)
            tell(root.split("/")[2], "reply", root)
        embed = value.get("embed")
        if isinstance(embed, dict) and isinstance(embed.get("record"), dict):
            quoted = embed["record"].get("uri", "")
            if quoted.startswith("at://"):
                tell(quoted.split("/")[2], "quote", quoted)
        for facet in value.get("facets") or []:
            for feature in facet.get("features", []):
                if feature.get("$type") == "app.bsky.richtext.facet#mention":
                    tell(feature.get("did", ""), "mention", "")

    def _profile_basic(self, did: str) -> dict[str, Any]:
        account = self.accounts.get(did)
        if account is None:
            return {"did": did, "handle": "handle.invalid"}
        view: dict[str, Any] = {"did": did, "handle": account.handle, "labels": []}
        if account.display_name:
            view["displayName"] = account.display_name
        return view

    def _counts(self, uri: str) -> dict[str, int]:
        replies = likes = reposts = quotes = 0
        for record in self.records.values():
            value = record.value
            if value.get("$type") == POST:
                if (value.get("reply") or {}).get("parent", {}).get("uri") == uri:
                    replies += 1
                if ((value.get("embed") or {}).get("record") or {}).get("uri") == uri:
                    quotes += 1
            elif value.get("$type") in (LIKE, REPOST) and value["subject"]["uri"] == uri:
                if value["$type"] == LIKE:
                    likes += 1
                else:
                    reposts += 1
        counts = {
            "replyCount": replies,
            "repostCount": reposts,
            "likeCount": likes,
            "quoteCount": quotes,
        }
        counts.update(self.extra_counts.get(uri, {}))
        return counts

    def _post_view(self, record: Record) -> dict[str, Any]:
        view = {
            "uri": record.uri,
            "cid": record.cid,
            "author": self._profile_basic(record.repo),
            "record": record.value,
            **self._counts(record.uri),
            "indexedAt": iso(record.indexed_at),
            "labels": [],
        }
        gate = self.records.get(f"at://{record.repo}/{THREADGATE}/{record.uri.rsplit('/', 1)[1]}")
        if gate is not None and not record.value.get("reply"):
            view["threadgate"] = {
                "uri": gate.uri,
                "cid": gate.cid,
                "record": gate.value,
                "lists": [],
            }
        return view

    # --- auth -------------------------------------------------------------------------

    def _issue(self, did: str) -> dict[str, Any]:
        n = next(self._ids)
        access, refresh = f"acc-{n}-{did[-6:]}", f"ref-{n}-{did[-6:]}"
        self.tokens[access] = _Token(did, "access")
        self.tokens[refresh] = _Token(did, "refresh")
        account = self.accounts[did]
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": account.handle,
            "did": did,
            "active": True,
        }

    def _bearer(self, request: Request, kind: str) -> _Token | Reply:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return err(401, "AuthMissing", "Authentication Required")
        token = self.tokens.get(header[7:])
        if token is None:
            return err(400, "InvalidToken", "Token could not be verified")
        if token.kind != kind:
            return err(400, "InvalidToken", "Bad token scope")
        if token.revoked:
            return err(400, "ExpiredToken", "Token has been revoked")
        if token.expired:
            return err(400, "ExpiredToken", "Token has expired")
        return token

    # --- routing ---------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        if not request.path.startswith("/xrpc/"):
            return err(404, "NotFound", "Not Found")
        nsid = request.path[len("/xrpc/") :]
        with self.lock:
            if nsid == "com.atproto.server.createSession":
                return self._create_session(request)
            if nsid == "com.atproto.server.refreshSession":
                token = self._bearer(request, "refresh")
                if isinstance(token, Reply):
                    return token
                token.revoked = True
                return Reply.json(self._issue(token.did))
            if nsid == "com.atproto.identity.resolveHandle":
                wanted = request.arg("handle").lower()
                for account in self.accounts.values():
                    if account.handle == wanted:
                        return Reply.json({"did": account.did})
                return err(400, "InvalidRequest", "Unable to resolve handle")
            method = getattr(self, "_x_" + nsid.replace(".", "_"), None)
            if method is None:
                return err(501, "MethodNotImplemented", "Method Not Implemented")
            token = self._bearer(request, "access")
            if isinstance(token, Reply):
                return token
            return method(request, token.did)

    def _create_session(self, request: Request) -> Reply:
        body = request.json() or {}
        ident = str(body.get("identifier", "")).lower()
        password = body.get("password")
        for account in self.accounts.values():
            if ident in (account.handle, account.did, account.email.lower()) and ident:
                if account.taken_down and password == account.password:
                    return err(401, "AccountTakedown", "Account has been taken down")
                if account.needs_email_code and password == account.password:
                    return err(
                        401,
                        "AuthFactorTokenRequired",
                        "A sign in code has been sent to your email address",
                    )
                if password == account.password:
                    return Reply.json(self._issue(account.did))
        return err(401, "AuthenticationRequired", "Invalid identifier or password")

    def _x_com_atproto_server_getSession(self, request: Request, did: str) -> Reply:
        account = self.accounts[did]
        return Reply.json({"did": did, "handle": account.handle, "active": True})

    def _x_com_atproto_repo_uploadBlob(self, request: Request, did: str) -> Reply:
        mime = request.headers.get("content-type", "")
        if len(request.body) > 50_000_000:
            return err(413, "PayloadTooLarge", "request entity too large")
        cid = "bafkrei" + hashlib.sha256(request.body).hexdigest()[:40]
        self.blobs[cid] = (mime, len(request.body))
        return Reply.json(
            {
                "blob": {
                    "$type": "blob",
                    "ref": {"$link": cid},
                    "mimeType": mime,
                    "size": len(request.body),
                }
            }
        )

    def _x_com_atproto_repo_createRecord(self, request: Request, did: str) -> Reply:
        body = request.json() or {}
        if body.get("repo") not in (did, self.accounts[did].handle):
            return err(401, "AuthenticationRequired", "Authentication Required")
        collection = body.get("collection")
        record = body.get("record")
        if not isinstance(record, dict) or not isinstance(record.get("createdAt"), str):
            return err(
                400,
                "InvalidRequest",
                "Invalid app.bsky.feed.post record: Record/createdAt must be a string",
            )
        text = record.get("text")
        if not isinstance(text, str) or len(text.encode()) > 3000:
            return err(
                400,
                "InvalidRequest",
                "Invalid app.bsky.feed.post record: "
                "Record/text must not be longer than 3000 characters",
            )
        embed = record.get("embed")
        if isinstance(embed, dict) and embed.get("$type") == "app.bsky.embed.images":
            for image in embed.get("images", []):
                cid = image["image"]["ref"]["$link"]
                if cid not in self.blobs:
                    return err(400, "InvalidRequest", f"Could not find blob: {cid}")
                if "alt" not in image:
                    return err(
                        400,
                        "InvalidRequest",
                        "Invalid app.bsky.feed.post record: "
                        'Record/embed/images/0 must have the property "alt"',
                    )
        rkey = body.get("rkey") or self._new_tid()
        if not isinstance(rkey, str) or not _RKEY.match(rkey) or rkey in (".", ".."):
            return err(400, "InvalidRequest", "Invalid record key")
        uri = f"at://{did}/{collection}/{rkey}"
        if uri in self.records:
            return err(500, "InternalServerError", "Internal Server Error")
        stored = self._store_record(did, str(collection), rkey, record)
        return Reply.json({"uri": stored.uri, "cid": stored.cid, "validationStatus": "valid"})

    def _x_com_atproto_repo_getRecord(self, request: Request, did: str) -> Reply:
        repo = request.arg("repo")
        repo_did = (
            repo
            if repo.startswith("did:")
            else next((a.did for a in self.accounts.values() if a.handle == repo), "")
        )
        uri = f"at://{repo_did}/{request.arg('collection')}/{request.arg('rkey')}"
        record = self.records.get(uri)
        if record is None:
            return err(400, "RecordNotFound", f"Could not locate record: {uri}")
        return Reply.json({"uri": record.uri, "cid": record.cid, "value": record.value})

    def _x_com_atproto_repo_putRecord(self, request: Request, did: str) -> Reply:
        body = request.json() or {}
        if body.get("repo") not in (did, self.accounts[did].handle):
            return err(401, "AuthenticationRequired", "Authentication Required")
        collection, rkey, record = body.get("collection"), body.get("rkey"), body.get("record")
        if not isinstance(rkey, str) or not _RKEY.match(rkey) or rkey in (".", ".."):
            return err(400, "InvalidRequest", "Invalid record key")
        if not isinstance(record, dict):
            return err(400, "InvalidRequest", 'Input must have the property "record"')
        uri = f"at://{did}/{collection}/{rkey}"
        if "swapRecord" in body:
            current = self.records.get(uri)
            swap = body["swapRecord"]
            if (current.cid if current else None) != swap:
                return err(400, "InvalidSwap", f"Record was at {current.cid if current else None}")
        if collection == THREADGATE:
            problem = _threadgate_problem(record, f"at://{did}/{POST}/{rkey}")
            if problem:
                return err(400, "InvalidRequest", f"Invalid {THREADGATE} record: {problem}")
        old = self.records.pop(uri, None)
        stored = self._store_record(did, str(collection), rkey, record)
        if old is not None:
            stored.indexed_at = old.indexed_at
        return Reply.json(
            {
                "uri": stored.uri,
                "cid": stored.cid,
                "commit": {"cid": self._cid("commit"), "rev": self._new_tid()},
                "validationStatus": "valid",
            }
        )

    def _x_com_atproto_repo_deleteRecord(self, request: Request, did: str) -> Reply:
        body = request.json() or {}
        if body.get("repo") != did:
            return err(401, "AuthenticationRequired", "Authentication Required")
        uri = f"at://{did}/{body.get('collection')}/{body.get('rkey')}"
        self.records.pop(uri, None)
        return Reply.json({})

    def _x_com_atproto_repo_listRecords(self, request: Request, did: str) -> Reply:
        repo, collection = request.arg("repo"), request.arg("collection")
        limit = int(request.arg("limit", "50"))
        mine = [r for r in self.records.values() if r.uri.startswith(f"at://{repo}/{collection}/")]
        mine.sort(key=lambda r: r.uri.rsplit("/", 1)[1], reverse=True)
        return Reply.json(
            {"records": [{"uri": r.uri, "cid": r.cid, "value": r.value} for r in mine[:limit]]}
        )

    def _x_app_bsky_actor_getProfile(self, request: Request, did: str) -> Reply:
        actor = request.arg("actor")
        account = self.accounts.get(actor) or next(
            (a for a in self.accounts.values() if a.handle == actor), None
        )
        if account is None:
            return err(400, "InvalidRequest", "Profile not found")
        posts = sum(
            1 for r in self.records.values() if r.uri.startswith(f"at://{account.did}/{POST}/")
        )
        view = self._profile_basic(account.did)
        view.update(
            followersCount=account.followers, followsCount=account.follows, postsCount=posts
        )
        return Reply.json(view)

    def _x_app_bsky_feed_getPosts(self, request: Request, did: str) -> Reply:
        uris = request.query.get("uris", [])
        if len(uris) > 25:
            return err(400, "InvalidRequest", "Error: uris must not have more than 25 elements")
        for uri in uris:
            if not uri.startswith("at://"):
                return err(400, "InvalidRequest", "Error: uris/0 must be a valid at-uri")
        posts = [self._post_view(self.records[u]) for u in uris if u in self.records]
        return Reply.json({"posts": posts})

    def _x_app_bsky_feed_getPostThread(self, request: Request, did: str) -> Reply:
        uri = request.arg("uri")
        record = self.records.get(uri)
        if record is None:
            return err(400, "NotFound", f"Post not found: {uri}")

        def replies(uri: str, depth: int) -> list[dict[str, Any]]:
            children = [
                r
                for r in self.records.values()
                if r.value.get("$type") == POST
                and (r.value.get("reply") or {}).get("parent", {}).get("uri") == uri
            ]
            children.sort(key=lambda r: r.indexed_at)
            out = []
            for child in children:
                view: dict[str, Any] = {
                    "$type": "app.bsky.feed.defs#threadViewPost",
                    "post": self._post_view(child),
                }
                if depth > 1:
                    view["replies"] = replies(child.uri, depth - 1)
                out.append(view)
            return out

        def node(rec: Record, height: int) -> dict[str, Any]:
            out: dict[str, Any] = {
                "$type": "app.bsky.feed.defs#threadViewPost",
                "post": self._post_view(rec),
            }
            parent_uri = (rec.value.get("reply") or {}).get("parent", {}).get("uri")
            if parent_uri and height > 0:
                parent = self.records.get(parent_uri)
                out["parent"] = (
                    node(parent, height - 1)
                    if parent
                    else {
                        "$type": "app.bsky.feed.defs#notFoundPost",
                        "uri": parent_uri,
                        "notFound": True,
                    }
                )
            return out

        thread = node(record, int(request.arg("parentHeight", "80")))
        depth = int(request.arg("depth", "6"))
        if depth > 0:
            thread["replies"] = replies(record.uri, depth)
        return Reply.json({"thread": thread})

    def _x_app_bsky_notification_listNotifications(self, request: Request, did: str) -> Reply:
        limit = int(request.arg("limit", "50"))
        if not 1 <= limit <= 100:
            return err(400, "InvalidRequest", 'Error: Params must have the property "limit" <= 100')
        reasons = request.query.get("reasons", [])
        notes = sorted(
            self.notifications.get(did, []), key=lambda n: (n.sort_at, n.cid), reverse=True
        )
        if reasons and not self.ignore_reasons_param:
            notes = [n for n in notes if n.reason in reasons]
        cursor = request.arg("cursor")
        if cursor:
            when, _, cid = cursor.partition("::")
            notes = [n for n in notes if (iso(n.sort_at), n.cid) < (when, cid)]
        page = notes[:limit]
        out = [
            {
                "uri": n.uri,
                "cid": n.cid,
                "author": self._profile_basic(n.author),
                "reason": n.reason,
                **({"reasonSubject": n.reason_subject} if n.reason_subject else {}),
                "record": n.record,
                "isRead": False,
                "indexedAt": iso(n.sort_at),
                "labels": [],
            }
            for n in page
        ]
        body: dict[str, Any] = {"notifications": out}
        if len(notes) > limit:
            last = page[-1]
            body["cursor"] = f"{iso(last.sort_at)}::{last.cid}"
        return Reply.json(body)


def _threadgate_problem(record: dict[str, Any], post_uri: str) -> str:
    """What the threadgate lexicon (and the rkey rule) says is wrong, or ''."""
    if record.get("post") != post_uri:
        return "Record/post must be the post with the same rkey in this repo"
    if not isinstance(record.get("createdAt"), str):
        return "Record/createdAt must be a string"
    allow = record.get("allow", [])
    if not isinstance(allow, list) or len(allow) > 5:
        return "Record/allow must not have more than 5 elements"
    hidden = record.get("hiddenReplies", [])
    if not isinstance(hidden, list) or len(hidden) > 300:
        return "Record/hiddenReplies must not have more than 300 elements"
    if not all(isinstance(h, str) and h.startswith("at://") for h in hidden):
        return "Record/hiddenReplies must be at-uris"
    return ""


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
