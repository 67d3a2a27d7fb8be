"""Connecting a VK community through the account dialog, against the VK fake:
what the user sees when it works, when a right is missing, when the user is
not an administrator, and the captcha dialog. Screenshots go to
/tmp/net_shots/vk_*.png."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

from smmdesk.platforms.vk_api import VkApi
from smmdesk.ui.clients.account_dialog import ConnectAccountDialog
from smmdesk.ui.clients.captcha_dialog import CaptchaDialog
from tests.fakes.vk_fake import RIGHTS, VkFake

SHOTS = Path("/tmp/net_shots")


@pytest.fixture(autouse=True)
def _no_pacing(monkeypatch):
    """VK's per-token pacing (3 requests a second) is tested on its own; here it would only wait."""
    monkeypatch.setattr(VkApi, "user_interval", 0.0)
    monkeypatch.setattr(VkApi, "group_interval", 0.0)


@pytest.fixture
def fake(factory):
    with VkFake() as server:
        factory.base_urls["vk"] = server.base_url
        yield server


def _dialog(qtbot, coordinator, vault, client_id) -> ConnectAccountDialog:
    dialog = ConnectAccountDialog(coordinator, vault, client_id)
    qtbot.addWidget(dialog)
    dialog.show()
    index = dialog.platform.findData("vk")
    assert index >= 0
    dialog.platform.setCurrentIndex(index)
    return dialog


def _shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()  # let rebuilt form rows lay out before the grab
    widget.adjustSize()
    assert widget.grab().save(str(SHOTS / f"vk_{name}.png"))


def _connect(qtbot, dialog, token: str, community: str = "vk.com/kafija", group_token: str = ""):
    dialog.inputs["access_token"].setText(token)
    dialog.inputs["community"].setText(community)
    dialog.inputs["community_token"].setText(group_token)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: not dialog.busy.isVisible(), timeout=8000)


def test_the_fields_are_asked_for(qtbot, coordinator, vault, client_id, fake):
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    assert list(dialog.inputs) == ["access_token", "community", "community_token"]
    assert "administrator or editor" in dialog.help.text()
    dialog.connect_button.click()
    assert "User access token" in dialog.message.text() and "Community" in dialog.message.text()
    assert "optional" not in dialog.message.text().lower()  # the community token is not required
    _shot(dialog, "fields")


def test_connected_with_messages(qtbot, coordinator, vault, client_id, fake):
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    _connect(qtbot, dialog, fake.token, group_token=fake.group_token)
    assert "Connected: Kafija Rīga (kafija)" in dialog.message.text()
    assert "To do" not in dialog.message.text()
    _shot(dialog, "connected")


def test_connected_but_rights_are_missing(qtbot, coordinator, vault, client_id, fake):
    token = fake.add_token(
        fake.admin, "token-short", RIGHTS["wall"] | RIGHTS["photos"] | RIGHTS["groups"]
    )
    wall_only = fake.add_group_token(fake.group, "token-wall-only", rights=("wall",))
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    _connect(qtbot, dialog, token, group_token=wall_only)
    text = dialog.message.text()
    assert "Connected" in text and "To do" in text
    assert "stats" in text and "offline" in text and "Community messages" in text
    _shot(dialog, "connected_warnings")


def test_not_an_administrator(qtbot, coordinator, vault, client_id, fake):
    fake.set_admin(fake.admin, 1)
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    _connect(qtbot, dialog, fake.token)
    assert "is a moderator" in dialog.message.text() and "editor" in dialog.message.text()
    assert dialog.inputs["access_token"].text() == fake.token  # what was typed is kept
    _shot(dialog, "not_admin")


def test_a_missing_scope(qtbot, coordinator, vault, client_id, fake):
    token = fake.add_token(fake.admin, "token-wall", RIGHTS["wall"] | RIGHTS["offline"])
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    _connect(qtbot, dialog, token)
    assert "lacks the rights photos, groups" in dialog.message.text()
    _shot(dialog, "missing_scope")


def test_a_wrong_community(qtbot, coordinator, vault, client_id, fake):
    dialog = _dialog(qtbot, coordinator, vault, client_id)
    _connect(qtbot, dialog, fake.token, community="vk.com/nosuchplace")
    assert "no community “nosuchplace”" in dialog.message.text()
    _shot(dialog, "unknown_community")


# --- the captcha dialog ------------------------------------------------------------------------


def _png(width: int = 130, height: int = 50) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(
        b"\x00"
        + b"".join(bytes((40 + (x * 7) % 200, 90, 160 - (y * 3) % 120)) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )  # fmt: skip


def test_the_captcha_dialog_returns_what_was_typed(qtbot):
    dialog = CaptchaDialog(_png(), "Publishing on VK: VK wants a person to type the characters.")
    qtbot.addWidget(dialog)
    assert dialog.has_picture
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()

    def type_and_send() -> None:
        dialog.input.setText("  x7kq2 ")
        _shot(dialog, "captcha")
        ok.click()

    QTimer.singleShot(0, type_and_send)
    assert dialog.answer() == "x7kq2"


def test_the_captcha_dialog_cancelled_is_none(qtbot):
    dialog = CaptchaDialog(b"not an image", "<b>VK</b> wants a picture read.")
    qtbot.addWidget(dialog)
    assert not dialog.has_picture and "could not be shown" in dialog.picture.text()
    assert dialog.message.text() == "<b>VK</b> wants a picture read."
    QTimer.singleShot(0, dialog.reject)
    assert dialog.answer() is None
