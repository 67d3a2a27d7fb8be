"""Connecting an account: ask for the credential, check it, keep it safe.

The fields come from the connector's declaration. "Connect" runs a background
job that validates the credential with the network, stores it in the OS
keyring and adds the account; the dialog shows whose account it is. Errors
keep what was typed and say what to do.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from smmdesk.platforms import connector_class, platform_ids
from smmdesk.sync.account_jobs import ConnectAccountJob, ConnectedAccount
from smmdesk.sync.coordinator import SyncCoordinator
from smmdesk.sync.jobs import JobFailure
from smmdesk.ui.clients.browser_login import BrowserLoginPanel
from smmdesk.ui.theme import platform_icon
from smmdesk.vault import Vault


class ConnectAccountDialog(QDialog):
    connected = Signal(int)  # account id

    def __init__(
        self,
        coordinator: SyncCoordinator,
        vault: Vault,
        client_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.coordinator = coordinator
        self.vault = vault
        self.client_id = client_id
        self._job_id: int | None = None
        self.setWindowTitle("Connect an account")
        self.setMinimumWidth(460)

        self.platform = QComboBox()
        for platform in platform_ids():
            cls = connector_class(platform)
            self.platform.addItem(platform_icon(platform), cls.display_name, platform)
        self.platform.currentIndexChanged.connect(self._build_fields)

        self.fields_host = QWidget()
        self.form = QFormLayout(self.fields_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.inputs: dict[str, QLineEdit] = {}
        self.browser_login: BrowserLoginPanel | None = None
        self.instance = QLineEdit()
        self.instance.setPlaceholderText("https://mastodon.social")

        self.help = QLabel()
        self.help.setObjectName("ViewHint")
        self.help.setWordWrap(True)
        self.help.setTextFormat(Qt.TextFormat.PlainText)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton(
            "Connect", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.connect_button.setDefault(True)
        self.buttons.accepted.connect(self._connect)
        self.buttons.rejected.connect(self.reject)

        top = QFormLayout()
        top.addRow("Network", self.platform)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.fields_host)
        layout.addWidget(self.help)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._build_fields()
        self._show_vault_state()

    def _build_fields(self) -> None:
        if self.browser_login is not None:
            self.browser_login.cancel()
            self.browser_login = None
        while self.form.rowCount():
            self.form.removeRow(0)
        self.inputs = {}
        self.instance = QLineEdit()
        self.instance.setPlaceholderText("https://mastodon.social")
        cls = connector_class(str(self.platform.currentData()))
        if cls.capabilities.has_instances:
            self.form.addRow("Server", self.instance)
        if getattr(cls, "browser_login", False):
            self.browser_login = BrowserLoginPanel(self.coordinator, cls.platform, self.instance)
            self.browser_login.token_received.connect(self._use_browser_token)
            self.form.addRow(self.browser_login)
        help_lines = []
        for spec in cls.credential_fields:
            edit = QLineEdit()
            edit.setPlaceholderText(spec.placeholder)
            if spec.secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.inputs[spec.key] = edit
            self.form.addRow(spec.label, edit)
            if spec.help_text:
                help_lines.append(spec.help_text)
        self.help.setText("\n".join(help_lines))
        self.message.hide()

    def _show_vault_state(self) -> None:
        status = self.vault.status()
        if not status.available:
            self._say(status.message, error=True)
            self.connect_button.setEnabled(False)

    def _say(self, text: str, error: bool) -> None:
        self.message.setObjectName("ErrorText" if error else "OkText")
        self.message.setStyleSheet("")  # re-polish for the new object name
        self.message.setText(text)
        self.message.show()
        # A long "To do" wraps onto more lines than the dialog was sized for.
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(self.width())
            if needed > self.height():
                self.resize(self.width(), needed)

    def _connect(self) -> None:
        secret = {key: edit.text().strip() for key, edit in self.inputs.items()}
        missing = [
            spec.label
            for spec in connector_class(str(self.platform.currentData())).credential_fields
            if spec.required and not secret.get(spec.key)
        ]
        if missing:
            self._say(f"Fill in: {', '.join(missing)}.", error=True)
            return
        job = ConnectAccountJob(
            self.coordinator.store,
            self.vault,
            self.coordinator.factory,
            self.client_id,
            str(self.platform.currentData()),
            secret,
            instance_url=self.instance.text().strip(),
        )
        self._set_busy(True)
        self._say(f"Checking with {self.platform.currentText()}…", error=False)
        self._job_id = self.coordinator.submit(job, self._on_connected, self._on_failed)

    def _use_browser_token(self, token: str) -> None:
        """The browser sign-in gave a token: connect with it as if it had been pasted."""
        cls = connector_class(str(self.platform.currentData()))
        key = next(spec.key for spec in cls.credential_fields if spec.secret)
        self.inputs[key].setText(token)
        self._connect()

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.connect_button.setEnabled(not busy)
        self.platform.setEnabled(not busy)
        self.fields_host.setEnabled(not busy)

    def _on_connected(self, result: ConnectedAccount) -> None:
        self._job_id = None
        self._set_busy(False)
        identity = result.identity
        text = f"Connected: {identity.display_name} ({identity.handle})"
        warning = identity.settings.get("warning", "")
        if warning:  # connected, but something is missing (e.g. comments)
            text += f"\n\nTo do: {warning}"
        self._say(text, error=False)
        self.connected.emit(result.account_id)
        self.connect_button.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Done")

    def _on_failed(self, failure: JobFailure) -> None:
        self._job_id = None
        self._set_busy(False)
        if failure.kind == "cancelled":
            return
        prefix = {
            "auth": "The network did not accept this credential. ",
            "offline": "No connection: ",
            "rate_limited": "The network asks us to wait. ",
        }.get(failure.kind, "")
        self._say(prefix + failure.message, error=True)

    def reject(self) -> None:
        if self.browser_login is not None:
            self.browser_login.cancel()
        if self._job_id is not None:
            self.coordinator.engine.cancel(self._job_id)
        super().reject()
