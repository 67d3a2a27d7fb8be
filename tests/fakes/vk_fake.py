"""A stateful VK API on 127.0.0.1, speaking VK's wire format.

Every method is ``GET`` or ``POST /method/<name>`` with ``v`` and
``access_token`` among the parameters (query or form). Answers are HTTP 200:
``{"response": ...}`` or ``{"error": {"error_code", "error_msg",
"request_params": [{"key", "value"}...]}}``; a captcha error adds
``captcha_sid`` and ``captcha_img``, and the call is accepted again once it
carries that sid with the right ``captcha_key`` (always ``"kafija"`` here).

What it keeps: users, tokens (user tokens with a rights bit mask, community
tokens with named rights; revocable), communities (name, screen name,
members, managers with ``admin_level``), wall posts (incl. postponed ones with
``publish_date`` that go out, under a *new* id carrying ``postponed_id``, when
the test lets time pass with ``advance``), photos through an upload server on
this same address, comments with threads, conversations and messages, and
``guid`` / ``random_id`` de-duplication (an hour).

What it counts (for the crash test, in the same keys the Mastodon fake uses):
``created_per_key`` (posts per guid), ``created_per_text``, and posts under
``statuses`` with their community under ``accounts`` (``username`` = screen
name). With a state file it saves itself after every change, so it outlives
a client that is killed (``python -m tests.fakes.vk_fake --state FILE``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.fakes.http_fake import FakeServer, Reply, Request

RIGHTS = {"photos": 4, "messages": 4096, "wall": 8192, "offline": 65536, "groups": 262144,
          "stats": 1048576}  # fmt: skip
ALL_RIGHTS = sum(RIGHTS.values())
CAPTCHA_KEY = "kafija"
DEDUP_SECONDS = 3600
#: What a user token needs for each method family.
NEEDS = {"wall": "wall", "photos": "photos", "stats": "stats"}
USER_ONLY = {"wall.post", "wall.edit", "wall.delete", "wall.get", "wall.getById",
             "wall.getComments", "photos.getWallUploadServer", "photos.saveWallPhoto",
             "account.getAppPermissions", "users.get", "stats.get"}  # fmt: skip


class VkError(Exception):
    def __init__(self, code: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra


def _fresh_state() -> dict[str, Any]:
    return {
        "next_id": 100, "clock_offset": 0.0, "users": {}, "tokens": {}, "accounts": {},
        "statuses": {}, "comments": {}, "messages": {}, "photos": {}, "uploads": {},
        "guids": {}, "random_ids": {}, "created_per_key": {}, "created_per_text": {},
        "captcha": {},
    }  # fmt: skip


class VkFake(FakeServer):
    """Use as a context manager: ``fake.token`` is ``fake.admin``'s, managing ``fake.group``."""

    def __init__(self, state_file: str | Path | None = None, screen_name: str = "kafija") -> None:
        super().__init__()
        self._server.handle_error = self._handle_error  # type: ignore[method-assign]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.state_file = Path(state_file) if state_file else None
        self.s: dict[str, Any] = _fresh_state()
        if self.state_file is not None and self.state_file.exists():
            self.s = json.loads(self.state_file.read_text(encoding="utf-8"))
        # Knobs a test may turn.
        self.ignore_guid = False
        self.post_delay: Callable[[], float] | None = None  # seconds to hold a wall.post answer
        self.queued_errors: list[tuple[str, int, str]] = []  # (method, code, message)
        if not self.s["accounts"]:
            self.admin = self.add_user("Anna", "Bērziņa")
            self.token = self.add_token(self.admin, "token-admin")
            self.group = self.add_group("Kafija Rīga", screen_name, admins={self.admin: 3})
            self.group_token = self.add_group_token(self.group, "token-community")
            self._save()
        else:
            self.group = int(next(iter(self.s["accounts"])))
            self.token = next(t for t, v in self.s["tokens"].items() if v["kind"] == "user")
            self.admin = int(self.s["tokens"][self.token]["user"])
            self.group_token = next(
                (t for t, v in self.s["tokens"].items() if v["kind"] == "group"), ""
            )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        class Handler(super()._handler_class()):  # type: ignore[misc]
            disable_nagle_algorithm = True

        return Handler

    def _handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            ThreadingHTTPServer.handle_error(self._server, request, client_address)

    # --- helpers for tests ------------------------------------------------------------

    def now(self) -> float:
        return time.time() + self.s["clock_offset"]

    def new_id(self) -> int:
        self.s["next_id"] += 1
        return int(self.s["next_id"])

    def add_user(self, first: str, last: str = "", screen_name: str = "") -> int:
        with self.lock:
            user_id = self.new_id()
            self.s["users"][str(user_id)] = {
                "first_name": first, "last_name": last, "screen_name": screen_name or f"id{user_id}"
            }  # fmt: skip
            self._save()
            return user_id

    def add_token(self, user_id: int, token: str, rights: int = ALL_RIGHTS) -> str:
        with self.lock:
            self.s["tokens"][token] = {"kind": "user", "user": user_id, "rights": rights,
                                       "revoked": False}  # fmt: skip
            self._save()
            return token

    def add_group(self, name: str, screen_name: str, admins: dict[int, int] | None = None) -> int:
        with self.lock:
            group_id = self.new_id()
            self.s["accounts"][str(group_id)] = {
                "name": name, "username": screen_name, "members_count": 1234,
                "admins": {str(k): v for k, v in (admins or {}).items()},
            }  # fmt: skip
            self._save()
            return group_id

    def add_group_token(self, group_id: int, token: str, rights: tuple[str, ...] = ("messages",
                        "manage", "photos", "wall")) -> str:  # fmt: skip
        with self.lock:
            self.s["tokens"][token] = {"kind": "group", "group": group_id, "rights": list(rights),
                                       "revoked": False}  # fmt: skip
            self._save()
            return token

    def revoke(self, token: str) -> None:
        with self.lock:
            self.s["tokens"][token]["revoked"] = True
            self._save()

    def set_admin(self, user_id: int, level: int | None) -> None:
        with self.lock:
            admins = self.s["accounts"][str(self.group)]["admins"]
            if level is None:
                admins.pop(str(user_id), None)
            else:
                admins[str(user_id)] = level

    def captcha_next(self, method: str) -> None:
        """The next call of ``method`` (without the right answer) asks for a captcha."""
        with self.lock:
            self.s["captcha"][method] = ""

    def error_next(self, method: str, code: int, message: str = "") -> None:
        with self.lock:
            self.queued_errors.append((method, code, message or f"Error {code}"))

    def posts(self, include_postponed: bool = False) -> list[dict[str, Any]]:
        with self.lock:
            return [
                p for p in self.s["statuses"].values()
                if not p["deleted"] and (include_postponed or not p["postponed"])
            ]  # fmt: skip

    def post(self, post_id: int | str) -> dict[str, Any]:
        return dict(self.s["statuses"][str(post_id)])

    def add_post(self, text: str, date: float | None = None, from_id: int | None = None) -> int:
        with self.lock:
            post_id = self._create_post(self.group, text, [], "", from_id=from_id)
            if date is not None:
                self.s["statuses"][str(post_id)]["date"] = int(date)
            self._save()
            return post_id

    def add_comment(self, post_id: int, from_id: int, text: str, reply_to: int = 0) -> int:
        with self.lock:
            comment_id = self.new_id()
            parent = self.s["comments"].get(str(reply_to), {})
            self.s["comments"][str(comment_id)] = {
                "id": comment_id, "post": int(post_id), "from_id": from_id, "text": text,
                "date": int(self.now()), "reply_to_comment": reply_to,
                "thread_parent": parent.get("thread_parent") or reply_to, "deleted": False,
            }  # fmt: skip
            self._save()
            return comment_id

    def add_message(self, from_id: int, text: str) -> int:
        with self.lock:
            message_id = self.new_id()
            self.s["messages"][str(message_id)] = {
                "id": message_id, "peer": from_id, "from_id": from_id, "out": 0, "text": text,
                "date": int(self.now()),
            }  # fmt: skip
            self._save()
            return message_id

    def set_counts(self, post_id: int, likes: int = 0, reposts: int = 0, views: int = 0) -> None:
        with self.lock:
            post = self.s["statuses"][str(post_id)]
            post.update(likes=likes, reposts=reposts, views=views)

    def advance(self, seconds: float) -> None:
        """Let time pass on VK; due postponed posts go out under new ids."""
        with self.lock:
            self.s["clock_offset"] += seconds
            self._publish_due()
            self._save()

    def calls(self, method: str) -> list[dict[str, str]]:
        """The parameters of every call of ``method`` so far."""
        with self.lock:
            return [self._params(r) for r in self.log if r.path == f"/method/{method}"]

    # --- plumbing -----------------------------------------------------------------------

    def _save(self) -> None:
        if self.state_file is None:
            return
        temporary = self.state_file.with_name(self.state_file.name + ".tmp")
        temporary.write_text(json.dumps(self.s), encoding="utf-8")
        os.replace(temporary, self.state_file)

    def _params(self, request: Request) -> dict[str, str]:
        merged = {k: v[0] for k, v in request.query.items()}
        if "application/x-www-form-urlencoded" in request.headers.get("content-type", ""):
            merged.update({k: v[0] for k, v in request.form().items()})
        return merged

    def handle(self, request: Request) -> Reply:
        if request.path.startswith("/upload/") and request.method == "POST":
            with self.lock:
                return self._upload(request)
        if not request.path.startswith("/method/"):
            return Reply(
                404, b"<html><body>404 Not Found</body></html>", {"Content-Type": "text/html"}
            )
        method = request.path[len("/method/") :]
        params = self._params(request)
        delay = 0.0
        with self.lock:
            self._publish_due()
            try:
                response = self._call(method, params)
            except VkError as error:
                return self._error(error, method, params)
            finally:
                self._save()
            if method == "wall.post" and self.post_delay is not None:
                delay = self.post_delay()
        if delay > 0:
            time.sleep(delay)  # stored (and saved) first: a kill now leaves it on the wall
        return Reply.json({"response": response})

    def _error(self, error: VkError, method: str, params: dict[str, str]) -> Reply:
        shown = [{"key": "method", "value": method}, {"key": "oauth", "value": "1"}]
        shown += [{"key": k, "value": v} for k, v in params.items() if k not in ("access_token",)]
        body = {"error_code": error.code, "error_msg": error.message, "request_params": shown}
        body.update(error.extra)
        return Reply.json({"error": body})

    def _call(self, method: str, p: dict[str, str]) -> Any:
        if p.get("v") != "5.199":
            raise VkError(8, "Invalid request: v (version) is required")
        for index, (name, code, message) in enumerate(self.queued_errors):
            if name == method:
                del self.queued_errors[index]
                raise VkError(code, message)
        token = self.s["tokens"].get(p.get("access_token", ""))
        if token is None or token["revoked"]:
            raise VkError(5, "User authorization failed: invalid access_token (4).")
        self._check_captcha(method, p)
        if token["kind"] == "group" and method in USER_ONLY:
            raise VkError(27, "Group authorization failed: method is unavailable with group auth.")
        if token["kind"] == "user":
            needed = NEEDS.get(method.split(".")[0])
            if needed and not token["rights"] & RIGHTS[needed]:
                raise VkError(15, "Access denied: no access to call this method")
            if method.startswith("messages."):
                raise VkError(15, "Access denied: use a community token for community messages")
        handler = getattr(self, "m_" + method.replace(".", "_"), None)
        if handler is None:
            raise VkError(3, "Unknown method passed")
        return handler(token, p)

    def _check_captcha(self, method: str, p: dict[str, str]) -> None:
        if method not in self.s["captcha"]:
            return
        sid = self.s["captcha"][method]
        if sid and p.get("captcha_sid") == sid and p.get("captcha_key") == CAPTCHA_KEY:
            del self.s["captcha"][method]
            return
        sid = str(self.new_id() * 7919)
        self.s["captcha"][method] = sid
        raise VkError(
            14, "Captcha needed", captcha_sid=sid,
            captcha_img=f"{self.base_url}/captcha.php?sid={sid}&s=1",
        )  # fmt: skip

    def _group_of(self, token: dict[str, Any], p: dict[str, str], key: str = "group_id") -> str:
        if token["kind"] == "group":
            return str(token["group"])
        ref = p.get(key, "").lstrip("-")
        for group_id, group in self.s["accounts"].items():
            if ref in (group_id, group["username"], f"club{group_id}"):
                return group_id
        raise VkError(100, "One of the parameters specified was missing or invalid: group_id")

    def _manager_level(self, token: dict[str, Any], group_id: str) -> int:
        if token["kind"] == "group":
            return 3 if str(token["group"]) == group_id else 0
        return int(self.s["accounts"][group_id]["admins"].get(str(token["user"]), 0))

    def _owner(self, token: dict[str, Any], p: dict[str, str], write: bool = True) -> str:
        owner = p.get("owner_id", "")
        group_id = owner.lstrip("-")
        if not owner.startswith("-") or group_id not in self.s["accounts"]:
            raise VkError(100, "One of the parameters specified was missing or invalid: owner_id")
        if write and self._manager_level(token, group_id) < 2:
            raise VkError(214, "Access to adding post denied")
        return group_id

    # --- users, groups ---------------------------------------------------------------------

    def m_users_get(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        user = self.s["users"][str(token["user"])]
        return [{"id": token["user"], "first_name": user["first_name"],
                 "last_name": user["last_name"], "is_closed": False}]  # fmt: skip

    def m_account_getAppPermissions(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        return token["rights"]

    def _group_json(self, token: dict[str, Any], group_id: str, fields: str) -> dict[str, Any]:
        group = self.s["accounts"][group_id]
        data: dict[str, Any] = {"id": int(group_id), "name": group["name"],
                                "screen_name": group["username"], "is_closed": 0,
                                "type": "group"}  # fmt: skip
        level = self._manager_level(token, group_id) if token["kind"] == "user" else 0
        if "is_admin" in fields:
            data["is_admin"] = 1 if level else 0
        if "admin_level" in fields and level:
            data["admin_level"] = level
        if "members_count" in fields:
            data["members_count"] = group["members_count"]
        return data

    def m_groups_getById(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        if token["kind"] == "user" and not p.get("group_id"):
            raise VkError(100, "One of the parameters specified was missing or invalid: group_ids")
        group_id = self._group_of(token, p)
        return {"groups": [self._group_json(token, group_id, p.get("fields", ""))], "profiles": []}

    def m_groups_getTokenPermissions(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        if token["kind"] != "group":
            raise VkError(15, "Access denied: this method is for community tokens")
        perms = [{"setting": 1 << i, "name": name} for i, name in enumerate(token["rights"])]
        return {"mask": sum(x["setting"] for x in perms), "permissions": perms}

    # --- wall ------------------------------------------------------------------------------

    def _create_post(
        self, group_id: int | str, text: str, attachments: list[str], guid: str,
        publish_date: int = 0, from_id: int | None = None,
    ) -> int:  # fmt: skip
        post_id = self.new_id()
        self.s["statuses"][str(post_id)] = {
            "id": str(post_id), "account": str(group_id), "text": text,
            "attachments": attachments, "date": publish_date or int(self.now()),
            "postponed": bool(publish_date), "postponed_id": 0, "deleted": False,
            "from_id": from_id if from_id is not None else -int(group_id),
            "likes": 0, "reposts": 0, "views": 0, "guid": guid,
        }  # fmt: skip
        if not publish_date:
            self._count(text, guid)
        return post_id

    def _count(self, text: str, guid: str) -> None:
        if guid:
            self.s["created_per_key"][guid] = self.s["created_per_key"].get(guid, 0) + 1
        self.s["created_per_text"][text] = self.s["created_per_text"].get(text, 0) + 1

    def _publish_due(self) -> None:
        now = self.now()
        for key, post in list(self.s["statuses"].items()):
            if post["postponed"] and not post["deleted"] and post["date"] <= now:
                del self.s["statuses"][key]
                new_id = self._create_post(post["account"], post["text"], post["attachments"],
                                           post["guid"])  # fmt: skip
                self.s["statuses"][str(new_id)]["postponed_id"] = int(key)

    def _attachments(self, p: dict[str, str]) -> list[str]:
        found = [a for a in p.get("attachments", "").split(",") if a]
        if len(found) > 10:
            raise VkError(100, "One of the parameters specified was missing or invalid: "
                               "too many attachments")  # fmt: skip
        for attachment in found:
            if attachment.startswith("photo") and attachment[5:] not in self.s["photos"]:
                raise VkError(100, f"One of the parameters specified was missing or invalid: "
                                   f"attachments ({attachment})")  # fmt: skip
        return found

    def m_wall_post(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        group_id = self._owner(token, p)
        text, attachments = p.get("message", ""), self._attachments(p)
        if not text and not attachments:
            raise VkError(100, "One of the parameters specified was missing or invalid: "
                               "message is empty or invalid")  # fmt: skip
        publish_date = int(p.get("publish_date", "0") or 0)
        if publish_date and publish_date < self.now() + 60:
            raise VkError(100, "One of the parameters specified was missing or invalid: "
                               "publish_date")  # fmt: skip
        guid = p.get("guid", "")
        dedup = f"{group_id}:{guid}"
        if guid and not self.ignore_guid:
            seen = self.s["guids"].get(dedup)
            if seen and self.now() - seen["at"] < DEDUP_SECONDS:
                return {"post_id": seen["post"]}
        post_id = self._create_post(group_id, text, attachments, guid, publish_date)
        if guid:
            self.s["guids"][dedup] = {"post": post_id, "at": self.now()}
        return {"post_id": post_id}

    def _own_post(self, token: dict[str, Any], p: dict[str, str]) -> dict[str, Any]:
        group_id = self._owner(token, p)
        post = self.s["statuses"].get(p.get("post_id", ""))
        if post is None or post["deleted"] or post["account"] != group_id:
            raise VkError(100, "One of the parameters specified was missing or invalid: "
                               "post not found")  # fmt: skip
        return dict(post)

    def m_wall_edit(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        post = self._own_post(token, p)
        stored = self.s["statuses"][post["id"]]
        stored["text"] = p.get("message", "")
        stored["attachments"] = self._attachments(p)
        if p.get("publish_date") and stored["postponed"]:
            stored["date"] = int(p["publish_date"])
        return {"post_id": int(post["id"])}

    def m_wall_delete(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        post = self._own_post(token, p)
        self.s["statuses"][post["id"]]["deleted"] = True
        return 1

    def _post_json(self, post: dict[str, Any]) -> dict[str, Any]:
        attachments = []
        for attachment in post["attachments"]:
            kind = attachment.rstrip("0123456789_-")
            owner, _, media = attachment[len(kind) :].partition("_")
            attachments.append({"type": kind, kind: {"id": int(media), "owner_id": int(owner)}})
        comments = [c for c in self.s["comments"].values()
                    if c["post"] == int(post["id"]) and not c["deleted"]]  # fmt: skip
        data = {
            "id": int(post["id"]), "owner_id": -int(post["account"]), "from_id": post["from_id"],
            "date": post["date"], "post_type": "postpone" if post["postponed"] else "post",
            "text": post["text"], "attachments": attachments,
            "comments": {"count": len(comments), "can_post": 1},
            "likes": {"count": post["likes"]}, "reposts": {"count": post["reposts"]},
            "views": {"count": post["views"]},
        }  # fmt: skip
        if post["postponed_id"]:
            data["postponed_id"] = post["postponed_id"]
        return data

    def m_wall_get(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        group_id = self._owner(token, p, write=False)
        postponed = p.get("filter") == "postponed"
        posts = [x for x in self.s["statuses"].values()
                 if x["account"] == group_id and not x["deleted"]
                 and x["postponed"] == postponed]  # fmt: skip
        posts.sort(key=lambda x: (x["date"], int(x["id"])), reverse=True)
        offset, count = int(p.get("offset", "0") or 0), min(int(p.get("count", "20") or 20), 100)
        return {"count": len(posts),
                "items": [self._post_json(x) for x in posts[offset : offset + count]]}  # fmt: skip

    def m_wall_getById(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        found = []
        for ref in p.get("posts", "").split(",")[:100]:
            owner, _, post_id = ref.partition("_")
            post = self.s["statuses"].get(post_id)
            if post and not post["deleted"] and owner == f"-{post['account']}":
                found.append(self._post_json(post))
        return {"items": found}

    def _comment_json(self, comment: dict[str, Any], group_id: str) -> dict[str, Any]:
        return {"id": comment["id"], "from_id": comment["from_id"], "date": comment["date"],
                "text": comment["text"], "post_id": comment["post"], "owner_id": -int(group_id),
                "parents_stack": [comment["thread_parent"]] if comment["thread_parent"] else [],
                **({"reply_to_comment": comment["reply_to_comment"]}
                   if comment["reply_to_comment"] else {})}  # fmt: skip

    def m_wall_getComments(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        group_id = self._owner(token, p, write=False)
        post = self.s["statuses"].get(p.get("post_id", ""))
        if post is None or post["deleted"] or post["account"] != group_id:
            raise VkError(100, "One of the parameters specified was missing or invalid: post_id")
        mine = [c for c in self.s["comments"].values()
                if c["post"] == int(post["id"]) and not c["deleted"]]  # fmt: skip
        top = sorted((c for c in mine if not c["thread_parent"]), key=lambda c: c["id"],
                     reverse=p.get("sort") == "desc")  # fmt: skip
        offset, count = int(p.get("offset", "0") or 0), min(int(p.get("count", "10") or 10), 100)
        thread_n = min(int(p.get("thread_items_count", "0") or 0), 10)
        items = []
        for comment in top[offset : offset + count]:
            data = self._comment_json(comment, group_id)
            replies = sorted((c for c in mine if c["thread_parent"] == comment["id"]),
                             key=lambda c: c["id"])  # fmt: skip
            data["thread"] = {"count": len(replies), "can_post": True,
                              "items": [self._comment_json(c, group_id)
                                        for c in replies[:thread_n]]}  # fmt: skip
            items.append(data)
        result: dict[str, Any] = {"count": len(top), "current_level_count": len(top),
                                  "items": items, "can_post": True}  # fmt: skip
        if p.get("extended") == "1":
            result["profiles"] = self._profiles(c["from_id"] for c in mine)
            result["groups"] = [self._group_json(token, group_id, "")]
        return result

    def _profiles(self, ids: Any) -> list[dict[str, Any]]:
        out = []
        for user_id in sorted({i for i in ids if i > 0}):
            user = self.s["users"].get(str(user_id))
            if user:
                out.append({"id": user_id, **user})
        return out

    def m_wall_createComment(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        group_id = self._owner(token, p, write=False)
        post_id = int(p.get("post_id", "0") or 0)
        if str(post_id) not in self.s["statuses"]:
            raise VkError(100, "One of the parameters specified was missing or invalid: post_id")
        from_group = p.get("from_group", "")
        if from_group and (from_group != group_id or self._manager_level(token, group_id) < 1):
            raise VkError(15, "Access denied: you can't comment on behalf of this community")
        author = -int(group_id) if from_group else int(token.get("user", 0))
        guid = p.get("guid", "")
        if guid and f"c:{guid}" in self.s["guids"]:
            return {"comment_id": self.s["guids"][f"c:{guid}"]["post"], "parents_stack": []}
        comment_id = self.add_comment(post_id, author, p.get("message", ""),
                                      int(p.get("reply_to_comment", "0") or 0))  # fmt: skip
        if guid:
            self.s["guids"][f"c:{guid}"] = {"post": comment_id, "at": self.now()}
        return {"comment_id": comment_id, "parents_stack": []}

    # --- photos ----------------------------------------------------------------------------

    def m_photos_getWallUploadServer(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        group_id = self._group_of(token, p)
        return {"upload_url": f"{self.base_url}/upload/wall?gid={group_id}", "album_id": -14,
                "user_id": token["user"]}  # fmt: skip

    def _upload(self, request: Request) -> Reply:
        if b'name="photo"' not in request.body:
            return Reply.json({"server": 1, "photo": "[]", "hash": "0"})
        blob = str(self.new_id())
        photo_hash = f"h{blob}"
        self.s["uploads"][photo_hash] = blob
        self._save()
        return Reply.json({"server": 777, "photo": json.dumps([{"photo": blob}]),
                           "hash": photo_hash})  # fmt: skip

    def m_photos_saveWallPhoto(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        group_id = self._group_of(token, p)
        if p.get("hash") not in self.s["uploads"] or p.get("server") != "777":
            raise VkError(121, "Invalid hash")
        del self.s["uploads"][p["hash"]]
        photo_id = self.new_id()
        self.s["photos"][f"-{group_id}_{photo_id}"] = {"owner_id": -int(group_id)}
        return [{"id": photo_id, "owner_id": -int(group_id), "album_id": -14,
                 "date": int(self.now()), "sizes": []}]  # fmt: skip

    # --- messages (community token) ---------------------------------------------------------

    def _need_messages(self, token: dict[str, Any]) -> None:
        if token["kind"] != "group" or "messages" not in token["rights"]:
            raise VkError(15, "Access denied: no access to call this method")

    def _message_json(self, message: dict[str, Any]) -> dict[str, Any]:
        return {"id": message["id"], "peer_id": message["peer"], "from_id": message["from_id"],
                "out": message["out"], "text": message["text"], "date": message["date"],
                "conversation_message_id": message["id"]}  # fmt: skip

    def m_messages_getConversations(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        self._need_messages(token)
        last: dict[int, dict[str, Any]] = {}
        for message in self.s["messages"].values():
            if message["id"] > last.get(message["peer"], {"id": 0})["id"]:
                last[message["peer"]] = message
        ordered = sorted(last.values(), key=lambda m: m["id"], reverse=True)
        count = min(int(p.get("count", "20") or 20), 200)
        items = [{"conversation": {"peer": {"id": m["peer"], "type": "user"}},
                  "last_message": self._message_json(m)} for m in ordered[:count]]  # fmt: skip
        return {"count": len(ordered), "items": items, "profiles": self._profiles(last)}

    def m_messages_getHistory(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        self._need_messages(token)
        peer = int(p.get("peer_id", "0") or 0)
        messages = sorted((m for m in self.s["messages"].values() if m["peer"] == peer),
                          key=lambda m: m["id"], reverse=True)  # fmt: skip
        count = min(int(p.get("count", "20") or 20), 200)
        return {"count": len(messages), "items": [self._message_json(m) for m in messages[:count]],
                "profiles": self._profiles([peer])}  # fmt: skip

    def m_messages_send(self, token: dict[str, Any], p: dict[str, str]) -> Any:
        self._need_messages(token)
        random_id = p.get("random_id", "")
        if not random_id:
            raise VkError(100, "One of the parameters specified was missing or invalid: "
                               "random_id is a required parameter")  # fmt: skip
        peer = int(p.get("peer_id", "0") or 0)
        known = self.s["random_ids"].get(f"{peer}:{random_id}")
        if known and random_id != "0":
            return known
        message_id = self.new_id()
        self.s["messages"][str(message_id)] = {
            "id": message_id, "peer": peer, "from_id": -int(token["group"]), "out": 1,
            "text": p.get("message", ""), "date": int(self.now()),
        }  # fmt: skip
        self.s["random_ids"][f"{peer}:{random_id}"] = message_id
        return message_id


def serve_until_signalled(fake: VkFake) -> int:
    """Print the URL, serve until SIGTERM/SIGINT."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    fake.start()
    print(fake.base_url, flush=True)
    stop.wait()
    fake.stop()
    return 0


def crash_fake(
    state: Path, tokens: list[str], post_delay: tuple[float, float], ignore_guid: bool, seed: int
) -> int:
    """The fake as ``tests/sync/fake_process.py --network vk`` runs it for the crash test.

    The community's screen name is ``me`` (the test looks its posts up by it);
    each ``name:token`` adds ``token`` for the administrator; every wall.post
    that created a post is answered a random ``post_delay`` seconds after it
    was stored (and saved); ``ignore_guid`` forgets every guid, as VK might.
    """
    import random

    fake = VkFake(state, screen_name="me")
    for spec in tokens:
        token = spec.partition(":")[2] or spec
        if token not in fake.s["tokens"]:
            fake.add_token(fake.admin, token)
    rng, rng_lock = random.Random(seed), threading.Lock()

    def delay() -> float:
        with rng_lock:
            return rng.uniform(*post_delay)

    fake.post_delay = delay if post_delay[1] > 0 else None
    fake.ignore_guid = ignore_guid
    return serve_until_signalled(fake)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--state", default="")
    parser.add_argument("--token", action="append", default=[], help="more admin tokens")
    parser.add_argument("--screen-name", default="kafija")
    args = parser.parse_args(argv)
    fake = VkFake(args.state or None, args.screen_name)
    for token in args.token:
        if token not in fake.s["tokens"]:
            fake.add_token(fake.admin, token)
    return serve_until_signalled(fake)


if __name__ == "__main__":
    sys.exit(main())
