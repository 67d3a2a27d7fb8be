"""Instagram's Graph API endpoints on 127.0.0.1, stateful, in the documented wire format.

What it keeps: Pages (name, Page token, granted permissions, the linked
Instagram professional account or none), Instagram users (username,
followers), containers (``POST /{ig-user-id}/media``: single pictures,
carousel items with ``is_carousel_item``, carousels with ``children``) whose
``status_code`` is ``IN_PROGRESS`` for ``polls_in_progress`` reads and then
``FINISHED`` (or ``ERROR`` with a ``status`` reason, for an ``image_url`` set
to fail), published media (``media_publish``; ids, captions, ``+0000``
timestamps, permalinks, cursor paging newest first), the rolling publishing
quota (``content_publishing_limit``: ``quota_usage`` and ``config``; a
publish past it is refused with code 9 / subcode 2207042 as Instagram does),
comments with replies (``/{media}/comments``, ``/{comment}/replies``; only
top-level comments take replies, a hidden one none), hiding with ``hide``
(``POST /{comment-id}?hide=true``; read back as ``hidden``), account fields
and media insights (``views, reach, likes, comments, shares, saved``; error
#10 while a post has too few viewers).

When ``image_host`` is set, a container's ``image_url`` must be on that
127.0.0.1 host and is fetched from it (a missing picture is refused with
code 9004 / subcode 2207052); no other address is ever contacted.

Errors come as the Graph error object (``{"error": {"message", "type",
"code", "error_subcode", "fbtrace_id"}}``): 190 for a bad token, 10/200 for a
missing permission, 100 for a bad parameter. ``created_per_text`` counts
published media per caption so a test can prove nothing went out twice; the
state can be kept in a file (``state_file``) for the crash test.

It extends ``tests.fakes.graph_fake.GraphFake`` (Pages, tokens, debug_token,
the Graph error object, cursor paging, usage headers): Instagram's own ids
are routed here, everything else goes to the Page fake.
"""

from __future__ import annotations

import random
import signal
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import Request as UrlRequest
from urllib.request import urlopen

from tests.fakes.graph_fake import PAGE_PERMISSIONS, GraphFake, graph_error, stamp
from tests.fakes.http_fake import Reply, Request

INSTAGRAM_PERMISSIONS = (
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
)
ALL_PERMISSIONS = (*PAGE_PERMISSIONS, *INSTAGRAM_PERMISSIONS)


