"""The main window as a user meets it: welcome, tabs, sidebar, status bar."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from smmdesk.store.models import Account, InboxItem
from smmdesk.sync.coordinator import SyncStatus
from smmdesk.ui.inbox.inbox_model import TEXT_COLUMN
from smmdesk.ui.status_bar import describe


def test_an_empty_profile_shows_the_welcome_page(qtbot, window):
    window.show()
    assert window.pages.currentWidget() is window.welcome
    assert window.welcome.demo_button.isVisible()
    with qtbot.waitSignal(window.demo_requested):
        qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)


def test_demo_data_fills_all_three_tabs(qtbot, demo_store, window):
    window.refresh_clients()
    window.show()
    assert window.pages.currentIndex() == 1
    assert window.sidebar.model.rowCount() == 3  # All clients + 2
    month = window.calendar.grid.month_model
    assert sum(len(month.posts_on(day)) for day in month._days) > 20
    assert "posts" in window.calendar.summary.text()

    window.tabs.setCurrentIndex(1)
    inbox = window.inbox_tab.content
    assert inbox is not None and inbox.model.rowCount() >= 200
    inbox.table.selectRow(0)
    assert inbox.pane.body.toPlainText()

    window.tabs.setCurrentIndex(2)
    analytics = window.analytics_tab.content
    assert analytics is not None
    # "All clients": the tab asks for a client rather than mixing brands.
    assert analytics.pages.currentIndex() == analytics.PROMPT


def test_choosing_a_client_narrows_every_tab(qtbot, demo_store, window):
    window.refresh_clients()
    window.show()
    window.tabs.setCurrentIndex(1)
    window.tabs.setCurrentIndex(2)
    everything = window.inbox_tab.content.model.rowCount()
    window.sidebar.list.setCurrentIndex(window.sidebar.model.index(1))
    client_id = window.sidebar.current_client()
    assert client_id is not None
    month = window.calendar.grid.month_model
    posts = [p for day in month._days for _, p in month.posts_on(day)]
    assert posts and {p.client_id for p in posts} == {client_id}
    assert 0 < window.inbox_tab.content.model.rowCount() < everything
    analytics = window.analytics_tab.content
    qtbot.waitUntil(lambda: analytics.data is not None, timeout=10000)
    assert analytics.data.client_id == client_id
    assert len(analytics.dashboard.followers.view.chart().series()) == 2


def test_month_navigation(qtbot, demo_store, window):
    window.refresh_clients()
    start = window.calendar.title.text()
    window.calendar.go(+1)
    assert window.calendar.title.text() != start
    window.calendar.go_today()
    assert window.calendar.title.text() == start


def test_network_text_is_shown_as_plain_text(qtbot, store, client_id, window):
    raw = '<b>Bold?</b> <img src="http://example.invalid/x.png"> &amp; <a href="x">link</a>'
    with store.transaction() as session:
        account = Account(client_id=client_id, platform="sandbox", handle="@k", vault_key="k1")
        session.add(account)
        session.flush()
        session.add(
            InboxItem(
                account_id=account.id,
                kind="comment",
                remote_id="r1",
                author_name="<i>Mallory</i>",
                body=raw,
                created_at=datetime.now(UTC),
            )
        )
    window.refresh_clients()
    window.show()
    window.tabs.setCurrentIndex(1)
    inbox = window.inbox_tab.content
    inbox.table.selectRow(0)
    assert inbox.pane.body.toPlainText() == raw
    assert inbox.pane.heading.textFormat() == Qt.TextFormat.PlainText
    assert inbox.pane.heading.text().startswith("<i>Mallory</i>")
    assert inbox.model.index(0, TEXT_COLUMN).data() == raw


def test_status_bar_wording():
    offline = SyncStatus(online=False, running=0, waiting=3, accounts_with_errors=0, last_sync=None)
    assert "Offline" in describe(offline) and "3 waiting" in describe(offline)
    syncing = SyncStatus(True, 2, 0, 0, None, ("Syncing @a", "Syncing @b"))
    assert describe(syncing) == "Syncing 2 accounts…"
    idle = SyncStatus(True, 0, 0, 0, datetime.now(UTC))
    assert describe(idle).startswith("Up to date")


def test_status_bar_shows_accounts_needing_attention(qtbot, window):
    window.show()
    window.status.show_status(SyncStatus(True, 0, 0, 2, None))
    assert window.status.error_label.isVisible()
    assert "2 accounts need attention" in window.status.error_label.text()


def test_keyboard_shortcuts_switch_tabs(qtbot, demo_store, window):
    window.refresh_clients()
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    # Through the QWindow, so the key goes through Qt's shortcut map as a real one would.
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 2
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 1


def test_inbox_tooltip_keeps_markup_literal(qtbot, store, client_id, window):
    raw = "<b>not bold</b>"
    with store.transaction() as session:
        account = Account(client_id=client_id, platform="sandbox", handle="@k", vault_key="k1")
        session.add(account)
        session.flush()
        session.add(
            InboxItem(
                account_id=account.id,
                kind="comment",
                remote_id="r1",
                body=raw,
                created_at=datetime.now(UTC),
            )
        )
    window.refresh_clients()
    window.show()
    window.tabs.setCurrentIndex(1)
    tooltip = window.inbox_tab.content.model.index(0, TEXT_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;not bold&lt;/b&gt;" in tooltip and "<b>" not in tooltip


def test_an_uncaught_error_is_shown_once(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from smmdesk.ui.error_reporter import ErrorReporter

    shown = []
    monkeypatch.setattr(QMessageBox, "open", lambda box: shown.append(box.text()))
    reporter = ErrorReporter()
    import threading

    thread = threading.Thread(target=lambda: reporter.report("ValueError: kaput"))
    thread.start()
    thread.join()
    reporter.report("ValueError: kaput")
    qtbot.waitUntil(lambda: len(shown) == 1)
    qtbot.wait(50)
    assert len(shown) == 1 and "kaput" in shown[0]


def test_an_inbox_item_becomes_an_idea(qtbot, demo_store, window):
    from smmdesk.store.models import Idea

    window.refresh_clients()
    window.show()
    window.tabs.setCurrentIndex(1)
    inbox = window.inbox_tab.content
    inbox.table.selectRow(0)
    with demo_store.session() as session:
        before = session.query(Idea).count()
    inbox.pane.idea_action.trigger()
    with demo_store.session() as session:
        assert session.query(Idea).count() == before + 1
    window.tabs.setCurrentIndex(3)
    assert window.ideas_tab.content is not None


def test_planning_menu_opens_each_exchange_dialog(qtbot, demo_store, window, monkeypatch):
    from PySide6.QtWidgets import QDialog

    opened = []
    monkeypatch.setattr(QDialog, "exec", lambda self: opened.append(type(self).__name__) or 0)
    window.refresh_clients()
    window.sidebar.list.setCurrentIndex(window.sidebar.model.index(1))
    for what in ("import", "ics", "pack", "decisions"):
        window._exchange(what)
    assert opened == [
        "ImportCsvDialog",
        "ExportCalendarDialog",
        "ReviewPackDialog",
        "RecordDecisionsDialog",
    ]


def test_calendar_requests_open_the_composer(qtbot, demo_store, window):
    from datetime import date

    from smmdesk.ui.calendar.calendar_data import DraftRequest

    window.refresh_clients()
    window.sidebar.list.setCurrentIndex(window.sidebar.model.index(2))  # Kafija Rīga
    client_id = window.sidebar.current_client()
    monday = date(2026, 11, 30)
    window.calendar.new_draft.emit(DraftRequest(client_id, monday, None, None, None))
    composer = window._composer
    assert composer is not None and composer.post_id is not None
    assert "Motivation Monday" in composer.theme_hint.text()
    window.calendar.new_draft.emit(DraftRequest(client_id, monday, None, None, "Octopus Day"))
    assert composer.text.main_text() == "Octopus Day"
    first = composer.post_id
    window.calendar.open_post.emit(first - 1)
    assert composer.post_id == first - 1
    composer.close()
