"""Reading one RSS or Atom feed: the download, the parsing, and plain text.

``fetch_feed`` is one conditional GET with ``requests`` (the stored ETag and
Last-Modified; a 304 means nothing new), streamed with a size cap and a
deadline. ``parse_feed`` hands the downloaded bytes to ``feedparser`` (which
never fetches anything by itself) and returns plain ``FeedEntry`` values.
Titles and summaries are turned into plain text here (``html_to_text``), so
nothing from a feed is ever shown as rich text (DESIGN invariant 5). Every
failure is a ``ConnectorError`` with a message a user can act on ("The feed
answered 404 Not Found", "This address is not an RSS or Atom feed"); when the
address is a web page, ``discover_feed`` finds the feed it announces. The
job that uses these, and its retries, is in ``feeds``.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXParseException

import feedparser
import requests
import urllib3

from smmdesk import APP_NAME, __version__
from smmdesk.logs import redact
from smmdesk.platforms.base import (
    BadResponse,
    ConnectorError,
    NetworkUnreachable,
    PermanentError,
    RateLimited,
    TransientError,
)
from smmdesk.store.ideas import FeedEntry
from smmdesk.sync.jobs import JobContext

__all__ = [
    "FETCH_TIMEOUT",
    "MAX_ENTRIES",
    "MAX_FEED_BYTES",
    "MAX_SUMMARY",
    "USER_AGENT",
    "Fetched",
    "ParsedFeed",
    "discover_feed",
    "error_reason",
    "fetch_feed",
    "html_to_text",
    "parse_feed",
]

USER_AGENT = f"{APP_NAME}/{__version__}"
FETCH_TIMEOUT = 20.0  # seconds
MAX_FEED_BYTES = 10 * 1024 * 1024
MAX_ENTRIES = 200  # read per poll, newest first as the feed lists them
MAX_SUMMARY = 4000  # characters of plain text kept per idea
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)


# --- plain text ------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset(
        {
            *("p", "div", "section", "article", "header", "footer", "blockquote", "pre"),
            *("table", "tr", "ul", "ol", "dl", "dt", "dd", "figure", "figcaption", "hr"),
            *("h1", "h2", "h3", "h4", "h5", "h6"),
        }
    )
    _SKIP = frozenset({"script", "style", "head", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML fragment: tags dropped, entities decoded."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _plain(value: str, detail: Mapping[str, Any] | None) -> str:
    kind = str((detail or {}).get("type") or "")
    if "html" in kind or (not kind and "<" in value):
        return html_to_text(value)
    return "\n".join(" ".join(line.split()) for line in value.splitlines()).strip()


# --- parsing -----------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: list[FeedEntry]


class _FeedLinks(HTMLParser):
    """``<link rel="alternate" type="application/rss+xml" href=...>`` in a web page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        if tag == "link" and "alternate" in values.get("rel", "").lower().split():
            kind = values.get("type", "").lower()
            if ("rss" in kind or "atom" in kind) and values.get("href"):
                self.hrefs.append(values["href"])


def discover_feed(page: bytes, base_url: str) -> str:
    """The first feed a web page announces, as an absolute http(s) address, or ""."""
    finder = _FeedLinks()
    try:
        finder.feed(page[: 512 * 1024].decode("utf-8", "replace"))
    except Exception:  # a page we cannot read announces nothing
        return ""
    for href in finder.hrefs:
        url = urljoin(base_url, href.strip())
        if urlsplit(url).scheme in ("http", "https"):
            return url
    return ""


def _looks_like_html(content: bytes) -> bool:
    head = content[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]


def _is_truncated(content: bytes) -> bool:
    """True when an XML document stops before the end tag of its root element."""
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", content[:4096], flags=re.S)
    root = re.search(rb"<([A-Za-z_][\w:.\-]*)", body)
    if root is None:
        return False
    tail = content.rstrip(b" \t\r\n\x00")[-1024:]
    return re.search(rb"</\s*" + re.escape(root.group(1)) + rb"\s*>$", tail) is None


