"""The sandbox network's world: its stored state and its simulated audience.

Everything here is a pure function of a seed string, the account's handle,
the account's own posts and replies, and a time: nothing is random in the
irreproducible sense and nothing touches the disk (the state file's format is
here; ``sandbox.py`` reads and writes the file). The same seed and the same
history always give the same comments, messages and numbers; the connector
only keeps the history and filters what this module generates by its clock.
The people who write and their texts are data in ``sandbox_audience_texts``.

What the audience does:

* each post draws 0-12 comments over the following 72 hours, most of them in
  the first hours (more, and more questions, when the post asks something:
  its text contains "?"); some comments get replies from other people, and a
  post sets off a few mentions of the account that are not tied to it;
* about one direct message a day arrives, from the account's first post on;
* when the manager answers someone, that person answers back an hour later
  about half the time (spam bots never do);
* now and then a comment or reply changes after it was written: its author
  edits it (a line added; about 9 in 100) or removes it (4 in 100), and most
  spam is taken down within a day (3 in 10). The changed item is reported
  again with the same remote id (``later_change``), as a real network does.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from smmdesk.platforms.base import InboxKind, PostStats, RemoteInboxItem
from smmdesk.platforms.sandbox_audience_texts import AUTHORS, PEOPLE, SPAMMERS, TEXTS, Author

#: The latest a comment or reply is edited or removed after it was written.
CHANGE_SPAN = timedelta(hours=24)
#: No event of a post (its later changes included) comes later than this after the post.
EVENT_SPAN = timedelta(hours=80) + CHANGE_SPAN
FOLLOW_UP_DELAY = timedelta(hours=1)
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
_FORMAT = "smmdesk-sandbox"


@dataclass(frozen=True)
class Post:
    """One of the account's own posts."""

    remote_id: str
    text: str
    images: int
    published_at: datetime
    key: str = ""  # the idempotency key it was published with


@dataclass(frozen=True)
class SentReply:
    """An answer the manager sent to an inbox item."""

    remote_id: str
    item_id: str
    kind: InboxKind
    post_id: str
    author_id: str
    author_name: str
    text: str
    sent_at: datetime


def aware(value: datetime) -> datetime:
    """``value`` in UTC; a naive time is a programming error."""
    if value.tzinfo is None:
        raise ValueError("sandbox times must be timezone-aware")
    return value.astimezone(UTC)


def parse_time(value: Any) -> datetime:
    return aware(datetime.fromisoformat(str(value)))


# --- the stored state -----------------------------------------------------------


@dataclass
class Account:
    """What the state file keeps of one account; the audience is recomputed."""

    counter: int = 0
    posts: list[Post] = field(default_factory=list)
    replies: list[SentReply] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)
    hidden: set[str] = field(default_factory=set)

    def live_posts(self) -> list[Post]:
        return [p for p in self.posts if p.remote_id not in self.deleted]


def _typed(kind: type) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, kind) or isinstance(value, bool):
            raise TypeError(f"expected {kind.__name__}")
        return value

    return check


# How each field type of Post and SentReply is read back from JSON.
_READ: dict[str, Callable[[Any], Any]] = {
    "str": _typed(str),
    "int": _typed(int),
    "datetime": lambda v: parse_time(_typed(str)(v)),
    "InboxKind": InboxKind,
}


def _record(obj: Post | SentReply) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(obj).items()}


def parse_state(raw: str) -> dict[str, Account]:
    data = json.loads(raw)
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise ValueError("not a sandbox state file")
    accounts: dict[str, Account] = {}
    for handle, acc in dict(data["accounts"]).items():
        accounts[str(handle)] = Account(
            counter=_typed(int)(acc["counter"]),
            posts=[
                Post(**{f.name: _READ[str(f.type)](p[f.name]) for f in fields(Post)})
                for p in acc["posts"]
            ],
            replies=[
                SentReply(**{f.name: _READ[str(f.type)](r[f.name]) for f in fields(SentReply)})
                for r in acc["replies"]
            ],
            deleted={_typed(str)(i) for i in acc["deleted"]},
            hidden={_typed(str)(i) for i in acc["hidden"]},
        )
    return accounts


