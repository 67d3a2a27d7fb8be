"""Publishing on Instagram: caption rules, the daily quota, and the container flow.

The Graph API publishes in three steps (developers.facebook.com, Instagram
Platform → Content Publishing):

1. ``POST /{ig-user-id}/media`` with ``image_url`` and ``caption`` makes a
   *container*; a carousel makes one container per picture with
   ``is_carousel_item=true`` and then ``media_type=CAROUSEL`` with
   ``children=<id,id,...>`` (2-10 pictures) and the caption;
2. ``GET /{container-id}?fields=status_code,status`` until ``FINISHED``
   (``IN_PROGRESS`` while Meta downloads the picture; ``ERROR`` with a reason
   in ``status``; ``EXPIRED`` after 24 h);
3. ``POST /{ig-user-id}/media_publish`` with ``creation_id`` gives the media id.

Only step 3 makes anything visible, so a crash before it leaves nothing to
clean up (an unpublished container expires by itself). The account may
publish ``quota_total`` posts (50 today, a carousel counts once) in a rolling
``quota_duration`` (24 h); ``GET /{ig-user-id}/content_publishing_limit`` says
how many are used, and it is asked before anything is made.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from smmdesk.platforms.base import (
    BadResponse,
    PermanentError,
    PublishedPost,
    RateLimited,
    TransientError,
)
from smmdesk.platforms.graph_api import dict_of, id_of, int_of, list_of, text_of
from smmdesk.platforms.graph_api import time_of as graph_time_of

MAX_CAPTION = 2200
MAX_HASHTAGS = 30
MAX_MENTIONS = 20
MAX_CAROUSEL = 10

_HASHTAG = re.compile(r"(?<![\w&])#\w+")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9._]+")

#: get(path, params, doing) -> JSON object; post(path, data, doing) -> JSON object
Getter = Callable[[str, Mapping[str, str], str], dict[str, Any]]
Poster = Callable[[str, Mapping[str, str], str], dict[str, Any]]


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def caption_problem(text: str) -> str:
    """Why Instagram would refuse this caption ('' if it would not)."""
    length = utf16_length(text)
    if length > MAX_CAPTION:
        return f"Instagram captions can be {MAX_CAPTION} characters at most; this one has {length}."
    tags = len(_HASHTAG.findall(text))
    if tags > MAX_HASHTAGS:
        return f"Instagram allows {MAX_HASHTAGS} hashtags in a caption; this one has {tags}."
    mentions = len(_MENTION.findall(text))
    if mentions > MAX_MENTIONS:
        return f"Instagram allows {MAX_MENTIONS} @mentions in a caption; this one has {mentions}."
    return ""


def comparable_caption(text: str) -> str:
    """A caption as it can be compared with what Instagram gives back."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


# --- values read without trusting the JSON (the shared Graph readers) -------------------


def time_of(data: Any, key: str = "timestamp") -> datetime | None:
    """Instagram's ``timestamp`` (``2026-01-01T10:00:00+0000``) as aware UTC, or None."""
    return graph_time_of(data, key)


# --- the daily quota --------------------------------------------------------------------


@dataclass(frozen=True)
class Quota:
    used: int
    total: int
    duration_s: int

    @property
    def exhausted(self) -> bool:
        return self.total > 0 and self.used >= self.total

    def as_settings(self) -> dict[str, str]:
        return {
            "quota_usage": str(self.used),
            "quota_total": str(self.total),
            "quota_duration": str(self.duration_s),
        }


def read_quota(get: Getter, ig_id: str) -> Quota | None:
    """The account's publishing quota, or None when Instagram did not say."""
    body = get(
        f"/{ig_id}/content_publishing_limit",
        {"fields": "quota_usage,config"},
        "Checking the daily publishing limit",
    )
    rows = [r for r in list_of(body, "data") if isinstance(r, dict)]
    if not rows:
        return None
    used = int_of(rows[0], "quota_usage")
    config = dict_of(rows[0], "config")
    total = int_of(config, "quota_total")
    duration = int_of(config, "quota_duration") or 86400
    if used is None or not total:
        return None
    return Quota(used, total, max(60, min(duration, 7 * 86400)))