def parse_feed(content: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Entries of an RSS or Atom document; BadResponse if it is not a readable feed."""
    if not content.strip():
        raise BadResponse("The feed answered with an empty page")
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(BytesIO(content), response_headers=headers)
    version = str(parsed.get("version") or "")
    entries = list(parsed.get("entries") or [])
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not version and not entries:
        if _looks_like_html(content):
            found = discover_feed(content, url)
            message = "This address is not an RSS or Atom feed: it is a web page"
            raise BadResponse(f"{message}. Its feed seems to be at {found}" if found else message)
        raise BadResponse("This address is not an RSS or Atom feed")
    if isinstance(problem, SAXParseException):
        # Slightly broken feeds are common and feedparser reads them anyway;
        # a cut-off one would store half an entry, so it waits for a whole one.
        if _is_truncated(content):
            raise BadResponse("The feed's XML is broken: it stops before the end of the document")
        if not entries:
            raise BadResponse(f"The feed's XML is broken: {problem.getMessage()}")
    feed = parsed.get("feed") or {}
    title = _plain(str(feed.get("title") or ""), feed.get("title_detail"))
    return ParsedFeed(title, [_entry(e) for e in entries[:MAX_ENTRIES]])


def _entry(e: Mapping[str, Any]) -> FeedEntry:
    link = str(e.get("link") or "").strip()
    if urlsplit(link).scheme not in ("http", "https"):
        link = ""
    summary, detail = str(e.get("summary") or ""), e.get("summary_detail")
    if not summary and e.get("content"):
        first = e["content"][0]
        summary, detail = str(first.get("value") or ""), first
    text = _plain(summary, detail)
    if len(text) > MAX_SUMMARY:
        text = text[: MAX_SUMMARY - 1].rstrip() + "…"
    stamp = e.get("published_parsed") or e.get("updated_parsed")
    published = None
    if stamp is not None:
        try:
            published = datetime.fromtimestamp(calendar.timegm(stamp), UTC)
        except (OverflowError, ValueError, TypeError, OSError):
            published = None
    return FeedEntry(
        entry_id=str(e.get("id") or "").strip() or link,
        title=_plain(str(e.get("title") or ""), e.get("title_detail")),
        summary=text,
        link=link,
        published_at=published,
    )


# --- fetching ------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    status: int  # 200 or 304
    content: bytes = b""
    url: str = ""
    content_type: str = ""
    etag: str = ""
    modified: str = ""


def _status_text(response: requests.Response) -> str:
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = response.reason or ""
    return f"{response.status_code} {phrase}".strip()


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def fetch_feed(
    http: requests.Session,
    url: str,
    etag: str = "",
    modified: str = "",
    timeout: float = FETCH_TIMEOUT,
    ctx: JobContext | None = None,
) -> Fetched:
    """One conditional GET; a ConnectorError with a clear message on any failure."""
    headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    host = urlsplit(url).hostname or url
    try:
        with http.get(url, headers=headers, timeout=timeout, stream=True) as response:
            if response.status_code == 304:
                return Fetched(304, url=response.url, etag=etag, modified=modified)
            if response.status_code >= 400:
                message = f"The feed answered {_status_text(response)}"
                wait = _retry_after(response)
                if response.status_code == 429:
                    raise RateLimited(message, wait or 0.0)
                if response.status_code >= 500:
                    error: ConnectorError = TransientError(message)
                else:
                    error = PermanentError(message)
                error.retry_after = wait  # type: ignore[attr-defined]
                raise error
            chunks: list[bytes] = []
            size = 0
            deadline = time.monotonic() + max(timeout * 3, 60.0)
            for chunk in response.iter_content(64 * 1024):
                if ctx is not None:
                    ctx.check_cancelled()
                if time.monotonic() > deadline:
                    raise TransientError("The feed answers too slowly to be read")
                size += len(chunk)
                if size > MAX_FEED_BYTES:
                    raise PermanentError("The feed is larger than 10 MB")
                chunks.append(chunk)
            return Fetched(
                response.status_code,
                b"".join(chunks),
                response.url,
                response.headers.get("Content-Type", ""),
                response.headers.get("ETag", ""),
                response.headers.get("Last-Modified", ""),
            )
    except requests.exceptions.SSLError as exc:
        raise PermanentError(
            f"The secure connection to {host} failed: {error_reason(exc)}"
        ) from exc
    except requests.exceptions.ConnectTimeout as exc:
        raise NetworkUnreachable(f"Could not connect to {host} (no answer)") from exc
    except requests.exceptions.Timeout as exc:
        raise TransientError(f"The feed did not answer within {timeout:g} seconds") from exc
    except requests.exceptions.ConnectionError as exc:
        if exc.args and isinstance(exc.args[0], urllib3.exceptions.ReadTimeoutError):
            # requests reports a timeout while reading the body this way
            raise TransientError(f"The feed did not answer within {timeout:g} seconds") from exc
        raise NetworkUnreachable(
            f"Could not connect to {host}. Check the address, or whether you are online"
        ) from exc
    except requests.exceptions.TooManyRedirects as exc:
        raise PermanentError("The feed address redirects in a loop") from exc
    except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError):
        raise TransientError("The feed stopped answering halfway") from None
    except (
        requests.exceptions.InvalidURL,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidSchema,
    ) as exc:
        raise PermanentError(f"This feed address cannot be used: {error_reason(exc)}") from exc
    except requests.exceptions.RequestException as exc:
        raise TransientError(f"The feed could not be read: {error_reason(exc)}") from exc


def error_reason(exc: BaseException) -> str:
    """What went wrong, short and with any secret in the text redacted (``logs.redact``)."""
    return redact(str(exc))[:300] or type(exc).__name__
