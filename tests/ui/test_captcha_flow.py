"""Sync → Answer a captcha…: the picture from the network, the answer stored once."""

from __future__ import annotations

import json

from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage
from sqlalchemy import select

from smmdesk.store.captchas import ask_captcha, pending_captchas
from smmdesk.store.models import Account
from smmdesk.ui.captcha_flow import CaptchaFlow
from smmdesk.ui.clients.captcha_dialog import CaptchaDialog
from tests.fakes.http_fake import FakeServer, Reply


def png_bytes() -> bytes:
    image = QImage(130, 50, QImage.Format.Format_RGB32)
    image.fill(QColor("#dde"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


class PictureServer(FakeServer):
    def handle(self, request):
        return Reply(200, png_bytes(), {"Content-Type": "image/png"})


def test_the_picture_is_shown_and_the_answer_kept(
    qtbot, store, client_id, coordinator, monkeypatch
):
    with store.transaction() as session:
        account = Account(client_id=client_id, platform="vk", handle="kafija", vault_key="v1")
        session.add(account)
        session.flush()
        account_id = account.id
    shown: list[bytes] = []

    def answer(self):
        shown.append(self.image_bytes if hasattr(self, "image_bytes") else b"shown")
        return "x7kq"

    monkeypatch.setattr(CaptchaDialog, "answer", answer)
    started = []
    monkeypatch.setattr(coordinator, "publish_due", lambda: started.append("publish"))
    monkeypatch.setattr(coordinator, "sync_account", lambda a: started.append(("sync", a)))
    with PictureServer() as server:
        with store.transaction() as session:
            ask_captcha(session.get(Account, account_id), "77", server.base_url + "/c.png")
        flow = CaptchaFlow(None, store, coordinator)
        flow.answer_pending()
        qtbot.waitUntil(lambda: len(started) == 2, timeout=5000)
        assert server.count("GET", "/c.png") == 1
    assert shown and started == ["publish", ("sync", account_id)]
    with store.session() as session:
        assert pending_captchas(session) == []
        settings = json.loads(
            session.scalar(select(Account.settings_json).where(Account.id == account_id))
        )
        assert settings == {"captcha_key": "x7kq", "captcha_sid": "77"}
