"""The monthly (or any period's) client report: an A4 PDF a client understands.

``export_client_report`` writes, for ONE client and one period (local dates
in the client's zone, compared with the period before):

1. a cover: the client's name in its colour, the period, who prepared it;
2. a summary page: the five numbers that matter (followers, engagement
   rate, posts published, median first response in working hours, share
   answered within the target), each with its change, and the accounts;
3. the charts: followers per account, engagement per post, content types,
   the weekday x hour heat map (drawn with ``QPainter``, see
   ``client_report_charts``);
4. the top posts with plain-text previews;
5. inbox performance and audience leaders (and competitors, if tracked);
6. the manager's notes.

Every number comes from ``store.analytics_queries`` (the same API as the
Analytics tab, so the report and the screen agree), called with one client
id: each of its queries is scoped to that client's accounts, which is how a
report never carries another client's data. ``None`` is "not available" and
is printed as such, never as 0.

This module gathers the data (``gather_report``, plain data, any thread with
its own sqlite3 connection) and writes the file; ``client_report_pages``
lays the pages out. Like the review pack, the PDF is built in memory and
moved into place (``files.write_atomically``). Drawing needs a
``QGuiApplication`` to exist (it may run on a worker thread: ``QPdfWriter``
and ``QPainter`` on it are not widgets).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from smmdesk.core.analytics import HeatMap, Period
from smmdesk.core.clock import to_local
from smmdesk.reports.files import write_atomically
from smmdesk.store import analytics_queries as aq

#: Posts are read whole for the CSV post list; the PDF shows a preview.
FULL_TEXT = 100_000

__all__ = [
    "Progress",
    "ReportData",
    "ReportOutcome",
    "build_client_report",
    "export_client_report",
    "gather_report",
]

#: ``progress(done, total, words)``; it may raise to stop the build (a cancelled job).
Progress = Callable[[int, int, str], None]

TOP_POSTS = 6
LEADERS = 10


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows, read for one client and one period."""

    facts: aq.ClientFacts
    period: Period
    previous: Period
    key: aq.KeyNumbers
    followers: list[aq.AccountSeries]
    accounts: list[aq.AccountSummary]
    posts: list[aq.PostResult]
    top: list[aq.PostResult]
    content: list[aq.ContentTypeRow]
    heat: HeatMap
    inbox: aq.InboxPerformance
    leaders: list[aq.LeaderRow]
    competitors: list[aq.CompetitorSeries]
    notes: str
    prepared_on: date  # the client's local date when the report was made
    prepared_by: str


@dataclass(frozen=True)
class ReportOutcome:
    """What was written: small values for a job's success signal."""

    path: str
    pages: int
    posts: int
    csv_files: tuple[str, ...] = ()


def _no_progress(_done: int, _total: int, _text: str) -> None:
    return None


#: Steps of a build, for the progress bar: reading (7) + laying out + pages.
_READ_STEPS = 7


def gather_report(
    db: sqlite3.Connection,
    client_id: int,
    period: Period,
    *,
    notes: str | None = None,
    prepared_by: str = "",
    now: datetime | None = None,
    progress: Progress = _no_progress,
) -> ReportData:
    """Read every number of the report; ``notes`` None reads the saved ones."""
    moment = now or datetime.now(UTC)
    total = _READ_STEPS + 2
    progress(0, total, "Reading the client's settings")
    facts = aq.client_facts(db, client_id)
    progress(1, total, "Reading posts and their engagement")
    posts = aq.posts_in_period(db, client_id, period, text_chars=FULL_TEXT)
    inbox = aq.inbox_performance(db, client_id, period, moment)
    progress(2, total, "Reading the five numbers")
    key = aq.key_numbers(db, client_id, period, moment, posts=posts, inbox=inbox)
    progress(3, total, "Reading followers")
    followers = aq.follower_series(db, client_id, period)
    accounts = aq.account_summaries(db, client_id, period)
    top = sorted(
        (p for p in posts if p.engagement is not None),
        key=lambda p: (-(p.engagement or 0), p.published_at),
    )[:TOP_POSTS]
    progress(4, total, "Reading content types and the best times")
    content = aq.content_performance(db, client_id, period)
    heat = aq.best_time_heat_map(db, client_id, period)
    progress(5, total, "Reading the audience")
    leaders = aq.audience_leaders(db, client_id, period, LEADERS)
    progress(6, total, "Reading competitors and notes")
    competitors = aq.competitor_series(db, client_id, period)
    if notes is None:
        notes = aq.report_note(db, client_id, period)
    return ReportData(
        facts=facts,
        period=period,
        previous=period.previous(),
        key=key,
        followers=followers,
        accounts=accounts,
        posts=posts,
        top=top,
        content=content,
        heat=heat,
        inbox=inbox,
        leaders=leaders,
        competitors=competitors,
        notes=notes,
        prepared_on=to_local(moment, facts.timezone).date(),
        prepared_by=prepared_by.strip(),
    )


def build_client_report(data: ReportData, progress: Progress = _no_progress) -> tuple[bytes, int]:
    """The PDF's bytes and its page count, built in memory."""
    if QGuiApplication.instance() is None:
        raise RuntimeError("A QGuiApplication must exist to draw a client report.")
    from smmdesk.reports.client_report_pages import render_client_report

    return render_client_report(data, progress, _READ_STEPS)


def export_client_report(
    db: sqlite3.Connection,
    path: Path,
    client_id: int,
    period: Period,
    *,
    notes: str | None = None,
    prepared_by: str = "",
    now: datetime | None = None,
    progress: Progress = _no_progress,
) -> ReportOutcome:
    """Write the report of ``client_id`` for ``period`` to ``path`` in one step."""
    data = gather_report(
        db, client_id, period, notes=notes, prepared_by=prepared_by, now=now, progress=progress
    )
    pdf, pages = build_client_report(data, progress)
    write_atomically(Path(path), pdf)
    progress(1, 1, "Saved")
    return ReportOutcome(str(path), pages, len(data.posts))
