"""The post's images: thumbnails, added by file dialog or drag-and-drop."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.gif *.webp)"


class MediaStrip(QWidget):
    """Emits ``files_added`` with paths; the composer stores them and calls ``show_media``."""

    files_added = Signal(list)  # list[Path]
    removed = Signal(int)  # media id

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        # A handful of thumbnails at most: a list widget is the right size here.
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(72, 72))
        self.list.setFixedHeight(100)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setToolTip("Drop images here, or use Add images…")
        add = QPushButton("Add images…")
        add.clicked.connect(self._choose)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def show_media(self, items: list[tuple[int, Path]]) -> None:
        self.list.clear()
        for media_id, path in items:
            pixmap = QPixmap(str(path))
            icon = QIcon(
                pixmap.scaled(
                    144,
                    144,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            item = QListWidgetItem(icon, "")
            item.setData(Qt.ItemDataRole.UserRole, media_id)
            item.setToolTip(path.name)
            self.list.addItem(item)
        self.remove_button.setEnabled(bool(items))

    def media_count(self) -> int:
        return self.list.count()

    def _choose(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Add images", "", IMAGE_FILTER)
        if names:
            self.files_added.emit([Path(n) for n in names])

    def _remove(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.removed.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.files_added.emit(paths)
            event.acceptProposedAction()
