"""Showing an uncaught error once, on the GUI thread, without quitting.

``logs.install_exception_hooks`` calls ``report`` from whatever thread
failed; a queued signal carries the message to the GUI thread, where each
distinct message is shown once (a failing timer must not open a dialog a
second).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget


class ErrorReporter(QObject):
    _reported = Signal(str)

    def __init__(self, window: QWidget | None = None) -> None:
        super().__init__(window)
        self._seen: set[str] = set()
        self._window = window
        self._reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def report(self, message: str) -> None:
        """Safe to call from any thread."""
        self._reported.emit(message)

    def _show(self, message: str) -> None:
        if message in self._seen:
            return
        self._seen.add(message)
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Something went wrong")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            "SMM Desk hit an unexpected error and carried on. Your work is saved.\n\n"
            f"{message}\n\nDetails are in the log file."
        )
        box.open()


def show_fatal(title: str, message: str, headless: bool) -> int:
    """Tell the user why the app cannot start; returns the exit code."""
    if headless:
        print(f"self-test FAILED: {message}", flush=True)
        return 2
    box = QMessageBox(QMessageBox.Icon.Critical, title, message)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
    return 2
