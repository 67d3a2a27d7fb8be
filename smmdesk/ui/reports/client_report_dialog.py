"""The client report dialog: which client, which period, the manager's notes, where.

The manager picks a client and a period (presets such as "Last month" or
"Last 90 days", or any two days; both included, in the client's time zone),
sees which period it is compared with, writes the notes that go at the end
of the report, and chooses the file. The report is built by a
``ClientReportJob`` on the ``JobEngine`` (never on the GUI thread), with a
progress bar and a Cancel button; when it is done the dialog says what was
written and, unless told not to, opens the folder.

Notes are kept per client and exact period (``store.goals.save_report_note``)
and read back when the same period is chosen again, so a report rebuilt
next week carries the same words. ``build_to(path)`` does what the Build
button does after the file dialog, so tests need no file dialog.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.analytics import Period
from smmdesk.reports.client_report import ReportOutcome
from smmdesk.reports.review_pack_words import format_range
from smmdesk.store.analytics_queries import report_note
from smmdesk.store.database import Store
from smmdesk.store.goals import save_report_note
from smmdesk.store.models import Client
from smmdesk.sync.jobs import JobEngine, JobFailure
from smmdesk.sync.report_job import ClientReportJob
from smmdesk.ui.exchange.dialogs import DateRange, safe_file_name, say, today_in

__all__ = ["PRESETS", "ClientReportDialog", "preset_period"]

PRESETS: tuple[tuple[str, str], ...] = (
    ("last_month", "Last month"),
    ("this_month", "This month"),
    ("last_30", "Last 30 days"),
    ("last_90", "Last 90 days"),
    ("last_week", "Last week"),
    ("custom", "Custom days"),
)


def preset_period(key: str, today: date) -> Period | None:
    """The period a preset names on ``today`` (the client's date); None for custom."""
    if key == "last_month":
        prior = today.replace(day=1) - timedelta(days=1)
        return Period.month(prior.year, prior.month)
    if key == "this_month":
        return Period.month(today.year, today.month)
    if key == "last_30":
        return Period.last_30_days(today)
    if key == "last_90":
        return Period(today - timedelta(days=89), today)
    if key == "last_week":
        return Period.this_week(today - timedelta(days=7))
    return None


class ClientReportDialog(QDialog):
    """Build a client's PDF report (and, if asked, its CSV files) in the background.

    ``client_id`` is the client chosen first (None: the first client by name);
    the dialog refuses to open (``ValueError``) when there is no client at all.
    """

    built = Signal(str)  # the PDF's path

    def __init__(
        self,
        store: Store,
        engine: JobEngine,
        client_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Client report")
        self.setMinimumWidth(560)
        self.store, self.engine = store, engine
        self.job_id: int | None = None
        self.outcome: ReportOutcome | None = None
        self.failure: JobFailure | None = None
        self._note_key: tuple[int, Period] | None = None
        self._note_loaded = ""

        with store.session() as session:
            clients = [
                (c.id, c.name, c.timezone)
                for c in session.query(Client).order_by(Client.name)
                if c.archived_at is None or c.id == client_id
            ]
        self.client_box = QComboBox()
        for cid, name, zone_name in clients:
            self.client_box.addItem(name, (cid, zone_name))
        ids = [c[0] for c in clients]
        self.client_box.setCurrentIndex(ids.index(client_id) if client_id in ids else 0)
        if not clients:
            raise ValueError("There is no client to report on yet.")
        self.preset = QComboBox()
        for key, label in PRESETS:
            self.preset.addItem(label, key)
        self.range = DateRange(self.zone_name, days=0, back=29)
        self.compared = QLabel()
        self.compared.setObjectName("ViewHint")
        self.prepared_by = QLineEdit()
        self.prepared_by.setPlaceholderText("Your name, as the client knows you")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(
            "What happened this period, what worked, what you suggest next. "
            "Printed at the end of the report."
        )
        self.notes.setMinimumHeight(120)
        self.with_csv = QCheckBox("Also save the numbers and the post list as CSV files")
        self.semicolons = QCheckBox("Semicolons between columns (Excel with a decimal comma)")
        self.semicolons.setEnabled(False)
        self.with_csv.toggled.connect(self.semicolons.setEnabled)
        self.open_folder = QCheckBox("Open the folder when the report is ready")
        self.open_folder.setChecked(True)

        form = QFormLayout()
        form.addRow("Client", self.client_box)
        form.addRow("Period", self.preset)
        form.addRow("Days", self.range)
        form.addRow("", self.compared)
        form.addRow("Prepared by", self.prepared_by)
        form.addRow("Notes", self.notes)
        form.addRow("", self.with_csv)
        form.addRow("", self.semicolons)
        form.addRow("", self.open_folder)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.build_button = self.buttons.addButton(
            "Build PDF…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.build_button.setDefault(True)
        self.build_button.clicked.connect(self.choose_and_build)
        self.cancel_button = self.buttons.addButton("Stop", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.client_box.currentIndexChanged.connect(self._client_changed)
        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.range.changed.connect(self._days_changed)
        engine.progress.connect(self._on_progress)
        self._preset_changed()

    # --- the choice ------------------------------------------------------------------

    @property
    def client_id(self) -> int:
        return int(self.client_box.currentData()[0])

    @property
    def zone_name(self) -> str:
        return str(self.client_box.currentData()[1])

    def period(self) -> Period | None:
        if not self.range.valid():
            return None
        first, last = self.range.days()
        return Period(first, last)

    def _client_changed(self) -> None:
        self.range.zone_name = self.zone_name
        self._preset_changed()

    def _preset_changed(self) -> None:
        period = preset_period(str(self.preset.currentData()), today_in(self.zone_name))
        if period is not None:
            self.range.blockSignals(True)
            self.range.set_days(period.start, period.end)
            self.range.blockSignals(False)
        self._days_changed(from_preset=True)

    def _days_changed(self, from_preset: bool = False) -> None:
        if not from_preset:
            matching = [
                i
                for i, (key, _label) in enumerate(PRESETS)
                if preset_period(key, today_in(self.zone_name)) == self.period()
            ]
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(matching[0] if matching else len(PRESETS) - 1)
            self.preset.blockSignals(False)
        period = self.period()
        if period is None:
            self.compared.setText("The first day is after the last day.")
            return
        before = period.previous()
        self.compared.setText(
            f"Compared with {format_range(before.start, before.end)} · days in {self.zone_name}"
        )
        self._switch_notes(period)

    # --- notes -------------------------------------------------------------------------

    def _switch_notes(self, period: Period) -> None:
        """Keep what was typed for the old period, show what is kept for the new one."""
        self.save_notes()
        with closing(sqlite3.connect(f"file:{self.store.path}?mode=ro", uri=True)) as db:
            text = report_note(db, self.client_id, period)
        self._note_key, self._note_loaded = (self.client_id, period), text
        self.notes.setPlainText(text)

    def save_notes(self) -> None:
        """Store the notes of the period shown, if they changed."""
        if self._note_key is None:
            return
        body = self.notes.toPlainText()
        if body == self._note_loaded:
            return
        client_id, period = self._note_key
        with self.store.transaction() as session:
            save_report_note(session, client_id, period, body)
        self._note_loaded = body

    # --- building ----------------------------------------------------------------------

    def suggested_name(self) -> str:
        period = self.period()
        span = f"{period.start.isoformat()} to {period.end.isoformat()}" if period else ""
        return f"{safe_file_name(self.client_box.currentText())} report {span}.pdf"

    def choose_and_build(self) -> None:
        if self.period() is None:
            say(self.message, "The first day is after the last day.", error=True)
            return
        folder = Path(self.outcome.path).parent if self.outcome else Path.home()
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Save the client report", str(folder / self.suggested_name()), "PDF (*.pdf)"
        )
        if chosen:
            path = Path(chosen)
            self.build_to(path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf"))

    def build_to(self, path: Path) -> int | None:
        """Start building the report into ``path``; the job id (None if the days are wrong)."""
        period = self.period()
        if period is None or self.job_id is not None:
            return None
        self.save_notes()
        csv = (";" if self.semicolons.isChecked() else ",") if self.with_csv.isChecked() else None
        job = ClientReportJob(
            self.store.path,
            self.client_id,
            period,
            Path(path),
            notes=self.notes.toPlainText(),
            prepared_by=self.prepared_by.text(),
            csv_delimiter=csv,
        )
        self.outcome, self.failure = None, None
        self.message.hide()
        self.progress.setRange(0, 0)
        self.progress.setFormat("Starting…")
        self.progress.show()
        self.build_button.setEnabled(False)
        self.cancel_button.show()
        self.job_id = self.engine.submit(job, self._succeeded, self._failed)
        return self.job_id

    def cancel(self) -> None:
        if self.job_id is not None:
            self.engine.cancel(self.job_id)

    def _on_progress(self, job_id: int, done: int, total: int, text: str) -> None:
        if job_id != self.job_id or not shiboken6.isValid(self):
            return
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(min(done, total))
        self.progress.setFormat(text or "%p%")

    def _finish(self) -> bool:
        if not shiboken6.isValid(self):
            return False
        self.job_id = None
        self.progress.hide()
        self.cancel_button.hide()
        self.build_button.setEnabled(True)
        return True

    def _succeeded(self, outcome: ReportOutcome) -> None:
        if not self._finish():
            return
        self.outcome = outcome
        path = Path(outcome.path)
        extra = f" and {len(outcome.csv_files)} CSV files" if outcome.csv_files else ""
        say(
            self.message,
            f"Saved the report ({outcome.pages} pages, {outcome.posts} posts){extra} "
            f"to {path.name} in {path.parent}.",
        )
        if self.open_folder.isChecked():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
        self.built.emit(outcome.path)

    def _failed(self, failure: JobFailure) -> None:
        if not self._finish():
            return
        self.failure = failure
        if failure.kind == "cancelled":
            say(self.message, "Stopped. No file was written.")
        else:
            say(self.message, f"The report could not be built: {failure.message}", error=True)

    def done(self, result: int) -> None:
        """Closing keeps the notes and stops a build that is still running."""
        self.save_notes()
        self.cancel()
        super().done(result)
