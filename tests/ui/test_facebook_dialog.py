"""Connecting a Facebook Page through the dialog, against the Graph fake: what the
user sees when it works, when permissions are missing (connected with a "To do"),
and when the token cannot publish at all. Screenshots: /tmp/net_shots/facebook_*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from smmdesk.ui.clients.account_dialog import ConnectAccountDialog
from tests.fakes.graph_fake import GraphFake

SHOTS = Path("/tmp/net_shots")


@pytest.fixture
def fake(factory):
    with GraphFake() as server:
        factory.base_urls["facebook"] = server.base_url + "/v25.0"
        yield server


def _dialog(qtbot, coordinator, vault, client_id) -> ConnectAccountDialog:
    dialog = ConnectAccountDialog(coordinator, vault, client_id)
    qtbot.addWidget(dialog)
    dialog.show()
    index = dialog.platform.findData("facebook")
    assert index >= 0
    dialog.platform.setCurrentIndex(index)
    return dialog


def _shot(dialog: ConnectAccountDialog, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()  # let the wrapped message lay out before the grab
    # The dialog grows by itself to show a long wrapped message whole.
    layout = dialog.layout()
    assert layout is not None
    assert dialog.height() >= layout.totalHeightForWidth(dialog.width())
    assert dialog.grab().save(str(SHOTS / f"facebook_{name}.png"))


def _connect(qtbot, dialog: ConnectAccountDialog, token: str) -> None:
    dialog.inputs["page_token"].setText(token)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: not dialog.busy.isVisible(), timeout=8000)


def test_the_fields_are_asked_for(qtbot, coordinator, vault, client_id, fake):
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    assert set(dialog.inputs) == {"page_token", "page_id"}
    assert "pages_manage_posts" in dialog.help.text()
    _shot(dialog, "fields")


def test_connected_shows_the_page(qtbot, coordinator, vault, client_id, fake):
    _, token = fake.add_page()
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    _connect(qtbot, dialog, token)
    assert "Connected: Kafija Rīga" in dialog.message.text()
    assert "To do" not in dialog.message.text()
    _shot(dialog, "connected")


def test_missing_permissions_are_a_plain_to_do(qtbot, coordinator, vault, client_id, fake):
    _, token = fake.add_page(
        permissions=("pages_show_list", "pages_manage_posts", "pages_read_engagement")
    )
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    _connect(qtbot, dialog, token)
    text = dialog.message.text()
    assert "Connected: Kafija Rīga" in text and "To do" in text
    assert "pages_messaging" in text and "read_insights" in text
    _shot(dialog, "missing_permissions")


def test_a_token_that_cannot_publish_is_refused(qtbot, coordinator, vault, client_id, fake):
    _, token = fake.add_page(permissions=("pages_show_list", "pages_read_engagement"))
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    _connect(qtbot, dialog, token)
    assert "pages_manage_posts" in dialog.message.text()
    assert dialog.connect_button.isVisible()
    _shot(dialog, "cannot_publish")
