"""The items escalated to the client in a period, and their CSV export.

SMM-PRACTICE rule 4: what the manager cannot answer alone goes to the client,
with a note. At the end of a week the manager sends the list; this dialog
shows it for a period (one client, or every client when none is selected),
with the selected item's whole text and note below, and writes the CSV that
``reports.escalations`` describes. Everything from the network is shown as
plain text (table cells, a read-only ``QPlainTextEdit``).

Open it with ``EscalationsDialog(reader, client_id_or_None, parent).exec()``.
``export_to(path)`` writes the file without the file dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from smmdesk.reports.csv_import import network_name
from smmdesk.reports.escalations import export_escalations, kind_label, local_time
from smmdesk.store.inbox_queries import EscalatedRow, escalated_items
from smmdesk.store.queries import StoreReader
from smmdesk.ui.exchange.dialogs import safe_file_name, say
from smmdesk.ui.inbox.leaders_dialog import (
    PeriodPicker,
    TextTableModel,
    client_name_zone,
    table_view,
)
from smmdesk.ui.inbox.reply_checks import one_line

__all__ = ["EscalationsDialog", "csv_delimiter"]


def csv_delimiter(locale: QLocale | None = None) -> str:
    """What Excel splits columns on here: ";" where the decimal mark is a comma."""
    return ";" if (locale or QLocale.system()).decimalPoint() == "," else ","


class EscalationsDialog(QDialog):
    """List and export the items escalated to one client (or to all) in a period."""

    def __init__(
        self, reader: StoreReader, client_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.reader = reader
        self.client_id = client_id
        self.client_name, self.zone_name = client_name_zone(reader.db, client_id)
        self.rows: list[EscalatedRow] = []
        self.setWindowTitle(f"Escalated items — {self.client_name}")
        self.resize(980, 620)

        self.period = PeriodPicker(self.zone_name, days=7)
        self.period.changed.connect(self.reload)
        top = QHBoxLayout()
        top.addWidget(QLabel("Escalated in"))
        top.addWidget(self.period, 1)

        self.hint = QLabel(
            "Items you marked for the client, oldest first. Times are each client's own; "
            "the export opens in Excel with every alphabet intact."
        )
        self.hint.setObjectName("ViewHint")
        self.hint.setWordWrap(True)
        headers = ["Escalated at", "Network", "Account", "Kind", "Author", "Text", "Note"]
        if client_id is None:
            headers.insert(1, "Client")
        self.model = TextTableModel(headers, parent=self)
        self.table = table_view(self.model, stretch=headers.index("Text"))
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Select an item to read its whole text and note.")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([380, 140])

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = buttons.addButton(
            "Export CSV…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.choose_and_export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.reload()

    # --- list -----------------------------------------------------------------

    def _cells(self, row: EscalatedRow) -> list[str]:
        cells = [
            local_time(row),
            network_name(row.platform),
            row.handle,
            kind_label(row.kind),
            one_line(row.author_name, 60),
            one_line(row.body, 160),
            one_line(row.note, 40),
        ]
        if self.client_id is None:
            cells.insert(1, one_line(row.client_name, 60))
        return cells

    def reload(self) -> None:
        if not self.period.valid():
            say(self.message, "The first day is after the last one.", error=True)
            return
        since, until = self.period.bounds()
        self.rows = escalated_items(self.reader.db, self.client_id, since, until)
        self.model.set_rows([self._cells(row) for row in self.rows])
        self.detail.clear()
        self.export_button.setEnabled(bool(self.rows))
        count = len(self.rows)
        items = "1 item" if count == 1 else f"{count} items"
        text = f"{items} escalated" if count else "Nothing was escalated"
        self.message.setObjectName("")  # a count, neither done nor a problem
        self.message.style().polish(self.message)
        self.message.setText(f"{text}, {self.period.describe()}.")

    def _show_current(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.rows):
            self.detail.clear()
            return
        row = self.rows[index.row()]
        parts = [
            f"{row.author_name} · {kind_label(row.kind)} on {network_name(row.platform)} "
            f"{row.handle} · escalated {local_time(row)} ({row.timezone})",
            "",
            row.body or "(no text)",
        ]
        if row.url:
            parts += ["", row.url]
        parts += ["", f"Note for the client: {row.note}" if row.note else "No note."]
        self.detail.setPlainText("\n".join(parts))

    # --- export ---------------------------------------------------------------

    def default_file_name(self) -> str:
        first, last = self.period.range.days()
        return f"escalated-{safe_file_name(self.client_name)}-{first:%Y-%m-%d}-{last:%Y-%m-%d}.csv"

    def choose_and_export(self) -> None:
        start = str(Path.home() / self.default_file_name())
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export escalated items", start, "CSV files (*.csv)"
        )
        if chosen:
            path = Path(chosen)
            self.export_to(path if path.suffix else path.with_suffix(".csv"))

    def export_to(self, path: Path) -> bool:
        """Write the shown items to ``path``; says what happened, False on failure."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            count = export_escalations(path, self.rows, csv_delimiter())
        except OSError as exc:
            say(
                self.message,
                f"The file could not be written ({exc.strerror or exc}). "
                "Choose another folder; nothing was lost.",
                error=True,
            )
            return False
        finally:
            QApplication.restoreOverrideCursor()
        items = "1 item" if count == 1 else f"{count} items"
        say(self.message, f"Saved {items} to {path}.")
        return True
