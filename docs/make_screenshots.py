"""Regenerate the screenshots in docs/ from a fresh demo profile.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py``.
It uses a throwaway data folder, so it never touches a real profile.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
scratch = Path(tempfile.mkdtemp(prefix="smmdesk-shots-"))
os.environ["XDG_DATA_HOME"] = str(scratch / "data")
os.environ["XDG_STATE_HOME"] = str(scratch / "state")

from PySide6.QtWidgets import QApplication  # noqa: E402

from smmdesk.demo import ensure_demo  # noqa: E402
from smmdesk.memory_keyring import MemoryKeyring  # noqa: E402
from smmdesk.paths import custom_profile, demo_profile  # noqa: E402
from smmdesk.store.database import open_store  # noqa: E402
from smmdesk.store.queries import StoreReader  # noqa: E402
from smmdesk.sync.connectors import ConnectorFactory  # noqa: E402
from smmdesk.sync.coordinator import SyncCoordinator  # noqa: E402
from smmdesk.ui.main_window import MainWindow  # noqa: E402
from smmdesk.ui.theme import style_sheet  # noqa: E402
from smmdesk.vault import Vault  # noqa: E402

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def build(paths, demo: bool) -> MainWindow:  # type: ignore[no-untyped-def]
    paths.ensure()
    store = open_store(paths.database, paths.backups)
    vault = Vault(MemoryKeyring())
    factory = ConnectorFactory(paths, vault, sandbox_seed="demo")
    if demo:
        ensure_demo(store, vault, factory)
    window = MainWindow(StoreReader(paths.database), "Demo" if demo else "")
    window.attach(store, vault, SyncCoordinator(store, factory))
    window.resize(1360, 860)
    return window


def main() -> None:
    app = QApplication([])
    app.setStyleSheet(style_sheet())
    empty = build(custom_profile(scratch / "empty"), demo=False)
    empty.show()
    settle(app)
    empty.grab().save(str(OUT / "welcome.png"))
    empty.close()

    window = build(demo_profile(), demo=True)
    window.show()
    settle(app)
    window.sidebar.list.setCurrentIndex(window.sidebar.model.index(0))
    for number, name in enumerate(("calendar", "inbox", "analytics", "ideas")):
        window.tabs.setCurrentIndex(number)
        settle(app)
        if name == "inbox":
            table = window.inbox_tab.content.table  # type: ignore[union-attr]
            table.selectRow(2)
            settle(app)
        if name == "analytics":
            window.sidebar.list.setCurrentIndex(window.sidebar.model.index(2))
            tab = window.analytics_tab.content  # type: ignore[union-attr]
            drawn: list[bool] = []
            tab.loaded.connect(lambda d=drawn: d.append(True))
            for _ in range(200):  # the dashboard is read off the GUI thread
                if drawn:
                    break
                time.sleep(0.05)
                settle(app)
            settle(app)
        if name == "ideas":
            window.sidebar.list.setCurrentIndex(window.sidebar.model.index(2))
            settle(app)
        window.grab().save(str(OUT / f"{name}.png"))
        window.sidebar.list.setCurrentIndex(window.sidebar.model.index(0))
    window.tabs.setCurrentIndex(0)
    for mode in ("week", "list"):
        window.calendar.set_mode(mode)
        settle(app)
        window.grab().save(str(OUT / f"calendar-{mode}.png"))
    window.calendar.set_mode("month")
    window.sidebar.list.setCurrentIndex(window.sidebar.model.index(0))
    settle(app)

    from datetime import date, timedelta

    composer = window.composer()
    client_id = window.sidebar.model._rows[1].id
    accounts = window.reader.list_accounts(client_id)
    composer.new_post(client_id, date.today() + timedelta(days=3), accounts[0].id)
    composer.text.main.setPlainText(
        "Oat, almond or classic milk: what goes in your flat white? ☕\n"
        "Tell us below — the best answer wins a cardamom bun!"
    )
    composer.targets.select({a.id for a in accounts}, set())
    composer.schedule_on.setChecked(True)
    composer._refresh_checks()
    settle(app)
    composer.grab().save(str(OUT / "composer.png"))
    composer.autosave.flush()

    from smmdesk.ui.clients.account_dialog import ConnectAccountDialog
    from smmdesk.ui.clients.client_dialog import ClientDialog

    client_id = window.sidebar.model._rows[0].id
    dialog = ClientDialog(window.store, window.reader, client_id, window)
    dialog.show()
    settle(app)
    dialog.grab().save(str(OUT / "client-dialog.png"))
    dialog.close()
    connect = ConnectAccountDialog(window.coordinator, window.vault, client_id, window)
    connect.show()
    settle(app)
    connect.grab().save(str(OUT / "account-dialog.png"))
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
