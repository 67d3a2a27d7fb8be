"""The reading pane's words and checks, kept free of Qt so a test can call them.

Everything here turns store data (``InboxDetail``) and core rules (tone,
link policy, saved-reply fields) into the plain sentences and lines the pane
shows. Network text passes through untouched except where it must fit on one
line of a header: there line breaks and control characters become spaces or
U+FFFD, and right-to-left text is isolated so an author's name cannot turn
the rest of the line around (a U+202E in a name is a classic spoofing trick).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from smmdesk.core.clock import to_local
from smmdesk.core.links import JUSTIFY, external_links
from smmdesk.core.reply_fields import field_values, fill
from smmdesk.core.tone import check_tone, parse_word_list
from smmdesk.core.vocabulary import InboxCategory, InboxKind, InboxStatus, ReplyStatus
from smmdesk.platforms.base import RemoteThread
from smmdesk.store.inbox_detail import AuthorInfo, HistoryLine, InboxDetail

#: Categories whose answers get the tone check (SMM-PRACTICE rule 3).
NEGATIVE_CATEGORIES = frozenset({InboxCategory.COMPLAINT.value})

#: Kinds of items that live under a post, so a network may hide them.
HIDEABLE_KINDS = frozenset({InboxKind.COMMENT.value, InboxKind.REPLY.value})

#: Longest text of one conversation entry shown; the selected item is shown whole above.
ENTRY_LIMIT = 20_000

#: Longest name or handle shown in a header line.
HEADER_LIMIT = 120

CATEGORY_KEYS: tuple[tuple[str, str], ...] = (
    ("1", InboxCategory.QUESTION.value),
    ("2", InboxCategory.COMPLAINT.value),
    ("3", InboxCategory.PRAISE.value),
    ("4", InboxCategory.SPAM.value),
    ("5", InboxCategory.OTHER.value),
)

_STATUS_WORDS = {
    InboxStatus.NEW.value: "New",
    InboxStatus.REPLIED.value: "Replied",
    InboxStatus.DONE.value: "Done",
    InboxStatus.ESCALATED.value: "Escalated",
}
_REPLY_WORDS = {
    ReplyStatus.QUEUED.value: "Waiting to be sent",
    ReplyStatus.SENT.value: "Sent",
    ReplyStatus.FAILED.value: "Not sent",
}
_BIDI_STRONG = frozenset({"R", "AL", "RLE", "RLO", "LRE", "LRO", "RLI", "LRI", "FSI", "PDF", "PDI"})
_FIELD_MISSING = {
    "name": "No name known for this person: {name} was left out.",
    "first_name": "No first name known for this person: {first_name} was left out.",
    "handle": "No handle known for this person: {handle} was left out.",
    "client": "No client name known: {client} was left out.",
}


# --- short texts ----------------------------------------------------------------


def isolate(text: str) -> str:
    """``text`` wrapped in FSI…PDI when it holds right-to-left or bidi control characters."""
    if any(unicodedata.bidirectional(ch) in _BIDI_STRONG for ch in text):
        return "\u2068" + text + "\u2069"
    return text


def one_line(text: str, limit: int = HEADER_LIMIT) -> str:
    """Network text made fit for a single-line label; never interpreted, only tidied."""
    cleaned = "".join(
        " " if ch in "\r\n\t\v\f\u2028\u2029" else "\ufffd" if _is_control(ch) else ch
        for ch in text[: limit * 4]
    )
    line = " ".join(cleaned.split())
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return isolate(line)


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc"


def status_word(status: str) -> str:
    return _STATUS_WORDS.get(status, status.capitalize())


def category_word(category: str) -> str:
    return "Unsorted" if category == InboxCategory.UNSORTED else category.capitalize()


def kind_word(kind: str) -> str:
    try:
        return InboxKind(kind).label
    except ValueError:
        return kind.replace("_", " ").capitalize()


def reply_word(status: str) -> str:
    return _REPLY_WORDS.get(status, status.capitalize())


def local_time(moment: datetime, zone: str) -> str:
    """``moment`` on the client's wall clock, with the zone's abbreviation."""
    local = to_local(moment, zone)
    return f"{local:%a %d %b %Y, %H:%M} {local.tzname() or zone}"


def short_time(moment: datetime, zone: str) -> str:
    return f"{to_local(moment, zone):%d %b %H:%M}"


def is_overdue(detail: InboxDetail, clock_text: str, now: datetime | None = None) -> bool:
    if "overdue" in clock_text.lower():
        return True
    if detail.due_at is None or detail.status != InboxStatus.NEW:
        return False
    return detail.due_at < (now or datetime.now(UTC))


def reply_window(detail: InboxDetail, now: datetime | None = None) -> str:
    """The network's answer window (Facebook Page messages), in words; "" if none."""
    if detail.reply_until is None:
        return ""
    left = (detail.reply_until - (now or datetime.now(UTC))).total_seconds()
    if left <= 0:
        return "Reply window closed"
    hours, minutes = int(left // 3600), int(left % 3600 // 60)
    return (
        f"Reply window: {hours} h {minutes} min left"
        if hours
        else (f"Reply window: {max(minutes, 1)} min left")
    )


def window_closed(detail: InboxDetail, now: datetime | None = None) -> bool:
    return detail.reply_until is not None and detail.reply_until <= (now or datetime.now(UTC))


def badges(detail: InboxDetail) -> list[str]:
    """What happened to the item on the network, in words."""
    found = []
    window = reply_window(detail)
    if window:
        found.append(window)
    if detail.edited_at is not None:
        found.append("Edited")
    if detail.removed_at is not None:
        found.append("Removed on the network")
    if detail.hidden:
        found.append("Hidden")
    return found


def author_summary(author: AuthorInfo | None, zone: str) -> str:
    """One line on who this is: how often they write and what about."""
    if author is None:
        return "Nothing else is known about this person yet."
    items = f"{author.items} item{'s' if author.items != 1 else ''}"
    parts = [
        items,
        f"{author.answered} answered",
        f"first seen {short_time(author.first_at, zone)}",
    ]
    cats = sorted(
        ((n, c) for c, n in author.categories.items() if c != InboxCategory.UNSORTED),
        reverse=True,
    )
    if cats:
        parts.append(", ".join(f"{n} {category_word(c).lower()}" for n, c in cats[:4]))
    return " · ".join(parts)


def history_lines(history: Sequence[HistoryLine], zone: str, labels: dict[str, str]) -> list[str]:
    lines = []
    for line in history:
        label = labels.get(line.kind, line.kind.replace("_", " ").capitalize())
        if line.kind == "status":
            detail = status_word(line.detail)
        elif line.kind == "category":
            detail = category_word(line.detail)
        else:
            detail = line.detail
        text = f"{short_time(line.at, zone)}  {label}"
        lines.append(f"{text}: {detail}" if detail else text)
    return lines


# --- the conversation --------------------------------------------------------------


@dataclass(frozen=True)
class ConversationLine:
    """One entry of the conversation, in the order it is shown."""

    who: str
    when: datetime | None
    text: str
    ours: bool = False
    selected: bool = False
    note: str = ""  # "removed on the network", "not sent: …"


def _cut(text: str) -> str:
    if len(text) <= ENTRY_LIMIT:
        return text
    return text[:ENTRY_LIMIT] + f"… ({len(text) - ENTRY_LIMIT:,} more characters)"


def conversation(detail: InboxDetail) -> list[ConversationLine]:
    """Our post first, then the items and our replies, oldest first."""
    lines: list[tuple[datetime, int, ConversationLine]] = []
    us = f"You ({detail.handle})"
    for entry in detail.thread:
        selected = entry.item_id == detail.id
        lines.append(
            (
                entry.created_at,
                0,
                ConversationLine(
                    entry.author_name or "Someone",
                    entry.created_at,
                    _cut(entry.body),
                    selected=selected,
                    note="removed on the network" if entry.removed else "",
                ),
            )
        )
    for reply in detail.replies:
        when = reply.sent_at or reply.created_at
        # why a reply failed is said under the reply box, where Retry is
        note = "" if reply.status == ReplyStatus.SENT else reply_word(reply.status).lower()
        lines.append((when, 1, ConversationLine(us, when, _cut(reply.body), ours=True, note=note)))
    lines.sort(key=lambda entry: (entry[0], entry[1]))
    shown = [line for _, _, line in lines]
    if detail.post_text or detail.post_id is not None:
        post = ConversationLine(f"Your post ({detail.handle})", None, _cut(detail.post_text), True)
        shown.insert(0, post)
    return shown


def remote_conversation(detail: InboxDetail, thread: RemoteThread) -> list[ConversationLine]:
    """The conversation as the network told it, the selected item marked."""
    shown = []
    if thread.post_text:
        shown.append(ConversationLine("The post", None, _cut(thread.post_text), True))
    for item in thread.items:
        shown.append(
            ConversationLine(
                item.author_name or item.author_handle or "Someone",
                item.created_at,
                _cut(item.text),
                selected=item.remote_id == detail.remote_id,
                note="removed on the network" if item.removed else "",
            )
        )
    return shown


def needs_fetch(detail: InboxDetail) -> bool:
    """The store holds no more than the item itself: offer to ask the network."""
    if not detail.parent_in_store:
        return True
    alone = all(entry.item_id == detail.id for entry in detail.thread)
    return alone and not detail.post_text


# --- checks before sending -------------------------------------------------------------


def is_negative(category: str) -> bool:
    return category in NEGATIVE_CATEGORIES


def tone_warnings(text: str, category: str, flagged_words: str) -> list[str]:
    """Plain sentences on what sounds heated in an answer to a negative item; [] otherwise."""
    if not is_negative(category):
        return []
    # each message quotes its own excerpt ("“NEVER AGAIN” reads as shouting; …")
    return [issue.message for issue in check_tone(text, parse_word_list(flagged_words))]


def link_note(text: str, policy: str, client_name: str) -> str:
    """What the box says about links out of the community; "" when there are none."""
    links = external_links(text)
    if not links:
        return ""
    count = "A link" if len(links) == 1 else f"{len(links)} links"
    note = f"{count} out of the community"
    if policy == JUSTIFY:
        note += f": {one_line(client_name, 40)} asks why, you will be asked on sending"
    return note + "."


def asks_link_reason(text: str, policy: str) -> bool:
    return policy == JUSTIFY and bool(external_links(text))


@dataclass(frozen=True)
class FilledSaved:
    text: str
    note: str  # what was left out, in words; "" when every field was known


def fill_saved_reply(template: str, detail: InboxDetail) -> FilledSaved:
    """A saved reply with {name}, {client}… filled in for this item's author and client."""
    values = field_values(
        detail.author_name, detail.author_handle, detail.client_name, detail.handle
    )
    filled = fill(template, values)
    notes = []
    for name in filled.missing:
        notes.append(_FIELD_MISSING.get(name, f"No value known for {{{name}}}: it was left out."))
    for name in filled.unknown:
        notes.append(f"{{{name}}} is not a field the app fills in; it was kept as written.")
    return FilledSaved(filled.text, " ".join(notes))
