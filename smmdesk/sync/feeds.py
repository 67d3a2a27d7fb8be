"""Idea sources: polling the clients' RSS and Atom feeds in the background.

``PollFeedJob`` reads one feed: a conditional GET with ``requests`` (the
stored ETag and Last-Modified; a 304 means nothing new), then ``feedparser``
on the downloaded bytes (feedparser never fetches anything by itself), then
the new entries become ideas. Titles and summaries are turned into plain text
here, so nothing from a feed is ever shown as rich text (DESIGN invariant 5).

A failing feed keeps a clear message on its source row ("The feed answered
404 Not Found", "This address is not an RSS or Atom feed") and is retried
later with exponential backoff (``smmdesk.store.ideas.retry_delay``: 15 min,
30 min, 1 h ... at most a day), so one broken feed never stops the others and
never crashes anything (invariant 7). When no connection can be made at all
the job also raises ``NetworkUnreachable``, which tells the app it is offline.

``FeedPoller`` lives on the GUI thread: every five minutes it submits a job
for each source that is due (or was never read), and ``poll_now`` reads one
at once (a new feed, or "Check now").
"""

from __future__ import annotations

import calendar
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from http import HTTPStatus
from io import BytesIO
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXParseException

import feedparser
import requests
import urllib3
from PySide6.QtCore import QObject, QTimer, Signal

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
from smmdesk.store import ideas
from smmdesk.store.database import Store
from smmdesk.store.ideas import FeedEntry
from smmdesk.store.models import IdeaSource
from smmdesk.sync.jobs import Job, JobContext, JobFailure

if TYPE_CHECKING:
    from smmdesk.sync.coordinator import SyncCoordinator

log = logging.getLogger(__name__)

USER_AGENT = f"{APP_NAME}/{__version__}"
FETCH_TIMEOUT = 20.0  # seconds
MAX_FEED_BYTES = 10 * 1024 * 1024
MAX_ENTRIES = 200  # read per poll, newest first as the feed lists them
MAX_SUMMARY = 4000  # characters of plain text kept per idea
POLL_EVERY_S = 5 * 60
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
        raise PermanentError(f"The secure connection to {host} failed: {_reason(exc)}") from exc
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
        raise PermanentError(f"This feed address cannot be used: {_reason(exc)}") from exc
    except requests.exceptions.RequestException as exc:
        raise TransientError(f"The feed could not be read: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    return redact(str(exc))[:300] or type(exc).__name__


def _parse(fetched: Fetched, url: str) -> ParsedFeed:
    if fetched.status == 304:
        return ParsedFeed("", [])
    try:
        return parse_feed(fetched.content, fetched.url or url, fetched.content_type)
    except ConnectorError:
        raise
    except Exception as exc:  # a feed must never crash the app (invariant 7)
        log.exception("feedparser failed on %s", url)
        raise BadResponse(f"The feed could not be read: {_reason(exc)}") from exc


# --- the job -------------------------------------------------------------------------


@dataclass(frozen=True)
class PollResult:
    source_id: int
    client_id: int
    new_ideas: int
    not_modified: bool = False
    gone: bool = False  # the source was removed before the poll


class PollFeedJob(Job[PollResult]):
    """Read one feed and add its new entries as ideas."""

    needs_network = True

    def __init__(
        self, store: Store, source_id: int, timeout: float = FETCH_TIMEOUT, name: str = ""
    ) -> None:
        self.store, self.source_id, self.timeout = store, source_id, timeout
        self.serial_key = ("feed", source_id)
        self.title = f"Checking the feed {name}" if name else "Checking a feed"

    def run(self, ctx: JobContext) -> PollResult:
        with self.store.session() as session:
            source = session.get(IdeaSource, self.source_id)
            if source is None:
                return PollResult(self.source_id, 0, 0, gone=True)
            url, etag, modified = source.url, source.etag, source.modified
            client_id = source.client_id
        ctx.progress(0, 0, self.title)
        try:
            with requests.Session() as http:
                fetched = fetch_feed(http, url, etag, modified, self.timeout, ctx)
            ctx.check_cancelled()
            parsed = _parse(fetched, url)
        except ConnectorError as exc:
            self._record_failure(exc)
            raise
        if fetched.status == 304:
            with self.store.transaction() as session:
                ideas.record_poll_success(session, self.source_id, etag=etag, modified=modified)
            return PollResult(self.source_id, client_id, 0, not_modified=True)
        with self.store.transaction() as session:
            if session.get(IdeaSource, self.source_id) is None:
                return PollResult(self.source_id, client_id, 0, gone=True)
            added = ideas.store_feed_entries(session, self.source_id, parsed.entries)
            ideas.record_poll_success(
                session,
                self.source_id,
                etag=fetched.etag,
                modified=fetched.modified,
                feed_title=parsed.title,
            )
        log.info("feed %s: %d new of %d entries", self.source_id, added, len(parsed.entries))
        return PollResult(self.source_id, client_id, added)

    def _record_failure(self, exc: ConnectorError) -> None:
        wait = getattr(exc, "retry_after", None)
        at_least = timedelta(seconds=wait) if wait else None
        with self.store.transaction() as session:
            ideas.record_poll_failure(session, self.source_id, str(exc), at_least=at_least)
        log.info("feed %s failed: %s", self.source_id, exc)


# --- the poller ----------------------------------------------------------------------


class FeedPoller(QObject):
    """Submits feed jobs when sources are due; tells views what changed."""

    #: client id: new ideas arrived, or a source's state (error, checked) changed
    ideas_changed = Signal(int)
    #: client id: a poll of one of its sources started or ended
    polling_changed = Signal(int)

    def __init__(
        self,
        coordinator: SyncCoordinator,
        interval_s: int = POLL_EVERY_S,
        timeout: float = FETCH_TIMEOUT,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.coordinator = coordinator
        self.store: Store = coordinator.store
        self.timeout = timeout
        self._polling: dict[int, int] = {}  # source id -> client id
        self._timer = QTimer(self)
        self._timer.setInterval(interval_s * 1000)
        self._timer.timeout.connect(self.poll_due)

    def start(self, first_poll_ms: int = 3000) -> None:
        self._timer.start()
        QTimer.singleShot(first_poll_ms, self.poll_due)

    def stop(self) -> None:
        self._timer.stop()

    def is_polling(self, source_id: int) -> bool:
        return source_id in self._polling

    def poll_due(self) -> int:
        """Submit a job for every due source; returns how many were submitted."""
        with self.store.session() as session:
            due = ideas.due_sources(session)
        return sum(self._submit(source_id, client_id) for source_id, client_id in due)

    def poll_now(self, source_id: int) -> bool:
        """Read one source now, due or not; False if unknown or already being read."""
        with self.store.session() as session:
            source = session.get(IdeaSource, source_id)
            if source is None:
                return False
            client_id, name = source.client_id, source.title
        return self._submit(source_id, client_id, name)

    def _submit(self, source_id: int, client_id: int, name: str = "") -> bool:
        if source_id in self._polling:
            return False
        self._polling[source_id] = client_id
        job = PollFeedJob(self.store, source_id, self.timeout, name)

        def done(result: PollResult) -> None:
            self._polling.pop(source_id, None)
            self.coordinator.network.report_reachable()
            self.polling_changed.emit(client_id)
            self.ideas_changed.emit(client_id)

        def failed(failure: JobFailure) -> None:
            self._polling.pop(source_id, None)
            self.polling_changed.emit(client_id)
            self.ideas_changed.emit(client_id)

        self.coordinator.submit(job, done, failed)
        self.polling_changed.emit(client_id)
        return True
