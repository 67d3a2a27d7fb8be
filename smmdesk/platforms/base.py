"""The one interface every network sits behind.

Connectors take plain data in and give plain data out (the dataclasses below);
they know HTTP and their network, and nothing of the store or of Qt. The sync
engine is the only caller, and it acts on the error hierarchy at the bottom:
an auth error asks the user to reconnect, a rate limit waits ``retry_after``,
a transient error retries with backoff, a permanent error or a bad response
stops and shows the message.

Each connector also *declares* what its network allows (``Capabilities``) so
that the composer and the inbox read limits from one place instead of
hard-coding them.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from smmdesk.core.vocabulary import InboxKind as InboxKind  # re-exported for connectors


class TextCounting(enum.StrEnum):
    """How a network counts the length of a post."""

    GRAPHEMES = "graphemes"  # user-perceived characters (Bluesky)
    CODEPOINTS = "codepoints"  # Unicode code points (Mastodon, with URLs as 23)
    UTF16 = "utf16"  # UTF-16 code units (Telegram, Facebook, Instagram)


@dataclass(frozen=True)
class CredentialField:
    """One input the account dialog asks for when connecting an account."""

    key: str
    label: str
    secret: bool = True
    placeholder: str = ""
    help_text: str = ""
    required: bool = True


@dataclass(frozen=True)
class Capabilities:
    """What a network allows; read by the composer, the inbox and the engine."""

    max_text_length: int
    text_counting: TextCounting
    url_length: int | None = None  # every URL counts as this many, if set
    max_text_length_with_media: int | None = None  # e.g. Telegram captions
    max_text_bytes: int | None = None  # a UTF-8 byte cap as well (Bluesky: 3000)
    max_images: int = 4
    max_image_bytes: int = 5 * 1024 * 1024
    image_types: tuple[str, ...] = ("image/jpeg", "image/png")
    native_scheduling: bool = False
    can_hide_comments: bool = False
    can_delete_comments: bool = False
    has_direct_messages: bool = False
    has_mentions: bool = True
    has_instances: bool = False  # the user names a server (Mastodon)


@dataclass(frozen=True)
class AccountIdentity:
    """Who the credential belongs to, as the network says."""

    remote_id: str
    handle: str
    display_name: str
    url: str = ""
    # Facts about the account worth keeping (a channel's numeric id, its
    # discussion group, an instance's limits). Never secrets: the engine
    # stores them with the account and passes them back as
    # ``ConnectorConfig.options`` on every later call.
    settings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishRequest:
    text: str
    images: Sequence[Path] = ()
    # A key the engine keeps with the publish attempt; connectors that can,
    # send it so that a retry after a crash cannot publish twice.
    idempotency_key: str = ""


@dataclass(frozen=True)
class PublishedPost:
    remote_id: str
    url: str
    published_at: datetime


@dataclass(frozen=True)
class ScheduledPost:
    """A post handed to the network's own scheduler (Mastodon, VK, Facebook)."""

    remote_id: str  # the id of the *scheduled* item, not of the future post
    scheduled_at: datetime


@dataclass(frozen=True)
class ScheduledState:
    """What became of a handed-off post: still waiting, published, or gone."""

    pending: bool
    published: PublishedPost | None = None  # set once the network published it


@dataclass(frozen=True)
class RemoteInboxItem:
    """A comment, reply, mention or direct message, as fetched."""

    remote_id: str
    kind: InboxKind
    author_id: str
    author_name: str
    text: str
    created_at: datetime
    post_remote_id: str = ""  # our post it belongs to, if any
    parent_remote_id: str = ""  # the item it answers, if any
    url: str = ""
    author_handle: str = ""  # @name where the network has one (for mentions in replies)
    # The item was removed on the network (by its author or a moderator). The
    # app keeps its copy and marks it; it never deletes it (invariant 4).
    removed: bool = False
    # The item was edited on the network; ``text`` is the new text. An item
    # fetched again with another text is also taken as edited.
    edited: bool = False
    # Until when the network accepts an answer (Facebook's 24-hour window for
    # Page messages); None when it sets no limit.
    reply_until: datetime | None = None


@dataclass(frozen=True)
class RemoteThread:
    """The conversation around an inbox item, as the network tells it."""

    post_text: str  # the post the item belongs to ("" when there is none)
    post_url: str
    items: Sequence[RemoteInboxItem]  # the thread around the item, oldest first


@dataclass(frozen=True)
class InboxPage:
    items: list[RemoteInboxItem]
    cursor: str  # opaque; pass back to fetch only what is newer
    # Counts a network only pushes with its updates (Telegram reactions),
    # keyed by our post's remote id; the engine records them as post metrics.
    post_stats: Mapping[str, PostStats] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountStats:
    """Totals as of now. None = the network does not give this number (stored
    as NULL and shown as "not available", never as 0). A network without a
    follower count raises Unsupported from fetch_account_stats."""

    followers: int | None  # None: the network does not say (never a false 0)
    following: int | None = None
    posts: int | None = None
    measured_at: datetime | None = None


@dataclass(frozen=True)
class PostStats:
    """A post's counts; None = not reported by the network (Telegram: no reposts)."""

    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    views: int | None = None  # not every network reports views


@dataclass
class ConnectorConfig:
    """Where and as whom a connector talks.

    ``secret`` holds whatever the vault returned for the account (a token, or
    a small mapping of fields); ``base_url`` lets tests point a connector at a
    fake server on 127.0.0.1.
    """

    secret: Mapping[str, str]
    base_url: str = ""
    remote_id: str = ""
    handle: str = ""
    options: dict[str, str] = field(default_factory=dict)
    timeout: float = 20.0
    # Called (from the worker thread) when the network hands out a new
    # credential, e.g. Bluesky's rotating refresh token; the engine writes it
    # to the vault so the next start does not log in again.
    on_secret_changed: Callable[[Mapping[str, str]], None] | None = None


