"""The status bar: sync state in words, and a progress bar for long work.

The progress bar appears only when work has been running for more than half
a second, so quick syncs do not make the window flicker. The bar is part of
the first paint, so it carries its own small style sheet instead of the
application's (see ``theme``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

from smmdesk.ui.theme import BUTTON_QSS, PROGRESS_QSS

if TYPE_CHECKING:  # the sync package loads after the first paint
    from smmdesk.sync.status import SyncStatus

# The hidden button and progress bar count too: the bar is as tall as its
# tallest item, shown or not.
STYLE = (
    """
QStatusBar { background: #eef0f4; border-top: 1px solid #dfe3ea; }
QStatusBar QLabel { color: #4a5262; padding: 0 6px; }
"""
    + BUTTON_QSS
    + PROGRESS_QSS
)


def describe(status: SyncStatus) -> str:
    if not status.online:
        text = "Offline: your changes are saved here and go out when the network is back"
        if status.waiting:
            text += f" ({status.waiting} waiting)"
        return text
    if status.running:
        titles = status.current_titles
        if len(titles) == 1:
            return f"{titles[0]}…"
        syncing = sum(t.startswith("Syncing") for t in titles)
        if syncing == len(titles):
            return f"Syncing {syncing} accounts…"
        return f"Working on {len(titles)} tasks…"
    if status.last_sync is not None:
        return f"Up to date · last sync {status.last_sync.astimezone():%H:%M}"
    return "Idle"


class SyncStatusBar(QStatusBar):
    attention_clicked = Signal()
    overdue_clicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet(STYLE)
        self.setSizeGripEnabled(True)
        self.state_label = QLabel("Idle")
        self.state_label.setObjectName("SyncState")
        self.error_label = QLabel()
        self.error_label.setObjectName("ErrorText")
        self.error_label.hide()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.addWidget(self.state_label, 1)
        self.attention = QPushButton()
        self.attention.setObjectName("AttentionButton")
        self.attention.setFlat(True)
        self.attention.setToolTip("Failed or missed posts: see what to do about them")
        self.attention.clicked.connect(self.attention_clicked)
        self.attention.hide()
        self.addPermanentWidget(self.attention)
        self.overdue = QPushButton()
        self.overdue.setObjectName("AttentionButton")
        self.overdue.setFlat(True)
        self.overdue.setToolTip("Inbox items past the client's reply target: show them")
        self.overdue.clicked.connect(self.overdue_clicked)
        self.overdue.hide()
        self.addPermanentWidget(self.overdue)
        self.addPermanentWidget(self.error_label)
        self.addPermanentWidget(self.progress)
        self._show_progress = QTimer(self)
        self._show_progress.setSingleShot(True)
        self._show_progress.setInterval(500)
        self._show_progress.timeout.connect(self.progress.show)

    def show_status(self, status: SyncStatus) -> None:
        self.state_label.setText(describe(status))
        if status.accounts_with_errors:
            n = status.accounts_with_errors
            self.error_label.setText(f"{n} account{'s' if n > 1 else ''} need attention")
            self.error_label.show()
        else:
            self.error_label.hide()
        if status.failed_posts:
            n = status.failed_posts
            self.attention.setText(f"⚠ {n} post{'s need' if n > 1 else ' needs'} you")
            self.attention.show()
        else:
            self.attention.hide()
        if status.running:
            if not self.progress.isVisible() and not self._show_progress.isActive():
                self.progress.setRange(0, 0)  # busy until a job reports numbers
                self._show_progress.start()
        else:
            self._show_progress.stop()
            self.progress.hide()

    def show_overdue(self, count: int) -> None:
        """Rule 8 of SMM-PRACTICE: answers past the client's target stand out."""
        self.overdue.setText(f"⏰ {count} overdue")
        self.overdue.setVisible(count > 0)

    def show_progress(self, job_id: int, done: int, total: int, text: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if text:
            self.progress.setToolTip(text)
