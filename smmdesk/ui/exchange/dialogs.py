"""Exporting a client's plan: the calendar file and the review pack.

Both dialogs pick a range of days in the client's own time zone (midnight to
midnight, both days included), ask where to save with the standard file
dialog, write the file and say what was written. The export runs on the GUI
thread: it reads one client's posts for a few weeks and writes one file,
which takes a fraction of a second; a busy cursor covers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from smmdesk.core.clock import local_to_utc, to_local
from smmdesk.store.database import Store
from smmdesk.store.models import Client

__all__ = ["ClientInfo", "DateRange", "ExportCalendarDialog", "ReviewPackDialog", "say"]


@dataclass(frozen=True)
class ClientInfo:
    id: int
    name: str
    timezone: str


def load_client(store: Store, client_id: int) -> ClientInfo:
    with store.session() as session:
        client = session.get(Client, client_id)
        if client is None:
            raise KeyError(client_id)
        return ClientInfo(client.id, client.name, client.timezone)


def today_in(zone_name: str) -> date:
    return to_local(datetime.now(UTC), zone_name).date()


def safe_file_name(text: str) -> str:
    """A file name part without characters file systems refuse."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "", text).strip(" .") or "export"


def say(label: QLabel, text: str, error: bool = False) -> None:
    """Show a plain-text message in green (done) or red (problem)."""
    label.setObjectName("ErrorText" if error else "OkText")
    label.style().unpolish(label)  # re-apply the style sheet for the new object name
    label.style().polish(label)
    label.setText(text)
    label.show()


