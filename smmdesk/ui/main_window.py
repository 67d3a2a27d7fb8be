"""The main window: client sidebar, the three tabs, menus and the status bar.

Holds layout and wiring only. It is built in two steps so that it can paint
real data before the heavy parts of the app are loaded: the constructor takes
only the ``StoreReader`` (plain sqlite3) and shows the clients and the
calendar; ``attach`` then hands it the ORM store, the vault and the sync
coordinator, which enable editing and syncing. The Inbox and Analytics tabs
are built the first time they are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from smmdesk import APP_NAME
from smmdesk.store.queries import StoreReader
from smmdesk.ui.calendar.calendar_tab import CalendarTab
from smmdesk.ui.client_sidebar import ClientSidebar
from smmdesk.ui.main_menus import build_menus
from smmdesk.ui.status_bar import SyncStatusBar
from smmdesk.ui.theme import app_icon
from smmdesk.ui.welcome import WelcomePage
from smmdesk.ui.workspace_tabs import WorkspaceTabs

if TYPE_CHECKING:
    from smmdesk.store.database import Store
    from smmdesk.sync.coordinator import SyncCoordinator
    from smmdesk.ui.composer.composer_window import ComposerWindow
    from smmdesk.vault import Vault


class LazyTab(QWidget):
    """A tab whose content is built on first show."""

    def __init__(self, build: Callable[[], QWidget]) -> None:
        super().__init__()
        self._build = build
        self.content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        if self.content is None:
            self.content = self._build()
            self._layout.addWidget(self.content)
        return self.content

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.ensure()
        super().showEvent(event)


class MainWindow(QMainWindow):
    demo_requested = Signal()

    def __init__(
        self, reader: StoreReader, profile_label: str = "", offer_demo: bool = True
    ) -> None:
        super().__init__()
        self.reader = reader
        self.store: Store | None = None
        self.vault: Vault | None = None
        self.coordinator: SyncCoordinator | None = None
        self._composer: ComposerWindow | None = None
        title = APP_NAME + (f" — {profile_label}" if profile_label else "")
        self.setWindowTitle(title)
        self.setWindowIcon(app_icon())
        self.resize(1280, 820)

        self.sidebar = ClientSidebar()
        self.calendar = CalendarTab(reader)
        self.tabs = WorkspaceTabs()
        self.tabs.addTab(self.calendar, "Calendar")
        self.inbox_tab = LazyTab(self._build_inbox)
        self.analytics_tab = LazyTab(self._build_analytics)
        self._lazy_tabs = [self.inbox_tab, self.analytics_tab]
        self.tabs.addTab(self.inbox_tab, "Inbox")
        self.tabs.addTab(self.analytics_tab, "Analytics")

        workspace = QSplitter()
        workspace.addWidget(self.sidebar)
        workspace.addWidget(self.tabs)
        workspace.setStretchFactor(1, 1)
        workspace.setChildrenCollapsible(False)
        workspace.setSizes([220, 1060])

        self.welcome = WelcomePage(demo_available=offer_demo)
        self.welcome.demo_requested.connect(self.demo_requested)
        self.welcome.add_client_requested.connect(self.new_client)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(workspace)
        self.setCentralWidget(self.pages)

        self.status = SyncStatusBar()
        self.setStatusBar(self.status)
        self.status.state_label.setText("Starting…")
        self.sidebar.client_selected.connect(self._on_client_selected)
        self.sidebar.add_client_requested.connect(self.new_client)
        self._service_actions: list[QAction] = []
        build_menus(self, offer_demo)
        self.refresh_clients()

    def attach(self, store: Store, vault: Vault, coordinator: SyncCoordinator) -> None:
        """Second step of start-up: enable editing, connecting and syncing."""
        self.store, self.vault, self.coordinator = store, vault, coordinator
        coordinator.status_changed.connect(self.status.show_status)
        coordinator.engine.progress.connect(self.status.show_progress)
        coordinator.inbox_changed.connect(self._on_inbox_changed)
        coordinator.metrics_changed.connect(self._on_metrics_changed)
        coordinator.accounts_changed.connect(self._on_accounts_changed)
        coordinator.posts_changed.connect(self.calendar.refresh_posts)
        for action in self._service_actions:
            action.setEnabled(True)
        self.calendar.attach(store)
        if self.analytics_tab.content is not None:  # shown before the store was ready
            self.analytics_tab.content.set_store(store)  # type: ignore[attr-defined]
        self.calendar.open_post.connect(self.open_post)
        self.calendar.new_draft.connect(self.new_draft)
        from smmdesk.sync.feeds import FeedPoller

        self.feed_poller = FeedPoller(coordinator, parent=self)
        self.ideas_tab = LazyTab(self._build_ideas)
        self.tabs.addTab(self.ideas_tab, "Ideas")
        self._lazy_tabs.append(self.ideas_tab)
        self.status.show_status(coordinator.status())
        self._attention = None
        self._accounts_signature: tuple[object, ...] = self._account_states()
        from smmdesk.ui.notifier import Notifier

        self.notifier = Notifier(self)
        coordinator.publish_failed.connect(
            lambda _target, message: self.notifier.notify("A post was not published", message)
        )
        coordinator.job_failed.connect(
            lambda message: self.notifier.notify("SMM Desk needs you", message)
        )
        coordinator.missed_posts_found.connect(lambda _missed: self.show_attention())
        self.status.attention_clicked.connect(self.show_attention)
        self.calendar.moves.moved.connect(coordinator.post_changed)
        from smmdesk.ui.inbox.inbox_wiring import watch_overdue

        self.overdue_watch = watch_overdue(self, store, coordinator)
        from smmdesk.sync.metrics_jobs import MetricsScheduler

        self.metrics = MetricsScheduler(coordinator, parent=self)  # app.py starts it
        self.metrics.snapshot_failed.connect(
            lambda message: self.statusBar().showMessage(message, 10000)
        )
        if self.inbox_tab.content is not None:
            self.inbox_tab.content.attach(store, coordinator, self.overdue_watch)  # type: ignore[attr-defined]

    def show_attention(self) -> None:
        """The list of failed and missed posts, with what can be done about each."""
        if self.store is None:
            return
        if self._attention is None:
            from smmdesk.ui.attention_dialog import AttentionDialog

            self._attention = AttentionDialog(self.store, self.coordinator, self)
            self._attention.open_post.connect(self.open_post)
            self._attention.changed.connect(self.calendar.reload)
        self._attention.reload()
        self._attention.show()
        self._attention.raise_()

    @property
    def attached(self) -> bool:
        return self.coordinator is not None

    # --- structure --------------------------------------------------------------

    def _build_inbox(self) -> QWidget:
        from smmdesk.ui.inbox.inbox_tab import InboxTab

        tab = InboxTab(self.reader)
        tab.set_client(self.sidebar.current_client())
        tab.idea_requested.connect(self._idea_from_inbox)
        if self.store is not None and self.coordinator is not None:
            tab.attach(self.store, self.coordinator, self.overdue_watch)
        return tab

    def answer_captcha(self) -> None:
        from smmdesk.ui.captcha_flow import CaptchaFlow

        if self.store is not None and self.coordinator is not None:
            CaptchaFlow(self, self.store, self.coordinator).answer_pending()

    def client_report(self) -> None:
        """Analytics → Client report…: a PDF (and CSV) of one client's period."""
        if self.store is None or self.coordinator is None:
            return
        from smmdesk.ui.reports import ClientReportDialog

        try:
            dialog = ClientReportDialog(
                self.store, self.coordinator.engine, self.sidebar.current_client(), self
            )
        except ValueError as error:  # no clients yet
            QMessageBox.information(self, "Client report", str(error))
            return
        dialog.exec()

    def measure_now(self) -> None:
        """Analytics → Measure every account now (it runs daily by itself)."""
        if self.attached:
            self.metrics.snapshot_now()
            self.statusBar().showMessage("Measuring followers and post reactions…", 5000)

    def show_overdue(self) -> None:
        self.show_tab(1)
        self.inbox_tab.ensure()
        self.inbox_tab.content.show_overdue()  # type: ignore[union-attr]

    def _idea_from_inbox(self, item_id: int) -> None:
        if self.store is None:
            return
        from smmdesk.store.ideas import inbox_item_to_idea
        from smmdesk.store.inbox import record_event

        with self.store.transaction() as session:
            idea_id = inbox_item_to_idea(session, item_id)
            record_event(session, item_id, "idea", f"Idea {idea_id}")
        if self.inbox_tab.content is not None:
            self.inbox_tab.content.refresh_after_action(item_id)  # type: ignore[attr-defined]
        if self.ideas_tab.content is not None:
            self.ideas_tab.content.reload()  # type: ignore[attr-defined]
        self.statusBar().showMessage("Added to Ideas", 4000)

    def _build_ideas(self) -> QWidget:
        from smmdesk.ui.ideas.ideas_panel import IdeasPanel

        assert self.store is not None
        panel = IdeasPanel(self.store, self.reader.db, self.feed_poller)
        panel.set_client(self.sidebar.current_client())
        panel.draft_created.connect(self.open_post)
        return panel

    def _build_analytics(self) -> QWidget:
        from smmdesk.ui.analytics.analytics_tab import AnalyticsTab

        tab = AnalyticsTab(self.reader, self.store)
        tab.set_client(self.sidebar.current_client())
        return tab

    def _sync(self, what: str) -> None:
        if self.coordinator is not None:
            getattr(self.coordinator, what)()

    def show_tab(self, number: int) -> None:
        if self.pages.currentIndex() == 1:
            self.tabs.setCurrentIndex(number)

    # --- data ---------------------------------------------------------------------

    def refresh_clients(self) -> None:
        clients = self.reader.list_clients()
        has_accounts = self.reader.count_accounts() > 0
        self.sidebar.set_clients(clients)
        self.pages.setCurrentIndex(1 if clients or has_accounts else 0)
        if self.attached:
            self.calendar.reload()  # guard, themes, mix or accounts may have changed

    def _account_states(self) -> tuple[object, ...]:
        return tuple(
            (a.id, a.status, a.status_message, a.archived)
            for a in self.reader.list_accounts(include_archived=True)
        )

    def _on_accounts_changed(self) -> None:
        """After syncs: rebuild only if an account's state really changed (a sync
        that went fine changes nothing the sidebar or the calendar shows)."""
        signature = self._account_states()
        if signature != self._accounts_signature:
            self._accounts_signature = signature
            self.refresh_clients()

    def _on_client_selected(self, client_id: int | None) -> None:
        self.calendar.set_client(client_id)
        for lazy in self._lazy_tabs:
            if lazy.content is not None:
                lazy.content.set_client(client_id)  # type: ignore[attr-defined]

    def _on_inbox_changed(self, _account_id: int) -> None:
        if self.inbox_tab.content is not None:
            self.inbox_tab.content.reload()  # type: ignore[attr-defined]

    def _on_metrics_changed(self, _account_id: int) -> None:
        if self.analytics_tab.content is not None:
            self.analytics_tab.content.reload()  # type: ignore[attr-defined]

    # --- dialogs ------------------------------------------------------------------

    def new_client(self) -> None:
        if self.attached:
            self._open_client_dialog(None)

    def edit_client(self) -> None:
        client_id = self.sidebar.current_client()
        if client_id is None:
            QMessageBox.information(
                self, "Client settings", "Select a client in the sidebar first."
            )
            return
        self._open_client_dialog(client_id)

    def connect_account(self) -> None:
        client_id = self.sidebar.current_client()
        if client_id is None:
            QMessageBox.information(
                self, "Connect an account", "Select the client the account belongs to first."
            )
            return
        self._open_connect_dialog(client_id, None)

    def _open_client_dialog(self, client_id: int | None) -> None:
        from smmdesk.ui.clients.client_dialog import ClientDialog

        assert self.store is not None
        dialog = ClientDialog(self.store, self.reader, client_id, self)
        dialog.changed.connect(self.refresh_clients)
        dialog.connect_requested.connect(lambda cid: self._open_connect_dialog(cid, dialog))
        if dialog.exec() and client_id is None and dialog.client_id is not None:
            self.refresh_clients()
            self.sidebar.list.setCurrentIndex(
                self.sidebar.model.index(self.sidebar.model.row_of(dialog.client_id))
            )
            answer = QMessageBox.question(
                self,
                "Connect an account",
                "Client added. Connect one of its accounts now?",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self._open_connect_dialog(dialog.client_id, None)

    def _open_connect_dialog(self, client_id: int, owner) -> None:  # type: ignore[no-untyped-def]
        from smmdesk.ui.clients.account_dialog import ConnectAccountDialog

        assert self.coordinator is not None and self.vault is not None
        dialog = ConnectAccountDialog(self.coordinator, self.vault, client_id, owner or self)
        dialog.connected.connect(self._on_account_connected)
        if owner is not None:
            dialog.connected.connect(lambda _id: owner.refresh_accounts())
        dialog.exec()

    def _exchange(self, what: str) -> None:
        """The planning exchange dialogs: CSV in, iCalendar and review packs out."""
        assert self.store is not None and self.coordinator is not None
        from smmdesk.ui.exchange import dialogs
        from smmdesk.ui.exchange.decisions_dialog import RecordDecisionsDialog
        from smmdesk.ui.exchange.import_dialog import ImportCsvDialog

        client_id = self.sidebar.current_client()
        media = self.coordinator.factory.paths.media
        if what == "ics":
            dialogs.ExportCalendarDialog(self.store, client_id, self).exec()
            return
        if client_id is None:
            QMessageBox.information(self, "Planning", "Select a client in the sidebar first.")
            return
        if what == "import":
            dialog = ImportCsvDialog(self.store, client_id, media, self)
            dialog.imported.connect(lambda _ids: self.calendar.reload())
        elif what == "pack":
            dialog = dialogs.ReviewPackDialog(self.store, client_id, self, media_dir=media)
        else:
            dialog = RecordDecisionsDialog(self.store, client_id, self)
            dialog.decisions_changed.connect(lambda _id: self.calendar.reload())
        dialog.exec()

    def composer(self) -> ComposerWindow:
        """The one composer window, created on first use."""
        if self._composer is None:
            from smmdesk.ui.composer.composer_window import ComposerWindow

            assert self.store is not None and self.coordinator is not None
            self._composer = ComposerWindow(
                self.store, self.reader, self.coordinator.factory.paths.media
            )
            self._composer.saved.connect(lambda _id: self.calendar.reload())
            self._composer.saved.connect(self.coordinator.post_changed)
            self._composer.published_bar.coordinator = self.coordinator
        return self._composer

    def new_post(self) -> None:
        client_id = self.sidebar.current_client()
        if client_id is None:
            QMessageBox.information(self, "New post", "Select the client the post is for first.")
            return
        self.composer().new_post(client_id)

    def new_draft(self, request) -> None:  # type: ignore[no-untyped-def]
        """A draft asked for from the calendar: a gap, a theme, an observance, a day."""
        client_id = request.client_id or self.sidebar.current_client()
        if client_id is None:
            QMessageBox.information(
                self, "New draft", "Select the client the post is for in the sidebar first."
            )
            return
        subject = request.observance or request.theme or ""
        hint = ""
        if request.observance:
            hint = f"Drafting for {request.observance}."
        elif request.theme:
            hint = f"Drafting for the day's theme: {request.theme}."
        self.composer().new_post(
            client_id, request.day, request.account_id, text=subject, hint=hint
        )

    def open_post(self, post_id: int) -> None:
        if self.attached:
            self.composer().open_post(post_id)

    def _on_account_connected(self, account_id: int) -> None:
        self.refresh_clients()
        if self.coordinator is not None:
            self.coordinator.sync_account(account_id)

    # --- closing --------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._composer is not None:
            self._composer.close()  # saves what is being typed
        if self.coordinator is not None:
            self.feed_poller.stop()
            self.metrics.stop()
            self.overdue_watch.stop()
            self.coordinator.stop(timeout_ms=3000)
        super().closeEvent(event)


__all__ = ["MainWindow", "Qt"]
