"""Numbers for the analytics: the account's followers and each post's insights.

``GET /{ig-user-id}?fields=followers_count,follows_count,media_count`` for the
account. For a post, ``like_count`` and ``comments_count`` from the media
object and ``GET /{ig-media-id}/insights?metric=views,reach,likes,comments,
shares,saved`` (``impressions`` and ``plays`` were retired in April 2025).
Insights can be missing for a reason that is not an error: a post with too few
viewers (error #10), data still being computed (an empty ``data``), a token
without ``instagram_manage_insights``. Then the number stays None — "not
available" — and is never shown as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from smmdesk.platforms.base import (
    AccountStats,
    AuthError,
    BadResponse,
    PermanentError,
    PostStats,
)
from smmdesk.platforms.instagram_publish import dict_of, int_of, list_of, text_of

INSIGHT_METRICS = ("views", "reach", "likes", "comments", "shares", "saved")
MAX_POSTS = 100

Getter = Callable[[str, Mapping[str, str], str], dict[str, Any]]


def account_stats(get: Getter, ig_id: str) -> AccountStats:
    body = get(
        f"/{ig_id}", {"fields": "followers_count,follows_count,media_count"}, "Reading the account"
    )
    followers = int_of(body, "followers_count")
    if followers is None:
        raise BadResponse("Instagram did not say how many followers the account has.")
    return AccountStats(
        followers=followers,
        following=int_of(body, "follows_count"),
        posts=int_of(body, "media_count"),
        measured_at=datetime.now(UTC),
    )


def post_stats(get: Getter, remote_ids: Sequence[str]) -> dict[str, PostStats]:
    stats: dict[str, PostStats] = {}
    for media_id in list(dict.fromkeys(r for r in remote_ids if r))[:MAX_POSTS]:
        path = f"/{quote(media_id, safe='')}"
        body = get(path, {"fields": "id,like_count,comments_count"}, "Reading a post")
        insights = _insights(get, path)
        stats[media_id] = PostStats(
            likes=insights.get("likes", int_of(body, "like_count")),
            reposts=insights.get("shares"),
            replies=insights.get("comments", int_of(body, "comments_count")),
            views=insights.get("views"),
        )
    return stats


def _insights(get: Getter, path: str) -> dict[str, int | None]:
    """Media insights by name; {} when Instagram gives none (too few viewers, no right)."""
    try:
        body = get(
            f"{path}/insights", {"metric": ",".join(INSIGHT_METRICS)}, "Reading post insights"
        )
    except (PermanentError, AuthError, BadResponse):
        return {}
    values: dict[str, int | None] = {}
    for row in list_of(body, "data"):
        name = text_of(row, "name")
        points = [p for p in list_of(row, "values") if isinstance(p, dict)]
        value = int_of(points[-1], "value") if points else None
        if value is None:
            value = int_of(dict_of(row, "total_value"), "value")
        if name in INSIGHT_METRICS and value is not None:
            values[name] = value
    return values
