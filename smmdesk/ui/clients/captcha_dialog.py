"""A network wants a person to read a picture (VK error 14): show it, take the answer.

Plain on purpose: the picture (bytes the caller already fetched, so this
dialog never touches the network), the connector's message, one line to type
in. ``answer()`` shows the dialog and returns what was typed, or None when
the user cancelled or typed nothing; the caller sends the answer back with
the next attempt (``options["captcha_sid"]`` / ``options["captcha_key"]``)
and never asks again by itself.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

#: A picture larger than this is shown scaled down (captchas are ~130x50).
MAX_PICTURE = (480, 240)


class CaptchaDialog(QDialog):
    def __init__(self, image_bytes: bytes, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Type the characters you see")
        self.setMinimumWidth(360)

        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # network text is never markup

        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pixmap = QPixmap()
        if image_bytes and pixmap.loadFromData(image_bytes):
            if pixmap.width() > MAX_PICTURE[0] or pixmap.height() > MAX_PICTURE[1]:
                pixmap = pixmap.scaled(
                    *MAX_PICTURE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            self.picture.setPixmap(pixmap)
            self.has_picture = True
        else:
            self.picture.setText("The picture could not be shown. Cancel and try again later.")
            self.picture.setObjectName("ErrorText")
            self.has_picture = False

        self.input = QLineEdit()
        self.input.setPlaceholderText("Characters from the picture")
        self.input.setMaxLength(64)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Send")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.input.textChanged.connect(self._update_ok)
        self._update_ok()

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.picture)
        layout.addWidget(self.input)
        layout.addWidget(self.buttons)
        self.input.setFocus()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.typed()))

    def typed(self) -> str:
        return self.input.text().strip()

    def answer(self) -> str | None:
        """Show the dialog; what was typed, or None if cancelled or left empty."""
        if self.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.typed() or None
