"""QtCharts builders for the dashboard: lines over time, and bars.

Each builder clears a chart and draws plain numbers into it; what the
numbers mean is decided by the card that calls it (and the same numbers go
to its "Show numbers" table). Charts are drawn without animation (a reload
after a sync must not make the lines dance) on a white plot inside the
card's grey panel, with the legend below.

Missing numbers ("not available") are never drawn as zero: a line simply has
no point there, and a bar category without a number gets no bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCharts import (
    QAbstractAxis,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QMargins, Qt, QTime
from PySide6.QtGui import QColor, QFont, QPainter, QPen

_AXIS_TEXT = QColor("#5b6475")
_GRID = QColor("#eceef2")


def qdatetime(moment: datetime) -> QDateTime:
    """A naive wall-clock time as the axis shows it (the axis draws local times:
    the caller passes the client's wall clock, so the labels are the client's)."""
    return QDateTime(
        QDate(moment.year, moment.month, moment.day),
        QTime(moment.hour, moment.minute, moment.second),
    )


def msecs(moment: datetime) -> float:
    return float(qdatetime(moment).toMSecsSinceEpoch())


def chart_view() -> QChartView:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(6)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    font = QFont(chart.legend().font())
    font.setPointSizeF(9)
    chart.legend().setFont(font)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setStyleSheet("background: transparent;")
    return view


def _clear(chart: QChart) -> None:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)


def _style_axis(axis: QAbstractAxis, label_format: str | None = None) -> None:
    font = QFont(axis.labelsFont())
    font.setPointSizeF(8.5)
    axis.setLabelsFont(font)
    axis.setLabelsColor(_AXIS_TEXT)
    axis.setGridLineColor(_GRID)
    axis.setLinePenColor(_GRID)
    axis.setTruncateLabels(False)  # "Promotion / discount" in full, not "..."
    if label_format is not None and isinstance(axis, QValueAxis):
        axis.setLabelFormat(label_format)


def nice_range(low: float, high: float) -> tuple[float, float]:
    """Axis bounds with a little room, on round numbers; 0 stays 0."""
    if high <= low:
        high = low + 1
    pad = (high - low) * 0.08
    lower = 0.0 if low >= 0 and low - pad <= 0 else low - pad
    return lower, high + pad


@dataclass
class Line:
    name: str
    colour: str
    points: list[tuple[datetime, float]]
    dashed: bool = False
    markers: list[tuple[datetime, float]] = field(default_factory=list)  # shown as dots
    in_legend: bool = True


def draw_lines(
    chart: QChart, lines: Sequence[Line], start: datetime, end: datetime, date_format: str
) -> None:
    """Lines over time on a date axis from ``start`` to ``end``."""
    _clear(chart)
    x_axis = QDateTimeAxis()
    x_axis.setFormat(date_format)
    x_axis.setTickCount(6)
    y_axis = QValueAxis()
    _style_axis(x_axis)
    _style_axis(y_axis, "%.0f")
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    values: list[float] = []
    for line in lines:
        series = QLineSeries()
        series.setName(line.name)
        pen = QPen(QColor(line.colour), 2)
        if line.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
            pen.setWidthF(1.6)
        series.setPen(pen)
        for moment, value in line.points:
            series.append(msecs(moment), value)
            values.append(value)
        chart.addSeries(series)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
        if not line.in_legend:
            for marker in chart.legend().markers(series):
                marker.setVisible(False)
        if line.markers:
            dots = QScatterSeries()
            dots.setMarkerSize(9)
            dots.setColor(QColor(line.colour))
            dots.setBorderColor(QColor("#ffffff"))
            for moment, value in line.markers:
                dots.append(msecs(moment), value)
                values.append(value)
            chart.addSeries(dots)
            dots.attachAxis(x_axis)
            dots.attachAxis(y_axis)
            # The dots belong to their line: one legend entry, not two.
            for marker in chart.legend().markers(dots):
                marker.setVisible(False)
    low, high = nice_range(min(values, default=0.0), max(values, default=1.0))
    y_axis.setRange(low, high)
    y_axis.applyNiceNumbers()
    x_axis.setRange(qdatetime(start), qdatetime(end))


@dataclass
class BarSet:
    name: str
    colour: str
    values: list[float | None]


def draw_bars(
    chart: QChart,
    categories: Sequence[str],
    sets: Sequence[BarSet],
    horizontal: bool = False,
    value_format: str = "%.0f",
    at_least: float = 0.0,
    stacked: bool = False,
) -> None:
    """Grouped bars, one group per category; ``None`` values get no bar.

    ``stacked`` (horizontal only) puts the sets in one bar per category: for
    sets that never both have a value in a category (the client's accounts
    and competitors), so each bar is full width, in its set's colour.
    """
    _clear(chart)
    series = (
        (QHorizontalStackedBarSeries() if stacked else QHorizontalBarSeries())
        if horizontal
        else QBarSeries()
    )
    high, low = at_least, 0.0
    for spec in sets:
        bar_set = QBarSet(spec.name)
        bar_set.setColor(QColor(spec.colour))
        bar_set.setBorderColor(QColor(spec.colour))
        for value in spec.values:
            bar_set.append(0.0 if value is None else float(value))
            if value is not None:
                high = max(high, float(value))
                low = min(low, float(value))
        series.append(bar_set)
    series.setBarWidth(0.75)
    chart.addSeries(series)
    category_axis = QBarCategoryAxis()
    category_axis.append(list(categories))
    value_axis = QValueAxis()
    _style_axis(category_axis)
    _style_axis(value_axis, value_format)
    value_axis.setRange(low * 1.08, high * 1.08 if high > 0 else 1)
    value_axis.applyNiceNumbers()
    if horizontal:
        chart.addAxis(value_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(category_axis, Qt.AlignmentFlag.AlignLeft)
    else:
        chart.addAxis(category_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(category_axis)
    series.attachAxis(value_axis)
    chart.legend().setVisible(len(sets) > 1)


def add_level(chart: QChart, name: str, colour: str, value: float) -> None:
    """A dashed horizontal line across a bar chart (e.g. the plan per week)."""
    bars = [s for s in chart.series() if isinstance(s, QBarSeries)]
    if not bars:
        return
    count = max((b.count() for b in bars[0].barSets()), default=0)
    line = QLineSeries()
    line.setName(name)
    pen = QPen(QColor(colour), 1.6)
    pen.setStyle(Qt.PenStyle.DashLine)
    line.setPen(pen)
    line.append(-0.5, value)
    line.append(count - 0.5, value)
    chart.addSeries(line)
    x_axis = QValueAxis()
    x_axis.setRange(-0.5, count - 0.5)
    x_axis.setVisible(False)
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignTop)
    line.attachAxis(x_axis)
    for axis in chart.axes(Qt.Orientation.Vertical):
        line.attachAxis(axis)
        if isinstance(axis, QValueAxis) and axis.max() < value * 1.08:
            axis.setMax(value * 1.15)
            axis.applyNiceNumbers()
    chart.legend().setVisible(True)
