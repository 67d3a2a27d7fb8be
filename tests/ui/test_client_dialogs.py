"""Adding a client and connecting an account through the dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from smmdesk.store.models import Account, Client
from smmdesk.ui.clients.account_dialog import ConnectAccountDialog
from smmdesk.ui.clients.client_dialog import ClientDialog


def test_adding_a_client(qtbot, store, reader):
    dialog = ClientDialog(store, reader)
    qtbot.addWidget(dialog)
    dialog.name.setText("Addis Bloom")
    dialog.timezone.setCurrentText("Africa/Addis_Ababa")
    dialog.country.setText("et")
    dialog.work_start.setTime(QTime(8, 30))
    dialog.day_boxes[5].setChecked(True)
    assert dialog.reply_target.value() == 6.0
    dialog.accept()
    with store.session() as session:
        client = session.scalars(select(Client)).one()
    assert client.name == "Addis Bloom" and client.country == "ET"
    assert client.timezone == "Africa/Addis_Ababa"
    assert client.work_start_minute == 8 * 60 + 30 and client.work_days == "0,1,2,3,4,5"


def test_invalid_client_settings_are_explained_and_not_saved(qtbot, store, reader):
    dialog = ClientDialog(store, reader)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.timezone.setCurrentText("Europe/Atlantis")
    dialog.accept()
    assert dialog.isVisible()
    assert "name" in dialog.error.text() and "Europe/Atlantis" in dialog.error.text()
    with store.session() as session:
        assert session.scalars(select(Client)).all() == []


def test_archiving_a_client_keeps_it_in_the_database(qtbot, store, reader, client_id, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    dialog = ClientDialog(store, reader, client_id)
    qtbot.addWidget(dialog)
    dialog.archive_button.click()
    with store.session() as session:
        client = session.get(Client, client_id)
        assert client is not None and client.archived_at is not None


def test_connecting_a_sandbox_account(qtbot, store, vault, coordinator, client_id):
    dialog = ConnectAccountDialog(coordinator, vault, client_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.platform.currentData() == "sandbox"
    assert set(dialog.inputs) == {"token", "handle"}
    dialog.inputs["token"].setText("sandbox-practice")
    dialog.inputs["handle"].setText("kafija.riga")
    with qtbot.waitSignal(dialog.connected, timeout=5000):
        dialog.connect_button.click()
    assert "Connected" in dialog.message.text() and "@kafija.riga" in dialog.message.text()
    buttons = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert buttons.text() == "Done"
    with store.session() as session:
        account = session.scalars(select(Account)).one()
    assert vault.get(account.vault_key)["token"] == "sandbox-practice"


def test_a_wrong_token_is_explained_and_what_was_typed_is_kept(
    qtbot, store, vault, coordinator, client_id
):
    dialog = ConnectAccountDialog(coordinator, vault, client_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.inputs["token"].setText("not-a-token")
    dialog.inputs["handle"].setText("kafija")
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: dialog.connect_button.isEnabled(), timeout=5000)
    assert "did not accept" in dialog.message.text()
    assert dialog.inputs["token"].text() == "not-a-token"
    with store.session() as session:
        assert session.scalars(select(Account)).all() == []


def test_empty_fields_are_named(qtbot, vault, coordinator, client_id):
    dialog = ConnectAccountDialog(coordinator, vault, client_id)
    qtbot.addWidget(dialog)
    dialog.connect_button.click()
    assert "Practice token" in dialog.message.text()


def test_no_keyring_disables_connecting_and_says_how_to_fix_it(qtbot, coordinator, client_id):
    from keyring.backends import fail

    from smmdesk.vault import Vault

    dialog = ConnectAccountDialog(coordinator, Vault(fail.Keyring()), client_id)
    qtbot.addWidget(dialog)
    assert not dialog.connect_button.isEnabled()
    assert "keyring" in dialog.message.text().lower()


def test_planning_settings_are_saved(qtbot, store, reader, client_id):
    from smmdesk.store.clients import load_settings

    dialog = ClientDialog(store, reader, client_id)
    qtbot.addWidget(dialog)
    dialog.planning._use_defaults()
    dialog.planning.theme_edits[2].setText("Kafija Wednesday")
    dialog.planning.mix_spins["photo"].setValue(40)
    dialog.planning.mix_spins["question"].setValue(20)
    dialog.planning.types.item(1).setCheckState(Qt.CheckState.Unchecked)  # video
    dialog.accept()
    with store.session() as session:
        settings = load_settings(session, client_id)
    assert settings.weekday_themes[0] == "Motivation Monday"
    assert settings.weekday_themes[2] == "Kafija Wednesday"
    assert settings.target_mix == {"photo": 40.0, "question": 20.0}
    assert "video" not in settings.content_types and "photo" in settings.content_types
