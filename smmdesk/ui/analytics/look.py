"""The Analytics tab's colours, words for numbers, and its style sheet.

The tab is built after the first paint, so it may carry a style sheet of its
own (see ``smmdesk.ui.theme``): cards are light panels like the calendar's
side panel, so the dashboard reads as the same app.

Number formatting lives here and not in the charts, so a chart's tooltip, its
"Show numbers" table and the summary cards say the same thing the same way.
``None`` always means the network does not give the number: it is written
"not available", never 0.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from smmdesk.ui.theme import BUTTON_QSS, HEADER_SECTION_QSS, LABEL_QSS

NOT_AVAILABLE = "not available"

ACCENT = "#3d6df2"
GOOD = "#1b7f3b"
BAD = "#b3261e"
NEUTRAL = "#6b7385"
TARGET = "#1f2430"
PREVIOUS = "#b8c4e6"  # the period before, behind this period's bars
LINE_COLOURS = ("#3d6df2", "#d62976", "#1b7f3b", "#c98a00", "#8e6cef", "#0b8a8a", "#b3261e")

STYLE = (
    """
#AnalyticsCard { background: #f6f7f9; border: 1px solid #e1e5ec; border-radius: 8px; }
#AnalyticsCard QLabel#CardHeading { font-size: 11pt; font-weight: 600; color: #1f2430; }
#KpiCard { background: #ffffff; border: 1px solid #e1e5ec; border-radius: 8px; }
#KpiCard QLabel#KpiValue { font-size: 17pt; font-weight: 600; color: #1f2430; }
#KpiCard QLabel#KpiName { color: #5b6475; font-weight: 600; }
#NotAvailable { color: #8a92a3; font-style: italic; }
#Dashboard { background: #ffffff; }
QScrollArea#DashboardScroll { border: none; background: #ffffff; }
QToolButton#NumbersToggle { border: 1px solid #c9cfda; border-radius: 5px; padding: 2px 8px;
  background: #ffffff; color: #4a5262; }
QToolButton#NumbersToggle:checked { background: #eef3ff; border-color: #a9bdf5; color: #2f5ee0; }
QToolButton#NumbersToggle:hover { background: #f0f3f8; }
QToolButton#SegmentButton { padding: 5px 12px; border: 1px solid #c9cfda; background: #ffffff;
  color: #4a5262; }
QToolButton#SegmentButton[segment="first"] { border-top-left-radius: 6px;
  border-bottom-left-radius: 6px; }
QToolButton#SegmentButton[segment="middle"] { border-left: none; }
QToolButton#SegmentButton[segment="last"] { border-left: none; border-top-right-radius: 6px;
  border-bottom-right-radius: 6px; }
QToolButton#SegmentButton:checked { background: #3d6df2; border-color: #3d6df2; color: #ffffff;
  font-weight: 600; }
QToolButton#SegmentButton:hover:!checked { background: #f0f3f8; }
QTableView#NumbersTable { border: 1px solid #e1e5ec; background: #ffffff; }
#ChoosePrompt { font-size: 13pt; color: #5b6475; }
"""
    + BUTTON_QSS
    + LABEL_QSS
    + HEADER_SECTION_QSS
)


def qcolor(name: str) -> QColor:
    return QColor(name)


def whole(value: float | int | None) -> str:
    """12,345 — or "not available"."""
    if value is None:
        return NOT_AVAILABLE
    return f"{round(value):,}"


def decimal(value: float | None, places: int = 1) -> str:
    if value is None:
        return NOT_AVAILABLE
    return f"{value:,.{places}f}"


def percent(value: float | None, places: int = 1) -> str:
    """A share of 1 as a percentage: 0.0345 -> 3.5%."""
    if value is None:
        return NOT_AVAILABLE
    return f"{value * 100:.{places}f}%"


def hours(value: float | None) -> str:
    """Working hours as "2 h 05 min" (or "45 min")."""
    if value is None:
        return NOT_AVAILABLE
    minutes = round(value * 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def change_text(current: float | None, previous: float | None, kind: str = "count") -> str:
    """The change against the period before: "+12%", "−3", "no change", or "".

    Counts that were zero before change by a number ("+5"), not by an
    infinite percentage; rates and shares change by percentage points;
    anything else by a percentage of the previous value.
    """
    if current is None or previous is None:
        return ""
    delta = current - previous
    if kind == "share":
        points = delta * 100
        if abs(points) < 0.05:
            return "no change"
        return f"{_sign(points)}{abs(points):.1f} pts"
    if kind == "hours":
        if abs(delta) < 1 / 60:
            return "no change"
        return f"{_sign(delta)}{hours(abs(delta))}"
    if abs(delta) < 1e-9:
        return "no change"
    if previous == 0:
        return f"{_sign(delta)}{abs(delta):,.0f}"
    ratio = delta / abs(previous) * 100
    if abs(ratio) < 0.5:
        return f"{_sign(delta)}{abs(delta):,.0f}"
    return f"{_sign(ratio)}{abs(ratio):.0f}%"


def _sign(value: float) -> str:
    return "+" if value > 0 else "−"


def change_colour(
    current: float | None, previous: float | None, higher_is_better: bool = True
) -> str:
    if current is None or previous is None or abs(current - previous) < 1e-9:
        return NEUTRAL
    better = (current > previous) == higher_is_better
    return GOOD if better else BAD
