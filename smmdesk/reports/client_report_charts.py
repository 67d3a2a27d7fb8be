"""The client report's charts, drawn with ``QPainter`` straight onto the PDF page.

Not QtCharts: a chart view is a widget, and a report is built off the GUI
thread on a ``QPdfWriter`` where no widget may exist; vector lines and text
drawn here also stay sharp when the client zooms or prints. Each function
draws one chart into a rectangle and measures its text on the page's device
through the review pack's helpers (``PackPages._text``), so every page of
every export speaks with the same fonts.

``None`` in the data is "not available" and is never drawn as a zero: a line
has a gap there, a bar says "not available", a heat-map cell without a
measured post stays white with its post count.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from smmdesk.reports.review_pack_pages import FAINT, INK, MUTED, RULE, PackPages, mm, pack_font

__all__ = [
    "LINE_COLOURS",
    "Bar",
    "HeatValue",
    "Series",
    "draw_bars",
    "draw_columns",
    "draw_heat_map",
    "draw_lines",
    "nice_ticks",
    "short_number",
]

LINE_COLOURS = ("#3d6df2", "#d62976", "#1b7f3b", "#c98a00", "#8e6cef", "#0b8a8a", "#b3261e")
NOT_AVAILABLE = "not available"
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Series:
    """One line: a name for the legend, a colour, and (x in days, value or None)."""

    name: str
    colour: str
    points: Sequence[tuple[float, float | None]]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    note: str = ""  # written after the number, e.g. "12 posts"
    missing: str = ""  # what a None value says instead of "not available" ("no posts")


@dataclass(frozen=True)
class HeatValue:
    """A weekday-hour cell: posts behind it, and their mean engagement (None: none measured)."""

    posts: int
    mean: float | None


def short_number(value: float) -> str:
    """12, 1,250, 12.5k, 1.2M: short enough for an axis or a bar's end."""
    size = abs(value)
    if size >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if size >= 100_000:
        return f"{value / 1000:.0f}k"
    if size >= 10_000:
        return f"{value / 1000:.1f}k"
    if size == int(size):
        return f"{int(value):,}"
    return f"{value:.1f}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis values (1, 2, 2.5 or 5 times a power of ten) covering ``[low, high]``."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _no_data(pages: PackPages, p: QPainter, rect: QRectF, text: str) -> None:
    p.setPen(QPen(RULE, mm(0.3), Qt.PenStyle.DashLine))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(rect, mm(2), mm(2))
    pages._text(p, rect, text, pack_font(9.5, italic=True), MUTED, Qt.AlignmentFlag.AlignHCenter)


def _y_axis(
    pages: PackPages, p: QPainter, plot: QRectF, ticks: list[float], label_w: float
) -> None:
    low, high = ticks[0], ticks[-1]
    small = pack_font(7)
    for tick in ticks:
        y = plot.bottom() - (tick - low) / (high - low) * plot.height()
        p.setPen(QPen(RULE, mm(0.2)))
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        pages._text(
            p,
            QRectF(plot.left() - label_w - mm(1.5), y - mm(2), label_w, mm(4)),
            short_number(tick),
            small,
            FAINT,
            Qt.AlignmentFlag.AlignRight,
        )


