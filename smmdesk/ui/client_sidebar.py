"""The client selector: "All clients" and one row per client, with its colour.

Selecting a client narrows every tab to that client's accounts. The sidebar
is part of the first paint, which comes before the application style sheet
(see ``theme``): it carries its own.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel, QListView, QPushButton, QVBoxLayout, QWidget

from smmdesk.store.queries import ClientRow
from smmdesk.ui.theme import BUTTON_QSS, colour_dot

ALL_CLIENTS = None
_Index = QModelIndex | QPersistentModelIndex

STYLE = (
    """
#Sidebar { background: #eef0f4; border-right: 1px solid #dfe3ea; }
#SidebarTitle { font-size: 9pt; font-weight: 600; color: #6b7385; padding: 10px 12px 4px 12px; }
#ClientList { background: transparent; border: none; outline: none; }
#ClientList::item { padding: 6px 8px; border-radius: 6px; margin: 1px 6px; }
#ClientList::item:selected { background: #dde6ff; color: #1f2430; }
#ClientList::item:hover:!selected { background: #e4e8f0; }
"""
    + BUTTON_QSS
)


class ClientListModel(QAbstractListModel):
    ClientIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[ClientRow] = []

    def set_clients(self, rows: list[ClientRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows) + 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.row() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return "All clients"
            if role == self.ClientIdRole:
                return ALL_CLIENTS
            if role == Qt.ItemDataRole.DecorationRole:
                return colour_dot("#9aa1ae")
            return None
        row = self._rows[index.row() - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            suffix = (
                f"  ⚠ {row.accounts_needing_attention}" if row.accounts_needing_attention else ""
            )
            return f"{row.name}{suffix}"
        if role == Qt.ItemDataRole.DecorationRole:
            return colour_dot(row.colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            accounts = f"{row.account_count} account{'s' if row.account_count != 1 else ''}"
            extra = (
                f", {row.accounts_needing_attention} need attention"
                if row.accounts_needing_attention
                else ""
            )
            return f"{row.name} · {row.timezone} · {accounts}{extra}"
        if role == self.ClientIdRole:
            return row.id
        return None

    def row_of(self, client_id: int | None) -> int:
        if client_id is None:
            return 0
        for i, row in enumerate(self._rows):
            if row.id == client_id:
                return i + 1
        return 0


class ClientSidebar(QWidget):
    client_selected = Signal(object)  # client id or None for all
    add_client_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("Sidebar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.setMinimumWidth(190)
        self.setMaximumWidth(280)
        self.model = ClientListModel()
        self.list = QListView()
        self.list.setObjectName("ClientList")
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.selectionModel().currentChanged.connect(self._on_current)
        title = QLabel("CLIENTS")
        title.setObjectName("SidebarTitle")
        add = QPushButton("+ New client")
        add.setToolTip("Add a client brand (Ctrl+Shift+N)")
        add.clicked.connect(self.add_client_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addWidget(title)
        layout.addWidget(self.list, 1)
        layout.addWidget(add)
        layout.setAlignment(add, Qt.AlignmentFlag.AlignHCenter)
        self._current: int | None = None

    def set_clients(self, rows: list[ClientRow]) -> None:
        keep = self._current
        self.list.selectionModel().blockSignals(True)
        self.model.set_clients(rows)
        self.list.setCurrentIndex(self.model.index(self.model.row_of(keep)))
        self.list.selectionModel().blockSignals(False)
        if self.model.row_of(keep) == 0 and keep is not None:
            self._current = None
            self.client_selected.emit(None)

    def current_client(self) -> int | None:
        return self._current

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._current = current.data(ClientListModel.ClientIdRole) if current.isValid() else None
        self.client_selected.emit(self._current)
