"""Best time to post: a weekday x hour grid, painted.

Each cell is one hour of one weekday in the client's time zone; its colour
is the average engagement of the posts published in it, and its number is
how many posts that average rests on. A cell with one post is drawn pale and
its colour is an outline only: one lucky post is not a "best time", and the
manager should see at a glance that the data there is thin. Empty cells stay
empty rather than looking like "nothing happens at this hour".

Painted rather than built from QtCharts: 168 rectangles with a number each
is what a painter does best, and a chart would not show the counts.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from smmdesk.core.analytics import WEEKDAYS, HeatCell, HeatMap

#: Cells resting on fewer measured posts than this are drawn as thin data
#: (the same bar ``HeatMap.best`` sets for a "best time").
THIN = 2

_EMPTY = QColor("#ffffff")
_GRID = QColor("#e6e9ef")
_TEXT = QColor("#1f2430")
_MUTED = QColor("#8a92a3")
_LIGHT_TEXT = QColor("#ffffff")
_LOW = QColor("#e4ebfd")
_HIGH = QColor("#1d4ed8")


def blend(share: float) -> QColor:
    """The colour of a cell at ``share`` (0..1) of the best cell's value."""
    share = min(1.0, max(0.0, share))
    return QColor(
        round(_LOW.red() + (_HIGH.red() - _LOW.red()) * share),
        round(_LOW.green() + (_HIGH.green() - _LOW.green()) * share),
        round(_LOW.blue() + (_HIGH.blue() - _LOW.blue()) * share),
    )


def hour_label(hour: int) -> str:
    return f"{hour:02d}"


class HeatMapView(QWidget):
    """Seven rows (Monday first), 24 columns; ``set_map`` fills it."""

    LABEL_WIDTH = 38
    HEADER = 18
    LEGEND = 24

    def __init__(self) -> None:
        super().__init__()
        self.map: HeatMap | None = None
        self.best = 0.0
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(QSize(24 * 16 + self.LABEL_WIDTH, 7 * 18 + self.HEADER + self.LEGEND))

    def set_map(self, heat: HeatMap | None) -> None:
        self.map = heat
        values = [
            c.mean_engagement
            for row in (heat.cells if heat else ())
            for c in row
            if c.mean_engagement is not None
        ]
        self.best = max(values, default=0.0)
        self.update()

    def cell(self, weekday: int, hour: int) -> HeatCell | None:
        return self.map.cell(weekday, hour) if self.map is not None else None

    def sizeHint(self) -> QSize:
        return QSize(24 * 30 + self.LABEL_WIDTH, 7 * 26 + self.HEADER + self.LEGEND)

    # --- geometry -----------------------------------------------------------------

    def _cell_size(self) -> tuple[float, float]:
        width = (self.width() - self.LABEL_WIDTH - 1) / 24
        height = (self.height() - self.HEADER - self.LEGEND - 1) / 7
        return width, height

    def cell_rect(self, weekday: int, hour: int) -> QRect:
        width, height = self._cell_size()
        left = self.LABEL_WIDTH + round(hour * width)
        top = self.HEADER + round(weekday * height)
        right = self.LABEL_WIDTH + round((hour + 1) * width)
        bottom = self.HEADER + round((weekday + 1) * height)
        return QRect(left, top, right - left, bottom - top)

    def cell_at(self, point: QPoint) -> tuple[int, int] | None:
        width, height = self._cell_size()
        if width <= 0 or height <= 0:
            return None
        hour = int((point.x() - self.LABEL_WIDTH) // width)
        weekday = int((point.y() - self.HEADER) // height)
        if 0 <= hour < 24 and 0 <= weekday < 7:
            return weekday, hour
        return None

    # --- painting -----------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        font = self.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
        painter.setFont(font)
        align = Qt.AlignmentFlag.AlignCenter
        width, _height = self._cell_size()
        step = 1 if width >= 22 else 3
        painter.setPen(_MUTED)
        for hour in range(0, 24, step):
            rect = self.cell_rect(0, hour)
            painter.drawText(
                QRect(rect.left(), 0, rect.width(), self.HEADER), align, hour_label(hour)
            )
        for weekday, name in enumerate(WEEKDAYS):
            rect = self.cell_rect(weekday, 0)
            painter.setPen(_MUTED)
            painter.drawText(
                QRect(0, rect.top(), self.LABEL_WIDTH - 6, rect.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            for hour in range(24):
                self._paint_cell(painter, weekday, hour)
        self._paint_legend(painter)
        painter.end()

    def _paint_cell(self, painter: QPainter, weekday: int, hour: int) -> None:
        rect = self.cell_rect(weekday, hour)
        cell = self.cell(weekday, hour)
        painter.setPen(QPen(_GRID, 1))
        if cell is None or cell.posts == 0:
            painter.setBrush(_EMPTY)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            return
        value = cell.mean_engagement
        share = (value or 0.0) / self.best if self.best > 0 else 0.0
        colour = blend(share) if value is not None else QColor("#eef0f4")
        thin = cell.measured < THIN
        if thin:
            painter.setBrush(_EMPTY)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            painter.setPen(QPen(colour.darker(110), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(2, 2, -3, -3))
        else:
            painter.setBrush(colour)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        dark = not thin and share > 0.55 and value is not None
        painter.setPen(_LIGHT_TEXT if dark else (_MUTED if thin else _TEXT))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(cell.posts))

    def _paint_legend(self, painter: QPainter) -> None:
        top = self.height() - self.LEGEND + 6
        left = self.LABEL_WIDTH
        painter.setPen(_MUTED)
        text_flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRect(left, top, 60, 14), text_flags, "less")
        left += 30
        for n in range(6):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(blend(n / 5))
            painter.drawRect(QRect(left + n * 16, top + 1, 14, 12))
        left += 6 * 16 + 4
        painter.setPen(_MUTED)
        painter.drawText(QRect(left, top, 220, 14), text_flags, "more engagement per post")
        left += painter.fontMetrics().horizontalAdvance("more engagement per post") + 20
        painter.setPen(QPen(_HIGH, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRect(left + 1, top + 1, 13, 11))
        painter.setPen(_MUTED)
        painter.drawText(
            QRect(left + 20, top, 320, 14),
            text_flags,
            f"fewer than {THIN} posts: too few to judge · the number is the posts in the hour",
        )

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            spot = self.cell_at(event.pos())
            if spot is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip(*spot), self)
            return True
        return super().event(event)

    def tooltip(self, weekday: int, hour: int) -> str:
        cell = self.cell(weekday, hour)
        when = f"{WEEKDAYS[weekday]} {hour:02d}:00–{(hour + 1) % 24:02d}:00"
        if cell is None or cell.posts == 0:
            return f"{when}: no posts published at this hour"
        posts = f"{cell.posts} post{'s' if cell.posts != 1 else ''}"
        if cell.mean_engagement is None:
            return f"{when}: {posts}; engagement not available"
        measured = "" if cell.measured == cell.posts else f" (of {cell.measured} measured)"
        return (
            f"{when}: {posts}, {cell.mean_engagement:,.1f} engagements per post"
            f" on average{measured}"
        )
