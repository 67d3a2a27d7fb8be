"""Noticing the first time a window has really been painted.

Used by ``--self-test`` and by the start-up benchmark: "shown" is not enough,
the window must have gone through a paint event.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget


class FirstPaintWatcher(QObject):
    painted = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._fired = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._fired and event.type() == QEvent.Type.Paint:
            self._fired = True
            watched.removeEventFilter(self)
            # Let this paint (and the children's) finish before reporting.
            QTimer.singleShot(0, self.painted.emit)
        return False
