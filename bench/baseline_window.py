"""The start-up baseline: a bare three-tab PySide6 window with one chart.

Shows a QMainWindow (1280x820, like SMM Desk's) holding a QTabWidget whose
first tab is a QChartView with a ~90-point QLineSeries; once the window has
received its first Paint event (and that paint has finished), prints
``painted maxrss_kb=N`` like ``smmdesk --exit-after-paint`` and exits.
"""

from __future__ import annotations

import math
import os
import resource
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCharts import QChart, QChartView, QLineSeries
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget


class FirstPaint(QObject):
    """The same rule as smmdesk.ui.first_paint: report after the first paint."""

    def __init__(self, app: QApplication, window: QMainWindow) -> None:
        super().__init__(window)
        self.app = app
        self.fired = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.fired and event.type() == QEvent.Type.Paint:
            self.fired = True
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.report)
        return False

    def report(self) -> None:
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"painted maxrss_kb={peak_kb}", flush=True)
        self.app.exit(0)


def main() -> int:
    app = QApplication(sys.argv[:1])
    series = QLineSeries()
    for day in range(90):
        series.append(day, 1000 + 10 * day + 40 * math.sin(day / 5))
    chart = QChart()
    chart.addSeries(series)
    chart.createDefaultAxes()
    chart.legend().hide()
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)

    tabs = QTabWidget()
    tabs.addTab(view, "Chart")
    tabs.addTab(QLabel("Second tab"), "Second")
    tabs.addTab(QLabel("Third tab"), "Third")
    window = QMainWindow()
    window.setWindowTitle("Baseline")
    window.setCentralWidget(tabs)
    window.resize(1280, 820)
    FirstPaint(app, window)
    window.show()
    QTimer.singleShot(60_000, lambda: app.exit(1))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
