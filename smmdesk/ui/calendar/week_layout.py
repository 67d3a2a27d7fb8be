"""The week view's data and geometry, shared by its header and its timeline.

``WeekData`` is what the week shows (days, posts by local day, day notes,
today and the time now); ``DayColumns`` is where each day's column is;
``lay_out_day`` places each post's chip at its local time in its client's
zone (a post at 09:00 in Riga stays at 09:00 across a daylight-saving
change), and posts closer than a chip's length share the slot side by side;
``snap`` rounds a drop to 15 minutes. Plain geometry, no painting: the header
(week_header.py) and the timeline (week_canvas.py) both use it, so what is
clicked is what was painted.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor

from smmdesk.store.calendar_queries import PlanEntry
from smmdesk.ui.calendar.calendar_data import EMPTY_NOTE, DayNote, DayPosts

HOUR_HEIGHT = 48
GUTTER = 56
SNAP_MINUTES = 15
SLOT_MINUTES = 45  # how long a chip looks: posts are instants, chips need room
HEADER_HEIGHT = 66
WEEKEND = QColor("#fafbfc")  # the weekend columns, in the header and the timeline


class PlacedPost(NamedTuple):
    """A post's chip on the timeline: the hit tests and the drag start from it."""

    rect: QRect
    local: datetime
    entry: PlanEntry


def snap(minutes: float) -> int:
    """Minutes after midnight, rounded to the 15-minute grid and kept in the day."""
    snapped = round(minutes / SNAP_MINUTES) * SNAP_MINUTES
    return max(0, min(24 * 60 - SNAP_MINUTES, snapped))


class DayColumns:
    """The x geometry both the header and the timeline use."""

    def __init__(self) -> None:
        self.width = 700

    def column(self, n: int) -> QRect:
        usable = max(7, self.width - GUTTER)
        left = GUTTER + usable * n // 7
        right = GUTTER + usable * (n + 1) // 7
        return QRect(left, 0, right - left, 0)

    def index_at(self, x: int) -> int | None:
        if x < GUTTER:
            return None
        usable = max(7, self.width - GUTTER)
        n = (x - GUTTER) * 7 // usable
        return n if 0 <= n < 7 else None


class WeekData:
    """What the week shows. The header and the timeline hold the same instance:
    one ``set_week`` (week_view.py) updates both."""

    def __init__(self) -> None:
        self.days: list[date] = []
        self.posts: dict[date, DayPosts] = {}
        self.notes: dict[date, DayNote] = {}
        self.today: date | None = None
        self.now_minutes: int | None = None
        self.account_label = lambda account_id: f"account {account_id}"

    def note_on(self, day: date) -> DayNote:
        return self.notes.get(day, EMPTY_NOTE)


def lay_out_day(column: QRect, posts: DayPosts) -> list[PlacedPost]:
    """Chips at their local time; posts that overlap share the width in lanes."""
    slot = SLOT_MINUTES
    out: list[PlacedPost] = []
    cluster: list[tuple[int, int, datetime, PlanEntry]] = []  # start, lane, local, entry
    lane_ends: list[int] = []
    cluster_end = -1

    def flush() -> None:
        lanes = max(1, len(lane_ends))
        width = max(8, (column.width() - 6) // lanes)
        for start, lane, local, entry in cluster:
            top = start * HOUR_HEIGHT // 60
            height = max(20, slot * HOUR_HEIGHT // 60 - 2)
            rect = QRect(column.left() + 3 + lane * width, top + 1, width - 2, height)
            out.append(PlacedPost(rect, local, entry))

    for local, entry in posts:
        start = local.hour * 60 + local.minute
        if cluster and start >= cluster_end:
            flush()
            cluster, lane_ends, cluster_end = [], [], -1
        for lane, end in enumerate(lane_ends):
            if end <= start:
                lane_ends[lane] = start + slot
                break
        else:
            lane = len(lane_ends)
            lane_ends.append(start + slot)
        cluster.append((start, lane, local, entry))
        cluster_end = max(cluster_end, start + slot)
    if cluster:
        flush()
    return out
