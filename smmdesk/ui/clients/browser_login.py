"""“Sign in with your browser”, inside the account dialog.

Shown for networks whose connector declares ``browser_login = True``. A click
registers SMM Desk on the server the user named and opens the server's
approval page in the default browser; the browser comes back to a listener
on this computer and the panel hands the access token to the dialog, which
connects the account exactly as if the token had been pasted. If the browser
cannot come back (it runs on another machine, a firewall), “Paste a code
instead” opens the server's page that shows a code, and the user pastes it.

The work runs in ``sync/login_jobs.py``; this widget only starts jobs,
opens URLs and shows where things stand. ``cancel()`` stops every job and
closes the listener; the dialog calls it when it closes or rebuilds its fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smmdesk.sync.coordinator import SyncCoordinator
from smmdesk.sync.jobs import Job, JobFailure
from smmdesk.sync.login_jobs import (
    BrowserLoginStarted,
    ExchangePastedCodeJob,
    SignedIn,
    StartBrowserLoginJob,
    WaitForBrowserJob,
    login_base_url,
)


class BrowserLoginPanel(QWidget):
    #: The access token, once the server handed it out (GUI thread, in memory only).
    token_received = Signal(str)

    def __init__(
        self,
        coordinator: SyncCoordinator,
        platform: str,
        server: QLineEdit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.coordinator = coordinator
        self.platform = platform
        self.server = server
        self._started: BrowserLoginStarted | None = None
        self._jobs: set[int] = set()
        self._closed = False

        self.sign_in = QPushButton("Sign in with your browser")
        self.sign_in.clicked.connect(self.start)
        self.status = QLabel()
        self.status.setObjectName("ViewHint")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.hide()
        self.paste_link = QPushButton("Paste a code instead")
        self.paste_link.setFlat(True)
        self.paste_link.clicked.connect(self.show_paste)
        self.paste_link.hide()
        self.code = QLineEdit()
        self.code.setPlaceholderText("Paste the code from the server's page")
        self.code.returnPressed.connect(self.use_code)
        self.use_code_button = QPushButton("Use code")
        self.use_code_button.clicked.connect(self.use_code)
        self.code_row = QWidget()
        row = QHBoxLayout(self.code_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.code, 1)
        row.addWidget(self.use_code_button)
        self.code_row.hide()

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.sign_in)
        buttons.addWidget(self.paste_link)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.code_row)

    # --- actions ---------------------------------------------------------------------

    def start(self) -> None:
        base_url = login_base_url(self.coordinator.factory, self.platform, self.server.text())
        if not base_url:
            self._say("Enter your server's address first (for example mastodon.social).")
            self.server.setFocus()
            return
        self._stop_jobs()
        self._closed = False
        self.code_row.hide()
        self.paste_link.hide()
        self._say("Registering SMM Desk with the server…")
        self._submit(StartBrowserLoginJob(self.platform, base_url), self._on_started)

    def show_paste(self) -> None:
        if self._started is None:
            return
        self.code_row.show()
        self.code.setFocus()
        self._say("Approve SMM Desk on the page that opens, then copy the code it shows here.")
        QDesktopServices.openUrl(QUrl(self._started.paste_url))

    def use_code(self) -> None:
        code = self.code.text().strip()
        if self._started is None or not code:
            self._say("Paste the code the server showed you.")
            return
        self._say("Checking the code…")
        self._submit(ExchangePastedCodeJob(self._started, code), self._on_signed_in)

    def cancel(self) -> None:
        """Stop waiting and close the listener; safe to call more than once."""
        self._closed = True
        self._stop_jobs()

    # --- job outcomes ------------------------------------------------------------------

    def _submit(self, job: Job[Any], on_success: Callable[[Any], None]) -> None:
        job_id = 0

        def succeeded(result: object) -> None:
            self._jobs.discard(job_id)
            if not self._closed:
                on_success(result)
            elif isinstance(result, BrowserLoginStarted):
                result.login.close()

        def failed(failure: JobFailure) -> None:
            self._jobs.discard(job_id)
            if not self._closed and failure.kind != "cancelled":
                self._say(failure.message)

        job_id = self.coordinator.submit(job, succeeded, failed)
        self._jobs.add(job_id)

    def _on_started(self, started: BrowserLoginStarted) -> None:
        self._started = started
        self.paste_link.show()
        self._say("Waiting for the browser… Approve SMM Desk on your server's page.")
        self._submit(WaitForBrowserJob(started), self._on_signed_in)
        QDesktopServices.openUrl(QUrl(started.authorize_url))

    def _on_signed_in(self, signed_in: SignedIn) -> None:
        self._stop_jobs()
        self.code_row.hide()
        self.paste_link.hide()
        self._say("Signed in.")
        self.token_received.emit(signed_in.access_token)

    # --- helpers --------------------------------------------------------------------------

    def _stop_jobs(self) -> None:
        for job_id in list(self._jobs):
            self.coordinator.engine.cancel(job_id)
        self._jobs.clear()
        if self._started is not None:
            self._started.login.close()
            self._started = None

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.show()
