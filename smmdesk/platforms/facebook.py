"""Facebook Pages: one Page, through the Graph API, with a Page access token.

The user pastes a Page access token (made from a long-lived user token in the
Graph API Explorer or their own Meta app) and, optionally, the Page id (not
needed when the token is a Page token: ``/me`` is then the Page).

Decisions worth knowing:

* ``validate`` reads the Page and the token's permissions (``/debug_token``
  scopes, else ``/me/permissions``; a Page token often gets neither, and then
  the read permissions are judged by trying harmless reads). Without
  ``pages_manage_posts`` nothing can be published: that fails the connection
  and names the permission. Anything else missing (engagement, messaging,
  insights) connects with a plain "To do" warning.
* Publishing: text (a link in it gets Facebook's preview) goes to
  ``POST /{page}/feed``. Pictures are uploaded unpublished
  (``/{page}/photos`` with ``published=false``) and attached to one feed post
  (``attached_media[i]={"media_fbid": ...}``): one post, however many pictures,
  with one id for edit, delete, stats and comments. The permalink comes from
  ``permalink_url``.
* Facebook takes no idempotency key, so ``find_published`` reads the Page's
  posts since the key's time (UUIDv7) and matches the text. It answers None
  only when it saw everything since then; a post without text, or a key
  without a time, cannot be told apart and says so.
* Native scheduling: ``published=false`` + ``scheduled_publish_time``, from 10
  minutes to 30 days ahead (the window Meta's Pages docs state; older pages
  said 6 months, so the stricter one is used). The scheduled post keeps its id
  when it goes out. A text change is an edit in place; pictures cannot be
  swapped on a Facebook post, so a change with pictures re-creates it (new one
  first, then the old one is withdrawn).
* Errors are the Graph error object, mapped once in ``graph_api``.
* The inbox (comments on recent posts, Messenger conversations) lives in
  ``facebook_inbox``; metrics in ``facebook_stats``.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from smmdesk.core.retry_policy import key_time_ms
from smmdesk.platforms.base import (
    AccountIdentity,
    AccountStats,
    AuthError,
    BadResponse,
    Capabilities,
    Connector,
    ConnectorError,
    CredentialField,
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
from smmdesk.platforms.facebook_inbox import (
    fetch_inbox,
    fetch_thread,
    hide_comment,
    reply_to,
)
from smmdesk.platforms.facebook_stats import account_stats, post_stats
from smmdesk.platforms.graph_api import (
    GraphClient,
    NotFound,
    graph_stamp,
    id_of,
    text_of,
    time_of,
)
from smmdesk.platforms.html_text import comparable

#: Facebook refuses a scheduled time closer or further than these.
MIN_SCHEDULE_LEAD = timedelta(minutes=10)
MAX_SCHEDULE_LEAD = timedelta(days=30)
#: Margin for the time a request takes and for clocks that differ.
SCHEDULE_MARGIN = timedelta(minutes=1)
CLOCK_SKEW = timedelta(minutes=10)
RECENT_LIMIT = 100  # the most Graph gives per page
RECENT_PAGES = 5
POST_FIELDS = "id,message,created_time,permalink_url,is_published,scheduled_publish_time"

#: What each permission is for, in the words the user sees.
PERMISSIONS = {
    "pages_manage_posts": "publish, edit and delete posts",
    "pages_read_engagement": "read posts, comments and follower counts",
    "pages_manage_engagement": "reply to comments and hide them",
    "pages_messaging": "read and answer Messenger conversations",
    "read_insights": "read how many people saw a post",
}


def _seg(value: str) -> str:
    return quote(value, safe="")


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


class FacebookConnector(Connector):
    platform = "facebook"
    display_name = "Facebook Page"
    inbox_prefetch_safe = True  # comments and conversations are only read
    capabilities = Capabilities(
        max_text_length=63_206,
        text_counting=TextCounting.UTF16,
        max_images=10,
        max_image_bytes=10 * 1024 * 1024,
        image_types=("image/jpeg", "image/png", "image/gif"),
        native_scheduling=True,
        can_hide_comments=True,
        can_delete_comments=False,
        has_direct_messages=True,
    )
    credential_fields = (
        CredentialField(
            "page_token",
            "Page access token",
            secret=True,
            placeholder="EAAB…",
            help_text=(
                "A Page access token (Graph API Explorer or your Meta app → choose the Page) "
                "with pages_manage_posts, pages_read_engagement, pages_manage_engagement, "
                "pages_messaging and read_insights."
            ),
        ),
        CredentialField(
            "page_id",
            "Page id (optional)",
            secret=False,
            placeholder="1234567890",
            help_text="The Page id is needed only when the token is not the Page's own token.",
            required=False,
        ),
    )

    _graph: GraphClient | None = None

    # --- plumbing ------------------------------------------------------------------------

    @property
    def graph(self) -> GraphClient:
        if self._graph is None:
            self._graph = GraphClient(self.config, "Facebook")
        return self._graph

    def close(self) -> None:
        if self._graph is not None:
            self._graph.close()
        self._graph = None

    def page_id(self) -> str:
        """The Page's id: stored at connection, typed by the user, or asked of ``/me``."""
        known = self.config.options.get("page_id", "") or self.config.remote_id
        if not known:
            typed = self.config.secret.get("page_id", "") if self.config.secret else ""
            known = typed.strip() if isinstance(typed, str) else ""
        if not known:
            known = id_of(self.graph.get("/me", {"fields": "id"}, "Reading the Page"))
            if not known:
                raise BadResponse("Facebook did not say which Page this token belongs to.")
        self.config.options.setdefault("page_id", known)
        return known

    # --- account -------------------------------------------------------------------------

    def validate(self) -> AccountIdentity:
        typed = self.config.secret.get("page_id", "") if self.config.secret else ""
        typed = typed.strip() if isinstance(typed, str) else ""
        path = f"/{_seg(typed)}" if typed else "/me"
        page = self.graph.get(
            path, {"fields": "id,name,username,link"}, "Reading the Facebook Page"
        )
        page_id, name = id_of(page), text_of(page, "name")
        if not page_id:
            raise BadResponse("Facebook did not say which Page this token belongs to.")
        self.config.options["page_id"] = page_id
        granted, unknown = self._permissions(page_id)
        if "pages_manage_posts" not in granted and "pages_manage_posts" not in unknown:
            raise AuthError(
                f"The token for “{name or page_id}” lacks the permission pages_manage_posts "
                f"(to {PERMISSIONS['pages_manage_posts']}). Make a new Page token that grants "
                "it and connect again."
            )
        settings = {
            "page_id": page_id,
            "permissions": ",".join(sorted(granted)),
            "messaging": "yes" if "pages_messaging" in granted else "no",
            "insights": "no" if "read_insights" not in granted | unknown else "yes",
        }
        warning = _warning(granted, unknown)
        if warning:
            settings["warning"] = warning
        link = text_of(page, "link")
        return AccountIdentity(
            remote_id=page_id,
            handle=text_of(page, "username") or name or page_id,
            display_name=name or page_id,
            url=link if link.startswith("https://") else f"https://www.facebook.com/{page_id}",
            settings=settings,
        )

    def _permissions(self, page_id: str) -> tuple[set[str], set[str]]:
        """(granted, could not tell) for the permissions SMM Desk uses."""
        said = self.graph.granted_permissions()
        if said is not None:
            return {p for p in PERMISSIONS if p in said}, set()
        granted: set[str] = set()
        probes = {
            "pages_read_engagement": (f"/{_seg(page_id)}/published_posts", {"limit": "1"}),
            "pages_messaging": (f"/{_seg(page_id)}/conversations", {"limit": "1"}),
            "read_insights": (
                f"/{_seg(page_id)}/insights",
                {"metric": "page_follows", "period": "day"},
            ),
        }
        for permission, (path, params) in probes.items():
            try:
                self.graph.get(path, params, "Checking what the token may do")
            except AuthError:
                continue
            except ConnectorError:
                granted.add(permission)  # refused for another reason: not the permission
                continue
            granted.add(permission)
        return granted, {"pages_manage_posts", "pages_manage_engagement"}

    def account_capabilities(self) -> Capabilities:
        if self.config.options.get("messaging") == "no":
            return replace(self.capabilities, has_direct_messages=False)
        return self.capabilities

    def fetch_settings(self) -> dict[str, str]:
        return dict(self.validate().settings)

    # --- publishing ----------------------------------------------------------------------

    def publish(self, request: PublishRequest) -> PublishedPost:
        post_id = self._create(request, None, "Publishing on Facebook")
        return self._published(post_id)

    def _create(self, request: PublishRequest, at: datetime | None, doing: str) -> str:
        if not request.text.strip() and not request.images:
            raise PermanentError("A Facebook post needs some text or a picture.")
        if len(request.images) > self.capabilities.max_images:
            raise PermanentError(
                f"Facebook takes at most {self.capabilities.max_images} pictures in one post here."
            )
        page = _seg(self.page_id())
        data: dict[str, str] = {}
        if request.text:
            data["message"] = request.text
        for index, photo_id in enumerate(self._upload_all(request.images)):
            data[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo_id})
        if at is not None:
            data["published"] = "false"
            data["scheduled_publish_time"] = str(graph_stamp(at))
        body = self.graph.post(f"/{page}/feed", data, doing, needs="pages_manage_posts")
        post_id = id_of(body)
        if not post_id:
            raise BadResponse("Facebook did not give the new post an id.")
        return post_id

    def _upload_all(self, images: Sequence[Path]) -> list[str]:
        page = _seg(self.page_id())
        ids = []
        for image in images:
            try:
                content = Path(image).read_bytes()
            except OSError as exc:
                raise PermanentError(f"Cannot read the picture {Path(image).name}.") from exc
            if len(content) > self.capabilities.max_image_bytes:
                raise PermanentError(f"The picture {Path(image).name} is larger than 10 MB.")
            mime = mimetypes.guess_type(str(image))[0] or "image/jpeg"
            body = self.graph.post(
                f"/{page}/photos",
                {"published": "false"},
                f"Uploading {Path(image).name} to Facebook",
                needs="pages_manage_posts",
                files={"source": (Path(image).name, content, mime)},
            )
            photo_id = id_of(body)
            if not photo_id:
                raise BadResponse("Facebook did not give the uploaded picture an id.")
            ids.append(photo_id)
        return ids

    def _read_post(self, post_id: str, doing: str) -> dict[str, Any]:
        return self.graph.get(f"/{_seg(post_id)}", {"fields": POST_FIELDS}, doing)

    def _published(self, post_id: str, post: dict[str, Any] | None = None) -> PublishedPost:
        if post is None:
            try:
                post = self._read_post(post_id, "Reading the new post's address")
            except (PermanentError, BadResponse):
                post = {}
        url = text_of(post, "permalink_url")
        if not url.startswith("https://"):
            page, _, number = post_id.partition("_")
            url = f"https://www.facebook.com/{page}/posts/{number or page}"
        return PublishedPost(post_id, url, time_of(post) or datetime.now(UTC))

    def find_published(self, idempotency_key: str, text: str) -> PublishedPost | None:
        ms = key_time_ms(idempotency_key)
        if ms is None:
            raise PermanentError(
                "SMM Desk cannot tell whether Facebook published this post. Look at the Page "
                "before publishing it again."
            )
        since = datetime.fromtimestamp(ms / 1000, UTC) - CLOCK_SKEW
        wanted = comparable(text)
        posts = self.graph.get_all(
            f"/{_seg(self.page_id())}/published_posts",
            {"fields": POST_FIELDS, "since": str(graph_stamp(since)), "limit": str(RECENT_LIMIT)},
            "Looking for the post on Facebook",
            needs="pages_read_engagement",
            max_pages=RECENT_PAGES,
            max_items=RECENT_LIMIT * RECENT_PAGES,
        )
        recent = [p for p in posts if (time_of(p) or since) >= since and id_of(p)]
        if wanted:
            for post in recent:
                if comparable(text_of(post, "message")) == wanted:
                    return self._published(id_of(post), post)
        if not recent:
            return None
        if wanted and len(posts) < RECENT_LIMIT * RECENT_PAGES:
            return None  # everything since the attempt was seen, and it is not there
        raise PermanentError(
            "SMM Desk cannot tell whether Facebook published this post (it has no text to "
            "recognise it by, or the Page posted a lot since). Look at the Page before "
            "publishing it again."
        )

    def edit_post(self, remote_id: str, request: PublishRequest) -> None:
        if not request.text.strip():
            raise PermanentError("Facebook cannot remove all the text of a post by an edit.")
        self.graph.post(
            f"/{_seg(remote_id)}",
            {"message": request.text},
            "Editing the post on Facebook",
            needs="pages_manage_posts",
        )

    def delete_post(self, remote_id: str) -> None:
        try:
            self.graph.delete(
                f"/{_seg(remote_id)}", "Deleting the post on Facebook", needs="pages_manage_posts"
            )
        except NotFound:
            return  # already gone

    # --- native scheduling ---------------------------------------------------------------

    def _schedulable(self, at: datetime) -> datetime:
        at = _utc(at)
        ahead = at - datetime.now(UTC)
        if ahead < MIN_SCHEDULE_LEAD + SCHEDULE_MARGIN:
            raise PermanentError(
                "Facebook can schedule a post only 10 minutes or more ahead; pick a later time "
                "or let SMM Desk publish it."
            )
        if ahead > MAX_SCHEDULE_LEAD - SCHEDULE_MARGIN:
            raise PermanentError(
                "Facebook can schedule a post at most 30 days ahead; pick an earlier time or "
                "let SMM Desk publish it."
            )
        return at

    def schedule(self, request: PublishRequest, at: datetime) -> ScheduledPost:
        at = self._schedulable(at)
        return ScheduledPost(self._create(request, at, "Scheduling on Facebook"), at)

    def update_scheduled(
        self, remote_id: str, request: PublishRequest, at: datetime
    ) -> ScheduledPost:
        at = self._schedulable(at)
        if request.images:
            new = self.schedule(request, at)
            self.cancel_scheduled(remote_id)
            return new
        if not request.text.strip():
            raise PermanentError("A Facebook post needs some text or a picture.")
        self.graph.post(
            f"/{_seg(remote_id)}",
            {"message": request.text, "scheduled_publish_time": str(graph_stamp(at))},
            "Changing the scheduled post on Facebook",
            needs="pages_manage_posts",
        )
        return ScheduledPost(remote_id, at)

    def cancel_scheduled(self, remote_id: str) -> None:
        try:
            post = self._read_post(remote_id, "Reading the scheduled post")
        except NotFound:
            return  # withdrawn already
        if post.get("is_published") is True:
            raise PermanentError(
                "Facebook has already published this post, so it was not withdrawn. Delete it "
                "on the Page if it should go."
            )
        self.delete_post(remote_id)

    def check_scheduled(self, remote_id: str, text: str) -> ScheduledState:
        try:
            post = self._read_post(remote_id, "Checking the scheduled post")
        except NotFound:
            return ScheduledState(pending=False)
        if post.get("is_published") is True:
            return ScheduledState(pending=False, published=self._published(remote_id, post))
        return ScheduledState(pending=True)

    # --- inbox ---------------------------------------------------------------------------

    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        return fetch_inbox(self.graph, self.page_id(), self.config.options, cursor)

    def reply(self, item: RemoteInboxItem, text: str) -> str:
        return reply_to(self.graph, self.page_id(), item, text)

    def hide_item(self, item: RemoteInboxItem) -> None:
        hide_comment(self.graph, item, True)

    def unhide_item(self, item: RemoteInboxItem) -> None:
        hide_comment(self.graph, item, False)

    def fetch_thread(self, item: RemoteInboxItem) -> RemoteThread:
        return fetch_thread(self.graph, self.page_id(), item)

    # --- metrics -------------------------------------------------------------------------

    def fetch_account_stats(self) -> AccountStats:
        return account_stats(self.graph, self.page_id())

    def fetch_post_stats(self, remote_ids: Sequence[str]) -> dict[str, PostStats]:
        return post_stats(self.graph, remote_ids, self.config.options.get("insights") != "no")


def _warning(granted: set[str], unknown: set[str]) -> str:
    missing = [p for p in PERMISSIONS if p not in granted and p not in unknown]
    parts = []
    if missing:
        listed = "; ".join(f"{p} (to {PERMISSIONS[p]})" for p in missing)
        parts.append(
            f"The token lacks {listed}. Make a new Page token that grants "
            f"{'it' if len(missing) == 1 else 'them'} and connect again."
        )
    if unknown:
        parts.append(
            "Facebook did not say whether the token may "
            + " or ".join(PERMISSIONS[p] for p in sorted(unknown))
            + "; the first try will tell."
        )
    return " ".join(parts)