class InstagramFake(GraphFake):
    quota_total = 50
    quota_duration = 86400

    def __init__(self, state_file: str | Path | None = None) -> None:
        super().__init__(state_file)
        for key in ("ig_users", "containers", "media", "ig_comments", "published"):
            self.s.setdefault(key, {})
        self.polls_in_progress = 1
        self.image_host: str = ""  # base URL of a 127.0.0.1 image host to fetch from
        self.fail_urls: dict[str, str] = {}  # image_url -> reason the container ends in ERROR

    # --- set-up for tests ------------------------------------------------------------------

    def add_instagram_page(
        self,
        name: str = "Kafija Rīga",
        username: str | None = "kafija.riga",
        permissions: tuple[str, ...] = ALL_PERMISSIONS,
        token: str = "",
        followers: int = 1234,
    ) -> tuple[str, str, str]:
        """A Page with its token and (unless username is None) a linked IG account.

        Returns (page id, token, ig user id or '').
        """
        with self.lock:
            page_id, token = self.add_page(name, permissions, token, followers)
            ig_id = ""
            if username is not None:
                ig_id = self.new_id(17_841_400_000_000_000)
                self.s["ig_users"][ig_id] = {
                    "username": username,
                    "name": name,
                    "followers_count": followers,
                    "follows_count": 12,
                }
            self.s["pages"][page_id]["ig"] = ig_id
            self._save()
        return page_id, token, ig_id

    def add_ig_comment(
        self, media_id: str, text: str, username: str = "anna", parent: str = "", age: float = 0
    ) -> str:
        with self.lock:
            comment_id = self.new_id(18_000_000_000_000_000)
            self.s["ig_comments"][comment_id] = {
                "media": media_id,
                "parent": parent,
                "text": text,
                "username": username,
                "from": str(abs(hash(username)) % 10**15),
                "time": self.now() - age,
                "hidden": False,
            }
            self._save()
        return comment_id

    def set_insights(self, media_id: str, **values: int) -> None:
        with self.lock:
            self.s["media"][media_id]["insights"] = dict(values)

    def media_of(self, ig_id: str) -> list[dict[str, Any]]:
        with self.lock:
            rows = [dict(m, id=k) for k, m in self.s["media"].items() if m["ig"] == ig_id]
        return sorted(rows, key=lambda m: (m["time"], m["id"]), reverse=True)

    def add_media(self, ig_id: str, caption: str, age: float = 0.0, api: bool = True) -> str:
        """A post made earlier (by the app, or in the Instagram app when api=False)."""
        with self.lock:
            media_id = self.new_id(17_900_000_000_000_000)
            when = self.now() - age
            self._store_media(ig_id, media_id, caption, when, [])
            if api:
                self.s["published"].setdefault(ig_id, []).append(when)
            self._save()
        return media_id

    # --- routing -------------------------------------------------------------------------------

    def _route(self, request: Request, info: dict[str, Any], parts: list[str]) -> Reply:
        method = request.method
        page_ids = self.s["pages"]
        is_page = parts == ["me"] or (len(parts) == 1 and parts[0] in page_ids)
        if method == "GET" and is_page and "instagram_business_account" in request.arg("fields"):
            return self._page_with_instagram(info, info["page"] if parts == ["me"] else parts[0])
        if len(parts) == 2 and parts[0] in self.s["ig_users"]:
            ig_id, edge = parts
            self._own_ig(info, ig_id)
            route = {
                ("POST", "media"): self._create_container,
                ("GET", "media"): self._list_media,
                ("POST", "media_publish"): self._publish,
                ("GET", "content_publishing_limit"): self._limit,
            }.get((method, edge))
            if route is not None:
                return route(request, info, ig_id)
        if len(parts) == 1 and parts[0] in self.s["ig_users"] and method == "GET":
            self._own_ig(info, parts[0])
            return self._ig_user(parts[0])
        if len(parts) == 1 and parts[0] in self.s["containers"] and method == "GET":
            return self._container(parts[0])
        if parts and parts[0] in self.s["media"]:
            return self._media_route(request, info, parts)
        if parts and parts[0] in self.s["ig_comments"]:
            return self._comment_route_ig(request, info, parts)
        return super()._route(request, info, parts)

    def _own_ig(self, info: dict[str, Any], ig_id: str) -> None:
        if self.s["pages"][info["page"]].get("ig") != ig_id:
            raise graph_error("(#10) This Page is not linked to that Instagram account.", 10)
        self._need(info, "instagram_basic")

    def _page_with_instagram(self, info: dict[str, Any], page_id: str) -> Reply:
        page = self.s["pages"][page_id]
        body: dict[str, Any] = {"id": page_id, "name": page["name"]}
        ig_id = page.get("ig", "")
        if ig_id and "instagram_basic" in info["permissions"]:
            user = self.s["ig_users"][ig_id]
            body["instagram_business_account"] = {
                "id": ig_id,
                "username": user["username"],
                "name": user["name"],
                "followers_count": user["followers_count"],
                "media_count": len(self.media_of(ig_id)),
            }
        return Reply.json(body)

    # --- Instagram user ---------------------------------------------------------------------

    def _ig_user(self, ig_id: str) -> Reply:
        user = self.s["ig_users"][ig_id]
        return Reply.json(
            {
                "id": ig_id,
                "username": user["username"],
                "followers_count": user["followers_count"],
                "follows_count": user["follows_count"],
                "media_count": len(self.media_of(ig_id)),
            }
        )

    def _window(self, ig_id: str) -> list[float]:
        now = self.now()
        return [t for t in self.s["published"].get(ig_id, []) if now - t < self.quota_duration]

    def _limit(self, request: Request, info: dict[str, Any], ig_id: str) -> Reply:
        self._need(info, "instagram_content_publish")
        row: dict[str, Any] = {"quota_usage": len(self._window(ig_id))}
        if "config" in request.arg("fields"):
            row["config"] = {
                "quota_total": self.quota_total,
                "quota_duration": self.quota_duration,
            }
        return Reply.json({"data": [row]})

    def _create_container(self, request: Request, info: dict[str, Any], ig_id: str) -> Reply:
        self._need(info, "instagram_content_publish")
        caption = request.arg("caption")
        if len(caption.encode("utf-16-le")) // 2 > 2200:
            raise graph_error("The caption is too long.", 100, 2207035)
        media_type = request.arg("media_type")
        container: dict[str, Any] = {
            "ig": ig_id,
            "caption": caption,
            "polls": 0,
            "error": "",
            "used": False,
        }
        if media_type == "CAROUSEL":
            children = [c for c in request.arg("children").split(",") if c]
            if not 2 <= len(children) <= 10:
                raise graph_error("Carousels take 2 to 10 items.", 100, 2207004)
            for child in children:
                known = self.s["containers"].get(child)
                if known is None or not known.get("carousel_item"):
                    raise graph_error(f"Invalid carousel item {child}.", 100)
                if self._status(known) != "FINISHED":
                    raise graph_error("A carousel item is not ready.", 9007, 2207027)
            container.update(kind="CAROUSEL", children=children)
        else:
            url = request.arg("image_url")
            if not url:
                raise graph_error("The parameter image_url is required.", 100)
            self._fetch(url)
            container.update(
                kind="IMAGE",
                image_url=url,
                carousel_item=request.arg("is_carousel_item") == "true",
                error=self.fail_urls.get(url, ""),
            )
        container_id = self.new_id(17_990_000_000_000_000)
        self.s["containers"][container_id] = container
        return Reply.json({"id": container_id})

    def _fetch(self, url: str) -> None:
        if not self.image_host:
            return
        parts = urlsplit(url)
        if parts.hostname != "127.0.0.1" or not url.startswith(self.image_host):
            raise graph_error("The media could not be fetched from this URI.", 9004, 2207052)
        try:
            with urlopen(UrlRequest(url, method="GET"), timeout=2) as answer:
                answer.read()
        except OSError:
            raise graph_error(
                "The media could not be fetched from this URI.", 9004, 2207052
            ) from None

    def _status(self, container: dict[str, Any]) -> str:
        if container["used"]:
            return "PUBLISHED"
        if container["polls"] < self.polls_in_progress:
            return "IN_PROGRESS"
        return "ERROR" if container["error"] else "FINISHED"

    def _container(self, container_id: str) -> Reply:
        container = self.s["containers"][container_id]
        status = self._status(container)
        container["polls"] += 1
        body = {"id": container_id, "status_code": status}
        if status == "ERROR":
            body["status"] = f"Error: {container['error']}"
        return Reply.json(body)

    def _publish(self, request: Request, info: dict[str, Any], ig_id: str) -> Reply:
        self._need(info, "instagram_content_publish")
        container_id = request.arg("creation_id")
        container = self.s["containers"].get(container_id)
        if container is None or container["ig"] != ig_id or container.get("carousel_item"):
            raise graph_error("Invalid creation_id.", 100)
        if container["used"]:
            raise graph_error("The media has already been published.", 100, 2207008)
        status = self._status(container)
        if status != "FINISHED":
            raise graph_error("Media ID is not available", 9007, 2207027)
        if len(self._window(ig_id)) >= self.quota_total:
            raise graph_error(
                "Application request limit reached", 9, 2207042
            )  # the documented "max posts per day" answer
        container["used"] = True
        media_id = self.new_id(17_900_000_000_000_000)
        when = self.now()
        self._store_media(
            ig_id, media_id, container["caption"], when, container.get("children", [])
        )
        self.s["published"].setdefault(ig_id, []).append(when)
        counts = self.s["created_per_text"]
        counts[container["caption"]] = counts.get(container["caption"], 0) + 1
        return Reply.json({"id": media_id})

    def _store_media(
        self, ig_id: str, media_id: str, caption: str, when: float, children: list[str]
    ) -> None:
        self.s["media"][media_id] = {
            "ig": ig_id,
            "caption": caption,
            "time": when,
            "children": children,
            "like_count": 0,
            "permalink": f"https://www.instagram.com/p/C{media_id[-8:]}/",
            "insights": None,
        }

    def _list_media(self, request: Request, info: dict[str, Any], ig_id: str) -> Reply:
        fields = set(request.arg("fields", "id").split(","))
        return self._paged(request, [self._media_json(m, fields) for m in self.media_of(ig_id)])

    def _media_json(self, media: dict[str, Any], fields: set[str]) -> dict[str, Any]:
        comments = [c for c in self.s["ig_comments"].values() if c["media"] == media["id"]]
        full = {
            "id": media["id"],
            "caption": media["caption"],
            "timestamp": stamp(media["time"]),
            "permalink": media["permalink"],
            "like_count": media["like_count"],
            "comments_count": len(comments),
            "media_type": "CAROUSEL_ALBUM" if media["children"] else "IMAGE",
        }
        if not media["caption"]:
            full.pop("caption")
        return {k: v for k, v in full.items() if k in fields or k == "id"}

    # --- media ---------------------------------------------------------------------------------

    def _media_route(self, request: Request, info: dict[str, Any], parts: list[str]) -> Reply:
        media = dict(self.s["media"][parts[0]], id=parts[0])
        if self.s["pages"][info["page"]].get("ig") != media["ig"]:
            raise graph_error("(#10) Not your media.", 10)
        if len(parts) == 1 and request.method == "GET":
            return Reply.json(self._media_json(media, set(request.arg("fields").split(","))))
        if len(parts) == 1 and request.method == "DELETE":
            raise graph_error("Unsupported delete request.", 100)
        if parts[1:] == ["comments"] and request.method == "GET":
            self._need(info, "instagram_manage_comments")
            return self._comments(request, parts[0])
        if parts[1:] == ["insights"] and request.method == "GET":
            self._need(info, "instagram_manage_insights")
            return self._insights(request, media)
        raise graph_error("Unsupported request.", 100)

    def _insights(self, request: Request, media: dict[str, Any]) -> Reply:
        values = media["insights"]
        if values is None:
            raise graph_error("(#10) Not enough viewers for the media to show insights", 10)
        metrics = request.arg("metric").split(",")
        for metric in metrics:
            if metric in ("impressions", "plays"):
                raise graph_error(
                    f"(#100) metric[0] must be one of the following values: views, reach ... "
                    f"({metric} is no longer supported)",
                    100,
                )
        data = [
            {
                "name": m,
                "period": "lifetime",
                "values": [{"value": values[m]}],
                "title": m.capitalize(),
                "id": f"{media['id']}/insights/{m}/lifetime",
            }
            for m in metrics
            if m in values
        ]
        return Reply.json({"data": data})

    def _ig_comment_json(self, comment_id: str, with_replies: bool) -> dict[str, Any]:
        c = self.s["ig_comments"][comment_id]
        body: dict[str, Any] = {
            "id": comment_id,
            "text": c["text"],
            "timestamp": stamp(c["time"]),
            "username": c["username"],
            "from": {"id": c["from"], "username": c["username"]},
            "hidden": c["hidden"],
            "like_count": 0,
        }
        if c["parent"]:
            body["parent_id"] = c["parent"]
        if with_replies:
            replies = [
                k
                for k, r in sorted(self.s["ig_comments"].items(), key=lambda kv: kv[1]["time"])
                if r["parent"] == comment_id
            ]
            if replies:
                body["replies"] = {"data": [self._ig_comment_json(r, False) for r in replies]}
        return body

    def _comments(self, request: Request, media_id: str) -> Reply:
        top = [
            k
            for k, c in sorted(
                self.s["ig_comments"].items(), key=lambda kv: (kv[1]["time"], kv[0]), reverse=True
            )
            if c["media"] == media_id and not c["parent"]
        ]
        return self._paged(request, [self._ig_comment_json(k, True) for k in top])

    # --- comments --------------------------------------------------------------------------------

    def _comment_route_ig(self, request: Request, info: dict[str, Any], parts: list[str]) -> Reply:
        comment_id = parts[0]
        comment = self.s["ig_comments"][comment_id]
        media = self.s["media"][comment["media"]]
        if self.s["pages"][info["page"]].get("ig") != media["ig"]:
            raise graph_error("(#10) Not a comment on your media.", 10)
        self._need(info, "instagram_manage_comments")
        if parts[1:] == ["replies"] and request.method == "POST":
            if comment["parent"]:
                raise graph_error("Replies can only be made to top-level comments.", 100)
            if comment["hidden"]:
                raise graph_error("You cannot reply to a hidden comment.", 100)
            message = request.arg("message")
            if not message:
                raise graph_error("The parameter message is required.", 100)
            user = self.s["ig_users"][media["ig"]]
            reply_id = self.add_ig_comment(comment["media"], message, user["username"], comment_id)
            self.s["ig_comments"][reply_id]["from"] = media["ig"]
            return Reply.json({"id": reply_id})
        if len(parts) == 1 and request.method == "POST":
            hide = request.arg("hide")
            if hide not in ("true", "false"):
                raise graph_error("(#100) The parameter hide is required.", 100)
            comment["hidden"] = hide == "true"
            return Reply.json({"success": True})
        if len(parts) == 1 and request.method == "GET":
            return Reply.json(self._ig_comment_json(comment_id, True))
        raise graph_error("Unsupported request.", 100)


