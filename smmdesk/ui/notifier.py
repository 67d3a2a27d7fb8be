"""Saying once, outside the window too, that something needs the user.

A post that failed for good, or an account that must be reconnected, is told
as a desktop notification (through the system tray, where the desktop has
one) and in the status bar; the coordinator makes sure each is told once.
Retries that will happen by themselves are not announced: they show in the
status bar and the composer only.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

from smmdesk.ui.theme import app_icon

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.tray: QSystemTrayIcon | None = None
        self.shown: list[str] = []  # what was said, for the tests and the log

    def notify(self, title: str, message: str) -> None:
        self.shown.append(f"{title}: {message}")
        log.info("notified: %s", title)
        self.window.statusBar().showMessage(f"{title}: {message}", 15000)
        tray = self._tray()
        if tray is not None:
            tray.showMessage(title, message, QSystemTrayIcon.MessageIcon.Warning, 10000)

    def _tray(self) -> QSystemTrayIcon | None:
        if self.tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(app_icon(), self.window)
            self.tray.setToolTip("SMM Desk")
            self.tray.activated.connect(lambda _reason: self._raise_window())
            self.tray.messageClicked.connect(self._raise_window)
            self.tray.show()
        return self.tray

    def _raise_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
