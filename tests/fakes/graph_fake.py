"""Meta's Graph API for Facebook Pages on 127.0.0.1: stateful, in the documented wire format.

What it keeps (in ``self.s``, a JSON-able dict, optionally mirrored to
``state_file`` for the crash test): Pages (name, followers), tokens (Page,
granted permissions, revoked), posts (``<page>_<n>`` ids, message, link,
attached photos, ``+0000`` times, published or scheduled with
``scheduled_publish_time``, reactions / shares / views), photos (uploaded
``published=false`` and attached once via ``attached_media``), comments
(``<post>_<n>``; replies carry ``parent``; ``is_hidden``), Messenger
conversations with messages and the 24-hour reply window.

Wire behaviour: the version prefix (``/v25.0``) is accepted and ignored; the
token comes as ``Authorization: Bearer`` or ``access_token``; lists are
cursor-paged (``paging.cursors.before/after`` and a ``paging.next`` URL that
carries ``access_token`` like the real one); scheduled posts go out by
themselves when the fake clock (``advance``) passes their time; errors are the
Graph error object ``{"error": {"message", "type", "code", "error_subcode",
"fbtrace_id"}}`` with Meta's codes: 190 bad token, 10 / 200 / 230 missing
permission, 100 bad parameter (subcode 33: no such object), 506 duplicate, 10
+ 2018278 outside the messaging window. ``usage_headers`` are added to every
answer (``X-App-Usage`` / ``X-Business-Use-Case-Usage``).

Extending it (Instagram): subclass ``GraphFake`` and override ``_route``,
handle your own ids and fall back to ``super()._route(request, info, parts)``;
``graph_error`` raises a Graph error from anywhere inside a route; ``new_id``,
``now``, ``advance`` and ``_need`` are shared.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import signal
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tests.fakes.http_fake import FakeServer, Reply, Request

PAGE_PERMISSIONS = (
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_read_user_engagement",
    "pages_manage_engagement",
    "pages_messaging",
    "read_insights",
)
_VERSION = re.compile(r"^/v\d+\.\d+(?=/|$)")
MIN_SCHEDULE = 10 * 60
MAX_SCHEDULE = 30 * 86400
WINDOW = 24 * 3600


class GraphAnswer(Exception):
    """Raised inside a route to answer with ``reply`` at once."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply


