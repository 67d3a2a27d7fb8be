"""Sandbox (practice): a social network that lives on this computer.

The sandbox simulates an audience locally and deterministically: comments,
replies, mentions and direct messages arrive over the hours after each post,
followers drift, posts collect likes. The demo and the end-to-end engine tests
use it, and a new user can practise the whole daily loop on it without
touching a real account. Nothing here opens a connection.

Credentials: any token that starts with ``sandbox-`` is accepted, plus an
account name (``handle``: 2-30 letters, digits, ``_`` or ``.``; a leading
``@`` is ignored, and it is matched case-insensitively). Tokens containing
these markers make every network call fail, so that the engine's error
handling can be exercised end to end:

* ``-offline``: ``NetworkUnreachable("Sandbox network unreachable")``;
* ``-ratelimited``: ``RateLimited`` with ``retry_after=30``;
* ``-revoked``: ``AuthError`` (the user must reconnect).

Options (``ConnectorConfig.options``):

* ``state_file``: path of the JSON file that holds the world (our posts per
  account, the replies we sent, deleted post ids, hidden items). Several
  accounts share one file. It is written atomically (temporary file, then
  ``os.replace``); a missing file is an empty world; a damaged one raises
  ``BadResponse`` and is left untouched. Without ``state_file`` the world
  lives in this connector object only (handy in tests).
* ``seed`` (default ``"smmdesk"``): seeds the simulation; the same seed, the
  same history and the same clock give the same audience.

Decisions worth knowing:

* the audience itself is never stored: it is recomputed from the seed, our
  posts and the clock (``sandbox_world``), so remote ids are stable and a
  refetch never duplicates anything;
* inbox cursors are ``"<ISO time>|<remote id>"`` of the last item returned;
  an unreadable cursor counts as none (the last 14 days again; the stable ids
  keep that harmless);
* posts added with ``record_post`` at a past time draw their comments at
  past times too: record history before the first ``fetch_inbox``, or those
  comments fall behind the cursor;
* direct messages start at the account's first post;
* ``hide_item(item)`` hides an audience comment or reply (never deletes);
  a hidden comment stays in the owner's inbox but no longer counts in the
  post's public reply count, and ``unhide_item`` brings it back; deleting a
  post removes its comments;
* the audience edits or removes a few comments after writing them: the
  inbox reports the item again (same remote id, ``edited=True`` with the new
  text, or ``removed=True``) at the time of the change, so the cursor is the
  time and key of the last *report* (``sandbox_audience.events``); a removed
  comment can be neither answered nor hidden;
* ``fetch_thread`` gives the post with every comment, reply and answer of
  ours on it (for a direct message, the exchange with its author);
* ``fetch_post_stats`` leaves out ids that are unknown or deleted.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from smmdesk.platforms import sandbox_audience as audience
from smmdesk.platforms import sandbox_world as world
from smmdesk.platforms.base import (
    AccountIdentity,
    AccountStats,
    AuthError,
    BadResponse,
    Capabilities,
    Connector,
    ConnectorConfig,
    CredentialField,
    InboxKind,
    InboxPage,
    NetworkUnreachable,
    PermanentError,
    PostStats,
    PublishedPost,
    PublishRequest,
    RateLimited,
    RemoteInboxItem,
    RemoteThread,
    TextCounting,
    TransientError,
)

_HANDLE = re.compile(r"[A-Za-z0-9_.]{2,30}")
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()
_BAD_TOKEN = "The sandbox accepts practice tokens that start with 'sandbox-'."


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _StateStore:
    """The world's JSON file (or, without one, a string in memory)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._memory = world.dump_state({})
        self._lock = threading.Lock()
        if path is not None:  # connectors of one file share a lock
            with _LOCKS_GUARD:
                self._lock = _LOCKS.setdefault(str(path.resolve()), self._lock)

    def read(self) -> dict[str, world.Account]:
        if self.path is None:
            return world.parse_state(self._memory)
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise BadResponse(f"The sandbox state file {self.path} cannot be read: {exc}") from None
        try:
            return world.parse_state(raw)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(
                f"The sandbox state file {self.path} is damaged ({type(exc).__name__}) and was "
                "left as it is. Move it away to start a new practice world."
            ) from None

    @contextmanager
    def edit(self) -> Iterator[dict[str, world.Account]]:
        """Read, let the caller change, write back; nothing is written on an error."""
        with self._lock:
            accounts = self.read()
            yield accounts
            self._write(world.dump_state(accounts))

    def _write(self, text: str) -> None:
        if self.path is None:
            self._memory = text
            return
        tmp = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            if tmp:
                Path(tmp).unlink(missing_ok=True)
            raise TransientError(f"The sandbox could not save its state: {exc}") from None


