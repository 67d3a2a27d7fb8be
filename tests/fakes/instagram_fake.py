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
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import Request as UrlRequest
from urllib.request import urlopen

from tests.fakes.http_fake import FakeServer, Reply, Request

ALL_PERMISSIONS = (
    "pages_show_list",
    "pages_read_engagement",
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
)
_VERSION = re.compile(r"^/v\d+\.\d+(?=/)")


class _Answer(Exception):
    def __init__(self, reply: Reply) -> None:
        self.reply = reply


def graph_error(message: str, code: int, subcode: int | None = None, status: int = 400) -> _Answer:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "A" + secrets.token_hex(5),
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return _Answer(Reply.json({"error": error}, status))


def _stamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _fresh() -> dict[str, Any]:
    return {
        "next_id": 1,
        "clock_offset": 0.0,
        "pages": {},
        "tokens": {},
        "ig_users": {},
        "containers": {},
        "media": {},
        "comments": {},
        "published": {},  # ig id -> [epoch of each API publish]
        "created_per_text": {},
    }


class InstagramFake(FakeServer):
    quota_total = 50
    quota_duration = 86400

    def __init__(self, state_file: str | Path | None = None) -> None:
        super().__init__()
        self.state_file = Path(state_file) if state_file else None
        self.s: dict[str, Any] = _fresh()
        if self.state_file and self.state_file.exists():
            self.s = json.loads(self.state_file.read_text(encoding="utf-8"))
        self.polls_in_progress = 1
        self.image_host: str = ""  # base URL of a 127.0.0.1 image host to fetch from
        self.fail_urls: dict[str, str] = {}  # image_url -> reason the container ends in ERROR
        self._save_lock = threading.Lock()

    # --- set-up for tests ------------------------------------------------------------------

    def now(self) -> float:
        return time.time() + self.s["clock_offset"]

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.s["clock_offset"] += seconds
            self._save()

    def new_id(self, base: int = 17_900_000_000_000_000) -> str:
        with self.lock:
            n = self.s["next_id"]
            self.s["next_id"] = n + 1
        return str(base + n)

    def add_page(
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
            page_id = self.new_id(100_000_000_000_000)
            token = token or "EAAB" + secrets.token_hex(12)
            ig_id = ""
            if username is not None:
                ig_id = self.new_id(17_841_400_000_000_000)
                self.s["ig_users"][ig_id] = {
                    "username": username,
                    "name": name,
                    "followers_count": followers,
                    "follows_count": 12,
                }
            self.s["pages"][page_id] = {"name": name, "ig": ig_id}
            self.s["tokens"][token] = {"page": page_id, "permissions": list(permissions)}
            self._save()
        return page_id, token, ig_id

    def revoke(self, token: str) -> None:
        with self.lock:
            self.s["tokens"][token]["revoked"] = True

    def add_comment(
        self, media_id: str, text: str, username: str = "anna", parent: str = "", age: float = 0
    ) -> str:
        with self.lock:
            comment_id = self.new_id(18_000_000_000_000_000)
            self.s["comments"][comment_id] = {
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
        return sorted(rows, key=lambda m: m["time"], reverse=True)

    def add_media(self, ig_id: str, caption: str, age: float = 0.0, api: bool = True) -> str:
        """A post made earlier (by the app, or in the Instagram app when api=False)."""
        with self.lock:
            media_id = self.new_id()
            when = self.now() - age
            self._store_media(ig_id, media_id, caption, when, [])
            if api:
                self.s["published"].setdefault(ig_id, []).append(when)
            self._save()
        return media_id

    @property
    def created_per_text(self) -> dict[str, int]:
        with self.lock:
            return dict(self.s["created_per_text"])

    # --- plumbing ----------------------------------------------------------------------------

    def _save(self) -> None:
        if self.state_file is None:
            return
        with self._save_lock:
            tmp = self.state_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.s), encoding="utf-8")
            os.replace(tmp, self.state_file)

    def handle(self, request: Request) -> Reply:
        try:
            with self.lock:
                reply = self._route(request)
                self._save()
            return reply
        except _Answer as answer:
            return answer.reply

    def _arg(self, request: Request, name: str) -> str:
        return request.arg(name)

    def _token(self, request: Request) -> dict[str, Any]:
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        token = token or request.arg("access_token")
        if not token:
            raise graph_error("An active access token must be used to query information.", 2500)
        info = self.s["tokens"].get(token)
        if info is None or info.get("revoked"):
            raise graph_error(
                "Error validating access token: The session has been invalidated.", 190, 460
            )
        return info

    def _need(self, info: dict[str, Any], permission: str) -> None:
        if permission not in info["permissions"]:
            raise graph_error(
                f"(#10) Application does not have permission for this action ({permission})", 10
            )

    def _route(self, request: Request) -> Reply:
        path = _VERSION.sub("", request.path)
        info = self._token(request)
        parts = [p for p in path.split("/") if p]
        method = request.method
        if parts == ["debug_token"]:
            return self._debug_token(request)
        if parts == ["me"] or (len(parts) == 1 and parts[0] in self.s["pages"]):
            return self._page(request, info, info["page"] if parts == ["me"] else parts[0])
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
            return self._ig_user(request, parts[0])
        if len(parts) == 1 and parts[0] in self.s["containers"] and method == "GET":
            return self._container(parts[0])
        if parts and parts[0] in self.s["media"]:
            return self._media_route(request, info, parts)
        if parts and parts[0] in self.s["comments"]:
            return self._comment_route(request, info, parts)
        raise graph_error(
            f"Unsupported {method.lower()} request. Object with ID '{parts[0] if parts else ''}' "
            "does not exist, cannot be loaded due to missing permissions, or does not support "
            "this operation.",
            100,
            33,
        )

    def _own_ig(self, info: dict[str, Any], ig_id: str) -> None:
        if self.s["pages"][info["page"]]["ig"] != ig_id:
            raise graph_error("(#10) This Page is not linked to that Instagram account.", 10)
        self._need(info, "instagram_basic")

    # --- Page and token ------------------------------------------------------------------

    def _debug_token(self, request: Request) -> Reply:
        info = self.s["tokens"].get(request.arg("input_token"))
        if info is None:
            return Reply.json({"data": {"is_valid": False}})
        return Reply.json(
            {
                "data": {
                    "type": "PAGE",
                    "is_valid": not info.get("revoked"),
                    "profile_id": info["page"],
                    "expires_at": 0,
                    "scopes": list(info["permissions"]),
                }
            }
        )

    def _page(self, request: Request, info: dict[str, Any], page_id: str) -> Reply:
        page = self.s["pages"][page_id]
        body: dict[str, Any] = {"id": page_id, "name": page["name"]}
        fields = request.arg("fields")
        linked = "instagram_business_account" in fields and page["ig"]
        if linked and "instagram_basic" in info["permissions"]:
            user = self.s["ig_users"][page["ig"]]
            body["instagram_business_account"] = {
                "id": page["ig"],
                "username": user["username"],
                "name": user["name"],
                "followers_count": user["followers_count"],
                "media_count": len(self.media_of(page["ig"])),
            }
        return Reply.json(body)

    # --- Instagram user ---------------------------------------------------------------------

    def _ig_user(self, request: Request, ig_id: str) -> Reply:
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
        media_id = self.new_id()
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
        rows = self.media_of(ig_id)
        limit = max(1, min(int(request.arg("limit") or 25), 100))
        start = int(request.arg("after") or 0) if request.arg("after").isdigit() else 0
        page = rows[start : start + limit]
        fields = set(request.arg("fields", "id").split(","))
        data = [self._media_json(m, fields) for m in page]
        body: dict[str, Any] = {"data": data}
        if data:
            body["paging"] = {"cursors": {"before": str(start), "after": str(start + len(page))}}
            if start + len(page) < len(rows):
                body["paging"]["next"] = f"{self.base_url}/{ig_id}/media?after={start + len(page)}"
        return Reply.json(body)

    def _media_json(self, media: dict[str, Any], fields: set[str]) -> dict[str, Any]:
        comments = [c for c in self.s["comments"].values() if c["media"] == media["id"]]
        full = {
            "id": media["id"],
            "caption": media["caption"],
            "timestamp": _stamp(media["time"]),
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
        if self.s["pages"][info["page"]]["ig"] != media["ig"]:
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

    def _comment_json(self, comment_id: str, with_replies: bool) -> dict[str, Any]:
        c = self.s["comments"][comment_id]
        body: dict[str, Any] = {
            "id": comment_id,
            "text": c["text"],
            "timestamp": _stamp(c["time"]),
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
                for k, r in sorted(self.s["comments"].items(), key=lambda kv: kv[1]["time"])
                if r["parent"] == comment_id
            ]
            if replies:
                body["replies"] = {"data": [self._comment_json(r, False) for r in replies]}
        return body

    def _comments(self, request: Request, media_id: str) -> Reply:
        top = [
            k
            for k, c in sorted(
                self.s["comments"].items(), key=lambda kv: kv[1]["time"], reverse=True
            )
            if c["media"] == media_id and not c["parent"]
        ]
        limit = max(1, min(int(request.arg("limit") or 25), 50))
        start = int(request.arg("after")) if request.arg("after").isdigit() else 0
        page = top[start : start + limit]
        body: dict[str, Any] = {"data": [self._comment_json(k, True) for k in page]}
        if page:
            body["paging"] = {"cursors": {"before": str(start), "after": str(start + len(page))}}
            if start + len(page) < len(top):
                body["paging"]["next"] = (
                    f"{self.base_url}/{media_id}/comments?after={start + len(page)}"
                )
        return Reply.json(body)

    # --- comments --------------------------------------------------------------------------------

    def _comment_route(self, request: Request, info: dict[str, Any], parts: list[str]) -> Reply:
        comment_id = parts[0]
        comment = self.s["comments"][comment_id]
        media = self.s["media"][comment["media"]]
        if self.s["pages"][info["page"]]["ig"] != media["ig"]:
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
            reply_id = self.add_comment(comment["media"], message, user["username"], comment_id)
            self.s["comments"][reply_id]["from"] = media["ig"]
            return Reply.json({"id": reply_id})
        if len(parts) == 1 and request.method == "POST":
            hide = request.arg("hide")
            if hide not in ("true", "false"):
                raise graph_error("(#100) The parameter hide is required.", 100)
            comment["hidden"] = hide == "true"
            return Reply.json({"success": True})
        if len(parts) == 1 and request.method == "GET":
            return Reply.json(self._comment_json(comment_id, True))
        raise graph_error("Unsupported request.", 100)
