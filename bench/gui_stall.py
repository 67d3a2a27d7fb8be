"""How long the GUI thread stalls: the gaps between a fast timer's ticks.

Shared by the benchmarks that run work in the background while the real
window is on screen (``publish.py``, ``inbox.py``).
"""

from __future__ import annotations

import time


class StallMeter:
    """The gaps between the ticks of a fast timer on the GUI thread."""

    def __init__(self, interval_ms: int) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[tuple[float, float]] = []  # (seconds after start, gap in s)
        self.started = self._last = 0.0

    def start(self) -> None:
        self.gaps = []
        self.started = self._last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((self._last - self.started, now - self._last))
        self._last = now

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self._last - self.started

    def max_ms(self) -> float:
        return max(g for _, g in self.gaps) * 1000

    def p99_ms(self) -> float:
        values = sorted(g for _, g in self.gaps)
        return values[min(len(values) - 1, int(len(values) * 0.99))] * 1000

    def worst(self, n: int = 5) -> list[tuple[float, float]]:
        return sorted(self.gaps, key=lambda item: item[1], reverse=True)[:n]


def wait(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