# --- the connector ---------------------------------------------------------------


class SandboxConnector(Connector):
    """A practice network with a simulated, deterministic audience."""

    platform = "sandbox"
    display_name = "Sandbox (practice)"
    local_only = True  # lives in the profile folder: works offline
    capabilities = Capabilities(
        max_text_length=500,
        text_counting=TextCounting.GRAPHEMES,
        max_images=4,
        native_scheduling=False,
        can_hide_comments=True,
        can_delete_comments=False,
        has_direct_messages=True,
    )
    credential_fields = (
        CredentialField(
            key="token",
            label="Practice token",
            secret=True,
            placeholder="sandbox-…",
            help_text=(
                "Any token that starts with 'sandbox-' works, for example 'sandbox-practice'. "
                "The sandbox is simulated on this computer: nothing you do in it ever leaves it."
            ),
        ),
        CredentialField(
            key="handle",
            label="Account name",
            secret=False,
            placeholder="my_brand",
            help_text="2–30 letters, digits, '_' or '.'; the name of your practice account.",
        ),
    )
    #: Most items one ``fetch_inbox`` call returns.
    page_size: int = 200
    #: How far back ``fetch_inbox(None)`` looks.
    inbox_window = timedelta(days=30)  # what a first sync fetches

    def __init__(
        self, config: ConnectorConfig, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(config)
        self._clock = clock or _utc_now
        self._seed = config.options.get("seed", "smmdesk")
        state_file = config.options.get("state_file", "")
        self._store = _StateStore(Path(state_file) if state_file else None)

    # -- helpers --

    def _now(self) -> datetime:
        return world.aware(self._clock())

    def _handle(self) -> str:
        raw = (self.config.secret.get("handle") or self.config.handle or "").strip()
        handle = raw.removeprefix("@")
        if not _HANDLE.fullmatch(handle):
            raise PermanentError(
                "The sandbox account name must be 2–30 letters, digits, '_' or '.'."
            )
        return handle.lower()

    def _connect(self) -> str:
        """What every network call does first: check the token, return the handle."""
        token = self.config.secret.get("token", "")
        if not token.startswith("sandbox-"):
            raise AuthError(_BAD_TOKEN)
        if "-offline" in token:
            raise NetworkUnreachable("Sandbox network unreachable")
        if "-ratelimited" in token:
            raise RateLimited("The sandbox is rate-limiting this practice token.", 30)
        if "-revoked" in token:
            raise AuthError("This practice token was revoked; connect the account again.")
        return self._handle()

    def _check_text(self, text: str) -> None:
        length = world.count_graphemes(text)
        if length > self.capabilities.max_text_length:
            raise PermanentError(
                f"The text is {length} characters long; the sandbox allows "
                f"{self.capabilities.max_text_length}."
            )

    def _published(self, handle: str, post: world.Post) -> PublishedPost:
        return PublishedPost(
            post.remote_id, world.post_url(handle, post.remote_id), post.published_at
        )

    def _add_post(
        self, handle: str, text: str, images: int, when: datetime, key: str
    ) -> PublishedPost:
        with self._store.edit() as accounts:
            acc = accounts.setdefault(handle, world.Account())
            existing = next((p for p in acc.live_posts() if key and p.key == key), None)
            if existing is not None:
                return self._published(handle, existing)
            acc.counter += 1
            post = world.Post(
                world.make_id(self._seed, handle, "post", acc.counter), text, images, when, key
            )
            acc.posts.append(post)
        return self._published(handle, post)

    # -- the Connector interface --

    def validate(self) -> AccountIdentity:
        handle = self._connect()
        words = [w for w in re.split(r"[_.]+", handle) if w]
        name = " ".join(w.capitalize() for w in words) or handle
        return AccountIdentity(
            remote_id=f"sbx:{handle}",
            handle=f"@{handle}",
            display_name=name,
            url=f"sandbox://{handle}",
        )

    def publish(self, request: PublishRequest) -> PublishedPost:
        handle = self._connect()
        self._check_text(request.text)
        images = list(request.images)
        if len(images) > self.capabilities.max_images:
            raise PermanentError(
                f"The sandbox takes at most {self.capabilities.max_images} images per post."
            )
        for image in images:
            path = Path(image)
            if not path.is_file():
                raise PermanentError(f"The image {path.name} was not found.")
            if path.stat().st_size > self.capabilities.max_image_bytes:
                raise PermanentError(f"The image {path.name} is larger than 5 MB.")
        if not request.text.strip() and not images:
            raise PermanentError("There is nothing to publish: the post has no text or image.")
        return self._add_post(
            handle, request.text, len(images), self._now(), request.idempotency_key
        )

    def record_post(
        self, text: str, published_at: datetime, idempotency_key: str = ""
    ) -> PublishedPost:
        """Add a post at a past time (the demo builds its history with this).

        Not a network call: special tokens do not affect it.
        """
        handle = self._handle()
        self._check_text(text)
        when = world.aware(published_at)
        if when > self._now():
            raise ValueError("record_post adds past posts; use publish for new ones")
        return self._add_post(handle, text, 0, when, idempotency_key)

    def delete_post(self, remote_id: str) -> None:
        handle = self._connect()
        with self._store.edit() as accounts:
            acc = accounts.setdefault(handle, world.Account())
            if not any(p.remote_id == remote_id for p in acc.posts):
                raise PermanentError(
                    f"{remote_id} is not one of this account's posts; the sandbox deletes only "
                    "the account's own posts, never audience comments."
                )
            acc.deleted.add(remote_id)  # deleting twice is harmless

    def find_published(self, idempotency_key: str, text: str) -> PublishedPost | None:
        handle = self._connect()
        acc = self._store.read().get(handle, world.Account())
        posts = acc.live_posts()
        if idempotency_key:
            for post in posts:
                if post.key == idempotency_key:
                    return self._published(handle, post)
        now = self._now()
        if text.strip():
            recent = [
                p
                for p in posts
                if p.text == text and now - timedelta(hours=24) <= p.published_at <= now
            ]
            if recent:
                return self._published(handle, max(recent, key=lambda p: p.published_at))
        return None

    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        handle = self._connect()
        now = self._now()
        after = _decode_cursor(cursor) or (now - self.inbox_window, "")
        acc = self._store.read().get(handle, world.Account())
        found = [
            e for e in audience.events(self._seed, handle, acc, now, after[0]) if e[:2] > after
        ]
        page = found[: max(1, self.page_size)]
        last = page[-1][:2] if page else after
        return InboxPage(items=[e[2] for e in page], cursor=f"{last[0].isoformat()}|{last[1]}")

    def reply(self, item: RemoteInboxItem, text: str) -> str:
        handle = self._connect()
        if not text.strip():
            raise PermanentError("A reply cannot be empty.")
        self._check_text(text)
        now = self._now()
        with self._store.edit() as accounts:
            acc = accounts.setdefault(handle, world.Account())
            if item.post_remote_id and item.post_remote_id in acc.deleted:
                raise PermanentError("The post this comment belongs to was deleted.")
            there = audience.current(self._seed, handle, acc, now).get(item.remote_id)
            if there is not None and there.removed:
                raise PermanentError("Its author removed this comment; it cannot be answered.")
            acc.counter += 1
            remote_id = world.make_id(self._seed, handle, "reply", acc.counter)
            acc.replies.append(
                world.SentReply(
                    remote_id,
                    item.remote_id,
                    item.kind,
                    item.post_remote_id,
                    item.author_id,
                    item.author_name,
                    text,
                    now,
                )
            )
        return remote_id

    def hide_item(self, item: RemoteInboxItem) -> None:
        """Hide an audience comment or reply on our post (it is never deleted)."""
        self._set_hidden(item, True)

    def unhide_item(self, item: RemoteInboxItem) -> None:
        """Show a hidden comment again; showing a visible one changes nothing."""
        self._set_hidden(item, False)

    def _set_hidden(self, item: RemoteInboxItem, hidden: bool) -> None:
        handle = self._connect()
        now = self._now()
        with self._store.edit() as accounts:
            acc = accounts.setdefault(handle, world.Account())
            found = audience.current(self._seed, handle, acc, now).get(item.remote_id)
            if found is None or found.kind not in (InboxKind.COMMENT, InboxKind.REPLY):
                raise PermanentError(
                    "Only comments and replies on this account's posts can be hidden."
                )
            if hidden and found.removed:
                raise PermanentError("Its author removed this comment; there is nothing to hide.")
            if hidden:
                acc.hidden.add(found.remote_id)
            else:
                acc.hidden.discard(found.remote_id)

    def fetch_thread(self, item: RemoteInboxItem) -> RemoteThread:
        handle = self._connect()
        acc = self._store.read().get(handle, world.Account())
        return audience.conversation(self._seed, handle, acc, item, self._now())

    def fetch_account_stats(self) -> AccountStats:
        handle = self._connect()
        now = self._now()
        acc = self._store.read().get(handle, world.Account())
        own = sum(1 for p in acc.live_posts() if p.published_at <= now)
        return AccountStats(
            followers=world.followers_at(self._seed, handle, now, acc.posts),
            following=world.following_at(self._seed, handle, now),
            posts=world.earlier_posts(self._seed, handle) + own,
            measured_at=now,
        )

    def fetch_public_followers(self, handle: str) -> int | None:
        """Any valid practice name has a deterministic public audience."""
        self._connect()
        key = handle.strip().removeprefix("@").lower()
        if not _HANDLE.fullmatch(key):
            raise PermanentError("A sandbox account name is 2–30 letters, digits, '_' or '.'.")
        return self.followers_at(key, self._now())

    def followers_at(self, handle: str, when: datetime) -> int:
        """The followers ``handle`` has (had, will have) at ``when``; deterministic."""
        key = handle.strip().removeprefix("@").lower()
        acc = self._store.read().get(key, world.Account())
        return world.followers_at(self._seed, key, world.aware(when), acc.posts)

    def fetch_post_stats(self, remote_ids: Sequence[str]) -> dict[str, PostStats]:
        handle = self._connect()
        now = self._now()
        acc = self._store.read().get(handle, world.Account())
        posts = {p.remote_id: p for p in acc.live_posts() if p.published_at <= now}
        wanted = [posts[i] for i in remote_ids if i in posts]
        since = min((p.published_at for p in wanted), default=now)
        replies = Counter(
            i.post_remote_id
            for i in audience.current(self._seed, handle, acc, now, since).values()
            if i.kind in (InboxKind.COMMENT, InboxKind.REPLY)
            and not i.removed
            and i.remote_id not in acc.hidden
        )
        return {
            p.remote_id: world.post_stats(
                self._seed,
                handle,
                p,
                now,
                replies[p.remote_id],
                world.followers_at(self._seed, handle, p.published_at, acc.posts),
            )
            for p in wanted
        }


def _decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    when, _, last_id = cursor.partition("|")
    try:
        return world.parse_time(when), last_id
    except ValueError:
        return None
