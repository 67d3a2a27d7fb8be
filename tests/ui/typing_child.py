"""Child process for the kill-while-typing test: types into the composer.

Usage: python typing_child.py PROFILE_DIR CLIENT_ID
Prints "post <id>" once, then "typed <n>" after each chunk of keys (n = the
number of characters in the editor so far). The parent kills it with SIGKILL.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from smmdesk.paths import custom_profile
from smmdesk.store.database import open_store
from smmdesk.store.queries import StoreReader
from smmdesk.ui.composer.composer_window import ComposerWindow

CHUNK = "Kafija ar kardamonu. "


def main() -> None:
    paths = custom_profile(sys.argv[1]).ensure()
    client_id = int(sys.argv[2])
    app = QApplication([])
    store = open_store(paths.database, paths.backups)
    composer = ComposerWindow(store, StoreReader(paths.database), paths.media)
    composer.new_post(client_id)
    print(f"post {composer.post_id}", flush=True)

    def type_chunk() -> None:
        QTest.keyClicks(composer.text.main, CHUNK)
        print(f"typed {len(composer.text.main_text())}", flush=True)

    timer = QTimer()
    timer.timeout.connect(type_chunk)
    timer.start(100)  # continuous typing, never a pause
    app.exec()


if __name__ == "__main__":
    main()
