"""Earlier texts of a post: look at any of them and bring it back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from smmdesk.store.posts import VersionRow


class HistoryDialog(QDialog):
    def __init__(self, versions: list[VersionRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Text history")
        self.resize(680, 420)
        self.chosen: str | None = None
        self.list = QListWidget()
        for version in versions:
            first = " ".join(version.body.split())[:40]
            item = QListWidgetItem(f"{version.saved_at.astimezone():%d %b %H:%M}  {first}")
            item.setData(Qt.ItemDataRole.UserRole, version.body)
            self.list.addItem(item)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.list.currentItemChanged.connect(
            lambda item, _old: self.preview.setPlainText(
                item.data(Qt.ItemDataRole.UserRole) if item else ""
            )
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore = buttons.addButton(
            "Restore this text", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        panes = QHBoxLayout()
        panes.addWidget(self.list, 2)
        panes.addWidget(self.preview, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(panes)
        layout.addWidget(buttons)
        if versions:
            self.list.setCurrentRow(0)
        else:
            self.restore.setEnabled(False)
            self.preview.setPlainText("No earlier versions yet.")

    def accept(self) -> None:
        item = self.list.currentItem()
        self.chosen = item.data(Qt.ItemDataRole.UserRole) if item else None
        super().accept()
