"""VK: one community's wall, posted to as the community.

Why two tokens: VK lets only a *user* token post to a wall, upload wall
photos, read comments and stats (the method schema's ``access_token_type``),
so the account needs the access token of a community administrator or editor
(rights wall, photos, groups, stats, offline). A *community* token (made in
the community's settings → API usage) is optional: with it the inbox also
reads and answers the community's direct messages.

Decisions worth knowing:

* Posts go out as the community: ``wall.post(owner_id=-<group>, from_group=1)``
  with the engine's idempotency key as VK's ``guid``, so a retry of the same
  attempt does not post twice. A post counts as published only when VK gives
  a ``post_id`` back (Postiz #1408 reported success when it had not).
* Photos: ``photos.getWallUploadServer`` → POST to the upload URL →
  ``photos.saveWallPhoto`` → ``photo<owner>_<id>`` attachments (10 at most).
* ``find_published`` reads the wall (newest first, bounded pages) for our text
  after the key's time; None only when that look reached back past it.
* Native scheduling is ``publish_date``: a *postponed* post with an id of its
  own. When VK publishes it, the post gets a new id and carries the old one as
  ``postponed_id``; ``check_scheduled`` looks for that.
* VK has no way to hide a comment through the API (only delete it, which the
  app never does to the audience), so ``can_hide_comments`` is False.
* Errors come in HTTP 200 answers; ``vk_api`` maps them (captcha included).
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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
)
from smmdesk.platforms.html_text import comparable
from smmdesk.platforms.vk_api import (
    NotFound,
    VkApi,
    attachments_of,
    count_of,
    dict_of,
    digest,
    int_of,
    items_of,
    list_of,
    post_id_of,
    post_url,
    text_of,
    time_of,
)
from smmdesk.platforms.vk_inbox import fetch_inbox
from smmdesk.platforms.vk_setup import validate_account
from smmdesk.platforms.vk_thread import fetch_thread

MAX_IMAGES = 10
#: VK does not take a publish_date closer than this (a minute) ⚠; we ask for 2.
MIN_SCHEDULE_LEAD = timedelta(minutes=2)
CLOCK_SKEW = timedelta(minutes=10)
WALL_PAGE = 100
WALL_PAGES = 5
STATS_BATCH = 100


class VkConnector(Connector):
    platform = "vk"
    display_name = "VK"
    inbox_prefetch_safe = True  # comments and messages are only read
    capabilities = Capabilities(
        max_text_length=16_384,
        text_counting=TextCounting.CODEPOINTS,
        max_images=MAX_IMAGES,
        max_image_bytes=50 * 1024 * 1024,
        image_types=("image/jpeg", "image/png", "image/gif"),
        native_scheduling=True,
        can_hide_comments=False,
        has_direct_messages=False,
    )
    credential_fields = (
        CredentialField(
            "access_token",
            "User access token",
            secret=True,
            placeholder="vk1.a.…",
            help_text=(
                "The access token of a community administrator or editor, with the rights "
                "wall, photos, groups, stats and offline (VK lets only a user token post)."
            ),
        ),
        CredentialField(
            "community",
            "Community",
            secret=False,
            placeholder="vk.com/yourcommunity, its short name or its id",
            help_text="The community to post to: its address, short name or number.",
        ),
        CredentialField(
            "community_token",
            "Community token (optional)",
            secret=True,
            required=False,
            placeholder="From the community's Manage → API usage",
            help_text=(
                "Optional: a community token with the “Community messages” right, to read "
                "and answer direct messages."
            ),
        ),
    )

    _api_client: VkApi | None = None
    _group: int | None = None

    # --- plumbing ----------------------------------------------------------------------

    @property
    def api(self) -> VkApi:
        if self._api_client is None:
            self._api_client = VkApi(self.config)
        return self._api_client

    def close(self) -> None:
        if self._api_client is not None:
            self._api_client.close()
            self._api_client = None

    @property
    def group_id(self) -> int:
        """The community's number: stored when connected, else asked for once."""
        if self._group is None:
            stored = int_of(self.config.options, "group_id", 1)
            if stored is None:
                stored = int_of({"id": self.config.remote_id}, "id", 1)
            if stored is None:
                stored = int(self.validate().settings["group_id"])
            self._group = stored
        return self._group

    @property
    def owner_id(self) -> str:
        return str(-self.group_id)

    # --- account -----------------------------------------------------------------------

    def validate(self) -> AccountIdentity:
        community = self.config.secret.get("community", "") if self.config.secret else ""
        identity = validate_account(self.api, community or self.config.options.get("group_id", ""))
        self._group = int(identity.settings["group_id"])
        return identity

    def fetch_settings(self) -> dict[str, str]:
        return dict(self.validate().settings)

    def account_capabilities(self) -> Capabilities:
        has_token = bool(self.config.secret and self.config.secret.get("community_token"))
        messages = self.config.options.get("messages", "1") != "0"
        base = self.capabilities
        return Capabilities(
            max_text_length=base.max_text_length,
            text_counting=base.text_counting,
            max_images=base.max_images,
            max_image_bytes=base.max_image_bytes,
            image_types=base.image_types,
            native_scheduling=True,
            can_hide_comments=False,
            has_direct_messages=has_token and messages,
        )

    def fetch_account_stats(self) -> AccountStats:
        response = self.api.call(
            "groups.getById",
            {"group_id": str(self.group_id), "fields": "members_count"},
            doing="Reading the community",
        )
        groups = items_of(response) or [
            g for g in list_of(response, "groups") if isinstance(g, dict)
        ]
        if not groups:
            raise BadResponse("VK did not describe the community.")
        wall = self.api.call(
            "wall.get", {"owner_id": self.owner_id, "count": "1"}, doing="Counting posts"
        )
        return AccountStats(
            followers=int_of(groups[0], "members_count", 0) or 0,
            posts=int_of(wall, "count", 0) or 0,
            measured_at=datetime.now(UTC),
        )

    # --- publishing --------------------------------------------------------------------

    def publish(self, request: PublishRequest) -> PublishedPost:
        post_id = self._wall_post(request, {}, "Publishing on VK")
        return PublishedPost(str(post_id), post_url(self.group_id, post_id), datetime.now(UTC))

    def _wall_post(self, request: PublishRequest, extra: dict[str, str], doing: str) -> int:
        if not request.text.strip() and not request.images:
            raise PermanentError("VK cannot publish an empty post: add text or a photo.")
        attachments = self._upload_all(request.images)
        params = {
            "owner_id": self.owner_id,
            "from_group": "1",
            "message": request.text,
            **extra,
        }
        if attachments:
            params["attachments"] = ",".join(attachments)
        if request.idempotency_key:
            params["guid"] = request.idempotency_key
        response = self.api.call("wall.post", params, doing=doing)
        post_id = int_of(response, "post_id", 0)
        if not post_id:
            raise BadResponse(
                f"{doing}: VK did not confirm the post (no post id came back). It will be "
                "checked and tried again."
            )
        return post_id

    def _upload_all(self, images: Sequence[Path]) -> list[str]:
        if len(images) > MAX_IMAGES:
            raise PermanentError(f"VK takes at most {MAX_IMAGES} photos in a post.")
        if not images:
            return []
        server = self.api.call(
            "photos.getWallUploadServer",
            {"group_id": str(self.group_id)},
            doing="Preparing the photo upload",
        )
        upload_url = text_of(server, "upload_url")
        if not upload_url:
            raise BadResponse("VK did not say where to upload the photos.")
        return [self._upload(upload_url, Path(path)) for path in images]

    def _upload(self, upload_url: str, path: Path) -> str:
        try:
            data = path.read_bytes()
        except OSError:
            raise PermanentError(
                f"The image {path.name} cannot be read on this computer."
            ) from None
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        doing = f"Uploading {path.name}"
        uploaded = self.api.upload(upload_url, path.name, data, mime, doing)
        photo = text_of(uploaded, "photo")
        server = int_of(uploaded, "server")
        upload_hash = text_of(uploaded, "hash")
        if not photo or photo == "[]" or server is None or not upload_hash:
            raise PermanentError(f"{doing}: VK did not accept the image.")
        saved = self.api.call(
            "photos.saveWallPhoto",
            {"group_id": str(self.group_id), "server": str(server), "photo": photo,
             "hash": upload_hash},
            doing=doing,
        )  # fmt: skip
        photos = items_of(saved)
        owner = int_of(photos[0], "owner_id") if photos else None
        photo_id = int_of(photos[0], "id", 1) if photos else None
        if owner is None or photo_id is None:
            raise BadResponse(f"{doing}: VK did not give the saved photo an id.")
        return f"photo{owner}_{photo_id}"

    def find_published(self, idempotency_key: str, text: str) -> PublishedPost | None:
        ms = key_time_ms(idempotency_key)
        since = datetime.fromtimestamp(ms / 1000, UTC) - CLOCK_SKEW if ms is not None else None
        found, sure = self._find_on_wall(text, since, WALL_PAGES if since else 1, "")
        if found is not None or sure:
            return found
        raise PermanentError(
            "SMM Desk cannot tell whether VK published this post: the community has posted "
            "a lot since. Look at the community's wall before publishing it again."
        )

    def _find_on_wall(
        self, text: str, since: datetime | None, pages: int, postponed_id: str
    ) -> tuple[PublishedPost | None, bool]:
        """Our post with this text (or from this postponed id) and whether the look was complete."""
        wanted = comparable(text)
        for page in range(pages):
            response = self.api.call(
                "wall.get",
                {"owner_id": self.owner_id, "count": str(WALL_PAGE),
                 "offset": str(page * WALL_PAGE)},
                doing="Reading the community's wall",
            )  # fmt: skip
            posts = items_of(response)
            for post in posts:
                post_id = int_of(post, "id", 0)
                created = time_of(post)
                if not post_id:
                    continue
                if postponed_id and str(int_of(post, "postponed_id") or "") == postponed_id:
                    return self._published(post), True
                if since is not None and created is not None and created < since:
                    continue
                if int_of(post, "from_id") not in (None, -self.group_id):
                    continue
                if comparable(text_of(post, "text")) != wanted:
                    continue
                if wanted or list_of(post, "attachments"):
                    return self._published(post), True
            unpinned = [p for p in posts if not int_of(p, "is_pinned")]
            if len(posts) < WALL_PAGE or not unpinned:
                return None, True  # the whole wall was seen
            times = [t for t in (time_of(p) for p in unpinned) if t is not None]
            if since is not None and times and min(times) < since:
                return None, True  # reached back past the attempt
        return None, since is None

    def _published(self, post: dict[str, Any]) -> PublishedPost:
        post_id = int_of(post, "id", 1) or 1
        return PublishedPost(
            str(post_id), post_url(self.group_id, post_id), time_of(post) or datetime.now(UTC)
        )

    # --- scheduling ----------------------------------------------------------------------

    def _schedulable(self, at: datetime) -> datetime:
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        if at < datetime.now(UTC) + MIN_SCHEDULE_LEAD:
            raise PermanentError(
                "VK can only schedule a post a few minutes ahead or more. Choose a later time, "
                "or let SMM Desk publish it."
            )
        return at

    def schedule(self, request: PublishRequest, at: datetime) -> ScheduledPost:
        at = self._schedulable(at)
        post_id = self._wall_post(
            request, {"publish_date": str(int(at.timestamp()))}, "Scheduling on VK"
        )
        return ScheduledPost(str(post_id), at)

    def _wall_item(self, post_id: int, doing: str) -> dict[str, Any] | None:
        response = self.api.call(
            "wall.getById", {"posts": f"{self.owner_id}_{post_id}"}, doing=doing
        )
        for post in items_of(response):
            if int_of(post, "id") == post_id:
                return post
        return None

    def update_scheduled(
        self, remote_id: str, request: PublishRequest, at: datetime
    ) -> ScheduledPost:
        at = self._schedulable(at)
        post_id = post_id_of(remote_id)
        current = self._wall_item(post_id, "Reading the scheduled post")
        if current is None or text_of(current, "post_type") != "postpone":
            raise PermanentError(
                "This post is no longer waiting on VK: it was published or withdrawn."
            )
        attachments = (
            self._upload_all(request.images) if request.images else attachments_of(current)
        )
        params = {
            "owner_id": self.owner_id,
            "post_id": str(post_id),
            "message": request.text,
            "publish_date": str(int(at.timestamp())),
        }
        if attachments:
            params["attachments"] = ",".join(attachments)
        self.api.call("wall.edit", params, doing="Changing the scheduled post")
        return ScheduledPost(remote_id, at)

    def cancel_scheduled(self, remote_id: str) -> None:
        self.delete_post(remote_id)

    def check_scheduled(self, remote_id: str, text: str) -> ScheduledState:
        post_id = post_id_of(remote_id)
        current = self._wall_item(post_id, "Checking the scheduled post")
        if current is not None and text_of(current, "post_type") == "postpone":
            return ScheduledState(pending=True)
        found, _ = self._find_on_wall(text, None, 1, str(post_id))
        return ScheduledState(pending=False, published=found)

    # --- own posts -----------------------------------------------------------------------

    def edit_post(self, remote_id: str, request: PublishRequest) -> None:
        post_id = post_id_of(remote_id)
        current = self._wall_item(post_id, "Reading the post")
        if current is None:
            raise NotFound("VK cannot find this post (it may have been deleted).")
        params = {"owner_id": self.owner_id, "post_id": str(post_id), "message": request.text}
        attachments = attachments_of(current)
        if attachments:  # wall.edit replaces attachments: name the ones the post has
            params["attachments"] = ",".join(attachments)
        self.api.call("wall.edit", params, doing="Editing the post")

    def delete_post(self, remote_id: str) -> None:
        post_id = post_id_of(remote_id)
        try:
            self.api.call(
                "wall.delete",
                {"owner_id": self.owner_id, "post_id": str(post_id)},
                doing="Deleting the post",
            )
        except NotFound:
            return  # already gone: fine

    def fetch_post_stats(self, remote_ids: Sequence[str]) -> dict[str, PostStats]:
        ids = [i for i in dict.fromkeys(remote_ids) if re.fullmatch(r"[1-9][0-9]{0,14}", i)]
        result: dict[str, PostStats] = {}
        for start in range(0, len(ids), STATS_BATCH):
            chunk = ids[start : start + STATS_BATCH]
            response = self.api.call(
                "wall.getById",
                {"posts": ",".join(f"{self.owner_id}_{i}" for i in chunk)},
                doing="Reading post stats",
            )
            for post in items_of(response):
                post_id = str(int_of(post, "id") or "")
                if post_id in chunk:  # deleted posts are simply not returned
                    views = dict_of(post, "views")
                    result[post_id] = PostStats(
                        likes=count_of(post, "likes"),
                        reposts=count_of(post, "reposts"),
                        replies=count_of(post, "comments"),
                        views=count_of(post, "views") if views else None,
                    )
        return result

    # --- inbox -------------------------------------------------------------------------

    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        return fetch_inbox(self.api, self.group_id, self.account_capabilities(), cursor)

    def fetch_thread(self, item: RemoteInboxItem) -> RemoteThread:
        return fetch_thread(self.api, self.group_id, item)

    def reply(self, item: RemoteInboxItem, text: str) -> str:
        if not text.strip():
            raise PermanentError("VK cannot send an empty answer.")
        if item.kind == InboxKind.DIRECT_MESSAGE:
            return self._send_message(item, text)
        comment_id = int_of({"id": item.remote_id}, "id", 1)
        post_id = int_of({"id": item.post_remote_id}, "id", 1)
        if comment_id is None or post_id is None:
            raise PermanentError("This comment cannot be answered: it has no id on VK.")
        response = self.api.call(
            "wall.createComment",
            {"owner_id": self.owner_id, "post_id": str(post_id),
             "from_group": str(self.group_id), "message": text,
             "reply_to_comment": str(comment_id),
             "guid": digest("reply", item.remote_id, text)},
            doing="Sending the reply",
        )  # fmt: skip
        new_id = int_of(response, "comment_id", 1)
        if new_id is None:
            raise BadResponse("VK did not give the reply an id.")
        return str(new_id)

    def _send_message(self, item: RemoteInboxItem, text: str) -> str:
        peer = int_of({"id": item.author_id}, "id", 1)
        if peer is None:
            raise PermanentError("This message cannot be answered: VK did not say who sent it.")
        # random_id makes a repeated send of the same answer a no-op on VK's side.
        random_id = int(digest("dm", item.remote_id, text)[:8], 16) & 0x7FFFFFFF
        response = self.api.call(
            "messages.send",
            {"peer_id": str(peer), "random_id": str(random_id), "message": text},
            group=True,
            doing="Sending the message",
        )
        message_id = int_of({"id": response}, "id", 1)
        if message_id is None and isinstance(response, list) and response:
            message_id = int_of(response[0], "message_id", 1)
        if message_id is None:
            raise BadResponse("VK did not give the message an id.")
        return f"dm{message_id}"
