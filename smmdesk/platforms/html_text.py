"""HTML from a network, turned into the plain text the app shows.

Mastodon (and other ActivityPub servers) send a status as a small HTML
fragment: ``<p>`` paragraphs, ``<br>`` line breaks, links whose scheme and tail
sit in ``<span class="invisible">``, mentions wrapped in ``h-card`` spans. The
app never renders network HTML (DESIGN invariant 5), so it keeps the words:
paragraphs become blank lines, ``<br>`` a newline, entities are unescaped, every
tag goes, and the hidden parts of a link stay so that the full address is kept.

``comparable`` reduces a text to what survives the round trip through a
server's formatter, so a post we sent can be recognised among the posts the
server gives back (after a crash, or when a scheduled post went out).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCKS = frozenset({"p", "div", "blockquote", "li", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})
_SKIP = frozenset({"script", "style", "template"})
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_ANY_SPACE = re.compile(r"\s+")
# "@name@some.domain" is shown by Mastodon as just "@name".
_REMOTE_MENTION = re.compile(r"(?<![\w@])@([\w.-]+)@[\w.-]+\w")


# What a Mastodon server actually sends: text, p/br/a/span tags whose
# attributes hold no angle brackets. Such a fragment is read with one regular
# expression, several times faster than HTMLParser (a sync reads thousands);
# anything else goes to the parser.
_SIMPLE = re.compile(r"(?:[^<]|</?(?:p|br|a|span)(?:\s[^<>]*)?/?>)*")
_SIMPLE_TAG = re.compile(r"<(/?)(p|br|a|span)(?:\s[^<>]*)?(/?)>")


def _simple_text(fragment: str) -> str:
    parts: list[str] = []
    position = 0
    for tag in _SIMPLE_TAG.finditer(fragment):
        if tag.start() > position:
            parts.append(html.unescape(fragment[position : tag.start()]))
        name = tag.group(2)
        if name == "br" and not tag.group(1):
            parts.append("\n")
        elif name == "p" and parts and not tag.group(3):
            parts.append("\n\n")
        position = tag.end()
    if position < len(fragment):
        parts.append(html.unescape(fragment[position:]))
    return "".join(parts)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self._paragraph_break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self._paragraph_break()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)

    def _paragraph_break(self) -> None:
        if self.parts:
            self.parts.append("\n\n")


def html_to_text(fragment: object) -> str:
    """Plain text of an HTML fragment; never raises, whatever it is given."""
    if not isinstance(fragment, str) or not fragment:
        return ""
    if _SIMPLE.fullmatch(fragment):
        raw = _simple_text(fragment)
    else:
        parser = _TextParser()
        try:
            parser.feed(fragment)
            parser.close()
            raw = "".join(parser.parts)
        except Exception:  # HTMLParser is lenient, but a fallback costs nothing
            raw = html.unescape(_TAG.sub("", fragment))
    lines = [_SPACES.sub(" ", line).strip() for line in raw.split("\n")]
    text = "\n".join(lines)
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def comparable(text: str) -> str:
    """``text`` as it compares after a server re-formatted it.

    Whitespace of any kind collapses to one space, and a remote mention
    ``@name@domain`` to ``@name`` (the form a server shows it in).
    """
    text = _REMOTE_MENTION.sub(lambda m: "@" + m.group(1), text or "")
    return _ANY_SPACE.sub(" ", text).strip()