class CrashTestInstagram(InstagramFake):
    """The fake as the crash test runs it in a process of its own.

    It is also the account's image host (``PUT``/``HEAD``/``GET`` under
    ``/smm/``), containers are ready at the first look, the quota is large
    enough for the test's 200 posts, and every ``media_publish`` that made a
    post is answered a random ``post_delay`` seconds after the post was stored
    (and saved), so kills land between "Instagram has it" and "the app wrote
    it down". The state file also carries the test's view of it: ``accounts``
    and ``statuses`` (as the Mastodon fake names them).
    """

    quota_total = 100_000

    def __init__(self, state_file: Path, post_delay: tuple[float, float], seed: int) -> None:
        super().__init__(state_file)
        self.polls_in_progress = 0
        self.post_delay = post_delay
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()

    def handle(self, request: Request) -> Reply:
        if request.path.startswith("/smm/"):
            return Reply(201 if request.method == "PUT" else 200, b"")
        reply = super().handle(request)
        if request.path.endswith("/media_publish") and reply.status == 200:
            with self._rng_lock:
                delay = self._rng.uniform(*self.post_delay)
            time.sleep(delay)  # outside the lock: other requests go on meanwhile
        return reply

    def _save(self) -> None:
        self.s["accounts"] = {
            ig: {"username": user["username"]} for ig, user in self.s["ig_users"].items()
        }
        self.s["statuses"] = {
            media_id: {"id": media_id, "text": m["caption"], "account": m["ig"], "deleted": False}
            for media_id, m in self.s["media"].items()
        }
        super()._save()


def crash_fake(state: Path, tokens: list[str], post_delay: tuple[float, float], seed: int) -> int:
    """``tests/sync/fake_process.py --network instagram``: serve until SIGTERM/SIGINT."""
    fake = CrashTestInstagram(state, post_delay, seed)
    for spec in tokens:
        username, _, token = spec.partition(":")
        if token not in fake.s["tokens"]:
            fake.add_instagram_page(name=username, username=username, token=token)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    fake.start()
    print(fake.base_url, flush=True)
    stop.wait()
    fake.stop()
    return 0