def draw_lines(
    pages: PackPages,
    p: QPainter,
    rect: QRectF,
    series: Sequence[Series],
    x_span: float,
    x_labels: Sequence[tuple[float, str]],
) -> None:
    """Lines over ``[0, x_span]`` days with a legend on top; gaps where a value is None."""
    values = [v for s in series for _x, v in s.points if v is not None]
    if not values:
        _no_data(pages, p, rect, "No follower counts in this period.")
        return
    legend_h = mm(6) * math.ceil(len(series) / 3)
    ticks = nice_ticks(min(values), max(values))
    label_w = mm(12)
    plot = QRectF(
        rect.left() + label_w + mm(2),
        rect.top() + legend_h + mm(2),
        rect.width() - label_w - mm(4),
        rect.height() - legend_h - mm(9),
    )
    for i, s in enumerate(series):
        col_w = rect.width() / 3
        x = rect.left() + (i % 3) * col_w
        y = rect.top() + (i // 3) * mm(6)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(s.colour))
        p.drawRoundedRect(QRectF(x, y + mm(1.8), mm(5), mm(1.6)), mm(0.5), mm(0.5))
        pages._text(p, QRectF(x + mm(6.5), y, col_w - mm(8), mm(5)), s.name, pack_font(8), INK)
    _y_axis(pages, p, plot, ticks, label_w)
    low, high = ticks[0], ticks[-1]
    span = x_span or 1.0
    small = pack_font(7)
    for x_value, text in x_labels:
        x = plot.left() + x_value / span * plot.width()
        p.setPen(QPen(RULE, mm(0.3)))
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + mm(1.2)))
        pages._text(
            p,
            QRectF(x - mm(12), plot.bottom() + mm(1.5), mm(24), mm(4)),
            text,
            small,
            FAINT,
            Qt.AlignmentFlag.AlignHCenter,
        )
    p.save()
    p.setClipRect(plot.adjusted(-mm(1), -mm(1), mm(1), mm(1)))
    for s in series:
        runs: list[list[QPointF]] = [[]]  # unbroken stretches between missing values
        for x_value, value in sorted(s.points, key=lambda pt: pt[0]):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(
                QPointF(
                    plot.left() + x_value / span * plot.width(),
                    plot.bottom() - (value - low) / (high - low) * plot.height(),
                )
            )
        path = QPainterPath()
        for run in runs:
            if len(run) > 1:
                path.moveTo(run[0])
                for point in run[1:]:
                    path.lineTo(point)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor(s.colour), mm(0.55)))
        p.drawPath(path)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(s.colour))
        for run in runs:
            if len(run) == 1:  # a single measurement is a dot, not nothing
                p.drawEllipse(run[0], mm(0.8), mm(0.8))
    p.restore()


def draw_columns(
    pages: PackPages,
    p: QPainter,
    rect: QRectF,
    values: Sequence[float | None],
    colour: str,
    caption: str,
) -> None:
    """One thin column per value in order (e.g. engagement of each post by date).

    A value that is not available leaves a faint tick at the base instead of
    a column, so "no number" never looks like "no interactions".
    """
    known = [v for v in values if v is not None]
    if not values:
        _no_data(pages, p, rect, "No published posts in this period.")
        return
    label_w = mm(12)
    plot = QRectF(
        rect.left() + label_w + mm(2),
        rect.top() + mm(2),
        rect.width() - label_w - mm(4),
        rect.height() - mm(9),
    )
    ticks = nice_ticks(0, max(known, default=1) or 1)
    _y_axis(pages, p, plot, ticks, label_w)
    high = ticks[-1]
    slot = plot.width() / len(values)
    width = max(slot * 0.72, mm(0.15))
    p.setPen(Qt.PenStyle.NoPen)
    for i, value in enumerate(values):
        x = plot.left() + i * slot + (slot - width) / 2
        if value is None:
            p.setBrush(FAINT)
            p.drawRect(QRectF(x, plot.bottom() - mm(0.8), width, mm(0.8)))
            continue
        h = value / high * plot.height()
        p.setBrush(QColor(colour))
        p.drawRect(QRectF(x, plot.bottom() - h, width, h))
    pages._text(
        p,
        QRectF(plot.left(), plot.bottom() + mm(1.5), plot.width(), mm(4)),
        caption,
        pack_font(7),
        FAINT,
        Qt.AlignmentFlag.AlignHCenter,
    )


