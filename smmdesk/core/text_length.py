"""How each network counts the length of a post.

Networks disagree on what a "character" is, and a post that a network rejects
for length fails at publish time, often unattended in the night. So the
composer counts the way the network counts, before the post is scheduled:

- ``graphemes``: user-perceived characters (Bluesky). "👍🏽", "🇱🇻" and a
  family emoji are one each; a Latvian "Ģ" is one whether it is typed as one
  code point (NFC) or as "G" plus a combining cedilla (NFD).
- ``codepoints``: Unicode code points (Mastodon's web composer).
- ``utf16``: UTF-16 code units, what JavaScript's ``length`` reports
  (Telegram, Facebook, Instagram): an emoji outside the BMP counts 2.

The ``counting`` argument takes the string values of
``smmdesk.platforms.base.TextCounting``; core does not import platforms
(imports point down only, see DESIGN.md), and a ``StrEnum`` member compares
equal to its value, so either can be passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

GRAPHEMES = "graphemes"
CODEPOINTS = "codepoints"
UTF16 = "utf16"
COUNTINGS = (GRAPHEMES, CODEPOINTS, UTF16)

_GRAPHEME = regex.compile(r"\X")

URL_PATTERN = re.compile(r"\bhttps?://[^\s<>\"'`{}|\\^]+", re.IGNORECASE)
"""http(s) URLs as people paste them. Only URLs with a scheme: that is what
Mastodon shortens (it does not give bare domains the 23-character rate), and
what the link policy treats as a link. Trailing punctuation is trimmed by
:func:`find_urls`, not by the pattern."""

# Mastodon's Account::MENTION_RE, reduced to the remote form: "@user@domain"
# counts as "@user", because the domain is not shown in the post.
_REMOTE_MENTION = regex.compile(
    r"(?<![=/\w])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)@[\w.-]+\w", regex.IGNORECASE
)

_TRAILING = ".,;:!?'\"»”’…"
_CLOSERS = {")": "(", "]": "["}


def count_graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters, UAX #29)."""
    return len(_GRAPHEME.findall(text))


def count_codepoints(text: str) -> int:
    return len(text)


def count_utf16(text: str) -> int:
    """UTF-16 code units: characters outside the BMP (most emoji) count 2."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _url_spans(text: str) -> list[tuple[int, int]]:
    """Where the URLs are, with sentence punctuation after them left out.

    "See https://example.com/a." ends the URL before the full stop; a closing
    bracket stays only when the URL opened one itself (Wikipedia-style paths).
    """
    spans = []
    for match in URL_PATTERN.finditer(text):
        start, end = match.span()
        while end > start:
            last = text[end - 1]
            if last in _TRAILING:
                end -= 1
            elif last in _CLOSERS:
                url = text[start:end]
                if url.count(_CLOSERS[last]) < url.count(last):
                    end -= 1
                else:
                    break
            else:
                break
        if text[start:end].lower().rstrip("/") not in ("http:", "https:"):
            spans.append((start, end))
    return spans


def find_urls(text: str) -> list[str]:
    """The http(s) URLs in ``text``, in order, trailing punctuation trimmed."""
    return [text[start:end] for start, end in _url_spans(text)]


def _replace_urls(text: str, url_length: int) -> str:
    stand_in = "x" * url_length
    parts = []
    position = 0
    for start, end in _url_spans(text):
        parts.append(text[position:start])
        parts.append(stand_in)
        position = end
    parts.append(text[position:])
    return "".join(parts)


def measure(text: str, counting: str, url_length: int | None = None) -> int:
    """The length of ``text`` as a network with this ``counting`` sees it.

    With ``url_length`` set, every URL counts as that many units whatever its
    real length (Mastodon: ``characters_reserved_per_url``, 23 by default).

    Mastodon also counts a remote mention ``@user@remote.domain`` as just
    ``@user``. That rule applies when ``counting == "codepoints"`` and
    ``url_length`` is set, which is exactly how the Mastodon connector
    declares itself. (Mastodon's server counts grapheme clusters while its web
    composer counts code points; code points are never fewer, so the count
    here is the stricter of the two and never lets a too-long post through.)
    """
    if counting not in COUNTINGS:
        raise ValueError(f"unknown text counting {counting!r}; use one of {COUNTINGS}")
    countable = text
    if url_length is not None:
        countable = _replace_urls(countable, url_length)
        if counting == CODEPOINTS:
            countable = _REMOTE_MENTION.sub(r"@\1", countable)
    if counting == GRAPHEMES:
        return count_graphemes(countable)
    if counting == UTF16:
        return count_utf16(countable)
    return count_codepoints(countable)


@dataclass(frozen=True)
class LengthCheck:
    """A post's length against a network's limit: what the composer shows."""

    count: int
    limit: int
    over: bool

    @property
    def remaining(self) -> int:
        """Units left before the limit; negative when over."""
        return self.limit - self.count


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def check_length(
    text: str,
    counting: str,
    limit: int,
    url_length: int | None = None,
    byte_limit: int | None = None,
) -> LengthCheck:
    """Whether ``text`` fits: at most ``limit`` counted units.

    ``byte_limit`` is a second cap on the UTF-8 size (Bluesky: 300 graphemes
    *and* 3000 bytes; a post in a script of 3-byte characters with many
    combining marks can hit the byte cap first). The post is over when either
    is exceeded; ``count`` always reports the counted units.
    """
    count = measure(text, counting, url_length)
    over = count > limit or (byte_limit is not None and utf8_size(text) > byte_limit)
    return LengthCheck(count=count, limit=limit, over=over)
