"""The Analytics tab: one client's numbers for a period, against the period before.

The main window builds it as ``AnalyticsTab(reader)``, calls
``set_client(client_id | None)`` when the sidebar changes and ``reload()``
when a sync brings new metrics. With "All clients" chosen it asks for a
client instead of mixing several brands' numbers (a client's report never
holds another client's data, and neither does this tab).

Reading is off the GUI thread (``loader.Loader``): on a profile of 10k posts
and 100k inbox items one dashboard read takes 0.4-0.5 s (most of it the
inbox's response times, read for the period and the one before), far over a
frame; drawing the result on the GUI thread takes 20-50 ms. While a read
runs, the tab keeps showing the previous numbers and says "Updating…".

Goals and competitors are edited through small dialogs and written with the
ORM store (``set_store``; without one the buttons say why they cannot).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from smmdesk.store.queries import StoreReader
from smmdesk.ui.analytics.dashboard import DashboardView
from smmdesk.ui.analytics.data import Dashboard, read_dashboard
from smmdesk.ui.analytics.loader import Loader
from smmdesk.ui.analytics.look import STYLE
from smmdesk.ui.analytics.period_bar import PeriodBar, describe

if TYPE_CHECKING:
    from smmdesk.store.database import Store

CHOOSE_CLIENT = "Choose a client to see its analytics"


class AnalyticsTab(QWidget):
    #: A dashboard was drawn (after ``reload``/``set_client``/a period change).
    loaded = Signal()

    PROMPT, DASHBOARD = range(2)

    def __init__(self, reader: StoreReader, store: Store | None = None) -> None:
        super().__init__()
        self.setStyleSheet(STYLE)
        self.reader = reader
        self.store = store
        self.client_id: int | None = None
        self.data: Dashboard | None = None
        self.loader = Loader(reader.path, self)
        self.loader.ready.connect(self._on_ready)
        self.loader.failed.connect(self._on_failed)

        self.title = QLabel("Analytics")
        self.title.setObjectName("MonthTitle")
        self.client_label = QLabel()
        self.client_label.setTextFormat(Qt.TextFormat.PlainText)
        self.client_label.setStyleSheet("font-size: 12pt; font-weight: 600; color: #4a5262;")
        self.period_bar = PeriodBar()
        self.period_bar.changed.connect(self.reload)
        self.compared = QLabel()
        self.compared.setObjectName("ViewHint")
        self.compared.setTextFormat(Qt.TextFormat.PlainText)
        self.compared.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.state = QLabel()
        self.state.setObjectName("ViewHint")
        self.state.setTextFormat(Qt.TextFormat.PlainText)

        header = QHBoxLayout()
        header.setSpacing(10)
        header.addWidget(self.title)
        header.addWidget(self.client_label)
        header.addStretch(1)
        header.addWidget(self.period_bar)
        sub = QHBoxLayout()
        sub.addWidget(self.compared, 1)
        sub.addWidget(self.state)

        self.prompt = QLabel(CHOOSE_CLIENT)
        self.prompt.setObjectName("ChoosePrompt")
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt.setWordWrap(True)
        self.dashboard = DashboardView()
        self.dashboard.followers.goals_requested.connect(self.edit_goals)
        self.dashboard.competitors.manage_requested.connect(self.edit_competitors)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.prompt)
        self.pages.addWidget(self.dashboard)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 6, 0)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addLayout(sub)
        layout.addWidget(self.pages, 1)
        self.reload()

    # --- the main window's interface ---------------------------------------------------

    def set_client(self, client_id: int | None) -> None:
        if client_id != self.client_id:
            self.client_id = client_id
            self.data = None
        self.reload()

    def set_store(self, store: Store) -> None:
        """Enable editing goals and competitors (the main window's ``attach``)."""
        self.store = store

    def reload(self) -> None:
        """Read the numbers again, off the GUI thread; the old ones stay until then."""
        client_id = self.client_id
        if client_id is None:
            self.pages.setCurrentIndex(self.PROMPT)
            self.client_label.setText("")
            self.compared.setText("")
            self.state.setText("")
            self.period_bar.hide()
            return
        self.period_bar.show()
        name, zone_name = self._client(client_id)
        self.client_label.setText(name)
        self.period_bar.set_zone(zone_name)
        period = self.period_bar.period()
        self.compared.setText(
            f"{describe(period)}, compared with {describe(period.previous())} "
            f"· days in {zone_name} time"
        )
        self.state.setText("Updating…")
        self.loader.request(partial(read_dashboard, client_id=client_id, period=period))

    def _client(self, client_id: int) -> tuple[str, str]:
        row = self.reader.db.execute(
            "SELECT name, timezone FROM clients WHERE id = ?", (client_id,)
        ).fetchone()
        return (str(row[0]), str(row[1] or "UTC")) if row else ("", "UTC")

    # --- results -------------------------------------------------------------------

    def _on_ready(self, data: object) -> None:
        if not isinstance(data, Dashboard) or data.client_id != self.client_id:
            return
        # A sync of an account whose numbers did not move changes nothing on
        # screen: skip the redraw (and the flicker of rebuilt charts).
        if data != self.data:
            self.dashboard.show_dashboard(data)
        self.data = data
        self.pages.setCurrentIndex(self.DASHBOARD)
        self.state.setText(f"Updated {data.read_at.astimezone():%H:%M}")
        self.loaded.emit()

    def _on_failed(self, message: str) -> None:
        self.state.setText(message)
        self.loaded.emit()

    # --- dialogs -------------------------------------------------------------------

    def _need_store(self) -> Store | None:
        if self.store is None:
            QMessageBox.information(
                self, "Analytics", "The app is still starting: try again in a moment."
            )
        return self.store

    def edit_goals(self) -> None:
        store = self._need_store()
        if store is None or self.client_id is None:
            return
        from smmdesk.ui.analytics.goals_dialog import GoalsDialog

        dialog = GoalsDialog(self.reader, store, self.client_id, self)
        if dialog.exec():
            self.reload()

    def edit_competitors(self) -> None:
        store = self._need_store()
        if store is None or self.client_id is None:
            return
        from smmdesk.ui.analytics.competitors_dialog import CompetitorsDialog

        dialog = CompetitorsDialog(self.reader, store, self.client_id, self)
        dialog.exec()
        if dialog.changed:
            self.reload()
