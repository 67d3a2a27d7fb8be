"""Connecting an Instagram account through the dialog, against the Instagram fake:
what the user sees when it works, when the Page has no Instagram account linked,
when the token lacks permissions. Screenshots go to /tmp/net_shots/instagram_*.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from smmdesk.ui.clients.account_dialog import ConnectAccountDialog
from tests.fakes.instagram_fake import InstagramFake

SHOTS = Path("/tmp/net_shots")


@pytest.fixture
def fake(factory):
    with InstagramFake() as server:
        factory.base_urls["instagram"] = server.base_url
        yield server


def _dialog(qtbot, coordinator, vault, client_id) -> ConnectAccountDialog:
    dialog = ConnectAccountDialog(coordinator, vault, client_id)
    qtbot.addWidget(dialog)
    dialog.show()
    index = dialog.platform.findData("instagram")
    assert index >= 0
    dialog.platform.setCurrentIndex(index)
    return dialog


def _shot(dialog: ConnectAccountDialog, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.adjustSize()
    assert dialog.grab().save(str(SHOTS / f"instagram_{name}.png"))


def _connect(qtbot, dialog: ConnectAccountDialog, token: str, prefix: str = "") -> None:
    dialog.inputs["page_token"].setText(token)
    dialog.inputs["image_host_prefix"].setText(prefix)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: not dialog.busy.isVisible(), timeout=8000)


def test_the_fields_are_asked_for(qtbot, coordinator, vault, client_id, fake):
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    assert set(dialog.inputs) == {
        "page_token",
        "page_id",
        "image_host_prefix",
        "image_host_put",
        "image_host_auth",
    }
    assert "public web address" in dialog.help.text()
    _shot(dialog, "fields")


def test_connected_shows_the_username(qtbot, coordinator, vault, client_id, fake):
    _, token, _ = fake.add_instagram_page()
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    _connect(qtbot, dialog, token, "https://cdn.kafija.example/smm/")
    assert "@kafija.riga" in dialog.message.text()
    _shot(dialog, "connected")


def test_connected_without_an_image_host_says_what_to_set_up(
    qtbot, coordinator, vault, client_id, fake
):
    _, token, _ = fake.add_instagram_page()
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    _connect(qtbot, dialog, token)
    assert "@kafija.riga" in dialog.message.text() and "image host" in dialog.message.text()
    _shot(dialog, "no_image_host")


def test_no_instagram_linked_to_the_page(qtbot, coordinator, vault, client_id, fake):
    _, token, _ = fake.add_instagram_page(name="Kafija Rīga", username=None)
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    _connect(qtbot, dialog, token)
    assert "No Instagram account is linked" in dialog.message.text()
    assert dialog.connect_button.isVisible()
    _shot(dialog, "no_instagram_linked")


def test_missing_permissions_are_named(qtbot, coordinator, vault, client_id, fake):
    _, token, _ = fake.add_instagram_page(permissions=("pages_show_list", "pages_read_engagement"))
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    _connect(qtbot, dialog, token)
    assert "instagram_content_publish" in dialog.message.text()
    _shot(dialog, "missing_permissions")
