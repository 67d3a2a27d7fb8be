"""Importing planned posts from a CSV file: preview every row, then all or nothing.

The table lists every data row of the file with its result. "Import" is
enabled only when every row is accepted; otherwise the dialog says how many
rows are refused and that nothing will be imported until the file is fixed
(edit it, then "Check again"). The import itself runs in one transaction.
User text is shown as plain text: the table shows display strings only and
the labels use ``Qt.PlainText``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from smmdesk.core.clock import to_local
from smmdesk.core.vocabulary import ContentType
from smmdesk.reports.csv_import import (
    CsvImportError,
    ImportRefused,
    RowResult,
    apply_import,
    preview_import,
)
from smmdesk.store.database import Store
from smmdesk.store.models import Account
from smmdesk.ui.exchange.dialogs import load_client, say

__all__ = ["REASON_COLUMN", "ImportCsvDialog", "PreviewModel"]

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Line", "Result", "Why refused", "When", "Accounts", "Type", "Image", "Text")
REASON_COLUMN = COLUMNS.index("Why refused")
_REFUSED = QColor("#b3261e")
_ACCEPTED = QColor("#1b7f3b")


def _first_line(text: str, limit: int = 80) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


class PreviewModel(QAbstractTableModel):
    """The checked rows of a file, one table row each (display strings only)."""

    def __init__(self, zone_name: str, handles: dict[int, str]) -> None:
        super().__init__()
        self.zone_name = zone_name
        self.handles = handles
        self.rows: list[RowResult] = []

    def set_rows(self, rows: list[RowResult]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return _ACCEPTED if row.accepted else _REFUSED
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: RowResult, column: int) -> str:
        if column == 0:
            return str(row.line)
        if column == 1:
            return "Ready" if row.accepted else "Refused"
        if column == 2:
            return row.reason.split(": ", 1)[1] if ": " in row.reason else row.reason
        if column == 3:
            if row.scheduled_at is None:
                return ""
            return f"{to_local(row.scheduled_at, self.zone_name):%a %d %b %Y %H:%M}"
        if column == 4:
            return " ".join(self.handles.get(i, f"#{i}") for i in row.account_ids)
        if column == 5:
            try:
                return ContentType(row.content_type).label
            except ValueError:
                return row.content_type
        if column == 6:
            return row.image.name if row.image is not None else ""
        return _first_line(row.text)


class ImportCsvDialog(QDialog):
    """Choose a CSV file, see every row accepted or refused, import all of them."""

    imported = Signal(list)  # the new post ids

    def __init__(
        self, store: Store, client_id: int, media_dir: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.media_dir = media_dir
        self.client = load_client(store, client_id)
        self.path: Path | None = None
        self.setWindowTitle(f"Import planned posts — {self.client.name}")
        self.resize(1100, 560)
        with store.session() as session:
            accounts = session.scalars(
                select(Account).where(Account.client_id == client_id, Account.archived_at.is_(None))
            ).all()
            handles = {a.id: a.handle for a in accounts}

        known = ", ".join(sorted(handles.values())) or "none yet: connect an account first"
        self.help = QLabel(
            "A CSV file with a header row and one post per row. Columns: date (YYYY-MM-DD "
            f"or DD.MM.YYYY), time (HH:MM in {self.client.timezone}), accounts (handles "
            "separated by spaces or commas), text, and optionally type (photo, question, …) "
            "and image (a picture's path, relative to the CSV file). "
            f"Accounts of {self.client.name}: {known}."
        )
        self.help.setObjectName("ViewHint")
        self.help.setWordWrap(True)
        self.help.setTextFormat(Qt.TextFormat.PlainText)

        self.choose_button = QPushButton("Choose a file…")
        self.choose_button.clicked.connect(self.choose_file)
        self.reload_button = QPushButton("Check again")
        self.reload_button.setToolTip("Read the file again after fixing it")
        self.reload_button.setEnabled(False)
        for button in (self.choose_button, self.reload_button):
            button.setAutoDefault(False)  # Enter means Import, not "choose again"
        self.reload_button.clicked.connect(self.reload)
        self.file_label = QLabel("No file chosen.")
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.reload_button)
        top.addWidget(self.file_label, 1)

        self.model = PreviewModel(self.client.timezone, handles)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((44, 70, 300, 150, 170, 90, 100)):
            self.table.setColumnWidth(column, width)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button.setDefault(True)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.help)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    # --- reading ------------------------------------------------------------------

    def choose_file(self) -> None:
        folder = str(self.path.parent) if self.path else ""
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Choose a CSV file", folder, "CSV files (*.csv *.txt);;All files (*)"
        )
        if chosen:
            self.load(Path(chosen))

    def load(self, path: Path) -> None:
        self.path = path
        self.file_label.setText(str(path))
        self.reload_button.setEnabled(True)
        self.reload()

    def reload(self) -> None:
        if self.path is None:
            return
        self.import_button.setEnabled(False)
        self.import_button.setText("Import")
        try:
            with self.store.session() as session:
                rows = preview_import(session, self.client.id, self.path)
        except CsvImportError as exc:
            self.model.set_rows([])
            say(self.summary, f"This file cannot be imported. {exc}", error=True)
            return
        self.model.set_rows(rows)
        refused = sum(1 for r in rows if not r.accepted)
        if not rows:
            say(self.summary, "The file has a header but no rows to import.", error=True)
        elif refused:
            say(
                self.summary,
                f"{refused} of {len(rows)} rows are refused (see “Why refused”). Nothing is "
                "imported until every row is accepted: fix the file, save it, then press "
                "“Check again”.",
                error=True,
            )
        else:
            posts = f"{len(rows)} post{'s' if len(rows) != 1 else ''}"
            say(self.summary, f"All rows are accepted: {posts} will be scheduled.")
            self.import_button.setText(f"Import {posts}")
            self.import_button.setEnabled(True)

    # --- importing ----------------------------------------------------------------

    def run_import(self) -> None:
        rows = self.model.rows
        if not rows or not all(r.accepted for r in rows):
            return
        self.import_button.setEnabled(False)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with self.store.transaction() as session:
                post_ids = apply_import(session, self.client.id, rows, self.media_dir)
        except (ImportRefused, OSError) as exc:
            message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            say(self.summary, f"Nothing was imported. {message}", error=True)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        count = len(post_ids)
        self.import_button.setText("Imported")
        say(
            self.summary,
            f"Created {count} scheduled post{'s' if count != 1 else ''} for {self.client.name}.",
        )
        self.imported.emit(post_ids)
