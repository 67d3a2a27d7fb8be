"""Rich-text facets for a Bluesky post: links, mentions and hashtags.

Bluesky does not detect links, mentions or tags in ``text`` itself; a post
carries ``facets`` that point at slices of the text by **UTF-8 byte**
offsets (``byteStart`` inclusive, ``byteEnd`` exclusive), per the
``app.bsky.richtext.facet`` lexicon. Python indexes strings by code point, so
every offset here is computed on the encoded bytes: "Ģ" is 2 bytes, "€" 3,
"👍🏽" 8. A wrong offset does not fail the post; it silently underlines the
wrong letters, which is why the tests use emoji, Cyrillic and Latvian text.

What is detected (following the Bluesky app's own detection):

* links: http(s) URLs as the composer's link policy finds them
  (``core.text_length.find_urls``: trailing sentence punctuation left out);
* mentions: ``@handle.domain`` at the start, after a space or "(" (so an
  e-mail address is not a mention), resolved to a DID with
  ``com.atproto.identity.resolveHandle``; a handle that does not resolve gets
  no facet and stays plain text;
* hashtags: ``#tag`` at the start or after a space, not only digits,
  trailing punctuation trimmed, at most 64 characters; the facet holds the
  tag without "#".

Nothing inside a link becomes a mention or a tag.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import regex

from smmdesk.core.text_length import count_graphemes, find_urls

LINK = "app.bsky.richtext.facet#link"
MENTION = "app.bsky.richtext.facet#mention"
TAG = "app.bsky.richtext.facet#tag"

_MENTION = regex.compile(r"(?:^|(?<=[\s(]))@([a-zA-Z0-9.-]+)\b")
_HANDLE = regex.compile(
    r"([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
)
_INVISIBLE = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
_TAG = regex.compile(
    rf"(?:^|(?<=\s))[#＃]((?!\ufe0f)[^\s{_INVISIBLE}]*[^\d\s\p{{P}}{_INVISIBLE}]+[^\s{_INVISIBLE}]*)"
)
_TRAILING_PUNCT = regex.compile(r"\p{P}+$")


def is_handle(text: str) -> bool:
    """Whether ``text`` has the syntax of an atproto handle (``name.domain``)."""
    return len(text) <= 253 and _HANDLE.fullmatch(text) is not None


def _byte_offsets(text: str) -> list[int]:
    """``offsets[i]`` = UTF-8 size of ``text[:i]``, for every i in 0..len(text)."""
    offsets = [0]
    total = 0
    for char in text:
        total += len(char.encode("utf-8", "surrogatepass"))
        offsets.append(total)
    return offsets


def _url_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    position = 0
    for url in find_urls(text):
        start = text.find(url, position)
        if start < 0:  # cannot happen: find_urls returns slices of text, in order
            continue
        end = start + len(url)
        spans.append((start, end, url))
        position = end
    return spans


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end in taken)


def mention_handles(text: str) -> list[str]:
    """The handles mentioned in ``text`` (lower-case, in order, no repeats)."""
    taken = [(s, e) for s, e, _ in _url_spans(text)]
    seen: list[str] = []
    for match in _MENTION.finditer(text):
        handle = match.group(1).lower()
        start, end = match.span()
        if is_handle(handle) and not _overlaps(start, end, taken) and handle not in seen:
            seen.append(handle)
    return seen


def detect_facets(text: str, resolve: Callable[[str], str | None]) -> list[dict[str, Any]]:
    """The facets of ``text``, ordered by position.

    ``resolve`` maps a handle (lower-case, without "@") to a DID, or None when
    the handle does not exist; it is called once per distinct handle.
    """
    offsets = _byte_offsets(text)
    found: list[tuple[int, int, dict[str, Any]]] = []
    taken: list[tuple[int, int]] = []

    for start, end, url in _url_spans(text):
        found.append((start, end, {"$type": LINK, "uri": url}))
        taken.append((start, end))

    dids: dict[str, str | None] = {}
    for match in _MENTION.finditer(text):
        handle = match.group(1).lower()
        start, end = match.span()
        if not is_handle(handle) or _overlaps(start, end, taken):
            continue
        if handle not in dids:
            dids[handle] = resolve(handle)
        did = dids[handle]
        if did:
            found.append((start, end, {"$type": MENTION, "did": did}))
            taken.append((start, end))

    for match in _TAG.finditer(text):
        raw = match.group(1)
        tag = _TRAILING_PUNCT.sub("", raw.strip())
        if not tag or count_graphemes(tag) > 64 or len(tag.encode("utf-8", "replace")) > 640:
            continue
        start = match.start()
        end = match.start(1) + len(tag)
        if _overlaps(start, end, taken):
            continue
        found.append((start, end, {"$type": TAG, "tag": tag}))
        taken.append((start, end))

    found.sort(key=lambda item: item[0])
    return [
        {
            "index": {"byteStart": offsets[start], "byteEnd": offsets[end]},
            "features": [feature],
        }
        for start, end, feature in found
    ]