def quota_exhausted(quota: Quota, recent_times: Sequence[datetime], now: datetime) -> RateLimited:
    """The error for a used-up quota, with the wait until the oldest post leaves the window.

    Instagram does not say when the window frees up; the oldest of the
    account's posts inside the window is the best guess (it counts posts made
    in the Instagram app too, so the guess can be early, never late by more
    than the window). Without one, an hour.
    """
    window = timedelta(seconds=quota.duration_s)
    inside = sorted(t for t in recent_times if now - window < t <= now)
    wait = (inside[0] + window - now).total_seconds() if inside else 3600.0
    wait = max(60.0, wait)
    at = (now + timedelta(seconds=wait)).strftime("%H:%M UTC")
    return RateLimited(
        f"Instagram lets an account publish {quota.total} posts a day through apps, and this "
        f"account has used them ({quota.used}). The next one can go out at about {at}.",
        wait,
    )


# --- containers ---------------------------------------------------------------------------


def wait_until_finished(
    get: Getter,
    container_id: str,
    what: str,
    wait_seconds: float,
    poll_seconds: float,
) -> None:
    """Poll a container until Meta has fetched and checked its picture(s)."""
    deadline = time.monotonic() + wait_seconds
    for _ in range(10_000):
        body = get(f"/{container_id}", {"fields": "status_code,status"}, f"Preparing {what}")
        code = text_of(body, "status_code").upper()
        if code in ("FINISHED", "PUBLISHED"):
            return
        if code == "ERROR":
            reason = text_of(body, "status").strip()[:300] or "no reason given"
            raise PermanentError(
                f"Instagram could not use {what} ({reason}). Check that the picture opens in a "
                "browser from its web address, is a JPEG under 8 MB, and is between 4:5 and "
                "1.91:1."
            )
        if code == "EXPIRED":
            raise TransientError(f"Instagram let {what} expire; it will be prepared again.")
        if code not in ("IN_PROGRESS", ""):
            raise BadResponse(
                f"Instagram said {what} is “{code[:40]}”, which SMM Desk does not know."
            )
        if time.monotonic() >= deadline:
            break
        time.sleep(max(0.005, poll_seconds))
    raise TransientError(f"Instagram is still preparing {what}; the post will be tried again.")


def create_container(post: Poster, ig_id: str, params: Mapping[str, str], what: str) -> str:
    body = post(f"/{ig_id}/media", params, f"Preparing {what}")
    container = id_of(body)
    if not container:
        raise BadResponse(f"Instagram did not give {what} an id.")
    return container


# --- after a crash --------------------------------------------------------------------------

RECENT_LIMIT = 50
RECENT_PAGES = 6


def find_media(
    get: Getter, ig_id: str, username: str, text: str, since: datetime | None
) -> PublishedPost | None:
    """Our post with this caption made after ``since``; None only when sure there is none.

    The account's media come newest first, ``RECENT_LIMIT`` a page. The look
    is sure when it reached a post older than ``since`` or the end of the
    history; after ``RECENT_PAGES`` pages (or one page, without a time) it
    says plainly that it cannot tell.
    """
    wanted = comparable_caption(text)
    fallback = f"https://www.instagram.com/{quote(username)}/"
    after = ""
    for _ in range(RECENT_PAGES if since else 1):
        params = {"fields": "id,caption,timestamp,permalink", "limit": str(RECENT_LIMIT)}
        if after:
            params["after"] = after
        body = get(f"/{ig_id}/media", params, "Reading recent posts")
        media = [m for m in list_of(body, "data") if isinstance(m, dict) and id_of(m)]
        matches = [
            m
            for m in media
            if comparable_caption(text_of(m, "caption")) == wanted
            and (since is None or (time_of(m) or since) >= since)
        ]
        if matches:
            oldest = min(matches, key=lambda m: time_of(m) or datetime.now(UTC))
            permalink = text_of(oldest, "permalink")
            return PublishedPost(
                id_of(oldest),
                permalink if permalink.startswith("https://") else fallback,
                time_of(oldest) or datetime.now(UTC),
            )
        paging = dict_of(body, "paging")
        after = text_of(dict_of(paging, "cursors"), "after")
        if not media or not text_of(paging, "next") or not after:
            return None  # the whole history was seen
        times = [t for t in (time_of(m) for m in media) if t is not None]
        if since is not None and times and min(times) < since:
            return None  # reached back past the attempt
    raise PermanentError(
        "SMM Desk cannot tell whether Instagram published this post: the account has posted "
        "a lot since. Look at the account on Instagram before publishing it again."
    )