def graph_error(
    message: str, code: int, subcode: int | None = None, status: int = 400, kind: str = ""
) -> GraphAnswer:
    error: dict[str, Any] = {
        "message": message,
        "type": kind
        or ("OAuthException" if code in (190, 10, 200, 230, 100) else "GraphMethodException"),
        "code": code,
        "fbtrace_id": "A" + secrets.token_hex(5),
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return GraphAnswer(Reply.json({"error": error}, status))


def stamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _fresh() -> dict[str, Any]:
    return {
        "next_id": 1,
        "clock_offset": 0.0,
        "pages": {},
        "tokens": {},
        "posts": {},
        "photos": {},
        "comments": {},
        "conversations": {},
        "created_per_text": {},
    }


class GraphFake(FakeServer):
    """Facebook Page endpoints; see the module docstring."""

    def __init__(self, state_file: str | Path | None = None) -> None:
        super().__init__()
        self.state_file = Path(state_file) if state_file else None
        self.s: dict[str, Any] = _fresh()
        if self.state_file and self.state_file.exists():
            loaded = json.loads(self.state_file.read_text(encoding="utf-8"))
            self.s.update(loaded)
        self.usage_headers: dict[str, str] = {}
        self.debug_token_allowed = True
        self.reject_duplicates = True
        self._save_lock = threading.Lock()

    # --- set-up for tests --------------------------------------------------------------

    def now(self) -> float:
        return time.time() + self.s["clock_offset"]

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.s["clock_offset"] += seconds
            self._save()

    def new_id(self, base: int = 10_000_000_000) -> str:
        with self.lock:
            n = self.s["next_id"]
            self.s["next_id"] = n + 1
        return str(base + n)

    def add_page(
        self,
        name: str = "Kafija Rīga",
        permissions: tuple[str, ...] = PAGE_PERMISSIONS,
        token: str = "",
        followers: int = 1234,
        username: str = "kafija.riga",
    ) -> tuple[str, str]:
        """A Page and a Page token for it; returns (page id, token)."""
        with self.lock:
            page_id = self.new_id(100_000_000_000_000)
            token = token or "EAAB" + secrets.token_hex(12)
            self.s["pages"][page_id] = {
                "name": name,
                "username": username,
                "followers": followers,
                "fans": followers - 4,
            }
            self.s["tokens"][token] = {"page": page_id, "permissions": list(permissions)}
            self._save()
        return page_id, token

    def set_permissions(self, token: str, permissions: tuple[str, ...]) -> None:
        with self.lock:
            self.s["tokens"][token]["permissions"] = list(permissions)
            self._save()

    def revoke(self, token: str) -> None:
        with self.lock:
            self.s["tokens"][token]["revoked"] = True
            self._save()

    def add_post(self, page_id: str, message: str, age: float = 0.0, **counts: Any) -> str:
        """A post made earlier (e.g. by hand on facebook.com)."""
        with self.lock:
            post_id = self._store_post(page_id, message, "", [], self.now() - age, True, None)
            self.s["posts"][post_id].update(counts)
            self._save()
        return post_id

    def set_counts(self, post_id: str, **counts: Any) -> None:
        """reactions=, shares=, views= (None: Facebook has no views data for it yet)."""
        with self.lock:
            self.s["posts"][post_id].update(counts)
            self._save()

    def add_comment(
        self,
        post_id: str,
        text: str,
        name: str = "Anna Bērziņa",
        parent: str = "",
        age: float = 0.0,
        user_id: str = "",
    ) -> str:
        with self.lock:
            comment_id = f"{post_id.split('_')[-1]}_{self.new_id(0)}"
            self.s["comments"][comment_id] = {
                "post": post_id,
                "parent": self._top(parent),
                "message": text,
                "from": {"id": user_id or str(abs(hash(name)) % 10**15), "name": name},
                "time": self.now() - age,
                "hidden": False,
            }
            self._save()
        return comment_id

    def add_message(
        self, page_id: str, psid: str, text: str, name: str = "Jānis", age: float = 0.0
    ) -> str:
        """A Messenger message from a person to the Page (opens or continues a conversation)."""
        with self.lock:
            conversation = self._conversation(page_id, psid, name)
            message_id = "m_" + secrets.token_hex(8)
            conversation["messages"].append(
                {"id": message_id, "message": text, "from": psid, "time": self.now() - age}
            )
            self._save()
        return message_id

    @property
    def created_per_text(self) -> dict[str, int]:
        with self.lock:
            return dict(self.s["created_per_text"])

    def posts_of(self, page_id: str, published: bool | None = True) -> list[dict[str, Any]]:
        with self.lock:
            self._tick()
            rows = [
                dict(p, id=k)
                for k, p in self.s["posts"].items()
                if p["page"] == page_id
                and not p.get("deleted")
                and (published is None or p["published"] == published)
            ]
        return sorted(rows, key=lambda p: (p["time"], p["id"]), reverse=True)

    # --- plumbing ----------------------------------------------------------------------

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
                self._tick()
                path = _VERSION.sub("", request.path)
                info = self._token(request)
                parts = [p for p in path.split("/") if p]
                reply = self._route(request, info, parts)
                self._save()
        except GraphAnswer as answer:
            reply = answer.reply
        reply.headers.update(self.usage_headers)
        return reply

    def _token(self, request: Request) -> dict[str, Any]:
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        token = token or request.arg("access_token")
        if not token:
            raise graph_error("An active access token must be used to query information.", 2500)
        info = self.s["tokens"].get(token)
        if info is None:
            raise graph_error("Invalid OAuth access token - Cannot parse access token", 190)
        if info.get("revoked"):
            raise graph_error(
                "Error validating access token: The session has been invalidated because the "
                "user changed their password.",
                190,
                460,
            )
        return dict(info, token=token)

    def _need(
        self, info: dict[str, Any], permission: str, code: int = 10, named: bool = True
    ) -> None:
        if permission in info["permissions"]:
            return
        if not named:
            raise graph_error("(#200) Permissions error", 200, status=403)
        if code == 200:
            raise graph_error(
                "(#200) If posting to a page, requires both pages_read_engagement and "
                "pages_manage_posts permission with page token",
                200,
                status=403,
            )
        raise graph_error(
            f"(#{code}) This endpoint requires the '{permission}' permission.", code, status=403
        )

    def _tick(self) -> None:
        """Scheduled posts whose time has come are published."""
        now = self.now()
        for post in self.s["posts"].values():
            due = post.get("scheduled")
            if not post["published"] and due and due <= now and not post.get("deleted"):
                post["published"] = True
                post["time"] = due

    def _top(self, comment_id: str) -> str:
        """Facebook threads one level deep: a reply to a reply joins its top comment."""
        if not comment_id:
            return ""
        comment = self.s["comments"].get(comment_id)
        return comment["parent"] or comment_id if comment else comment_id

    def _conversation(self, page_id: str, psid: str, name: str) -> dict[str, Any]:
        for conversation in self.s["conversations"].values():
            if conversation["page"] == page_id and conversation["psid"] == psid:
                return conversation  # type: ignore[no-any-return]
        conversation_id = "t_" + self.new_id(0)
        self.s["conversations"][conversation_id] = {
            "page": page_id,
            "psid": psid,
            "name": name,
            "messages": [],
        }
        return self.s["conversations"][conversation_id]  # type: ignore[no-any-return]

    def _store_post(
        self,
        page_id: str,
        message: str,
        link: str,
        photos: list[str],
        when: float,
        published: bool,
        scheduled: float | None,
    ) -> str:
        post_id = f"{page_id}_{self.new_id(0)}"
        self.s["posts"][post_id] = {
            "page": page_id,
            "message": message,
            "link": link,
            "photos": photos,
            "time": when,
            "published": published,
            "scheduled": scheduled,
            "reactions": 0,
            "shares": 0,
            "views": None,
        }
        self.s["created_per_text"][message] = self.s["created_per_text"].get(message, 0) + 1
        return post_id

    # --- routing -------------------------------------------------------------------------

    def _route(self, request: Request, info: dict[str, Any], parts: list[str]) -> Reply:
        method = request.method
        if parts == ["debug_token"]:
            return self._debug_token(request)
        if parts == ["me"] or (len(parts) == 1 and parts[0] in self.s["pages"]):
            page_id = info["page"] if parts == ["me"] else parts[0]
            if method == "GET":
                return self._page(request, page_id)
        if parts == ["me", "permissions"]:
            raise graph_error(
                "(#100) Tried accessing nonexisting field (permissions) on node type (Page)", 100
            )
        if len(parts) == 2 and (parts[0] in self.s["pages"] or parts[0] == "me"):
            page_id = info["page"] if parts[0] == "me" else parts[0]
            if page_id != info["page"]:
                raise graph_error("(#200) The token is not for this Page", 200, status=403)
            route = {
                ("POST", "feed"): self._create_post,
                ("POST", "photos"): self._upload_photo,
                ("GET", "feed"): self._list_posts,
                ("GET", "posts"): self._list_posts,
                ("GET", "published_posts"): self._list_posts,
                ("GET", "scheduled_posts"): self._list_posts,
                ("GET", "conversations"): self._list_conversations,
                ("POST", "messages"): self._send_message,
                ("GET", "insights"): self._page_insights,
            }.get((method, parts[1]))
            if route is not None:
                return route(request, info, page_id, parts[1])
        if parts and parts[0] in self.s["posts"] and not self.s["posts"][parts[0]].get("deleted"):
            return self._post_route(request, info, parts)
        if (
            parts
            and parts[0] in self.s["comments"]
            and not self.s["comments"][parts[0]].get("deleted")
        ):
            return self._comment_route(request, info, parts)
        if parts and parts[0] in self.s["conversations"]:
            return self._conversation_route(request, info, parts)
        raise graph_error(
            f"Unsupported {method.lower()} request. Object with ID '{parts[0] if parts else ''}' "
            "does not exist, cannot be loaded due to missing permissions, or does not support "
            "this operation.",
            100,
            33,
        )

    # --- Page and token --------------------------------------------------------------------

    def _debug_token(self, request: Request) -> Reply:
        if not self.debug_token_allowed:
            raise graph_error(
                "(#100) You must provide an app access token, or a user access token that is an "
                "owner or developer of the app",
                100,
            )
        info = self.s["tokens"].get(request.arg("input_token"))
        if info is None:
            return Reply.json(
                {"data": {"is_valid": False, "error": {"code": 190, "message": "Invalid"}}}
            )
        return Reply.json(
            {
                "data": {
                    "app_id": "1234567890",
                    "type": "PAGE",
                    "application": "SMM Desk",
                    "is_valid": not info.get("revoked"),
                    "profile_id": info["page"],
                    "expires_at": 0,
                    "scopes": list(info["permissions"]),
                }
            }
        )

    def _page(self, request: Request, page_id: str) -> Reply:
        page = self.s["pages"][page_id]
        return Reply.json(
            {
                "id": page_id,
                "name": page["name"],
                "username": page.get("username", ""),
                "link": f"https://www.facebook.com/{page_id}",
                "followers_count": page["followers"],
                "fan_count": page["fans"],
            }
        )

    def _page_insights(self, request: Request, info: dict[str, Any], page_id: str, _: str) -> Reply:
        self._need(info, "read_insights")
        return Reply.json({"data": []})

    # --- posts ---------------------------------------------------------------------------

    def _create_post(self, request: Request, info: dict[str, Any], page_id: str, _: str) -> Reply:
        self._need(info, "pages_manage_posts", code=200)
        message = request.arg("message")
        link = request.arg("link")
        published = request.arg("published", "true").lower() != "false"
        photos: list[str] = []
        for index in range(100):
            raw = request.arg(f"attached_media[{index}]")
            if not raw:
                break
            try:
                media = json.loads(raw)
                photo_id = str(media["media_fbid"])
            except (ValueError, KeyError, TypeError):
                raise graph_error(
                    "(#100) param attached_media must be an array of objects", 100
                ) from None
            photo = self.s["photos"].get(photo_id)
            if photo is None or photo["page"] != page_id or photo["post"]:
                raise graph_error(f"(#100) The media_fbid {photo_id} is not valid", 100)
            photos.append(photo_id)
        if not message.strip() and not link and not photos:
            raise graph_error("(#100) Missing message or attachment", 100)
        scheduled = self._schedule_time(request, published)
        if self.reject_duplicates and published and message.strip():
            for post in self.s["posts"].values():
                recent = self.now() - post["time"] < 86400
                if (
                    post["page"] == page_id
                    and post["message"] == message
                    and recent
                    and not post.get("deleted")
                ):
                    raise graph_error("(#506) Duplicate status message", 506)
        post_id = self._store_post(
            page_id, message, link, photos, self.now(), published and not scheduled, scheduled
        )
        if scheduled:
            self.s["posts"][post_id]["time"] = scheduled
        for photo_id in photos:
            self.s["photos"][photo_id]["post"] = post_id
        return Reply.json({"id": post_id})

    def _schedule_time(self, request: Request, published: bool) -> float | None:
        raw = request.arg("scheduled_publish_time")
        if not raw:
            return None
        if published:
            raise graph_error(
                "(#100) You cannot specify a scheduled publish time on a published post", 100
            )
        try:
            when = float(int(raw))
        except ValueError:
            raise graph_error("(#100) Invalid parameter scheduled_publish_time", 100) from None
        ahead = when - self.now()
        if ahead < MIN_SCHEDULE or ahead > MAX_SCHEDULE:
            raise graph_error(
                "(#100) The specified scheduled publish time is invalid. It must be between 10 "
                "minutes and 30 days from the time of the API request.",
                100,
            )
        return when

    def _upload_photo(self, request: Request, info: dict[str, Any], page_id: str, _: str) -> Reply:
        self._need(info, "pages_manage_posts", code=200)
        if b'name="source"' not in request.body and not request.arg("url"):
            raise graph_error("(#324) Requires upload file", 324)
        published = (
            b'name="published"\r\n\r\nfalse' not in request.body
            and request.arg("published", "true") != "false"
        )
        photo_id = self.new_id(200_000_000_000_000)
        self.s["photos"][photo_id] = {"page": page_id, "post": ""}
        if not published:
            return Reply.json({"id": photo_id})
        caption = _multipart_field(request.body, "caption") or _multipart_field(
            request.body, "message"
        )
        post_id = self._store_post(page_id, caption, "", [photo_id], self.now(), True, None)
        self.s["photos"][photo_id]["post"] = post_id
        return Reply.json({"id": photo_id, "post_id": post_id})

    def _list_posts(self, request: Request, info: dict[str, Any], page_id: str, edge: str) -> Reply:
        self._need(info, "pages_read_engagement")
        if edge == "scheduled_posts":
            rows = [p for p in self.posts_of(page_id, published=False) if p.get("scheduled")]
        else:
            rows = self.posts_of(page_id)
        since, until = request.arg("since"), request.arg("until")
        if since.isdigit():
            rows = [p for p in rows if p["time"] >= int(since)]
        if until.isdigit():
            rows = [p for p in rows if p["time"] <= int(until)]
        return self._paged(request, [self._post_json(p["id"]) for p in rows])

    def _post_json(self, post_id: str) -> dict[str, Any]:
        post = self.s["posts"][post_id]
        comments = [
            c for c in self.s["comments"].values() if c["post"] == post_id and not c.get("deleted")
        ]
        body: dict[str, Any] = {
            "id": post_id,
            "created_time": stamp(post["time"]),
            "permalink_url": f"https://www.facebook.com/{post['page']}/posts/{post_id.split('_')[1]}",
            "is_published": post["published"],
            "reactions": {
                "data": [],
                "summary": {"total_count": post["reactions"], "viewer_reaction": "NONE"},
            },
            "comments": {
                "data": [],
                "summary": {"order": "ranked", "total_count": len(comments), "can_comment": True},
            },
        }
        if post["message"]:
            body["message"] = post["message"]
        if post["shares"]:
            body["shares"] = {"count": post["shares"]}
        if post.get("scheduled") and not post["published"]:
            body["scheduled_publish_time"] = int(post["scheduled"])
        return body

    def _post_route(self, request: Request, info: dict[str, Any], parts: list[str]) -> Reply:
        post_id, method = parts[0], request.method
        post = self.s["posts"][post_id]
        if post["page"] != info["page"]:
            raise graph_error("(#200) The token is not for this Page", 200, status=403)
        if len(parts) == 1 and method == "GET":
            return Reply.json(self._post_json(post_id))
        if len(parts) == 1 and method == "POST":
            self._need(info, "pages_manage_posts", code=200)
            if request.arg("message"):
                post["message"] = request.arg("message")
            if request.arg("scheduled_publish_time") and not post["published"]:
                post["scheduled"] = self._schedule_time(request, False)
                post["time"] = post["scheduled"]
            if request.arg("is_published") == "true" and not post["published"]:
                post.update(published=True, time=self.now(), scheduled=None)
            return Reply.json({"success": True})
        if len(parts) == 1 and method == "DELETE":
            self._need(info, "pages_manage_posts", code=200)
            post["deleted"] = True
            return Reply.json({"success": True})
        if parts[1:] == ["comments"] and method == "GET":
            self._need(info, "pages_read_engagement")
            stream = request.arg("filter") == "stream"
            rows = [
                (k, c)
                for k, c in self.s["comments"].items()
                if c["post"] == post_id and not c.get("deleted") and (stream or not c["parent"])
            ]
            rows.sort(
                key=lambda kc: (kc[1]["time"], kc[0]),
                reverse=request.arg("order") == "reverse_chronological",
            )
            return self._paged(request, [self._comment_json(k) for k, _ in rows])
        if parts[1:] == ["comments"] and method == "POST":
            return self._comment(request, info, post_id, "")
        if parts[1:] == ["insights"] and method == "GET":
            return self._post_insights(request, info, post)
        raise graph_error(f"(#100) Unknown edge {parts[1:]} on post", 100)

    def _post_insights(self, request: Request, info: dict[str, Any], post: dict[str, Any]) -> Reply:
        self._need(info, "read_insights")
        known = {
            "post_media_view",
            "post_total_media_view_unique",
            "post_clicks",
            "post_reactions_by_type_total",
        }
        metrics = [m for m in request.arg("metric").split(",") if m]
        bad = [m for m in metrics if m not in known]
        if bad or not metrics:
            raise graph_error(
                "(#100) The value must be a valid insights metric",
                100,
                1504028 if not metrics else None,
            )
        if post["views"] is None:
            return Reply.json({"data": []})
        data = [
            {
                "name": metric,
                "period": "lifetime",
                "values": [
                    {
                        "value": post["views"]
                        if metric.startswith("post_") and "view" in metric
                        else 0
                    }
                ],
                "title": metric,
                "id": f"{metric}/lifetime",
            }
            for metric in metrics
        ]
        return Reply.json({"data": data})

    # --- comments ----------------------------------------------------------------------------

    def _comment_json(self, comment_id: str) -> dict[str, Any]:
        comment = self.s["comments"][comment_id]
        body: dict[str, Any] = {
            "id": comment_id,
            "message": comment["message"],
            "from": comment["from"],
            "created_time": stamp(comment["time"]),
            "is_hidden": comment["hidden"],
            "can_hide": comment["from"].get("id") != self.s["posts"][comment["post"]]["page"],
            "permalink_url": (
                f"https://www.facebook.com/{comment['post'].replace('_', '/posts/')}"
                f"?comment_id={comment_id}"
            ),
            "comment_count": sum(
                1 for c in self.s["comments"].values() if c["parent"] == comment_id
            ),
        }
        if comment["parent"]:
            body["parent"] = {"id": comment["parent"]}
        return body

    def _comment(self, request: Request, info: dict[str, Any], post_id: str, parent: str) -> Reply:
        self._need(info, "pages_manage_engagement")
        message = request.arg("message")
        if not message.strip():
            raise graph_error("(#100) Missing message or attachment", 100)
        page_id = info["page"]
        comment_id = f"{post_id.split('_')[-1]}_{self.new_id(0)}"
        self.s["comments"][comment_id] = {
            "post": post_id,
            "parent": self._top(parent),
            "message": message,
            "from": {"id": page_id, "name": self.s["pages"][page_id]["name"]},
            "time": self.now(),
            "hidden": False,
        }
        return Reply.json({"id": comment_id})

    def _comment_route(self, request: Request, info: dict[str, Any], parts: list[str]) -> Reply:
        comment_id, method = parts[0], request.method
        comment = self.s["comments"][comment_id]
        if self.s["posts"][comment["post"]]["page"] != info["page"]:
            raise graph_error("(#200) The token is not for this Page", 200, status=403)
        if len(parts) == 1 and method == "GET":
            self._need(info, "pages_read_engagement")
            return Reply.json(self._comment_json(comment_id))
        if len(parts) == 1 and method == "POST":
            self._need(info, "pages_manage_engagement", named=False)
            hidden = request.arg("is_hidden")
            if hidden not in ("true", "false"):
                raise graph_error("(#100) Param is_hidden must be a boolean", 100)
            if comment["from"].get("id") == info["page"]:
                raise graph_error("(#100) A Page cannot hide its own comment", 100)
            comment["hidden"] = hidden == "true"
            return Reply.json({"success": True})
        if parts[1:] == ["comments"] and method == "GET":
            self._need(info, "pages_read_engagement")
            rows = sorted(
                (
                    k
                    for k, c in self.s["comments"].items()
                    if c["parent"] == comment_id and not c.get("deleted")
                ),
                key=lambda k: self.s["comments"][k]["time"],
            )
            return self._paged(request, [self._comment_json(k) for k in rows])
        if parts[1:] == ["comments"] and method == "POST":
            return self._comment(request, info, comment["post"], comment_id)
        raise graph_error("(#100) Unsupported operation on a comment", 100)

    # --- Messenger ----------------------------------------------------------------------------

    def _list_conversations(
        self, request: Request, info: dict[str, Any], page_id: str, _: str
    ) -> Reply:
        self._need(info, "pages_messaging", code=230)
        rows = [
            (k, c)
            for k, c in self.s["conversations"].items()
            if c["page"] == page_id and c["messages"]
        ]
        rows.sort(key=lambda kc: max(m["time"] for m in kc[1]["messages"]), reverse=True)
        return self._paged(request, [self._conversation_json(k) for k, _ in rows])

    def _conversation_json(self, conversation_id: str) -> dict[str, Any]:
        conversation = self.s["conversations"][conversation_id]
        page_id = conversation["page"]
        page = {"id": page_id, "name": self.s["pages"][page_id]["name"]}
        person = {"id": conversation["psid"], "name": conversation["name"]}
        messages = sorted(conversation["messages"], key=lambda m: m["time"], reverse=True)
        return {
            "id": conversation_id,
            "updated_time": stamp(messages[0]["time"]) if messages else stamp(self.now()),
            "participants": {"data": [person, page]},
            "messages": {
                "data": [
                    {
                        "id": m["id"],
                        "message": m["message"],
                        "created_time": stamp(m["time"]),
                        "from": person if m["from"] == conversation["psid"] else page,
                    }
                    for m in messages[:25]
                ]
            },
        }

    def _conversation_route(
        self, request: Request, info: dict[str, Any], parts: list[str]
    ) -> Reply:
        self._need(info, "pages_messaging", code=230)
        body = self._conversation_json(parts[0])
        if parts[1:] == ["messages"]:
            return self._paged(request, body["messages"]["data"])
        return Reply.json(body)

    def _send_message(self, request: Request, info: dict[str, Any], page_id: str, _: str) -> Reply:
        self._need(info, "pages_messaging", code=230)
        try:
            recipient = json.loads(request.arg("recipient") or "{}")
            message = json.loads(request.arg("message") or "{}")
        except ValueError:
            raise graph_error("(#100) param recipient must be a JSON object", 100) from None
        psid = str(recipient.get("id", "")) if isinstance(recipient, dict) else ""
        text = message.get("text", "") if isinstance(message, dict) else ""
        if request.arg("messaging_type") not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
            raise graph_error(
                "(#100) param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}", 100
            )
        conversation = next(
            (
                c
                for c in self.s["conversations"].values()
                if c["page"] == page_id and c["psid"] == psid
            ),
            None,
        )
        if conversation is None or not text:
            raise graph_error("(#100) No matching user found", 100, 2018001)
        theirs = [m["time"] for m in conversation["messages"] if m["from"] == psid]
        if not theirs or self.now() - max(theirs) > WINDOW:
            raise graph_error(
                "(#10) This message is sent outside of allowed window. Learn more about the new "
                "policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
                10,
                2018278,
            )
        message_id = "m_" + secrets.token_hex(8)
        conversation["messages"].append(
            {"id": message_id, "message": text, "from": page_id, "time": self.now()}
        )
        return Reply.json({"recipient_id": psid, "message_id": message_id})

    # --- paging ----------------------------------------------------------------------------------

    def _paged(self, request: Request, rows: list[dict[str, Any]]) -> Reply:
        """Cursor paging as Graph does it: ``after`` is an opaque position, ``next`` a full URL."""
        try:
            limit = max(1, min(100, int(request.arg("limit") or 25)))
        except ValueError:
            limit = 25
        after = request.arg("after")
        start = 0
        if after:
            try:
                start = int(bytes.fromhex(after).decode())
            except ValueError:
                raise graph_error("(#100) Invalid cursor", 100) from None
        chunk = rows[start : start + limit]
        body: dict[str, Any] = {"data": chunk}
        if chunk:
            body["paging"] = {
                "cursors": {
                    "before": str(start).encode().hex(),
                    "after": str(start + len(chunk)).encode().hex(),
                }
            }
            if start + len(chunk) < len(rows):
                query = {k: v[0] for k, v in request.query.items() if k != "after"}
                query["after"] = str(start + len(chunk)).encode().hex()
                token = request.headers.get("authorization", "")[7:].strip()
                if token and "access_token" not in query:
                    query["access_token"] = token
                body["paging"]["next"] = f"{self.base_url}{request.path}?{urlencode(query)}"
        return Reply.json(body)


def _multipart_field(body: bytes, name: str) -> str:
    marker = f'name="{name}"\r\n\r\n'.encode()
    start = body.find(marker)
    if start < 0:
        return ""
    start += len(marker)
    end = body.find(b"\r\n--", start)
    return body[start:end].decode("utf-8", "replace") if end >= 0 else ""


# --- the crash test (tests/sync/fake_process.py --network facebook) ------------------------


class CrashTestGraph(GraphFake):
    """Answers a post that went out only after a random delay, so a kill lands in between.

    Duplicate refusal (506) is off: a double post must be counted, not refused.
    """

    def __init__(self, state_file: Path, post_delay: tuple[float, float], seed: int) -> None:
        super().__init__(state_file)
        self.reject_duplicates = False
        self.post_delay = post_delay
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()

    def handle(self, request: Request) -> Reply:
        reply = super().handle(request)  # stores and saves the state under the lock
        if (
            request.method == "POST"
            and request.path.endswith("/feed")
            and reply.status == 200
            and self.post_delay[1] > 0
        ):
            with self._rng_lock:
                delay = self._rng.uniform(*self.post_delay)
            time.sleep(delay)  # outside the lock: other requests go on meanwhile
        return reply

    def _save(self) -> None:
        """Also the Mastodon-shaped view the crash test reads (accounts, statuses)."""
        self.s["accounts"] = {pid: {"username": p["name"]} for pid, p in self.s["pages"].items()}
        self.s["statuses"] = {
            post_id: {
                "id": post_id,
                "text": post["message"],
                "account": post["page"],
                "deleted": bool(post.get("deleted")),
            }
            for post_id, post in self.s["posts"].items()
            if post["published"]
        }
        super()._save()


def crash_fake(state: Path, tokens: list[str], post_delay: tuple[float, float], seed: int) -> int:
    """Add a Page per ``name:token``, print the URL, serve until SIGTERM/SIGINT."""
    fake = CrashTestGraph(state, post_delay, seed)
    for spec in tokens:
        name, _, token = spec.partition(":")
        if token not in fake.s["tokens"]:
            fake.add_page(name=name, token=token)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    fake.start()
    print(fake.base_url, flush=True)
    stop.wait()
    fake.stop()
    return 0
