"""Connecting a Mastodon account from the account dialog: browser sign-in over
the loopback redirect, by a pasted code, and by a pasted access token."""

from __future__ import annotations

import json
import re

import pytest
import requests
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from sqlalchemy import select

from smmdesk.store.models import Account
from smmdesk.ui.clients.account_dialog import ConnectAccountDialog
from tests.fakes.mastodon_fake import MastodonFake


@pytest.fixture
def fake():
    with MastodonFake() as server:
        yield server


@pytest.fixture
def opened(monkeypatch):
    """URLs the app asked the desktop to open; the test plays the browser."""
    urls: list[str] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return urls


@pytest.fixture
def kept(coordinator):
    """Holds the dialogs until every job has ended and its runnable is gone.

    A finished job's runnable is deleted on its worker thread and still holds
    the dialog's callbacks; if it held the last reference to a dialog without
    a parent, Qt would destroy the dialog on that thread and crash.
    """
    dialogs: list[ConnectAccountDialog] = []
    yield dialogs
    coordinator.stop(5000)
    dialogs.clear()


def mastodon_dialog(qtbot, coordinator, vault, client_id, fake, kept) -> ConnectAccountDialog:
    dialog = ConnectAccountDialog(coordinator, vault, client_id)
    kept.append(dialog)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.platform.setCurrentIndex(dialog.platform.findData("mastodon"))
    assert dialog.browser_login is not None and set(dialog.inputs) == {"access_token"}
    dialog.instance.setText(fake.base_url)
    return dialog


def stored_account(store, vault) -> tuple[Account, dict[str, str]]:
    with store.session() as session:
        account = session.scalars(select(Account)).one()
        session.expunge(account)
    return account, dict(vault.get(account.vault_key))


def test_sign_in_with_the_browser(
    qtbot, store, vault, coordinator, client_id, fake, monkeypatch, kept
):
    def browser(url: QUrl) -> bool:  # approve, and follow the redirect back to the app
        page = requests.get(url.toString(QUrl.ComponentFormattingOption.FullyEncoded), timeout=5)
        assert "return to SMM Desk" in page.text
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", browser)
    dialog = mastodon_dialog(qtbot, coordinator, vault, client_id, fake, kept)
    panel = dialog.browser_login
    assert panel is not None
    with qtbot.waitSignal(dialog.connected, timeout=10_000):
        panel.sign_in.click()
    assert "Connected" in dialog.message.text() and "@me@" in dialog.message.text()
    account, secret = stored_account(store, vault)
    assert account.platform == "mastodon" and account.remote_id == fake.me
    assert account.instance_url == fake.base_url
    assert secret["access_token"] in fake.s["tokens"] and secret["access_token"] != fake.token
    assert json.loads(account.settings_json)["max_characters"] == "500"
    assert fake.oauth_code_checks == 1


def test_sign_in_by_pasting_the_code(
    qtbot, store, vault, coordinator, client_id, fake, opened, kept
):
    dialog = mastodon_dialog(qtbot, coordinator, vault, client_id, fake, kept)
    panel = dialog.browser_login
    assert panel is not None
    panel.sign_in.click()
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=5000)  # the browser never comes back
    assert "Waiting for the browser" in panel.status.text()
    assert panel.paste_link.isVisible()
    panel.paste_link.click()
    assert len(opened) == 2 and "oob" in opened[1] and panel.code.isVisible()
    page = requests.get(opened[1], timeout=5).text
    code = re.search(r'value="([^"]+)"', page)
    assert code is not None
    panel.code.setText(code.group(1))
    with qtbot.waitSignal(dialog.connected, timeout=10_000):
        panel.use_code_button.click()
    _, secret = stored_account(store, vault)
    assert secret["access_token"] in fake.s["tokens"]


def test_a_wrong_code_is_explained(qtbot, vault, coordinator, client_id, fake, opened, kept):
    dialog = mastodon_dialog(qtbot, coordinator, vault, client_id, fake, kept)
    panel = dialog.browser_login
    assert panel is not None
    panel.sign_in.click()
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=5000)
    panel.paste_link.click()
    panel.code.setText("not-a-code")
    panel.use_code_button.click()
    qtbot.waitUntil(lambda: "did not accept" in panel.status.text(), timeout=5000)
    assert dialog.connect_button.isEnabled()
    dialog.reject()  # closes the listener and cancels the wait


def test_sign_in_needs_the_server_first(qtbot, vault, coordinator, client_id, fake, opened, kept):
    dialog = mastodon_dialog(qtbot, coordinator, vault, client_id, fake, kept)
    dialog.instance.setText("")
    panel = dialog.browser_login
    assert panel is not None
    panel.sign_in.click()
    assert "server's address" in panel.status.text() and opened == []


def test_a_pasted_access_token_still_connects(
    qtbot, store, vault, coordinator, client_id, fake, kept
):
    dialog = mastodon_dialog(qtbot, coordinator, vault, client_id, fake, kept)
    dialog.inputs["access_token"].setText(fake.token)
    with qtbot.waitSignal(dialog.connected, timeout=10_000):
        dialog.connect_button.click()
    _, secret = stored_account(store, vault)
    assert secret == {"access_token": fake.token}


def test_switching_network_drops_the_browser_sign_in(
    qtbot, vault, coordinator, client_id, fake, opened, kept
):
    dialog = mastodon_dialog(qtbot, coordinator, vault, client_id, fake, kept)
    panel = dialog.browser_login
    assert panel is not None
    panel.sign_in.click()
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=5000)
    listener = panel._started.login.listener if panel._started else None
    dialog.platform.setCurrentIndex(dialog.platform.findData("sandbox"))
    assert dialog.browser_login is None
    if listener is not None:
        with pytest.raises(requests.ConnectionError):
            requests.get(listener.redirect_uri, timeout=2)
