"""The sandbox audience as the network shows it at a moment.

``sandbox_world`` says what every post, day and answer draws; this module
turns that into what a network reports: a stream of events in time order (a
comment when it is written, and again when it is edited or removed), the
current state of every item, and the conversation around one item. Pure
functions of the seed, the stored account and a time, like the world itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from smmdesk.platforms import sandbox_world as world
from smmdesk.platforms.base import InboxKind, PermanentError, RemoteInboxItem, RemoteThread

#: One report of an item: when it happens, a key unique in the stream (the
#: cursor orders by it), and the item as reported.
Event = tuple[datetime, str, RemoteInboxItem]

_EVER = datetime.min.replace(tzinfo=UTC)
_THREAD_KINDS = (InboxKind.COMMENT, InboxKind.REPLY)


def _items(
    seed: str, handle: str, acc: world.Account, now: datetime, since: datetime
) -> list[RemoteInboxItem]:
    """Every item that may have an event in ``[since, now]`` (some fall outside)."""
    items: list[RemoteInboxItem] = []
    for post in acc.live_posts():
        if post.published_at + world.EVENT_SPAN >= since:
            items.extend(world.post_events(seed, handle, post))
    if acc.posts:
        start = min(p.published_at for p in acc.posts)
        day = max(start, since).date()
        while day <= now.date():
            items.extend(
                m for m in world.direct_messages(seed, handle, day) if m.created_at >= start
            )
            day += timedelta(days=1)
    for sent in acc.replies:
        if sent.post_id not in acc.deleted:
            answer = world.follow_up(seed, handle, sent)
            if answer is not None:
                items.append(answer)
    return items


def events(
    seed: str, handle: str, acc: world.Account, now: datetime, since: datetime
) -> list[Event]:
    """The reports with ``since <= time <= now``, in time order.

    An item written and later edited or removed is reported twice: as it was
    written (keyed by its remote id), and changed, at the time of the change
    (keyed ``<remote id>~edited`` or ``~removed``); both carry its remote id.
    """
    found: list[Event] = []
    for item in _items(seed, handle, acc, now, since):
        found.append((item.created_at, item.remote_id, item))
        changed = world.later_change(seed, handle, item)
        if changed is not None:
            mark = "removed" if changed.removed else "edited"
            at = world.change_time(seed, handle, item)
            found.append((at, f"{item.remote_id}~{mark}", changed))
    found = [e for e in found if since <= e[0] <= now]
    found.sort(key=lambda e: (e[0], e[1]))
    return found


def current(
    seed: str, handle: str, acc: world.Account, now: datetime, since: datetime = _EVER
) -> dict[str, RemoteInboxItem]:
    """Each item reported since ``since`` as it stands at ``now`` (edited, removed)."""
    state: dict[str, RemoteInboxItem] = {}
    for _, _, item in events(seed, handle, acc, now, since):
        state[item.remote_id] = item  # a later report replaces an earlier one
    return state


def _ours(handle: str, sent: world.SentReply) -> RemoteInboxItem:
    """One of the manager's replies, in the shape of an inbox item."""
    is_dm = sent.kind == InboxKind.DIRECT_MESSAGE
    if is_dm:
        url = f"sandbox://{handle}/messages/{sent.author_id.removeprefix('sbx:')}"
    elif sent.post_id:
        url = f"{world.post_url(handle, sent.post_id)}#{sent.remote_id}"
    else:
        url = ""
    return RemoteInboxItem(
        remote_id=sent.remote_id,
        kind=InboxKind.DIRECT_MESSAGE if is_dm else InboxKind.REPLY,
        author_id=f"sbx:{handle}",
        author_name=f"@{handle}",
        text=sent.text,
        created_at=sent.sent_at,
        post_remote_id="" if is_dm else sent.post_id,
        parent_remote_id=sent.item_id,
        url=url,
        author_handle=f"@{handle}",
    )


def conversation(
    seed: str, handle: str, acc: world.Account, item: RemoteInboxItem, now: datetime
) -> RemoteThread:
    """The post ``item`` belongs to, with the audience's items and our replies around it.

    A comment or reply: every comment and reply on its post. A direct
    message: the whole exchange with its author. A mention: the mention, our
    answers and the answers to those. Oldest first; removed items stay,
    marked, as the inbox keeps them too.
    """
    state = current(seed, handle, acc, now)
    if item.remote_id not in state:
        raise PermanentError("This item is not on the sandbox (any more); its post was deleted.")
    item = state[item.remote_id]
    post_text = post_url = ""
    if item.kind == InboxKind.DIRECT_MESSAGE:
        sent = [
            r
            for r in acc.replies
            if r.kind == InboxKind.DIRECT_MESSAGE and r.author_id == item.author_id
        ]
        members = [
            i
            for i in state.values()
            if i.kind == InboxKind.DIRECT_MESSAGE and i.author_id == item.author_id
        ]
    elif item.post_remote_id:
        post = next((p for p in acc.live_posts() if p.remote_id == item.post_remote_id), None)
        if post is None:
            raise PermanentError("The post this item belongs to is not on the sandbox.")
        post_text, post_url = post.text, world.post_url(handle, post.remote_id)
        sent = [
            r
            for r in acc.replies
            if r.post_id == post.remote_id and r.kind != InboxKind.DIRECT_MESSAGE
        ]
        members = [
            i
            for i in state.values()
            if i.post_remote_id == post.remote_id and i.kind in _THREAD_KINDS
        ]
    else:  # a mention, not tied to one of our posts
        sent = [r for r in acc.replies if r.item_id == item.remote_id]
        answers = {r.remote_id for r in sent}
        members = [item, *(i for i in state.values() if i.parent_remote_id in answers)]
    found = members + [_ours(handle, r) for r in sent if r.sent_at <= now]
    found.sort(key=lambda i: (i.created_at, i.remote_id))
    return RemoteThread(post_text=post_text, post_url=post_url, items=found)
