"""Reading the dashboard's numbers off the GUI thread.

On a big profile (10k posts, 100k inbox items) the period's numbers take
longer than a frame (bench/make_profile.py: see the tab's module docstring
for the measurement), and a sync can ask for a reload every few seconds. So
the tab asks a ``Loader`` for them: the reading runs on a thread of the
loader's own one-thread pool, over its own read-only sqlite3 connection
(a sqlite3 connection belongs to the thread that opened it; the GUI's
``StoreReader`` stays on the GUI thread), and the result comes back on the
GUI thread through a queued signal. Only the newest request's answer is
delivered: a result for a client or period the user has already left is
dropped, so a slow read can never paint over a newer one.

The app's ``JobEngine`` would do the same, but the tab is built from the
``StoreReader`` alone (before the engine exists, and in tests without it);
a read needs no serial key, no network and no status-bar line.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

log = logging.getLogger(__name__)

Work = Callable[[sqlite3.Connection], Any]


def open_read_only(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.execute("PRAGMA busy_timeout=2000")
    return db


class _Read(QRunnable):
    def __init__(self, loader: Loader, token: int, path: Path, work: Work) -> None:
        super().__init__()
        self.loader, self.token, self.path, self.work = loader, token, path, work
        self.setAutoDelete(True)

    def run(self) -> None:
        loader, self.loader = self.loader, None  # type: ignore[assignment]
        if loader.latest != self.token:
            return  # a newer request came while this one waited
        try:
            db = open_read_only(self.path)
            try:
                result = self.work(db)
            finally:
                db.close()
        except Exception as exc:  # shown in the tab; the app keeps running
            log.exception("analytics read failed")
            outcome: tuple[bool, Any] = (False, f"Could not read the numbers: {exc}")
        else:
            outcome = (True, result)
        with contextlib.suppress(RuntimeError):  # the tab was closed while reading
            loader._done.emit(self.token, outcome[0], outcome[1])


class Loader(QObject):
    """Runs one read at a time; ``ready``/``failed`` carry only the newest."""

    ready = Signal(object)
    failed = Signal(str)
    _done = Signal(int, bool, object)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.latest = 0
        self.pending = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    def request(self, work: Work) -> int:
        self.latest += 1
        self.pending = True
        self._pool.start(_Read(self, self.latest, self.path, work))
        return self.latest

    def wait(self, msecs: int = 5000) -> bool:
        """Block until the pool is idle (for closing, and for benchmarks)."""
        return self._pool.waitForDone(msecs)

    def _on_done(self, token: int, ok: bool, value: object) -> None:
        if token != self.latest:
            return
        self.pending = False
        if ok:
            self.ready.emit(value)
        else:
            self.failed.emit(str(value))
