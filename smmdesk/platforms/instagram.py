"""Instagram: the professional account linked to a Facebook Page, via the Graph API.

The user pastes the Page access token (the same one the Facebook Page
connector takes; it must carry ``instagram_basic``,
``instagram_content_publish``, ``instagram_manage_comments`` and
``instagram_manage_insights``) and, optionally, the Page id. ``validate``
reads the Page's ``instagram_business_account`` and shows the Instagram
username; a Page with no Instagram account linked, or a token without the
Instagram permissions, gets a plain explanation instead.

Decisions worth knowing:

* Pictures reach Instagram only from a public web address (``instagram_host``):
  the user names an image host; without one, publishing says what to set up.
* Publishing is the container flow (``instagram_publish``), after a look at
  the daily quota; a used-up quota is a ``RateLimited`` with the wait until
  the window frees up. Instagram has no scheduler for apps
  (``native_scheduling=False``): the app publishes at the time.
* ``find_published`` (``instagram_publish.find_media``) looks through the
  account's recent posts for the same caption made after the idempotency
  key's time. It answers None only when
  the look reached back past that time; otherwise it says it cannot tell.
* Posts cannot be edited (only comments switched off) or deleted through the
  API: ``delete_post`` says to delete it in the Instagram app.
* Comments come into the inbox (``instagram_inbox``); replies go to the
  top-level comment (Instagram allows no deeper nesting); hiding sets
  ``hide=true`` on the comment and never deletes it.
* Views, reach and the like come from media insights (``instagram_metrics``); a metric Instagram
  does not give (too few viewers, a missing permission) stays None, never 0.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
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
    TextCounting,
    Unsupported,
)
from smmdesk.platforms.graph_api import graph_code
from smmdesk.platforms.instagram_graph import InstagramGraph
from smmdesk.platforms.instagram_host import ImageHost, prefix_problem, truthy
from smmdesk.platforms.instagram_inbox import fetch_inbox, fetch_thread, recent_media
from smmdesk.platforms.instagram_metrics import account_stats, post_stats
from smmdesk.platforms.instagram_publish import (
    MAX_CAROUSEL,
    RECENT_LIMIT,
    Quota,
    caption_problem,
    create_container,
    dict_of,
    find_media,
    id_of,
    quota_exhausted,
    read_quota,
    text_of,
    time_of,
    wait_until_finished,
)

#: Tolerance between this computer's clock and Meta's.
CLOCK_SKEW = timedelta(minutes=10)
#: Permissions the connector needs, and what each is for (shown to the user).
PERMISSIONS = {
    "instagram_basic": "read the Instagram account",
    "instagram_content_publish": "publish posts",
    "instagram_manage_comments": "read, answer and hide comments",
    "instagram_manage_insights": "read views and reach",
}
REQUIRED = ("instagram_basic", "instagram_content_publish")


def _seg(value: str) -> str:
    return quote(value, safe="")


class InstagramConnector(Connector):
    platform = "instagram"
    display_name = "Instagram"
    inbox_prefetch_safe = True  # reading comments has no side effects
    capabilities = Capabilities(
        max_text_length=2200,
        text_counting=TextCounting.UTF16,
        max_images=MAX_CAROUSEL,
        max_image_bytes=8 * 1024 * 1024,
        image_types=("image/jpeg",),
        native_scheduling=False,
        can_hide_comments=True,
        can_delete_comments=False,
        has_direct_messages=False,
    )
    credential_fields = (
        CredentialField(
            "page_token",
            "Page access token",
            secret=True,
            placeholder="EAAB…",
            help_text=(
                "The access token of the Facebook Page your Instagram professional account is "
                "linked to, with the permissions instagram_basic, instagram_content_publish, "
                "instagram_manage_comments and instagram_manage_insights."
            ),
        ),
        CredentialField(
            "page_id",
            "Page id (optional)",
            secret=False,
            placeholder="1234567890",
            required=False,
        ),
        CredentialField(
            "image_host_prefix",
            "Image host address",
            secret=False,
            placeholder="https://cdn.example.com/smm/",
            help_text=(
                "Instagram fetches pictures from a public web address. SMM Desk uses "
                "<image host address><file name>, with the file names of the profile's media "
                "folder: keep that folder copied there, or set “Upload with PUT” to yes."
            ),
            required=False,
        ),
        CredentialField(
            "image_host_put",
            "Upload with PUT",
            secret=False,
            placeholder="no",
            help_text=(
                "Write yes to have SMM Desk upload each picture to that address with an HTTP "
                "PUT (WebDAV and the like)."
            ),
            required=False,
        ),
        CredentialField(
            "image_host_auth",
            "Image host upload header (optional)",
            secret=True,
            placeholder="Bearer …",
            required=False,
        ),
    )
    #: How long to wait for Instagram to fetch a picture, and how often to ask.
    media_wait_seconds = 60.0
    media_poll_seconds = 1.0

    _graph: InstagramGraph | None = None
    _host: ImageHost | None = None
    _own: tuple[str, str] | None = None

    # --- plumbing ---------------------------------------------------------------------

    @property
    def graph(self) -> InstagramGraph:
        if self._graph is None:
            self._graph = InstagramGraph(self.config)
        return self._graph

    def close(self) -> None:
        for closer in (self._graph, self._host):
            if closer is not None:
                closer.close()
        self._graph = self._host = None

    def _get(self, path: str, params: Mapping[str, str], doing: str) -> dict[str, Any]:
        return self.graph.get(path, params, doing)

    def _post(self, path: str, data: Mapping[str, str], doing: str) -> dict[str, Any]:
        return self.graph.post(path, data, doing)

    def _secret(self, key: str) -> str:
        value = self.config.secret.get(key, "")
        return value.strip() if isinstance(value, str) else ""

    def _account(self) -> tuple[str, str]:
        """(Instagram user id, username), from the stored settings or asked for once."""
        if self._own is None:
            options = self.config.options
            ig_id = options.get("ig_user_id", "") or self.config.remote_id
            username = options.get("username", "") or self.config.handle.lstrip("@")
            if not ig_id:
                account = self._find_account()[1]
                ig_id, username = id_of(account), text_of(account, "username")
            self._own = (ig_id, username)
        return self._own

    def _page_path(self) -> str:
        page_id = self._secret("page_id")
        return f"/{_seg(page_id)}" if page_id else "/me"

    def _find_account(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(the Page, its Instagram account), or a plain error saying what is missing."""
        try:
            page = self._get(
                self._page_path(),
                {
                    "fields": "id,name,instagram_business_account"
                    "{id,username,name,followers_count,media_count}"
                },
                "Reading the Facebook Page",
            )
        except PermanentError as exc:
            if graph_code(exc)[0] != 100 or "node type (User)" not in str(exc):
                raise
            raise PermanentError(
                "This is a personal access token, not a Page token. Use the access token of the "
                "Facebook Page the Instagram account is linked to (Graph API Explorer: choose "
                "the Page under “User or Page”), or fill in the Page id."
            ) from None
        if not id_of(page):
            raise BadResponse("Facebook did not say which Page this token belongs to.")
        account = dict_of(page, "instagram_business_account")
        if not id_of(account):
            name = text_of(page, "name") or "this Page"
            missing = self._missing_permissions(REQUIRED)
            if missing:
                raise AuthError(self._permissions_message(missing))
            raise PermanentError(
                f"No Instagram account is linked to the Facebook Page “{name}”. In the Instagram "
                "app switch the account to a professional (business or creator) account and link "
                "it to this Page (Page settings → Linked accounts → Instagram), then connect again."
            )
        return page, account

    def _granted(self) -> set[str] | None:
        """The token's granted permissions, or None when Facebook did not say."""
        return self.graph.granted_permissions()

    def _missing_permissions(self, wanted: Sequence[str]) -> list[str]:
        try:
            granted = self._granted()
        except ConnectorError:
            return []
        if granted is None:
            return []
        return [p for p in wanted if p not in granted]

    @staticmethod
    def _permissions_message(missing: Sequence[str]) -> str:
        parts = ", ".join(f"{p} (to {PERMISSIONS.get(p, 'work')})" for p in missing)
        return (
            f"The Page token lacks the permission{'s' if len(missing) > 1 else ''} {parts}. "
            "Make a new Page token with them (Graph API Explorer or your Meta app) and paste it."
        )

    # --- account -----------------------------------------------------------------------

    def validate(self) -> AccountIdentity:
        page, account = self._find_account()
        ig_id = id_of(account)
        username = text_of(account, "username") or ig_id
        self._own = (ig_id, username)
        missing = self._missing_permissions(tuple(PERMISSIONS))
        if any(p in REQUIRED for p in missing):
            raise AuthError(self._permissions_message([p for p in missing if p in REQUIRED]))
        warnings = []
        if missing:
            warnings.append(self._permissions_message(missing))
        problem = prefix_problem(self._secret("image_host_prefix"))
        if problem:
            raise PermanentError(problem)
        if not self._secret("image_host_prefix"):
            warnings.append(
                "Set an image host address before publishing: Instagram fetches pictures from "
                "a public web address."
            )
        settings = {
            "ig_user_id": ig_id,
            "username": username,
            "page_id": id_of(page),
            "page_name": text_of(page, "name")[:200],
        }
        with contextlib.suppress(ConnectorError):  # shown with the account when known
            quota = read_quota(self._get, _seg(ig_id))
            if quota is not None:
                settings.update(quota.as_settings())
        if warnings:
            settings["warning"] = " ".join(warnings)
        return AccountIdentity(
            remote_id=ig_id,
            handle=f"@{username}"[:200],
            display_name=(text_of(account, "name").strip() or username)[:200],
            url=f"https://www.instagram.com/{quote(username)}/",
            settings=settings,
        )

    def fetch_settings(self) -> dict[str, str]:
        page, account = self._find_account()
        settings = {
            "ig_user_id": id_of(account),
            "username": text_of(account, "username"),
            "page_id": id_of(page),
            "page_name": text_of(page, "name")[:200],
        }
        quota = read_quota(self._get, id_of(account))
        if quota is not None:
            settings.update(quota.as_settings())
        return settings

    def fetch_account_stats(self) -> AccountStats:
        return account_stats(self._get, _seg(self._account()[0]))

    # --- publishing ------------------------------------------------------------------------

    def _image_host(self) -> ImageHost:
        if self._host is None:
            self._host = ImageHost(
                self._secret("image_host_prefix"),
                truthy(self._secret("image_host_put") or self.config.options.get("image_host_put")),
                self._secret("image_host_auth"),
                timeout=self.config.timeout,
            )
        return self._host

    def publish(self, request: PublishRequest) -> PublishedPost:
        problem = caption_problem(request.text)
        if problem:
            raise PermanentError(problem)
        images = [Path(p) for p in request.images]
        if not images:
            raise PermanentError("Instagram posts need at least one picture; add one.")
        if len(images) > MAX_CAROUSEL:
            raise PermanentError(f"Instagram takes at most {MAX_CAROUSEL} pictures per post.")
        ig_id, _ = self._account()
        self._check_quota(ig_id)
        host = self._image_host()
        urls = [host.ensure(path) for path in images]
        if len(urls) == 1:
            container = create_container(
                self._post,
                _seg(ig_id),
                {"image_url": urls[0], "caption": request.text},
                "the picture",
            )
            self._wait(container, "the picture")
        else:
            children = []
            for n, url in enumerate(urls, 1):
                what = f"picture {n} of {len(urls)}"
                child = create_container(
                    self._post, _seg(ig_id), {"image_url": url, "is_carousel_item": "true"}, what
                )
                self._wait(child, what)
                children.append(child)
            container = create_container(
                self._post,
                _seg(ig_id),
                {"media_type": "CAROUSEL", "children": ",".join(children), "caption": request.text},
                "the carousel",
            )
            self._wait(container, "the carousel")
        body = self._post(f"/{_seg(ig_id)}/media_publish", {"creation_id": container}, "Publishing")
        media_id = id_of(body)
        if not media_id:
            raise BadResponse("Instagram did not give the published post an id.")
        return self._published(media_id)

    def _wait(self, container: str, what: str) -> None:
        wait_until_finished(
            self._get, _seg(container), what, self.media_wait_seconds, self.media_poll_seconds
        )

    def _check_quota(self, ig_id: str) -> Quota | None:
        try:
            quota = read_quota(self._get, _seg(ig_id))
        except (PermanentError, BadResponse):
            # Not told: Instagram still refuses a post over the limit (code 9 /
            # 2207042), which the Graph adapter turns into a wait.
            return None
        if quota is not None and quota.exhausted:
            times = []
            with contextlib.suppress(ConnectorError):
                media = recent_media(self._get, _seg(ig_id), min(quota.total, RECENT_LIMIT))
                times = [t for t in (time_of(m) for m in media) if t is not None]
            raise quota_exhausted(quota, times, datetime.now(UTC))
        return quota

    def _published(self, media_id: str) -> PublishedPost:
        """The post's link and time; the post is out, so a failed look is not an error."""
        now = datetime.now(UTC)
        try:
            body = self._get(
                f"/{_seg(media_id)}", {"fields": "id,permalink,timestamp"}, "Reading the post"
            )
        except ConnectorError:
            body = {}
        permalink = text_of(body, "permalink")
        if not permalink.startswith("https://"):
            permalink = f"https://www.instagram.com/{quote(self._account()[1])}/"
        return PublishedPost(media_id, permalink, time_of(body) or now)

    def find_published(self, idempotency_key: str, text: str) -> PublishedPost | None:
        ms = key_time_ms(idempotency_key)
        since = datetime.fromtimestamp(ms / 1000, UTC) - CLOCK_SKEW if ms is not None else None
        ig_id, username = self._account()
        return find_media(self._get, _seg(ig_id), username, text, since)

    # --- own posts -------------------------------------------------------------------

    def delete_post(self, remote_id: str) -> None:
        raise Unsupported(
            "Instagram does not let apps delete posts. Delete it in the Instagram app."
        )

    def fetch_post_stats(self, remote_ids: Sequence[str]) -> dict[str, PostStats]:
        return post_stats(self._get, remote_ids)

    # --- inbox -------------------------------------------------------------------------

    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        ig_id, username = self._account()
        return fetch_inbox(self._get, _seg(ig_id), username, cursor)

    def fetch_thread(self, item: RemoteInboxItem) -> RemoteThread:
        return fetch_thread(self._get, item)

    def reply(self, item: RemoteInboxItem, text: str) -> str:
        if not item.remote_id:
            raise PermanentError("This comment cannot be answered: it has no id on Instagram.")
        target = item.parent_remote_id or item.remote_id  # only top-level comments take replies
        body = text
        handle = item.author_handle.strip().lstrip("@")
        if (
            item.parent_remote_id
            and handle
            and not re.search(
                rf"(?<![\w@])@{re.escape(handle)}(?![\w.])", text, flags=re.IGNORECASE
            )
        ):
            body = f"@{handle} {text}"
        problem = caption_problem(body)
        if problem:
            raise PermanentError(
                problem.replace("captions", "comments").replace("caption", "comment")
            )
        answer = self._post(f"/{_seg(target)}/replies", {"message": body}, "Sending the reply")
        reply_id = id_of(answer)
        if not reply_id:
            raise BadResponse("Instagram did not give the reply an id.")
        return reply_id

    def hide_item(self, item: RemoteInboxItem) -> None:
        self._set_hidden(item, True)

    def unhide_item(self, item: RemoteInboxItem) -> None:
        self._set_hidden(item, False)

    def _set_hidden(self, item: RemoteInboxItem, hidden: bool) -> None:
        if not item.remote_id:
            raise PermanentError("This comment has no id on Instagram.")
        body = self._post(
            f"/{_seg(item.remote_id)}",
            {"hide": "true" if hidden else "false"},
            "Hiding the comment" if hidden else "Showing the comment again",
        )
        if body.get("success") is False:
            raise PermanentError("Instagram did not change whether the comment is hidden.")
