"""The main window's menu bar, built from plain functions of the window.

Kept apart from ``main_window`` so that the window holds layout and wiring
and this file holds what the menus offer; actions that need the store or
the sync engine stay disabled until ``MainWindow.attach``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from smmdesk import APP_NAME, __version__

if TYPE_CHECKING:
    from smmdesk.ui.main_window import MainWindow


def add_action(
    window: MainWindow,
    menu: QMenu,
    text: str,
    slot: Callable[[], object],
    shortcut: QKeySequence | str = "",
    needs_services: bool = False,
) -> QAction:
    action = QAction(text, window)
    if needs_services:
        action.setEnabled(False)  # until attach()
        window._service_actions.append(action)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())  # drop the "checked" argument
    menu.addAction(action)
    return action


def build_menus(window: MainWindow, offer_demo: bool) -> None:
    bar = window.menuBar()

    def act(
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | str = "",
        needs_services: bool = False,
    ) -> QAction:
        return add_action(window, menu, text, slot, shortcut, needs_services)

    file_menu = bar.addMenu("&File")
    act(file_menu, "New &post…", window.new_post, "Ctrl+N", True)
    act(file_menu, "&New client…", window.new_client, "Ctrl+Shift+N", True)
    act(file_menu, "&Client settings…", window.edit_client, "Ctrl+,", True)
    act(file_menu, "Connect &account…", window.connect_account, "Ctrl+Shift+A", True)
    file_menu.addSeparator()
    if offer_demo:
        act(file_menu, "Open the &demo", window.demo_requested.emit)
        file_menu.addSeparator()
    act(file_menu, "&Quit", window.close, QKeySequence.StandardKey.Quit)

    view_menu = bar.addMenu("&View")
    for number, name in enumerate(("Calendar", "Inbox", "Analytics", "Ideas")):
        act(view_menu, f"&{name}", lambda n=number: window.show_tab(n), f"Ctrl+{number + 1}")

    planning = bar.addMenu("&Planning")
    act(planning, "&Import posts from CSV…", lambda: window._exchange("import"), "", True)
    act(
        planning,
        "Export &schedule as calendar (.ics)…",
        lambda: window._exchange("ics"),
        "",
        True,
    )
    planning.addSeparator()
    act(planning, "Review &pack (PDF)…", lambda: window._exchange("pack"), "", True)
    act(planning, "&Record review decisions…", lambda: window._exchange("decisions"), "", True)

    analytics = bar.addMenu("&Analytics")
    act(analytics, "Client &report (PDF, CSV)…", window.client_report, "Ctrl+Shift+P", True)
    act(analytics, "&Measure every account now", window.measure_now, "", True)

    sync_menu = bar.addMenu("&Sync")
    act(sync_menu, "Sync &now", lambda: window._sync("sync_all"), "F5", True)
    act(sync_menu, "&Publish due posts", lambda: window._sync("publish_due"), "", True)
    act(sync_menu, "Posts that &need you…", window.show_attention, "Ctrl+Shift+F", True)
    act(sync_menu, "Answer a &captcha…", window.answer_captcha, "", True)

    help_menu = bar.addMenu("&Help")
    act(help_menu, f"&About {APP_NAME}", lambda: about(window))


def about(window: MainWindow) -> None:
    QMessageBox.about(
        window,
        f"About {APP_NAME}",
        f"{APP_NAME} {__version__}\n\nPlan, publish, answer and report for all your "
        "client brands, offline-first. Credentials stay in your system keyring.",
    )
