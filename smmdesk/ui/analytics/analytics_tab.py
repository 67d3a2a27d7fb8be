"""The Analytics tab: followers over time, one line per account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from smmdesk.store.queries import StoreReader
from smmdesk.ui.theme import PLATFORM_BADGES

RANGES = (("Last 30 days", 30), ("Last 90 days", 90), ("Last 365 days", 365))
_LINE_COLOURS = ("#3d6df2", "#d62976", "#1b7f3b", "#c98a00", "#8e6cef", "#0b8a8a", "#b3261e")


class AnalyticsTab(QWidget):
    def __init__(self, reader: StoreReader) -> None:
        super().__init__()
        self.reader = reader
        self.client_id: int | None = None
        self.range_box = QComboBox()
        for label, days in RANGES:
            self.range_box.addItem(label, days)
        self.range_box.setCurrentIndex(1)
        self.range_box.currentIndexChanged.connect(self.reload)
        self.summary = QLabel()
        self.summary.setObjectName("ViewHint")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        title = QLabel("Followers")
        title.setObjectName("MonthTitle")

        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setMargins(self.chart.margins() * 0)
        self.chart.setBackgroundRoundness(0)
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)

        header = QHBoxLayout()
        header.addWidget(title)
        header.addSpacing(12)
        header.addWidget(self.summary, 1)
        header.addWidget(self.range_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)
        self.reload()

    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.reload()

    def reload(self) -> None:
        days = int(self.range_box.currentData())
        since = datetime.now(UTC) - timedelta(days=days)
        accounts = self.reader.list_accounts(self.client_id)
        history = self.reader.follower_history([a.id for a in accounts], since)
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        x_axis = QDateTimeAxis()
        x_axis.setFormat("d MMM")
        x_axis.setTickCount(7)
        y_axis = QValueAxis()
        y_axis.setLabelFormat("%d")
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        low, high = None, None
        parts = []
        for n, account in enumerate(accounts):
            points = history.get(account.id, [])
            if not points:
                continue
            series = QLineSeries()
            series.setName(f"{account.handle} ({account.platform})")
            colour = _LINE_COLOURS[n % len(_LINE_COLOURS)]
            if len(accounts) == 1:
                colour = PLATFORM_BADGES.get(account.platform, ("", colour))[1]
            series.setPen(QPen(QColor(colour), 2))
            for moment, followers in points:
                series.append(QDateTime(moment).toMSecsSinceEpoch(), followers)
                low = followers if low is None else min(low, followers)
                high = followers if high is None else max(high, followers)
            self.chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
            change = points[-1][1] - points[0][1]
            parts.append(f"{account.handle}: {points[-1][1]:,} ({change:+,})")
        if low is None or high is None:
            self.summary.setText("No follower history yet: it is recorded each time accounts sync.")
            self.chart.setTitle("")
            return
        pad = max(5, (high - low) // 10)
        y_axis.setRange(max(0, low - pad), high + pad)
        x_axis.setRange(QDateTime(since), QDateTime(datetime.now(UTC)))
        self.summary.setText("   ".join(parts))
