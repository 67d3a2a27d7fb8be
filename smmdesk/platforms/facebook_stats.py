"""Numbers for a Facebook Page: followers, and per post reactions, comments,
shares and views.

Followers are ``followers_count`` (``fan_count``, the legacy Page likes, only
when Facebook gives no follower count). Per post, one read gives
``reactions.summary(total_count)``, ``comments.summary(total_count)`` and
``shares.count`` (Facebook leaves ``shares`` out when nobody shared: 0).
Views come from the post's insights, ``post_media_view``: Meta retired the
``*_impressions`` metrics (June and November 2025) in favour of the "views"
ones. Without ``read_insights``, for a post Facebook has no views data for
yet, or when the metric is refused, views are None ("not available"), never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import quote

from smmdesk.platforms.base import (
    AccountStats,
    AuthError,
    BadResponse,
    PermanentError,
    PostStats,
)
from smmdesk.platforms.graph_api import (
    GraphClient,
    NotFound,
    dict_of,
    graph_code,
    int_of,
    list_of,
    text_of,
)

VIEWS_METRIC = "post_media_view"
STATS_FIELDS = (
    "shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
)
#: At most this many posts are read per call; the rest wait for the next round.
MAX_POSTS = 100


def _seg(value: str) -> str:
    return quote(value, safe="")


def account_stats(graph: GraphClient, page_id: str) -> AccountStats:
    page = graph.get(
        f"/{_seg(page_id)}",
        {"fields": "followers_count,fan_count"},
        "Reading the Page's followers",
        needs="pages_read_engagement",
    )
    followers = int_of(page, "followers_count")
    if followers is None:
        followers = int_of(page, "fan_count")
    if followers is None:
        raise BadResponse("Facebook did not give the Page's follower count.")
    return AccountStats(followers=followers, measured_at=datetime.now(UTC))


def post_stats(
    graph: GraphClient, remote_ids: Sequence[str], insights: bool = True
) -> dict[str, PostStats]:
    """Counts of some of the Page's posts; posts that are gone are left out."""
    result: dict[str, PostStats] = {}
    for post_id in [i for i in dict.fromkeys(remote_ids) if i][:MAX_POSTS]:
        try:
            post = graph.get(
                f"/{_seg(post_id)}",
                {"fields": STATS_FIELDS},
                "Reading post stats",
                needs="pages_read_engagement",
            )
        except NotFound:
            continue
        views = None
        if insights:
            views, insights = _views(graph, post_id)
        shares = dict_of(post, "shares")
        result[post_id] = PostStats(
            likes=int_of(dict_of(dict_of(post, "reactions"), "summary"), "total_count"),
            replies=int_of(dict_of(dict_of(post, "comments"), "summary"), "total_count"),
            reposts=int_of(shares, "count") if shares else (0 if "reactions" in post else None),
            views=views,
        )
    return result


def _views(graph: GraphClient, post_id: str) -> tuple[int | None, bool]:
    """(views or None, whether to keep asking insights for the other posts)."""
    try:
        body = graph.get(
            f"/{_seg(post_id)}/insights",
            {"metric": VIEWS_METRIC},
            "Reading post views",
            needs="read_insights",
        )
    except AuthError as exc:
        if graph_code(exc)[0] in (None, 190, 102):
            raise
        return None, False  # no read_insights: views are not available
    except PermanentError:
        return None, True
    for metric in list_of(body, "data"):
        if text_of(metric, "name") != VIEWS_METRIC:
            continue
        values = list_of(metric, "values")
        if values:
            return int_of(values[-1], "value"), True
    return None, True
