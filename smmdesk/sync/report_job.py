"""Building a client report in the background, with progress and a cancel button.

A 90-day report reads a few thousand rows and draws a dozen pages: around a
second, long enough that the window must not freeze and the manager wants a
progress bar. ``ClientReportJob`` runs on the ``JobEngine``'s thread pool:
it opens its OWN read-only ``sqlite3`` connection to the profile's database
(a connection belongs to the thread that made it; read-only because a
report never writes), reads the numbers through ``store.analytics_queries``,
draws the PDF on a ``QPdfWriter`` (a paint device, not a widget, so legal
off the GUI thread) and writes the file in one step. Optionally the numbers
and the post list go beside it as CSV files.

Progress is the report's own steps (reading, laying out, drawing); the
cancel flag is checked at each of them, and a cancelled build writes
nothing. The outcome is a small ``ReportOutcome`` (paths and counts).
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from smmdesk.core.analytics import Period
from smmdesk.reports.client_report import (
    ReportOutcome,
    build_client_report,
    gather_report,
)
from smmdesk.reports.files import write_atomically
from smmdesk.sync.jobs import Job, JobContext

__all__ = ["ClientReportJob", "csv_paths"]


def csv_paths(pdf_path: Path) -> tuple[Path, Path]:
    """Where the CSV files of a report go: beside the PDF, named after it."""
    return (
        pdf_path.with_name(f"{pdf_path.stem} numbers.csv"),
        pdf_path.with_name(f"{pdf_path.stem} posts.csv"),
    )


class ClientReportJob(Job[ReportOutcome]):
    """Build one client's report for one period into ``path`` (and CSVs if asked)."""

    title = "Building the client report"

    def __init__(
        self,
        database: Path,
        client_id: int,
        period: Period,
        path: Path,
        *,
        notes: str | None = None,
        prepared_by: str = "",
        csv_delimiter: str | None = None,
        now: datetime | None = None,
    ) -> None:
        self.database = Path(database)
        self.client_id = client_id
        self.period = period
        self.path = Path(path)
        self.notes = notes
        self.prepared_by = prepared_by
        self.csv_delimiter = csv_delimiter  # None: no CSV files
        self.now = now

    def run(self, ctx: JobContext) -> ReportOutcome:
        def progress(done: int, total: int, text: str) -> None:
            ctx.check_cancelled()
            ctx.progress(done, total, text)

        db = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
        try:
            db.execute("PRAGMA busy_timeout=5000")
            data = gather_report(
                db,
                self.client_id,
                self.period,
                notes=self.notes,
                prepared_by=self.prepared_by,
                now=self.now,
                progress=progress,
            )
        finally:
            db.close()
        pdf, pages = build_client_report(data, progress)
        ctx.check_cancelled()
        files: list[str] = []
        if self.csv_delimiter is not None:
            from smmdesk.reports.analytics_csv import numbers_csv, posts_csv

            numbers_path, posts_path = csv_paths(self.path)
            write_atomically(numbers_path, numbers_csv(data, self.csv_delimiter))
            write_atomically(posts_path, posts_csv(data, self.csv_delimiter))
            files = [str(numbers_path), str(posts_path)]
        write_atomically(self.path, pdf)
        ctx.progress(1, 1, "Saved")
        outcome = ReportOutcome(str(self.path), pages, len(data.posts))
        return replace(outcome, csv_files=tuple(files))
