"""Mastodon: one account on one server, through its REST API.

The user names the server and either signs in through the browser (OAuth
with PKCE: ``mastodon_oauth.py``, run by ``sync/login_jobs.py``) or pastes an
access token made under Preferences → Development. Tokens do not expire; a
401 means it was revoked.

Decisions worth knowing:

* Limits come from the server (``GET /api/v2/instance``, or ``/api/v1/instance``
  on servers before 4.0) when the account is connected and on
  ``fetch_settings``; they are kept as account settings and become
  ``account_capabilities``. Without them the class defaults apply (500
  characters, 4 images, URLs count 23).
* Publishing uploads each image (``POST /api/v2/media``), waits a bounded time
  while the server processes it (202, then 206 from ``GET /api/v1/media/:id``),
  and posts with the engine's idempotency key as ``Idempotency-Key``: the
  server returns the same status for a repeated key for an hour.
* ``find_published`` looks through the account's recent statuses for the same
  text made after the key's time (a UUIDv7 carries it). It answers None when
  the look reached back past that time, or when the attempt is under an hour
  old (a retry with the same key cannot publish twice then); otherwise it says
  plainly that it cannot tell.
* Native scheduling: ``scheduled_at`` (at least 5 minutes ahead). Moving the
  time is a ``PUT``; changing the text or images re-creates the scheduled post
  (new one first, under a key derived from the change, then the old one is
  withdrawn) because the API can only move a scheduled post.
* Editing keeps the post's images (they are re-sent, since some server
  versions drop attachments an edit does not name).
* Text comes back as HTML; it is turned into plain text (``html_text``).
* The inbox (``mastodon_inbox``) and the conversation around an item
  (``mastodon_thread``) live in their own modules. Mastodon has no way for a
  normal account to hide someone's reply (only mute, block or report), so
  ``can_hide_comments`` stays False.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from smmdesk.core.retry_policy import key_time_ms
from smmdesk.platforms.base import (
    AccountIdentity,
    AccountStats,
    BadResponse,
    Capabilities,
    Connector,
    CredentialField,
    InboxKind,
    InboxPage,
    PermanentError,
    PostStats,
    PublishedPost,
    PublishRequest,
    RemoteInboxItem,
    RemoteThread,
    ScheduledPost,
    ScheduledState,
    TextCounting,
    TransientError,
)
from smmdesk.platforms.html_text import comparable, html_to_text
from smmdesk.platforms.mastodon_api import (
    MastodonApi,
    NotFound,
    dict_of,
    id_of,
    instance_settings,
    int_of,
    list_of,
    post_stats,
    published_post,
    text_of,
    time_of,
)
from smmdesk.platforms.mastodon_inbox import fetch_inbox
from smmdesk.platforms.mastodon_thread import fetch_thread

#: Mastodon refuses a scheduled time closer than this.
MIN_SCHEDULE_LEAD = timedelta(minutes=5)
#: Tolerance between this computer's clock and the server's.
CLOCK_SKEW = timedelta(minutes=10)
#: The server keeps an Idempotency-Key this long; a retry within it is safe.
IDEMPOTENCY_WINDOW = timedelta(minutes=55)
RECENT_LIMIT = 40
RECENT_PAGES = 5

_DEFAULT_IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


def _seg(value: str) -> str:
    """An id as one URL path segment, whatever characters it holds."""
    return quote(value, safe="")


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


class MastodonConnector(Connector):
    platform = "mastodon"
    inbox_prefetch_safe = True  # notifications and conversations are only read
    display_name = "Mastodon"
    capabilities = Capabilities(
        max_text_length=500,
        text_counting=TextCounting.CODEPOINTS,
        url_length=23,
        max_images=4,
        max_image_bytes=16 * 1024 * 1024,
        image_types=_DEFAULT_IMAGE_TYPES,
        native_scheduling=True,
        has_direct_messages=True,
        has_instances=True,
    )
    credential_fields = (
        CredentialField(
            "access_token",
            "Access token",
            secret=True,
            placeholder="Filled in by “Sign in with your browser”",
            help_text=(
                "Sign in with your browser, or paste an access token made on your server "
                "under Preferences → Development → New application (scopes: read, write)."
            ),
        ),
    )
    #: The account dialog offers "Sign in with your browser" (sync/login_jobs.py).
    browser_login = True
    #: How long to wait for the server to process an uploaded image, and how often to ask.
    media_wait_seconds = 60.0
    media_poll_seconds = 1.0

    _api_client: MastodonApi | None = None
    _own: tuple[str, str] | None = None

    # --- plumbing ------------------------------------------------------------------

    @property
    def api(self) -> MastodonApi:
        if self._api_client is None:
            self._api_client = MastodonApi(self.config)
        return self._api_client

    def close(self) -> None:
        if self._api_client is not None:
            self._api_client.close()
            self._api_client = None

    def _account(self) -> tuple[str, str]:
        """(account id, acct) of the signed-in account, asked for once if not stored."""
        if self._own is None:
            options = self.config.options
            own_id = options.get("account_id", "") or self.config.remote_id
            acct = options.get("acct", "")
            if not own_id or not acct:
                account = self._verify()
                own_id, acct = id_of(account), text_of(account, "acct")
            self._own = (own_id, acct)
        return self._own

    def _verify(self) -> dict[str, Any]:
        account = self.api.get_object(
            "/api/v1/accounts/verify_credentials", doing="Checking the sign-in"
        )
        if not id_of(account):
            raise BadResponse("The Mastodon server did not say whose account this is.")
        return account

    # --- account ---------------------------------------------------------------------

    def validate(self) -> AccountIdentity:
        account = self._verify()
        account_id = id_of(account)
        acct = text_of(account, "acct") or text_of(account, "username") or account_id
        self._own = (account_id, acct)
        host = urlsplit(self.api.base_url).netloc
        handle = f"@{acct}" if "@" in acct else f"@{acct}@{host}"
        name = text_of(account, "display_name").strip() or text_of(account, "username") or acct
        url = text_of(account, "url")
        settings = {"account_id": account_id, "acct": acct, **instance_settings(self.api)}
        return AccountIdentity(
            remote_id=account_id,
            handle=handle[:200],
            display_name=name[:200],
            url=url if url.startswith(("https://", "http://")) else "",
            settings=settings,
        )

    def fetch_settings(self) -> dict[str, str]:
        account = self._verify()
        acct = text_of(account, "acct") or text_of(account, "username")
        return {"account_id": id_of(account), "acct": acct, **instance_settings(self.api)}

    def account_capabilities(self) -> Capabilities:
        base = self.capabilities
        options = self.config.options

        def number(key: str, default: int, lo: int, hi: int) -> int:
            value = int_of(options, key, lo, hi)
            return default if value is None else value

        types = tuple(
            t for t in options.get("image_types", "").split(",") if t.startswith("image/")
        )
        return Capabilities(
            max_text_length=number("max_characters", base.max_text_length, 1, 1_000_000),
            text_counting=base.text_counting,
            url_length=number("characters_reserved_per_url", base.url_length or 23, 0, 10_000),
            max_images=number("max_media_attachments", base.max_images, 1, 100),
            max_image_bytes=number("image_size_limit", base.max_image_bytes, 1, 10**10),
            image_types=types or base.image_types,
            native_scheduling=True,
            has_direct_messages=True,
            has_instances=True,
        )

    def fetch_account_stats(self) -> AccountStats:
        account = self._verify()
        return AccountStats(
            followers=int_of(account, "followers_count"),
            following=int_of(account, "following_count"),
            posts=int_of(account, "statuses_count"),
            measured_at=datetime.now(UTC),
        )

    def fetch_public_followers(self, handle: str) -> int | None:
        """A public account's followers by its address (``@brand@server``),
        through ``GET /api/v1/accounts/lookup``; None when the server hides the
        count (a missing or negative ``followers_count``)."""
        acct = handle.strip().removeprefix("@")
        if not acct or len(acct) > 300 or any(c.isspace() for c in acct):
            raise PermanentError("Give the account's address, e.g. @brand@mastodon.social.")
        try:
            account = self.api.get_object(
                "/api/v1/accounts/lookup", params={"acct": acct}, doing="Looking up " + handle
            )
        except NotFound as exc:
            raise PermanentError(f"There is no Mastodon account {handle}.") from exc
        count = int_of(account, "followers_count", lo=-1)
        return None if count is None or count < 0 else count

    # --- publishing ----------------------------------------------------------------------

    def publish(self, request: PublishRequest) -> PublishedPost:
        media_ids = self._upload_all(request.images)
        status = self._post_status(
            request.text, media_ids, request.idempotency_key, (), "Publishing"
        )
        return published_post(status, self.api.base_url, self._account()[1])

    def _post_status(
        self,
        text: str,
        media_ids: Sequence[str],
        key: str,
        extra: Sequence[tuple[str, str]],
        doing: str,
    ) -> dict[str, Any]:
        data = [("status", text), *(("media_ids[]", m) for m in media_ids), *extra]
        headers = {"Idempotency-Key": key} if key else {}
        response = self.api.request(
            "POST", "/api/v1/statuses", data=data, headers=headers, doing=doing
        )
        return self.api.object_of(response)

    def _upload_all(self, images: Sequence[Path]) -> list[str]:
        limit = self.account_capabilities().max_images
        if len(images) > limit:
            raise PermanentError(f"This Mastodon server takes at most {limit} images per post.")
        return [self._upload(Path(path)) for path in images]

    def _upload(self, path: Path) -> str:
        try:
            data = path.read_bytes()
        except OSError:
            raise PermanentError(
                f"The image {path.name} cannot be read on this computer."
            ) from None
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        response = self.api.request(
            "POST",
            "/api/v2/media",
            files={"file": (path.name, data, mime)},
            doing=f"Uploading {path.name}",
        )
        media = self.api.object_of(response)
        media_id = id_of(media)
        if not media_id:
            raise BadResponse("The Mastodon server did not give the uploaded image an id.")
        if response.status_code == 202 or not text_of(media, "url"):
            self._wait_for_media(media_id, path.name)
        return media_id

    def _wait_for_media(self, media_id: str, name: str) -> None:
        """Poll until the server has processed the image (200; 206 while working)."""
        deadline = time.monotonic() + self.media_wait_seconds
        for _ in range(1000):
            response = self.api.request(
                "GET", f"/api/v1/media/{_seg(media_id)}", doing=f"Processing {name}"
            )
            if response.status_code == 200:
                return
            if time.monotonic() >= deadline:
                break
            time.sleep(max(0.01, self.media_poll_seconds))
        raise TransientError(
            f"Mastodon is still processing {name}; the post will be tried again shortly."
        )

    def find_published(self, idempotency_key: str, text: str) -> PublishedPost | None:
        ms = key_time_ms(idempotency_key)
        since = datetime.fromtimestamp(ms / 1000, UTC) - CLOCK_SKEW if ms is not None else None
        found, sure = self._find_status(text, since, RECENT_PAGES if since else 1)
        if found is not None or sure:
            return found
        if since is not None and datetime.now(UTC) - since < IDEMPOTENCY_WINDOW + CLOCK_SKEW:
            return None  # a retry re-sends the same Idempotency-Key: the server de-duplicates
        raise PermanentError(
            "SMM Desk cannot tell whether Mastodon published this post: the account has "
            "posted a lot since. Look at the account on Mastodon before publishing it again."
        )

    def _find_status(
        self, text: str, since: datetime | None, pages: int
    ) -> tuple[PublishedPost | None, bool]:
        """Our status with this text (made after ``since``) and whether the look was complete."""
        own_id, acct = self._account()
        wanted = comparable(text)
        max_id = ""
        for _ in range(pages):
            params = [("limit", str(RECENT_LIMIT)), ("exclude_reblogs", "true")]
            if max_id:
                params.append(("max_id", max_id))
            page = self.api.get_list(
                f"/api/v1/accounts/{_seg(own_id)}/statuses", params, doing="Reading recent posts"
            )
            statuses = [s for s in page if isinstance(s, dict) and id_of(s)]
            for status in statuses:
                created = time_of(status)
                if since is not None and created is not None and created < since:
                    continue
                if comparable(html_to_text(text_of(status, "content"))) != wanted:
                    continue
                if wanted or list_of(status, "media_attachments"):
                    return published_post(status, self.api.base_url, acct), True
            if len(page) < RECENT_LIMIT or not statuses:
                return None, True  # the whole history was seen
            times = [t for t in (time_of(s) for s in statuses) if t is not None]
            if since is not None and times and min(times) < since:
                return None, True  # reached back past the attempt
            max_id = id_of(statuses[-1])
        return None, since is None

    # --- scheduling ----------------------------------------------------------------------

    def schedule(self, request: PublishRequest, at: datetime) -> ScheduledPost:
        at = self._schedulable(at)
        media_ids = self._upload_all(request.images)
        body = self._post_status(
            request.text,
            media_ids,
            request.idempotency_key,
            [("scheduled_at", _iso(at))],
            "Scheduling on Mastodon",
        )
        scheduled_id = id_of(body)
        if not scheduled_id:
            raise BadResponse("The Mastodon server did not give the scheduled post an id.")
        return ScheduledPost(scheduled_id, time_of(body, "scheduled_at") or at)

    def _schedulable(self, at: datetime) -> datetime:
        at = _utc(at)
        if at < datetime.now(UTC) + MIN_SCHEDULE_LEAD:
            raise PermanentError(
                "Mastodon can only schedule a post at least 5 minutes ahead. Choose a later "
                "time, or let SMM Desk publish it."
            )
        return at

    def update_scheduled(
        self, remote_id: str, request: PublishRequest, at: datetime
    ) -> ScheduledPost:
        at = self._schedulable(at)
        path = f"/api/v1/scheduled_statuses/{_seg(remote_id)}"
        try:
            current = self.api.get_object(path, doing="Reading the scheduled post")
        except NotFound:
            raise PermanentError(
                "This post is no longer waiting on Mastodon: it was published or withdrawn."
            ) from None
        params = dict_of(current, "params")
        has_media = bool(list_of(current, "media_attachments") or list_of(params, "media_ids"))
        if text_of(params, "text") == request.text and not has_media and not request.images:
            current_at = time_of(current, "scheduled_at")
            if current_at is not None and _iso(current_at) == _iso(at):
                return ScheduledPost(remote_id, at)
            response = self.api.request(
                "PUT", path, data={"scheduled_at": _iso(at)}, doing="Moving the scheduled post"
            )
            body = self.api.object_of(response)
            return ScheduledPost(id_of(body) or remote_id, time_of(body, "scheduled_at") or at)
        # The API cannot change a scheduled post's text: schedule the new one
        # first (a retry of this same change gets the same key, so it cannot
        # schedule twice), then withdraw the old one.
        key = _digest("reschedule", request.idempotency_key, remote_id, request.text, _iso(at))
        changed = PublishRequest(request.text, request.images, key)
        new = self.schedule(changed, at)
        try:
            self.cancel_scheduled(remote_id)
        except BaseException:
            with contextlib.suppress(Exception):  # the first error says what went wrong
                self.cancel_scheduled(new.remote_id)
            raise
        return new

    def cancel_scheduled(self, remote_id: str) -> None:
        with contextlib.suppress(NotFound):  # already published or withdrawn: fine
            self.api.request(
                "DELETE",
                f"/api/v1/scheduled_statuses/{_seg(remote_id)}",
                doing="Withdrawing the scheduled post",
            )

    def check_scheduled(self, remote_id: str, text: str) -> ScheduledState:
        try:
            self.api.get_object(
                f"/api/v1/scheduled_statuses/{_seg(remote_id)}", doing="Checking the scheduled post"
            )
        except NotFound:
            found, _ = self._find_status(text, None, 1)
            return ScheduledState(pending=False, published=found)
        return ScheduledState(pending=True)

    # --- own posts -------------------------------------------------------------------

    def edit_post(self, remote_id: str, request: PublishRequest) -> None:
        path = f"/api/v1/statuses/{_seg(remote_id)}"
        status = self.api.get_object(path, doing="Reading the post")
        media_ids = [id_of(m) for m in list_of(status, "media_attachments") if id_of(m)]
        data = [("status", request.text), *(("media_ids[]", m) for m in media_ids)]
        self.api.request("PUT", path, data=data, doing="Editing the post")

    def delete_post(self, remote_id: str) -> None:
        with contextlib.suppress(NotFound):  # already gone: fine
            self.api.request(
                "DELETE", f"/api/v1/statuses/{_seg(remote_id)}", doing="Deleting the post"
            )

    def fetch_post_stats(self, remote_ids: Sequence[str]) -> dict[str, PostStats]:
        return post_stats(self.api, remote_ids)

    # --- inbox -----------------------------------------------------------------------

    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        return fetch_inbox(self.api, self._account()[0], cursor)

    def fetch_thread(self, item: RemoteInboxItem) -> RemoteThread:
        return fetch_thread(self.api, self._account()[0], item)

    def reply(self, item: RemoteInboxItem, text: str) -> str:
        if not item.remote_id:
            raise PermanentError("This message cannot be answered: it has no id on Mastodon.")
        handle = item.author_handle.strip().lstrip("@")
        body = text
        if handle and not re.search(
            rf"(?<![\w@])@{re.escape(handle)}(?![\w@-])", text, flags=re.IGNORECASE
        ):
            body = f"@{handle} {text}"
        extra = [("in_reply_to_id", item.remote_id)]
        if item.kind == InboxKind.DIRECT_MESSAGE:
            extra.append(("visibility", "direct"))
        key = _digest("reply", item.remote_id, text)
        status = self._post_status(body, [], key, extra, "Sending the reply")
        status_id = id_of(status)
        if not status_id:
            raise BadResponse("The Mastodon server did not give the reply an id.")
        return status_id
