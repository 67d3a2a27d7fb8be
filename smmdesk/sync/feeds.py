"""Idea sources: polling the clients' RSS and Atom feeds in the background.

``PollFeedJob`` reads one feed (``feed_fetch``: a conditional GET, then
``feedparser`` on the downloaded bytes, with titles and summaries turned into
plain text), then the new entries become ideas.

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

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import requests
from PySide6.QtCore import QObject, QTimer, Signal

from smmdesk.platforms.base import BadResponse, ConnectorError
from smmdesk.store import ideas
from smmdesk.store.database import Store
from smmdesk.store.models import IdeaSource
from smmdesk.sync.feed_fetch import (
    FETCH_TIMEOUT,
    MAX_ENTRIES,
    MAX_FEED_BYTES,
    MAX_SUMMARY,
    USER_AGENT,
    Fetched,
    ParsedFeed,
    discover_feed,
    error_reason,
    fetch_feed,
    html_to_text,
    parse_feed,
)
from smmdesk.sync.jobs import Job, JobContext, JobFailure

if TYPE_CHECKING:
    from smmdesk.sync.coordinator import SyncCoordinator

# The fetching and parsing helpers moved to ``feed_fetch``; they stay
# importable from here.
__all__ = [
    "FETCH_TIMEOUT",
    "MAX_ENTRIES",
    "MAX_FEED_BYTES",
    "MAX_SUMMARY",
    "POLL_EVERY_S",
    "USER_AGENT",
    "FeedPoller",
    "Fetched",
    "ParsedFeed",
    "PollFeedJob",
    "PollResult",
    "discover_feed",
    "fetch_feed",
    "html_to_text",
    "parse_feed",
]

log = logging.getLogger(__name__)

POLL_EVERY_S = 5 * 60


# --- reading a fetched feed ------------------------------------------------------------


def _parse(fetched: Fetched, url: str) -> ParsedFeed:
    """The entries of a fetched feed; any other failure of feedparser is a BadResponse."""
    if fetched.status == 304:
        return ParsedFeed("", [])
    try:
        return parse_feed(fetched.content, fetched.url or url, fetched.content_type)
    except ConnectorError:
        raise
    except Exception as exc:  # a feed must never crash the app (invariant 7)
        log.exception("feedparser failed on %s", url)
        raise BadResponse(f"The feed could not be read: {error_reason(exc)}") from exc


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