def dump_state(accounts: dict[str, Account]) -> str:
    data = {
        "format": _FORMAT,
        "version": 1,
        "accounts": {
            handle: {
                "counter": acc.counter,
                "posts": [_record(p) for p in acc.posts],
                "replies": [_record(r) for r in acc.replies],
                "deleted": sorted(acc.deleted),
                "hidden": sorted(acc.hidden),
            }
            for handle, acc in accounts.items()
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


# --- text length ---------------------------------------------------------------

_ZWJ = "\u200d"


def _extends(ch: str) -> bool:
    """Whether ``ch`` belongs to the character before it (an approximation)."""
    cp = ord(ch)
    return (
        unicodedata.combining(ch) != 0
        or unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or 0xFE00 <= cp <= 0xFE0F  # variation selectors
        or 0x1F3FB <= cp <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= cp <= 0xE007F  # tags (subdivision flags)
        or 0xE0100 <= cp <= 0xE01EF  # variation selectors supplement
    )


def count_graphemes(text: str) -> int:
    """User-perceived characters, approximately (stdlib only).

    Combining marks, variation selectors, skin tones, ZWJ sequences, a pair of
    regional indicators (a flag) and CR LF each count as one.
    """
    count = 0
    joined = False  # the previous code point was a ZWJ
    open_flag = False  # a regional indicator waiting for its pair
    after_cr = False
    for ch in text:
        cp = ord(ch)
        if joined or ch == _ZWJ or (count and _extends(ch)):
            joined = ch == _ZWJ
            continue
        if 0x1F1E6 <= cp <= 0x1F1FF:
            after_cr = False
            if open_flag:
                open_flag = False
                continue
            open_flag = True
            count += 1
            continue
        open_flag = False
        if ch == "\n" and after_cr:
            after_cr = False
            continue
        after_cr = ch == "\r"
        count += 1
    return count


# --- what the audience does ------------------------------------------------------
# (who writes and their texts: ``sandbox_audience_texts``)

_CATEGORIES = ("question", "complaint", "praise", "spam", "other")
_WEIGHTS = (2, 1, 4, 1, 2)
_WEIGHTS_ON_QUESTION = (5, 1, 2, 1, 1)


def _author(rng: random.Random, category: str) -> Author:
    return rng.choice(SPAMMERS if category == "spam" else PEOPLE)


def _text(rng: random.Random, category: str, author: Author, handle: str) -> str:
    pools = TEXTS[category]
    own = pools.get(author.lang)
    pool = own if own and rng.random() < 0.75 else pools["en"]
    return rng.choice(pool).replace("{handle}", handle)


def _delay(rng: random.Random, hours: float) -> timedelta:
    """A delay of at most ``hours``, most of them early (cubic skew)."""
    return timedelta(seconds=120 + int(rng.random() ** 3 * hours * 3600))


def _rng(*parts: object) -> random.Random:
    return random.Random("|".join(str(p) for p in parts))


def post_url(handle: str, post_id: str) -> str:
    return f"sandbox://{handle}/posts/{post_id}"


def post_events(seed: str, handle: str, post: Post) -> list[RemoteInboxItem]:
    """Every comment, reply and mention a post ever draws (the clock filters)."""
    rng = _rng(seed, handle, "post", post.remote_id)
    asks = "?" in post.text
    count = min(12, rng.randint(0, 8) + (rng.randint(2, 4) if asks else 0))
    weights = _WEIGHTS_ON_QUESTION if asks else _WEIGHTS
    url = post_url(handle, post.remote_id)
    items: list[RemoteInboxItem] = []
    for i in range(1, count + 1):
        category = rng.choices(_CATEGORIES, weights)[0]
        author = _author(rng, category)
        comment = RemoteInboxItem(
            remote_id=f"{post.remote_id}-c{i}",
            kind=InboxKind.COMMENT,
            author_id=author.remote_id,
            author_name=author.name,
            text=_text(rng, category, author, handle),
            created_at=post.published_at + _delay(rng, 72),
            post_remote_id=post.remote_id,
            url=f"{url}#c{i}",
        )
        items.append(comment)
        replies = 0 if category == "spam" else rng.choices((0, 1, 2), (70, 20, 10))[0]
        for j in range(1, replies + 1):
            other = rng.choice([p for p in PEOPLE if p is not author])
            category = rng.choice(("reply", "reply", "question", "complaint", "praise"))
            items.append(
                RemoteInboxItem(
                    remote_id=f"{comment.remote_id}-r{j}",
                    kind=InboxKind.REPLY,
                    author_id=other.remote_id,
                    author_name=other.name,
                    text=_text(rng, category, other, handle),
                    created_at=comment.created_at + _delay(rng, 6),
                    post_remote_id=post.remote_id,
                    parent_remote_id=comment.remote_id,
                    url=f"{url}#c{i}-r{j}",
                )
            )
    for k in range(1, rng.choice((0, 0, 1, 1, 2)) + 1):
        author = rng.choice(PEOPLE)
        mention_id = f"{post.remote_id}-m{k}"
        items.append(
            RemoteInboxItem(
                remote_id=mention_id,
                kind=InboxKind.MENTION,
                author_id=author.remote_id,
                author_name=author.name,
                text=_text(rng, "mention", author, handle),
                created_at=post.published_at + _delay(rng, 72),
                url=f"sandbox://{author.handle}/posts/{mention_id}",
            )
        )
    return items


def later_change(seed: str, handle: str, item: RemoteInboxItem) -> RemoteInboxItem | None:
    """The comment or reply as reported again after its author edited or removed it.

    ``created_at`` stays the item's own time (the item is the same, only
    changed); when the change happens is returned by ``change_time``. None
    when the item is left alone, which is most of the time.
    """
    if item.kind not in (InboxKind.COMMENT, InboxKind.REPLY):
        return None
    rng = _rng(seed, handle, "change", item.remote_id)
    author = AUTHORS.get(item.author_id)
    lang = author.lang if author is not None else "en"
    roll = rng.random()
    if roll < (0.3 if lang == "spam" else 0.04):
        return replace(item, removed=True)
    if lang == "spam" or roll >= 0.13:
        return None
    pool = TEXTS["edit"].get(lang) or TEXTS["edit"]["en"]
    return replace(item, text=f"{item.text}\n{rng.choice(pool)}", edited=True)


def change_time(seed: str, handle: str, item: RemoteInboxItem) -> datetime:
    """When ``later_change`` happens: minutes to a day after the item, mostly early."""
    rng = _rng(seed, handle, "change-time", item.remote_id)
    return item.created_at + min(CHANGE_SPAN, _delay(rng, 24))


def direct_messages(seed: str, handle: str, day: date) -> list[RemoteInboxItem]:
    """The direct messages of one day (about one a day on average)."""
    rng = _rng(seed, handle, "dm", day.isoformat())
    midnight = datetime.combine(day, time(), UTC)
    items: list[RemoteInboxItem] = []
    for k in range(1, rng.choices((0, 1, 2), (15, 70, 15))[0] + 1):
        author = rng.choice(PEOPLE)
        items.append(
            RemoteInboxItem(
                remote_id=f"{handle}-dm-{day:%Y%m%d}-{k}",
                kind=InboxKind.DIRECT_MESSAGE,
                author_id=author.remote_id,
                author_name=author.name,
                text=_text(rng, "dm", author, handle),
                created_at=midnight + timedelta(seconds=rng.randint(7 * 3600, 22 * 3600)),
                url=f"sandbox://{handle}/messages/{author.handle}",
            )
        )
    return items


def follow_up(seed: str, handle: str, reply: SentReply) -> RemoteInboxItem | None:
    """The answer to one of our replies, if its author writes back."""
    rng = _rng(seed, handle, "follow-up", reply.remote_id)
    author = AUTHORS.get(reply.author_id)
    if rng.random() >= 0.5 or (author is not None and author.lang == "spam"):
        return None
    lang = author.lang if author is not None else "en"
    text = rng.choice(TEXTS["follow_up"].get(lang) or TEXTS["follow_up"]["en"])
    is_dm = reply.kind == InboxKind.DIRECT_MESSAGE
    remote_id = f"{reply.remote_id}-f"
    if is_dm:
        url = f"sandbox://{handle}/messages/{reply.author_id.removeprefix('sbx:')}"
    elif reply.post_id:
        url = f"{post_url(handle, reply.post_id)}#{remote_id}"
    else:
        url = ""
    return RemoteInboxItem(
        remote_id=remote_id,
        kind=InboxKind.DIRECT_MESSAGE if is_dm else InboxKind.REPLY,
        author_id=reply.author_id,
        author_name=reply.author_name,
        text=text,
        created_at=reply.sent_at + FOLLOW_UP_DELAY + timedelta(seconds=rng.randint(0, 900)),
        post_remote_id="" if is_dm else reply.post_id,
        parent_remote_id=reply.remote_id,
        url=url,
    )


# --- numbers -------------------------------------------------------------------


def make_id(seed: str, handle: str, kind: str, counter: int) -> str:
    """A stable remote id: the same seed, account and counter give the same id."""
    digest = hashlib.sha256(f"{seed}|{handle}|{kind}|{counter}".encode()).hexdigest()
    return f"{kind[0]}{digest[:12]}"


def _saturation(age: timedelta, hours: float) -> float:
    return 1.0 - math.exp(-max(0.0, age.total_seconds()) / 3600 / hours)


def followers_at(seed: str, handle: str, when: datetime, posts: Sequence[Post]) -> int:
    """Followers: a base, a slow trend, noise per day, and a bump after each post."""
    rng = _rng(seed, handle, "followers")
    base, per_day = rng.randint(800, 5000), rng.uniform(0.2, 1.5)
    days = (when - _EPOCH).total_seconds() / 86400
    noise = _rng(seed, handle, "noise", when.date().isoformat()).randint(-8, 8)
    bumps = sum(
        _rng(seed, handle, "bump", p.remote_id).randint(3, 30)
        * _saturation(when - p.published_at, 6)
        for p in posts
        if p.published_at <= when
    )
    return max(0, round(base + per_day * days + noise + bumps))


def following_at(seed: str, handle: str, when: datetime) -> int:
    start = _rng(seed, handle, "following").randint(80, 700)
    return max(0, start + int((when - _EPOCH).days // 30))


def earlier_posts(seed: str, handle: str) -> int:
    """Posts the account had before it met SMM Desk."""
    return _rng(seed, handle, "earlier-posts").randint(20, 300)


def post_stats(
    seed: str, handle: str, post: Post, now: datetime, replies: int, audience: int
) -> PostStats:
    """Likes, reposts and views grow with age towards a ceiling set at publishing."""
    rng = _rng(seed, handle, "stats", post.remote_id)
    views = audience * rng.uniform(0.4, 1.5) * (1.3 if post.images else 1.0)
    likes = views * rng.uniform(0.03, 0.09)
    reposts = likes * rng.uniform(0.05, 0.25)
    age = now - post.published_at
    return PostStats(
        likes=int(likes * _saturation(age, 10)),
        reposts=int(reposts * _saturation(age, 14)),
        replies=replies,
        views=int(views * _saturation(age, 8)),
    )