def draw_bars(
    pages: PackPages,
    p: QPainter,
    rect: QRectF,
    bars: Sequence[Bar],
    colour: str,
    fmt: str = "{:,.0f}",
) -> None:
    """Horizontal bars, one per row: label, bar, number (or "not available")."""
    if not bars:
        _no_data(pages, p, rect, "Nothing to show in this period.")
        return
    row_h = min(mm(8), rect.height() / len(bars))
    label_w = rect.width() * 0.28
    number_w = rect.width() * 0.24
    bar_w = rect.width() - label_w - number_w - mm(4)
    high = max((b.value for b in bars if b.value is not None), default=0) or 1
    font = pack_font(8.5)
    for i, bar in enumerate(bars):
        y = rect.top() + i * row_h
        pages._text(p, QRectF(rect.left(), y, label_w - mm(2), row_h), bar.label, font, INK)
        bx = rect.left() + label_w
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#eef1f6"))
        p.drawRoundedRect(QRectF(bx, y + row_h * 0.22, bar_w, row_h * 0.56), mm(0.8), mm(0.8))
        if bar.value is None:
            text, text_colour, bold = bar.missing or NOT_AVAILABLE, FAINT, False
        else:
            p.setBrush(QColor(colour))
            w = max(bar.value / high * bar_w, mm(0.4) if bar.value else 0)
            p.drawRoundedRect(QRectF(bx, y + row_h * 0.22, w, row_h * 0.56), mm(0.8), mm(0.8))
            text, text_colour, bold = fmt.format(bar.value), INK, True
        if bar.note:
            text += f"  ·  {bar.note}"
        pages._text(
            p,
            QRectF(bx + bar_w + mm(3), y, number_w + mm(1), row_h),
            text,
            pack_font(8, bold=bold) if bar.value is not None else pack_font(8, italic=True),
            text_colour,
        )


def _heat_colour(share: float) -> QColor:
    """White to the report's blue; ``share`` in [0, 1]."""
    share = max(0.0, min(1.0, share))
    start, end = (255, 255, 255), (61, 109, 242)
    return QColor(
        *(round(a + (b - a) * (0.12 + 0.88 * share)) for a, b in zip(start, end, strict=True))
    )


def draw_heat_map(
    pages: PackPages, p: QPainter, rect: QRectF, cells: Sequence[Sequence[HeatValue]]
) -> None:
    """7 weekdays x 24 hours: shade = mean engagement, number = posts behind the cell.

    Cells with no posts stay blank; cells whose posts have no measured
    engagement are hatched grey, so thin or missing data is seen as such.
    """
    means = [c.mean for row in cells for c in row if c.mean is not None]
    high = max(means, default=0) or 1
    label_w = mm(10)
    head_h = mm(5)
    cell_w = (rect.width() - label_w) / 24
    cell_h = (rect.height() - head_h) / 7
    small, tiny = pack_font(7), pack_font(6)
    for hour in range(0, 24, 2):
        x = rect.left() + label_w + hour * cell_w
        pages._text(
            p, QRectF(x, rect.top(), cell_w, head_h), f"{hour:02d}", small, FAINT,
            Qt.AlignmentFlag.AlignHCenter,
        )  # fmt: skip
    for day, row in enumerate(cells):
        y = rect.top() + head_h + day * cell_h
        pages._text(
            p, QRectF(rect.left(), y, label_w - mm(1), cell_h), _WEEKDAYS[day], small, MUTED
        )
        for hour, cell in enumerate(row):
            box = QRectF(rect.left() + label_w + hour * cell_w, y, cell_w, cell_h)
            inner = box.adjusted(mm(0.25), mm(0.25), -mm(0.25), -mm(0.25))
            p.setPen(Qt.PenStyle.NoPen)
            if cell.posts == 0:
                p.setBrush(QColor("#f6f7f9"))
                p.drawRect(inner)
                continue
            if cell.mean is None:
                p.setBrush(QColor("#e4e7ed"))
                p.drawRect(inner)
                colour = MUTED
            else:
                share = cell.mean / high
                p.setBrush(_heat_colour(share))
                p.drawRect(inner)
                colour = QColor("#ffffff") if share > 0.55 else INK
            pages._text(p, inner, str(cell.posts), tiny, colour, Qt.AlignmentFlag.AlignHCenter)