# --- errors -----------------------------------------------------------------


class ConnectorError(Exception):
    """Base of every error a connector raises. Messages never hold secrets."""

    retryable = False


class AuthError(ConnectorError):
    """The credential is wrong, revoked or lacks a permission: reconnect."""


class RateLimited(ConnectorError):
    """The network asked us to slow down."""

    retryable = True

    def __init__(self, message: str, retry_after: float = 60.0) -> None:
        super().__init__(message)
        self.retry_after = max(0.0, float(retry_after))


class TransientError(ConnectorError):
    """Network down, timeout, 5xx: try again later."""

    retryable = True


class NetworkUnreachable(TransientError):
    """No connection could be made at all: the app is probably offline."""


class PermanentError(ConnectorError):
    """The network refused the request for good (too long, bad media...)."""


class Unsupported(PermanentError):
    """The network has no way to do this (edit a Bluesky post, schedule on Telegram)."""


class BadResponse(ConnectorError):
    """The network answered with something we cannot read (HTML, bad JSON)."""

    retryable = True


class CaptchaRequired(ConnectorError):
    """The network wants a person to read a picture (VK error 14).

    Never retried by itself: the user is shown ``image_url`` and the answer
    goes back on the next call as ``ConnectorConfig.options["captcha_sid"]``
    and ``options["captcha_key"]``.
    """

    def __init__(self, message: str, sid: str, image_url: str) -> None:
        super().__init__(message)
        self.sid = sid
        self.image_url = image_url


# --- the interface ------------------------------------------------------------


class Connector(ABC):
    """One network, as the sync engine sees it."""

    #: Stable identifier stored in the database (``Account.platform``).
    platform: str = ""
    #: Name shown to the user.
    display_name: str = ""
    capabilities: Capabilities
    #: True for a network that lives on this computer (the sandbox): its jobs
    #: run while offline.
    local_only: bool = False
    # True when fetch_inbox(cursor) only reads, so the engine may fetch the
    # next page while it stores this one. False where a fetch acknowledges
    # what came before it (Telegram's getUpdates offset).
    inbox_prefetch_safe: bool = False
    credential_fields: tuple[CredentialField, ...] = ()

    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config

    @abstractmethod
    def validate(self) -> AccountIdentity:
        """Check the credential and say whose account it is."""

    @abstractmethod
    def publish(self, request: PublishRequest) -> PublishedPost:
        """Publish text and images; return the remote id and URL."""

    @abstractmethod
    def delete_post(self, remote_id: str) -> None:
        """Delete one of the account's own posts (never an audience comment)."""

    @abstractmethod
    def find_published(self, idempotency_key: str, text: str) -> PublishedPost | None:
        """Look for a post an interrupted attempt may already have published."""

    @abstractmethod
    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        """Fetch inbox items newer than ``cursor`` (all recent ones if None)."""

    @abstractmethod
    def reply(self, item: RemoteInboxItem, text: str) -> str:
        """Answer an inbox item; return the remote id of the answer."""

    @abstractmethod
    def fetch_account_stats(self) -> AccountStats:
        """Followers and totals as of now."""

    @abstractmethod
    def fetch_post_stats(self, remote_ids: Sequence[str]) -> dict[str, PostStats]:
        """Likes, reposts, replies and views of some of our posts."""

    # --- optional abilities; the defaults say plainly that the network lacks them

    def account_capabilities(self) -> Capabilities:
        """Limits for this account: the class's, or what its instance reported."""
        return self.capabilities

    def fetch_settings(self) -> dict[str, str]:
        """Re-read account facts (instance limits, linked groups) on demand."""
        return {}

    def fetch_public_followers(self, handle: str) -> int | None:
        """Public follower count of another account (a client's competitor);
        None when the network hides it for that account."""
        raise Unsupported(f"{self.display_name} does not show other accounts' followers.")

    def edit_post(self, remote_id: str, request: PublishRequest) -> None:
        """Change the text of a published post where the network allows it."""
        raise Unsupported(f"{self.display_name} cannot edit a published post.")

    def schedule(self, request: PublishRequest, at: datetime) -> ScheduledPost:
        """Hand a post to the network's own scheduler (``native_scheduling``)."""
        raise Unsupported(f"{self.display_name} has no scheduler of its own.")

    def update_scheduled(
        self, remote_id: str, request: PublishRequest, at: datetime
    ) -> ScheduledPost:
        """Change a handed-off post (text or time); may return a new id."""
        raise Unsupported(f"{self.display_name} has no scheduler of its own.")

    def cancel_scheduled(self, remote_id: str) -> None:
        """Withdraw a handed-off post from the network's scheduler."""
        raise Unsupported(f"{self.display_name} has no scheduler of its own.")

    def check_scheduled(self, remote_id: str, text: str) -> ScheduledState:
        """Whether a handed-off post is still waiting or has been published."""
        raise Unsupported(f"{self.display_name} has no scheduler of its own.")

    def hide_item(self, item: RemoteInboxItem) -> None:
        """Hide an audience comment from others (``can_hide_comments``); never delete it."""
        raise Unsupported(f"{self.display_name} cannot hide comments.")

    def unhide_item(self, item: RemoteInboxItem) -> None:
        """Show a hidden comment again."""
        raise Unsupported(f"{self.display_name} cannot hide comments.")

    def fetch_thread(self, item: RemoteInboxItem) -> RemoteThread:
        """The post and the replies around ``item``, for the reading pane."""
        raise Unsupported(f"{self.display_name} cannot fetch a conversation.")

    def close(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release sockets; the engine calls it when a job is done with the connector."""
