"""Painting one day of the month grid: its number, note and chips.

The grid paints all its days in one ``paintEvent`` (month_view.py) and calls
``paint_day`` for each: Qt's per-item painting costs more than the days.
Its cost is bounded by the cell, not by the posts: a day paints the chips
that fit and "+N more". The layout comes from ``cell_geometry``
(month_model.py), which the hit tests use too. Areas are filled with a brush
and ``drawRect``, not ``fillRect``: the first ``fillRect`` with a colour makes
PySide6 build the Python enums of ``QGradient`` (~2 ms of the first paint).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRect
from PySide6.QtGui import QPainter

from smmdesk.ui.calendar import chips
from smmdesk.ui.calendar.month_model import MonthModel, cell_geometry


def paint_day(
    cp: chips.ChipPainter,
    painter: QPainter,
    rect: QRect,
    model: MonthModel,
    day: date,
    selected: bool,
) -> None:
    """One day: number, theme, marker, observance, then chips while they fit."""
    note = model.note_on(day)
    posts = model.posts_on(day)
    geometry = cell_geometry(rect, note, len(posts))
    in_month = model.in_month(day)
    dropping = day == model.drop_day
    if dropping:
        background = chips.DROP_BG
    elif selected:
        background = chips.SELECTED_BG
    else:
        background = chips.WHITE if in_month else chips.OTHER_MONTH
    left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
    painter.setRenderHint(chips.ANTIALIAS, False)
    painter.setPen(chips.NO_PEN)
    painter.setBrush(background)
    painter.drawRect(rect)
    painter.setBrush(chips.GRID)
    painter.drawRect(right, top, 1, rect.height())
    painter.drawRect(left, bottom, rect.width(), 1)
    if dropping:
        painter.setPen(chips.DROP_EDGE)
        painter.setBrush(chips.NO_BRUSH)
        painter.drawRect(rect.adjusted(1, 1, -3, -3))
    painter.setRenderHint(chips.ANTIALIAS)

    number = geometry.number
    label = str(day.day)
    if model.is_today(day):
        painter.setFont(cp.bold)
        painter.setPen(chips.NO_PEN)
        painter.setBrush(chips.TODAY)
        painter.drawEllipse(number.left(), number.top(), 22, 20)
        painter.setPen(chips.WHITE)
        static = cp.static(label, 2)
        x = number.left() + 11 - int(static.size().width()) // 2
        painter.drawStaticText(x, number.top() + 10 - cp.regular_offset, static)
    else:
        painter.setFont(cp.font)
        painter.setPen(chips.TEXT if in_month else chips.DIM_TEXT)
        painter.drawStaticText(
            number.left() + 2, number.top() + 10 - cp.regular_offset, cp.static(label, 1)
        )

    painter.setFont(cp.small)
    if note.theme:
        painter.setPen(chips.SOFT)
        cp.draw_small(painter, geometry.theme, note.theme)
    if note.warnings or note.gap_accounts:
        chips.paint_marker(cp, painter, geometry.marker, note)
    if geometry.observance is not None:
        chips.paint_observances(cp, painter, geometry.observance, note.observances)
    for chip_rect, (local, entry) in zip(geometry.chips, posts, strict=False):
        cp.paint(painter, chip_rect, local, entry)
    if geometry.more is not None:
        painter.setPen(chips.MUTED)
        cp.draw_small(painter, geometry.more, f"+{geometry.hidden} more")
