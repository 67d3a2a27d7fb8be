"""Audience leaders: the people who talk to a client's accounts the most.

The job descriptions name it as a duty: find the leaders in the audience (the
most active commenters), thank them, invite them to events, ask them for a
testimonial. The dialog lists ``inbox_queries.audience_leaders`` for a period
in the client's own days (the client's accounts are never among them) and
copies the list as plain text for a report or a message to the client.

The period picker and the small read-only table model here are shared with
the escalations dialog: both read a few hundred rows at most over the GUI's
read-only connection, which takes milliseconds.

Open it with ``LeadersDialog(reader, client_id, parent).exec()``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.clock import to_local
from smmdesk.reports.csv_import import network_name
from smmdesk.store.inbox_queries import LeaderRow, audience_leaders
from smmdesk.store.queries import StoreReader
from smmdesk.ui.exchange.dialogs import DateRange, today_in
from smmdesk.ui.inbox.reply_checks import one_line

__all__ = ["LeadersDialog", "PeriodPicker", "TextTableModel", "client_name_zone", "leaders_text"]

#: How many leaders the list shows.
LEADERS_SHOWN = 50
_PRESETS = ((7, "Last 7 days"), (30, "Last 30 days"), (90, "Last 90 days"))
_Index = QModelIndex | QPersistentModelIndex


def client_name_zone(db: sqlite3.Connection, client_id: int | None) -> tuple[str, str]:
    """The client's name and time zone; for "all clients", the laptop's zone."""
    if client_id is not None:
        row = db.execute("SELECT name, timezone FROM clients WHERE id = ?", (client_id,)).fetchone()
        if row is not None:
            return str(row[0]), str(row[1] or "UTC")
    from PySide6.QtCore import QTimeZone

    return "All clients", bytes(QTimeZone.systemTimeZoneId().data()).decode() or "UTC"


def format_day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def at_handle(handle: str) -> str:
    handle = handle.strip()
    return handle if not handle or handle.startswith("@") else "@" + handle


class PeriodPicker(QWidget):
    """Last 7 / 30 / 90 days or any two days, in one client's zone.

    A preset fills in the two dates, so the user always sees which days are
    counted; editing a date switches the preset to "Custom".
    """

    changed = Signal()

    def __init__(self, zone_name: str, days: int = 30) -> None:
        super().__init__()
        self.zone_name = zone_name
        self.preset = QComboBox()
        for length, label in _PRESETS:
            self.preset.addItem(label, length)
        self.preset.addItem("Custom", 0)
        self.range = DateRange(zone_name, days=0)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preset)
        layout.addWidget(self.range, 1)
        self._filling = False
        self.preset.setCurrentIndex(max(0, self.preset.findData(days)))
        self._apply_preset()
        self.preset.currentIndexChanged.connect(self._apply_preset)
        self.range.changed.connect(self._dates_edited)

    def _apply_preset(self) -> None:
        length = int(self.preset.currentData())
        if length:
            today = today_in(self.zone_name)
            self._filling = True
            self.range.set_days(today - timedelta(days=length - 1), today)
            self._filling = False
        self.changed.emit()

    def _dates_edited(self) -> None:
        if self._filling:
            return
        custom = self.preset.findData(0)
        if self.preset.currentIndex() != custom:
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(custom)
            self.preset.blockSignals(False)
        self.changed.emit()

    def set_days(self, first: date, last: date) -> None:
        """A custom period (both days included)."""
        self.range.set_days(first, last)

    def valid(self) -> bool:
        return self.range.valid()

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC."""
        return self.range.bounds()

    def describe(self) -> str:
        first, last = self.range.days()
        return f"{format_day(first)} – {format_day(last)}"


class TextTableModel(QAbstractTableModel):
    """A read-only table of ready-made strings; Qt views draw them as plain text."""

    def __init__(self, headers: Sequence[str], numeric: Sequence[int] = (), parent: Any = None):
        super().__init__(parent)
        self.headers = list(headers)
        self.numeric = set(numeric)
        self.rows: list[Sequence[str]] = []

    def set_rows(self, rows: list[Sequence[str]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None


def table_view(model: QAbstractTableModel, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def leader_cells(row: LeaderRow, zone_name: str) -> tuple[str, ...]:
    return (
        one_line(row.author_name or row.author_id, 60),
        one_line(at_handle(row.author_handle), 60),
        f"{network_name(row.platform)} {row.handle}",
        str(row.items),
        str(row.comments),
        f"{to_local(row.last_at, zone_name):%d %b %Y %H:%M}",
    )


def leaders_text(client: str, period: str, rows: Sequence[LeaderRow], zone_name: str) -> str:
    """The list as plain text, for a message or a report to the client."""
    lines = [f"Audience leaders — {client}, {period}", ""]
    if not rows:
        lines.append("Nobody wrote to the client's accounts in this period.")
    for number, row in enumerate(rows, start=1):
        name, handle, account, items, comments, last = leader_cells(row, zone_name)
        who = f"{name} ({handle})" if handle else name
        lines.append(
            f"{number}. {who}: {items} items, {comments} comments, on {account}; last seen {last}"
        )
    return "\n".join(lines) + "\n"


class LeadersDialog(QDialog):
    """The most active people in one client's audience over a period."""

    HEADERS = ("Name", "Handle", "Talks to", "Items", "Comments", "Last seen")

    def __init__(self, reader: StoreReader, client_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.reader = reader
        self.client_id = client_id
        self.client_name, self.zone_name = client_name_zone(reader.db, client_id)
        self.rows: list[LeaderRow] = []
        self.setWindowTitle(f"Audience leaders — {self.client_name}")
        self.resize(860, 520)

        self.period = PeriodPicker(self.zone_name, days=30)
        self.period.changed.connect(self.reload)
        top = QHBoxLayout()
        top.addWidget(QLabel("Period"))
        top.addWidget(self.period, 1)

        self.hint = QLabel(
            "People who commented, replied, mentioned or messaged the client's accounts most "
            f"often; the client's own accounts are left out. Last seen is {self.zone_name} time."
        )
        self.hint.setObjectName("ViewHint")
        self.hint.setWordWrap(True)
        self.model = TextTableModel(self.HEADERS, numeric=(3, 4), parent=self)
        self.table = table_view(self.model, stretch=2)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("Copy as text", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_text)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        if not self.period.valid():
            self.summary.setText("The first day is after the last one.")
            return
        since, until = self.period.bounds()
        self.rows = audience_leaders(self.reader.db, self.client_id, since, until, LEADERS_SHOWN)
        self.model.set_rows([leader_cells(row, self.zone_name) for row in self.rows])
        # Networks that show no handle (the sandbox, some messengers) leave the column empty.
        self.table.setColumnHidden(1, not any(row.author_handle for row in self.rows))
        self.copy_button.setEnabled(bool(self.rows))
        if self.rows:
            top = f"the {LEADERS_SHOWN} most active" if len(self.rows) == LEADERS_SHOWN else ""
            people = top or (f"{len(self.rows)} people" if len(self.rows) > 1 else "1 person")
            self.summary.setText(f"{self.period.describe()}: {people}, most active first.")
        else:
            self.summary.setText(f"{self.period.describe()}: nobody wrote in this period.")

    def text(self) -> str:
        return leaders_text(self.client_name, self.period.describe(), self.rows, self.zone_name)

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.summary.setText(f"Copied {len(self.rows)} people to the clipboard.")
