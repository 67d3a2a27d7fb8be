"""Adding and editing a client, and the accounts connected for it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.client_rules import WEEKDAY_NAMES, ClientSettings, validate
from smmdesk.core.clock import zone_names
from smmdesk.store.clients import (
    count_clients,
    is_client_archived,
    load_settings,
    save_client,
    set_account_archived,
    set_client_archived,
)
from smmdesk.store.database import Store
from smmdesk.store.queries import StoreReader
from smmdesk.ui.clients.planning_settings import PlanningSettings
from smmdesk.ui.theme import platform_icon

PALETTE = ("#3d6df2", "#c0392b", "#1b7f3b", "#c98a00", "#8e6cef", "#0b8a8a", "#d62976")


class ClientDialog(QDialog):
    """Edits one client. ``connect_requested(client_id)`` opens the account dialog."""

    connect_requested = Signal(int)
    changed = Signal()

    def __init__(
        self,
        store: Store,
        reader: StoreReader,
        client_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.reader = reader
        self.client_id = client_id
        self.setWindowTitle("New client" if client_id is None else "Client settings")
        self.setMinimumWidth(520)
        with store.session() as session:
            if client_id is None:
                colour = PALETTE[count_clients(session) % len(PALETTE)]
                settings = ClientSettings(name="", colour=colour)
                archived = False
            else:
                settings = load_settings(session, client_id)
                archived = is_client_archived(session, client_id)
        self._colour = settings.colour
        self._archived = archived

        self.name = QLineEdit(settings.name)
        self.name.setPlaceholderText("The brand's name, e.g. Kafija Rīga")
        self.colour_button = QPushButton()
        self.colour_button.setFixedWidth(70)
        self.colour_button.clicked.connect(self._pick_colour)
        self._paint_colour()
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        self.timezone.addItems(list(zone_names()))
        self.timezone.setCurrentText(settings.timezone)
        completer = QCompleter(list(zone_names()), self.timezone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.timezone.setCompleter(completer)
        self.country = QLineEdit(settings.country)
        self.country.setPlaceholderText("LV")
        self.country.setMaxLength(2)
        self.country.setFixedWidth(60)

        self.work_start = QTimeEdit(QTime(0, 0).addSecs(settings.work_start_minute * 60))
        self.work_end = QTimeEdit(QTime(0, 0).addSecs(settings.work_end_minute * 60))
        for edit in (self.work_start, self.work_end):
            edit.setDisplayFormat("HH:mm")
        hours = QHBoxLayout()
        hours.addWidget(self.work_start)
        hours.addWidget(QLabel("to"))
        hours.addWidget(self.work_end)
        hours.addStretch(1)
        self.day_boxes = []
        days = QHBoxLayout()
        for number, label in enumerate(WEEKDAY_NAMES):
            box = QCheckBox(label)
            box.setChecked(number in settings.work_days)
            self.day_boxes.append(box)
            days.addWidget(box)
        days.addStretch(1)

        self.reply_target = QDoubleSpinBox()
        self.reply_target.setRange(0.5, 168)
        self.reply_target.setSingleStep(0.5)
        self.reply_target.setSuffix(" working hours")
        self.reply_target.setValue(settings.reply_target_hours)
        self.max_per_day = QSpinBox()
        self.max_per_day.setRange(1, 50)
        self.max_per_day.setSuffix(" posts a day")
        self.max_per_day.setValue(settings.max_posts_per_day)
        self.min_gap = QSpinBox()
        self.min_gap.setRange(0, 1440)
        self.min_gap.setSingleStep(15)
        self.min_gap.setSuffix(" minutes between posts")
        self.min_gap.setValue(settings.min_gap_minutes)
        self.link_policy = QComboBox()
        self.link_policy.addItem("Links are fine", "free")
        self.link_policy.addItem("Links must be justified (flag them)", "justify")
        self.link_policy.setCurrentIndex(max(0, self.link_policy.findData(settings.link_policy)))

        identity = QFormLayout()
        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.colour_button)
        identity.addRow("Name", name_row)
        identity.addRow("Time zone", self.timezone)
        identity.addRow("Country", self.country)
        identity.addRow("Working hours", hours)
        identity.addRow("Working days", days)
        policy_box = QGroupBox("Policies")
        policy = QFormLayout(policy_box)
        policy.addRow("Reply within", self.reply_target)
        policy.addRow("Posting guard", self.max_per_day)
        policy.addRow("", self.min_gap)
        policy.addRow("Links", self.link_policy)

        self.accounts_box = QGroupBox("Accounts")
        accounts_layout = QVBoxLayout(self.accounts_box)
        self.accounts = QListWidget()  # a handful of rows: a model would be overkill
        self.accounts.setMaximumHeight(130)
        account_buttons = QHBoxLayout()
        self.connect_button = QPushButton("Connect account…")
        self.connect_button.clicked.connect(self._connect)
        self.archive_account_button = QPushButton("Archive account")
        self.archive_account_button.clicked.connect(self._archive_account)
        account_buttons.addWidget(self.connect_button)
        account_buttons.addWidget(self.archive_account_button)
        account_buttons.addStretch(1)
        accounts_layout.addWidget(self.accounts)
        accounts_layout.addLayout(account_buttons)
        self.accounts_box.setVisible(client_id is not None)

        self.error = QLabel()
        self.error.setObjectName("ErrorText")
        self.error.setWordWrap(True)
        self.error.hide()

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        if client_id is not None:
            label = "Restore client" if archived else "Archive client"
            self.archive_button = buttons.addButton(label, QDialogButtonBox.ButtonRole.ResetRole)
            self.archive_button.clicked.connect(self._toggle_archive)

        general = QWidget()
        general_layout = QVBoxLayout(general)
        general_layout.addLayout(identity)
        general_layout.addWidget(policy_box)
        general_layout.addWidget(self.accounts_box)
        self.planning = PlanningSettings(settings)
        tabs = QTabWidget()
        tabs.addTab(general, "General")
        tabs.addTab(self.planning, "Planning")
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.refresh_accounts()

    # --- settings -----------------------------------------------------------------

    def settings(self) -> ClientSettings:
        settings = ClientSettings(
            name=self.name.text(),
            colour=self._colour,
            timezone=self.timezone.currentText().strip(),
            country=self.country.text().strip().upper(),
            work_start_minute=self.work_start.time().msecsSinceStartOfDay() // 60000,
            work_end_minute=self.work_end.time().msecsSinceStartOfDay() // 60000,
            work_days=tuple(i for i, box in enumerate(self.day_boxes) if box.isChecked()),
            reply_target_hours=self.reply_target.value(),
            max_posts_per_day=self.max_per_day.value(),
            min_gap_minutes=self.min_gap.value(),
            link_policy=str(self.link_policy.currentData()),
        )
        self.planning.apply_to(settings)
        return settings

    def accept(self) -> None:
        settings = self.settings()
        problems = validate(settings)
        if problems:
            self.error.setText("\n".join(problems))
            self.error.show()
            return
        with self.store.transaction() as session:
            if self.client_id is not None:
                settings.notes = load_settings(session, self.client_id).notes
            self.client_id = save_client(session, settings, self.client_id)
        self.changed.emit()
        super().accept()

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self._colour), self, "Client colour")
        if colour.isValid():
            self._colour = colour.name()
            self._paint_colour()

    def _paint_colour(self) -> None:
        self.colour_button.setStyleSheet(
            f"background: {self._colour}; border: 1px solid #c9cfda; border-radius: 6px;"
        )
        self.colour_button.setToolTip(f"Client colour {self._colour}: click to change")

    def _toggle_archive(self) -> None:
        assert self.client_id is not None
        if not self._archived:
            answer = QMessageBox.question(
                self,
                "Archive client",
                "Archive this client? Its accounts stop syncing and it leaves the "
                "sidebar. Its posts, inbox and history are kept and it can be restored.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        with self.store.transaction() as session:
            set_client_archived(session, self.client_id, not self._archived)
        self.changed.emit()
        super().accept()

    # --- accounts -------------------------------------------------------------------

    def refresh_accounts(self) -> None:
        self.accounts.clear()
        if self.client_id is None:
            return
        rows = self.reader.list_accounts(self.client_id)
        for row in rows:
            text = f"{row.display_name or row.handle}  ({row.handle})"
            if row.status != "ok":
                text += f"  ⚠ {row.status_message or row.status}"
            item = QListWidgetItem(platform_icon(row.platform), text)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.accounts.addItem(item)
        if not rows:
            self.accounts.addItem("No accounts yet: connect one to start syncing.")
        self.archive_account_button.setEnabled(bool(rows))

    def _connect(self) -> None:
        if self.client_id is not None:
            self.connect_requested.emit(self.client_id)

    def _archive_account(self) -> None:
        item = self.accounts.currentItem()
        account_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        if account_id is None:
            return
        answer = QMessageBox.question(
            self,
            "Archive account",
            f"Archive {item.text().split('  ')[0]}? It stops syncing; its history stays.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            with self.store.transaction() as session:
                set_account_archived(session, account_id, True)
            self.refresh_accounts()
            self.changed.emit()
