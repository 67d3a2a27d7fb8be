"""The menus reach the report, the measuring and the captcha flows."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox


def menu_action(window, menu_title, text_start):
    for menu_action_ in window.menuBar().actions():
        if menu_action_.text().replace("&", "") == menu_title:
            for action in menu_action_.menu().actions():
                if action.text().replace("&", "").startswith(text_start):
                    return action
    raise AssertionError(f"no {menu_title} → {text_start}")


def test_client_report_opens_for_the_selected_client(qtbot, demo_store, window, monkeypatch):
    from smmdesk.ui.reports import ClientReportDialog

    opened = []
    monkeypatch.setattr(ClientReportDialog, "exec", lambda self: opened.append(self) or 0)
    window.refresh_clients()
    window.sidebar.list.setCurrentIndex(window.sidebar.model.index(1))
    action = menu_action(window, "Analytics", "Client report")
    assert action.isEnabled()
    action.trigger()
    assert len(opened) == 1 and isinstance(opened[0], QDialog)


def test_measure_now_asks_the_scheduler(qtbot, demo_store, window, monkeypatch):
    asked = []
    monkeypatch.setattr(window.metrics, "snapshot_now", lambda: asked.append(True))
    menu_action(window, "Analytics", "Measure every account").trigger()
    assert asked == [True]


def test_answer_a_captcha_says_when_none_waits(qtbot, window, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: said.append(args[2]))
    menu_action(window, "Sync", "Answer a captcha").trigger()
    assert said and "No network is waiting" in said[0]