class DateRange(QWidget):
    """Two day pickers, "from" and "to" (both included), in one client zone."""

    changed = Signal()

    def __init__(self, zone_name: str, days: int, back: int = 0) -> None:
        super().__init__()
        self.zone_name = zone_name
        today = today_in(zone_name)
        self.first = self._picker(today - timedelta(days=back))
        self.last = self._picker(today + timedelta(days=days))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.first)
        layout.addWidget(QLabel("to"))
        layout.addWidget(self.last)
        layout.addStretch(1)

    def _picker(self, day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("ddd d MMM yyyy")
        edit.dateChanged.connect(self.changed)
        return edit

    def days(self) -> tuple[date, date]:
        first, last = self.first.date(), self.last.date()
        return (
            date(first.year(), first.month(), first.day()),
            date(last.year(), last.month(), last.day()),
        )

    def set_days(self, first: date, last: date) -> None:
        self.first.setDate(QDate(first.year, first.month, first.day))
        self.last.setDate(QDate(last.year, last.month, last.day))

    def valid(self) -> bool:
        first, last = self.days()
        return first <= last

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: midnight of the first day to midnight after the last."""
        first, last = self.days()
        return (
            local_to_utc(first, time(0), self.zone_name),
            local_to_utc(last + timedelta(days=1), time(0), self.zone_name),
        )


class _ExportDialog(QDialog):
    """The shared frame: a form, a message line, Export and Close buttons."""

    exported = Signal(str, int)  # path, number of posts

    def __init__(self, title: str, export_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(500)
        self.form = QFormLayout()
        self.hint = QLabel()
        self.hint.setObjectName("ViewHint")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton(
            export_text, QDialogButtonBox.ButtonRole.ActionRole
        )
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.saved_path: Path | None = None

    def ask_path(self, caption: str, name: str, file_filter: str, suffix: str) -> Path | None:
        folder = self.saved_path.parent if self.saved_path else Path.home()
        chosen, _filter = QFileDialog.getSaveFileName(
            self, caption, str(folder / name), file_filter
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)

    # What each export fills in: its range widget, its file, how it writes.
    range: DateRange
    store: Store
    failure_text = "The file could not be saved"

    def file_request(self) -> tuple[str, str, str, str]:
        """(dialog caption, suggested file name, file filter, suffix)."""
        raise NotImplementedError  # each export names its own file

    def write(self, session: Session, path: Path, start: datetime, end: datetime) -> int:
        raise NotImplementedError  # each export writes its own format

    def saved_text(self, path: Path, posts: str) -> str:
        return f"Saved {posts} to {path.name} in {path.parent}."

    def export(self) -> None:
        """Check the range, ask where, write with a busy cursor, say what happened."""
        if not self.range.valid():
            say(self.message, "The first day is after the last day.", error=True)
            return
        path = self.ask_path(*self.file_request())
        if path is None:
            return
        start, end = self.range.bounds()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with self.store.session() as session:
                count = self.write(session, path, start, end)
        except OSError as exc:
            say(self.message, f"{self.failure_text}: {exc.strerror or exc}", True)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.saved_path = path
        posts = f"{count} post{'s' if count != 1 else ''}"
        say(self.message, self.saved_text(path, posts))
        self.exported.emit(str(path), count)


class ExportCalendarDialog(_ExportDialog):
    """Export the schedule of one client (or all) as an .ics file."""

    failure_text = "The calendar could not be saved"

    def __init__(self, store: Store, client_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__("Export the schedule as a calendar", "Export…", parent)
        self.store = store
        self.client = load_client(store, client_id) if client_id is not None else None
        zone_name = self.client.timezone if self.client else "UTC"
        self.scope = QComboBox()
        if self.client is not None:
            self.scope.addItem(self.client.name, self.client.id)
        self.scope.addItem("All clients", None)
        self.range = DateRange(zone_name, days=30)
        self.form.addRow("Posts of", self.scope)
        self.form.addRow("Days", self.range)
        self.hint.setText(
            f"Days run from midnight to midnight in {zone_name}. The file (.ics) opens in "
            "Google Calendar, Outlook or Apple Calendar; importing a newer export updates the "
            "same events instead of adding them twice. Ideas and failed posts are left out."
        )

    def file_request(self) -> tuple[str, str, str, str]:
        client_id = self.scope.currentData()
        name = self.client.name if self.client and client_id is not None else "All clients"
        first, _last = self.range.days()
        file_name = f"{safe_file_name(name)} schedule {first.isoformat()}.ics"
        return "Save the schedule", file_name, "iCalendar files (*.ics)", ".ics"

    def write(self, session: Session, path: Path, start: datetime, end: datetime) -> int:
        from smmdesk.reports.ical_export import export_schedule

        return export_schedule(session, path, self.scope.currentData(), start, end)


class ReviewPackDialog(_ExportDialog):
    """Export the review pack PDF of one client for a range of days."""

    failure_text = "The PDF could not be saved"

    def __init__(
        self,
        store: Store,
        client_id: int,
        parent: QWidget | None = None,
        media_dir: Path | None = None,
    ) -> None:
        super().__init__("Review pack for the client", "Export PDF…", parent)
        self.store = store
        self.media_dir = media_dir or store.path.parent / "media"
        self.client = load_client(store, client_id)
        self.range = DateRange(self.client.timezone, days=14)
        self.range.changed.connect(self._count)
        self.count_label = QLabel()
        self.form.addRow("Client", QLabel(self.client.name))
        self.form.addRow("Days", self.range)
        self.form.addRow("", self.count_label)
        self.hint.setText(
            "The PDF shows each post that is not yet published (draft, in review, approved, "
            "scheduled) as it will look on each network, with a box where the client ticks "
            "Approve or Change requested. Record their answers with Planning › Record review "
            f"decisions. Times are in {self.client.timezone}."
        )
        self.open_button = QPushButton("Open the PDF")
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self._open)
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.hide()  # after addButton, which shows it
        self._count()

    def _count(self) -> None:
        if not self.range.valid():
            self.count_label.setText("The first day is after the last day.")
            return
        from smmdesk.reports.review_pack import review_items

        start, end = self.range.bounds()
        with self.store.session() as session:
            count = len(review_items(session, self.client.id, start, end, self.media_dir))
        self.count_label.setText(
            "No posts to review in these days."
            if count == 0
            else f"{count} post{'s' if count != 1 else ''} to review."
        )

    def file_request(self) -> tuple[str, str, str, str]:
        first, _last = self.range.days()
        file_name = f"Review pack {safe_file_name(self.client.name)} {first.isoformat()}.pdf"
        return "Save the review pack", file_name, "PDF files (*.pdf)", ".pdf"

    def write(self, session: Session, path: Path, start: datetime, end: datetime) -> int:
        from smmdesk.reports.review_pack import export_review_pack

        return export_review_pack(
            session, path, self.client.id, start, end, media_dir=self.media_dir
        )

    def saved_text(self, path: Path, posts: str) -> str:
        self.open_button.show()
        return f"Saved the review pack ({posts}) to {path.name} in {path.parent}."

    def _open(self) -> None:
        if self.saved_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.saved_path)))
