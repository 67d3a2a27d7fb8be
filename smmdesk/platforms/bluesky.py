"""Bluesky (AT Protocol): publish, delete, inbox, replies and stats over XRPC.

The user gives a handle (or the account's email), an **app password** and,
for a self-hosted server, its address (default ``https://bsky.social``; a
``ConnectorConfig.base_url`` set by the tests wins over it). Sessions, their
renewal and the "log in as rarely as possible" rule live in
``bluesky_session``; facets in ``bluesky_facets``; the inbox in
``bluesky_inbox``; conversations and hiding replies (threadgate
``hiddenReplies``) in ``bluesky_thread``; image headers in ``bluesky_media``.

Decisions worth knowing:

* **Exactly once.** ``createRecord`` takes a caller-chosen record key, and a
  post's key type is ``tid``. The rkey is derived from the engine's
  idempotency key (UUIDv7: its first 48 bits are Unix milliseconds), so a
  retried publish writes to the same key: the PDS cannot create a second post
  there (the reference PDS answers a repeated key with a 500 from its
  repository tree, not a named error), and ``find_published`` is one
  ``getRecord`` for that key, which is sure either way. After any failed or
  unanswered ``createRecord`` the key is looked up before the error is
  passed on. A key that is not a UUIDv7 gets a TID from its SHA-256; an empty
  key lets the PDS choose, and ``find_published`` then compares the text of
  the account's 50 most recent posts.
* Bluesky has no edit (``putRecord`` would change the post's CID and break
  replies and quotes to it): ``edit_post`` says to delete it and post again.
* No native scheduling, no direct messages: DMs need an app password created
  with "allow access to your direct messages", which this connector does not
  ask for.
* Quote counts are added to reposts in ``fetch_post_stats`` (a quote is a
  share with words); Bluesky reports no views.
* ``langs`` is set only when the account's options carry ``lang`` (an
  ISO 639 code); Bluesky guesses the language otherwise.
* Images are sent as they are, EXIF included; they must be JPEG, PNG or WebP
  and at most ``max_image_bytes``, checked before anything is sent.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from smmdesk.core.text_length import count_graphemes
from smmdesk.platforms import bluesky_inbox as inbox
from smmdesk.platforms import bluesky_thread as threads
from smmdesk.platforms.base import (
    AccountIdentity,
    AccountStats,
    AuthError,
    BadResponse,
    Capabilities,
    Connector,
    ConnectorConfig,
    ConnectorError,
    CredentialField,
    InboxPage,
    PermanentError,
    PostStats,
    PublishedPost,
    PublishRequest,
    RemoteInboxItem,
    RemoteThread,
    TextCounting,
    TransientError,
    Unsupported,
)
from smmdesk.platforms.bluesky_facets import detect_facets
from smmdesk.platforms.bluesky_inbox import POST_COLLECTION, AtUri, post_url
from smmdesk.platforms.bluesky_media import Picture, read_pictures
from smmdesk.platforms.bluesky_session import (
    BlueskySession,
    XrpcError,
    normalise_pds_url,
)

_S32 = "234567abcdefghijklmnopqrstuvwxyz"
_EPOCH_2024_US = 1_704_067_200_000_000
_YEAR_US = 366 * 24 * 3600 * 1_000_000
# "blob too big (maximum 1000000, got 1201928)" from a PDS that checks the lexicon.
_TOO_BIG = re.compile(r"too (big|large)", re.IGNORECASE)


def tid_from_key(key: str) -> str:
    """A valid, deterministic TID record key for an idempotency key.

    TID: 64 bits, top bit 0, 53 bits of microseconds since 1970, 10 bits of
    clock id, written in base32-sortable as 13 characters. A UUIDv7 key gives
    its own millisecond time, 0..999 extra microseconds from its ``rand_a``
    field and the clock id from ``rand_b``, so keys made in the same
    millisecond still differ. Any other key is hashed into a time in 2024.
    """
    hex_key = key.replace("-", "").lower()
    is_v7 = len(hex_key) == 32 and hex_key[12] == "7"
    try:
        int(hex_key, 16)
    except ValueError:
        is_v7 = False
    if is_v7:
        micros = int(hex_key[:12], 16) * 1000 + int(hex_key[13:16], 16) % 1000
        clock = int(hex_key[16:], 16) & 0x3FF
    else:
        digest = int.from_bytes(hashlib.sha256(key.encode("utf-8", "replace")).digest()[:8], "big")
        micros = _EPOCH_2024_US + (digest >> 10) % _YEAR_US
        clock = digest & 0x3FF
    value = ((micros & ((1 << 53) - 1)) << 10) | clock
    chars = []
    for _ in range(13):
        chars.append(_S32[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _utc_now() -> datetime:
    return datetime.now(UTC)


class BlueskyConnector(Connector):
    """Bluesky through the account's PDS (``bsky.social`` or self-hosted)."""

    platform = "bluesky"
    inbox_prefetch_safe = True  # listNotifications only reads (no updateSeen)
    display_name = "Bluesky"
    capabilities = Capabilities(
        max_text_length=300,
        text_counting=TextCounting.GRAPHEMES,
        max_text_bytes=3000,
        max_images=4,
        max_image_bytes=2_000_000,
        image_types=("image/jpeg", "image/png", "image/webp"),
        native_scheduling=False,
        can_hide_comments=True,  # replies in our own threads (threadgate hiddenReplies)
        can_delete_comments=False,
        has_direct_messages=False,
        has_mentions=True,
    )
    credential_fields = (
        CredentialField(
            key="identifier",
            label="Handle or email",
            secret=False,
            placeholder="yourname.bsky.social",
            help_text="Your Bluesky handle (or the email you log in with).",
        ),
        CredentialField(
            key="app_password",
            label="App password",
            secret=True,
            placeholder="xxxx-xxxx-xxxx-xxxx",
            help_text=(
                "An app password, not your main password: create one in the Bluesky app "
                "under Settings → Privacy and security → App passwords."
            ),
        ),
        CredentialField(
            key="pds_url",
            label="Server (optional)",
            secret=False,
            placeholder="https://bsky.social",
            help_text="Only for an account on a self-hosted server; leave empty otherwise.",
            required=False,
        ),
    )
    #: How many posts ``find_published`` reads back when it has no key to go by.
    recent_posts_checked = 50

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        self._session: BlueskySession | None = None

    # --- plumbing ------------------------------------------------------------------

    def _pds_url(self) -> str:
        return normalise_pds_url(
            self.config.base_url
            or self.config.secret.get("pds_url", "")
            or self.config.options.get("pds_url", "")
        )

    def session(self) -> BlueskySession:
        if self._session is None:
            self._session = BlueskySession(
                self._pds_url(),
                self.config.secret,
                self.config.timeout,
                self._secret_changed,
            )
        return self._session

    def _secret_changed(self, secret: Any) -> None:
        self.config.secret = dict(secret)
        if self.config.on_secret_changed is not None:
            self.config.on_secret_changed(dict(secret))

    def _call(self, method: str, nsid: str, **kwargs: Any) -> dict[str, Any]:
        return self.session().call(method, nsid, **kwargs)

    def _did(self) -> str:
        return self.session().tokens().did

    def _handle(self) -> str:
        handle = self.session().tokens().handle
        if not handle:
            handle = self.config.handle.strip().removeprefix("@")
        return handle

    def close(self) -> None:
        if self._session is not None:
            self._session.close()

    # --- validate ------------------------------------------------------------------

    def validate(self) -> AccountIdentity:
        session = self.session()
        session.allow_login()  # the user is (re)connecting: a refused login may work now
        tokens = session.tokens()
        info = self._call("GET", "com.atproto.server.getSession")
        did = info.get("did")
        if not (isinstance(did, str) and did.startswith("did:")):
            did = tokens.did
        handle = info.get("handle") if isinstance(info.get("handle"), str) else ""
        handle = handle or tokens.handle or session.identifier
        status = info.get("status")
        if info.get("active") is False or status in ("takendown", "suspended", "deactivated"):
            raise AuthError(
                f"Bluesky says this account is {status or 'not active'}; "
                "it cannot publish until that is resolved."
            )
        name = handle
        try:
            profile = self._call("GET", "app.bsky.actor.getProfile", params={"actor": did})
            shown = profile.get("displayName")
            if isinstance(shown, str) and shown.strip():
                name = shown.strip()
        except (XrpcError, BadResponse, TransientError):
            pass  # a brand-new account may have no profile yet; the handle will do
        return AccountIdentity(
            remote_id=str(did),
            handle=f"@{handle}"[:200],
            display_name=name[:200],
            url=f"https://bsky.app/profile/{handle}",
            settings={"did": str(did), "pds_url": self._pds_url()},
        )

    # --- publishing ------------------------------------------------------------------

    def _check_text(self, text: str) -> None:
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError:
            raise PermanentError("The text contains characters that cannot be sent.") from None
        length = count_graphemes(text)
        if length > self.capabilities.max_text_length:
            raise PermanentError(
                f"The text is {length} characters long; Bluesky allows "
                f"{self.capabilities.max_text_length}."
            )
        if size > (self.capabilities.max_text_bytes or size):
            raise PermanentError(
                f"The text takes {size} bytes; Bluesky allows {self.capabilities.max_text_bytes}."
            )

    def _resolve_handle(self, handle: str) -> str | None:
        try:
            body = self._call(
                "GET", "com.atproto.identity.resolveHandle", params={"handle": handle}
            )
        except XrpcError:
            return None  # no such handle: the mention stays plain text
        did = body.get("did")
        return did if isinstance(did, str) and did.startswith("did:") else None

    def _upload(self, data: bytes, mime_type: str) -> dict[str, Any]:
        body = self._call("POST", "com.atproto.repo.uploadBlob", data=data, content_type=mime_type)
        blob = body.get("blob")
        if not isinstance(blob, dict) or not isinstance(blob.get("ref"), dict):
            raise BadResponse("Bluesky did not say where it stored the image.")
        return blob

    def _post_record(self, text: str, now: datetime, images: Sequence[Picture]) -> dict[str, Any]:
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": text,
            "createdAt": inbox.iso(now),
        }
        facets = detect_facets(text, self._resolve_handle)
        if facets:
            record["facets"] = facets
        if images:
            embedded = []
            for picture in images:
                info = picture.info
                entry: dict[str, Any] = {
                    "alt": "",
                    "image": self._upload(picture.data, info.mime_type),
                }
                if info.width > 0 and info.height > 0:
                    entry["aspectRatio"] = {"width": info.width, "height": info.height}
                embedded.append(entry)
            record["embed"] = {"$type": "app.bsky.embed.images", "images": embedded}
        lang = self.config.options.get("lang", "")
        if lang:
            record["langs"] = [lang]
        return record

    def _create(self, record: dict[str, Any], rkey: str = "") -> tuple[str, str]:
        body: dict[str, Any] = {
            "repo": self._did(),
            "collection": POST_COLLECTION,
            "record": record,
        }
        if rkey:
            body["rkey"] = rkey
        answer = self._call("POST", "com.atproto.repo.createRecord", body=body)
        uri, cid = answer.get("uri"), answer.get("cid")
        if AtUri.parse(uri) is None or not isinstance(cid, str):
            raise BadResponse("Bluesky did not say where it stored the post.")
        return str(uri), cid

    def publish(self, request: PublishRequest) -> PublishedPost:
        self._check_text(request.text)
        caps = self.capabilities
        images = read_pictures(
            list(request.images), caps.max_images, caps.max_image_bytes, caps.image_types
        )
        rkey = tid_from_key(request.idempotency_key) if request.idempotency_key else ""
        now = _utc_now()
        record = self._post_record(request.text, now, images)
        try:
            uri, _ = self._create(record, rkey)
        except ConnectorError as exc:
            if not rkey or isinstance(exc, AuthError):
                raise
            # A repeated key (the first attempt did land) or a lost answer:
            # the record at our key says which.
            try:
                found = self._get_post(rkey)
            except ConnectorError:
                raise exc from None
            if found is None:
                if isinstance(exc, XrpcError) and _TOO_BIG.search(str(exc)):
                    raise PermanentError(
                        "An image is too large for this Bluesky server; make it smaller "
                        f"and try again. ({exc})"
                    ) from None
                raise
            return found
        return PublishedPost(uri, post_url(uri, self._handle()), now)

    def _get_post(self, rkey: str) -> PublishedPost | None:
        try:
            body = self._call(
                "GET",
                "com.atproto.repo.getRecord",
                params={"repo": self._did(), "collection": POST_COLLECTION, "rkey": rkey},
            )
        except XrpcError as exc:
            # Only the PDS's own "no such record" makes us sure; any other refusal
            # leaves the question open and is passed on.
            if exc.error == "RecordNotFound" or "Could not locate record" in str(exc):
                return None
            raise
        uri = body.get("uri")
        if AtUri.parse(uri) is None:
            raise BadResponse("Bluesky sent a post without its address.")
        value = body.get("value")
        created = inbox.parse_time(value.get("createdAt")) if isinstance(value, dict) else None
        return PublishedPost(str(uri), post_url(str(uri), self._handle()), created or _utc_now())

    def find_published(self, idempotency_key: str, text: str) -> PublishedPost | None:
        if idempotency_key:
            return self._get_post(tid_from_key(idempotency_key))
        body = self._call(
            "GET",
            "com.atproto.repo.listRecords",
            params={
                "repo": self._did(),
                "collection": POST_COLLECTION,
                "limit": self.recent_posts_checked,
            },
        )
        records = body.get("records")
        if not isinstance(records, list):
            raise BadResponse("Bluesky sent the account's posts in an unexpected shape.")
        for entry in records:
            if not isinstance(entry, dict) or not isinstance(entry.get("value"), dict):
                continue
            if entry["value"].get("text") == text and AtUri.parse(entry.get("uri")):
                uri = str(entry["uri"])
                created = inbox.parse_time(entry["value"].get("createdAt")) or _utc_now()
                return PublishedPost(uri, post_url(uri, self._handle()), created)
        return None

    def delete_post(self, remote_id: str) -> None:
        uri = AtUri.parse(remote_id)
        if uri is None or uri.collection != POST_COLLECTION:
            raise PermanentError("That is not the address of a Bluesky post.")
        did = self._did()
        if uri.repo != did:
            raise PermanentError("That post belongs to another Bluesky account.")
        # Deleting what is already gone is a no-op on the PDS: nothing to catch.
        self._call(
            "POST",
            "com.atproto.repo.deleteRecord",
            body={"repo": did, "collection": POST_COLLECTION, "rkey": uri.rkey},
        )

    def edit_post(self, remote_id: str, request: PublishRequest) -> None:
        raise Unsupported("Bluesky cannot edit a published post: delete it and post again.")

    # --- inbox -------------------------------------------------------------------

    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        if cursor is None:
            cursor = self.config.options.get("inbox_cursor") or None
        return inbox.fetch(self._call, self._did(), cursor, _utc_now())

    def fetch_thread(self, item: RemoteInboxItem) -> RemoteThread:
        return threads.fetch_thread(self._call, self._did(), item)

    def hide_item(self, item: RemoteInboxItem) -> None:
        threads.set_hidden(self._call, self._did(), item, True, _utc_now())

    def unhide_item(self, item: RemoteInboxItem) -> None:
        threads.set_hidden(self._call, self._did(), item, False, _utc_now())

    def _post_views(self, uris: Sequence[str]) -> list[dict[str, Any]]:
        views: list[dict[str, Any]] = []
        for start in range(0, len(uris), 25):
            body = self._call(
                "GET", "app.bsky.feed.getPosts", params={"uris": list(uris[start : start + 25])}
            )
            posts = body.get("posts")
            if not isinstance(posts, list):
                raise BadResponse("Bluesky sent posts in an unexpected shape.")
            views.extend(p for p in posts if isinstance(p, dict))
        return views

    def reply(self, item: RemoteInboxItem, text: str) -> str:
        self._check_text(text)
        if AtUri.parse(item.remote_id) is None:
            raise PermanentError("This inbox item has no Bluesky post to answer.")
        views = [v for v in self._post_views([item.remote_id]) if v.get("uri") == item.remote_id]
        if not views:
            raise PermanentError("The post you are answering was deleted or is hidden.")
        parent = views[0]
        parent_ref = {"uri": item.remote_id, "cid": parent.get("cid")}
        if not isinstance(parent_ref["cid"], str):
            raise BadResponse("Bluesky sent the post without its content id.")
        record_in = parent.get("record") if isinstance(parent.get("record"), dict) else {}
        reply_refs = record_in.get("reply") if isinstance(record_in, dict) else None
        root = reply_refs.get("root") if isinstance(reply_refs, dict) else None
        if not (
            isinstance(root, dict)
            and AtUri.parse(root.get("uri"))
            and isinstance(root.get("cid"), str)
        ):
            root = parent_ref
        record = self._post_record(text, _utc_now(), [])
        record["reply"] = {
            "root": {"uri": root["uri"], "cid": root["cid"]},
            "parent": parent_ref,
        }
        uri, _ = self._create(record)
        return uri

    # --- stats -------------------------------------------------------------------

    def fetch_account_stats(self) -> AccountStats:
        profile = self._call("GET", "app.bsky.actor.getProfile", params={"actor": self._did()})
        return AccountStats(
            followers=_count(profile.get("followersCount")),
            following=_count(profile.get("followsCount")),
            posts=_count(profile.get("postsCount")),
            measured_at=_utc_now(),
        )

    def fetch_post_stats(self, remote_ids: Sequence[str]) -> dict[str, PostStats]:
        wanted = list(dict.fromkeys(r for r in remote_ids if AtUri.parse(r) is not None))
        stats: dict[str, PostStats] = {}
        for view in self._post_views(wanted):
            uri = view.get("uri")
            if not isinstance(uri, str) or uri not in wanted:
                continue
            stats[uri] = PostStats(
                likes=_count(view.get("likeCount")),
                reposts=_count(view.get("repostCount")) + _count(view.get("quoteCount")),
                replies=_count(view.get("replyCount")),
                views=None,
            )
        return stats
