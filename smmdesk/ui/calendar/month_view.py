"""The month grid: six weeks of days, each with its posts as coloured chips.

A ``QTableView`` over ``MonthModel`` with a delegate that paints each day:
the model holds plain ``CalendarPost`` rows bucketed by the *client's* local
date, so a post at 00:30 in Riga sits on the Riga day whatever the laptop's
zone. Only the visible six weeks are queried.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from smmdesk.core.clock import to_local
from smmdesk.core.vocabulary import PostStatus
from smmdesk.store.queries import CalendarPost
from smmdesk.ui.theme import STATUS_COLOURS, platform_pixmap

_Index = QModelIndex | QPersistentModelIndex
# Qt enum members are looked up once here, not on every painted chip: each
# lookup and flag combination costs microseconds, and a month holds thousands.
_LEFT = Qt.AlignmentFlag.AlignLeft
_CENTER = Qt.AlignmentFlag.AlignCenter
_VCENTER = Qt.AlignmentFlag.AlignVCenter
_NO_PEN = Qt.PenStyle.NoPen
_ANTIALIAS = QPainter.RenderHint.Antialiasing
_ELIDE = Qt.TextElideMode.ElideRight
_SELECTED = QStyle.StateFlag.State_Selected
_WHITE, _GRID, _OTHER_MONTH, _SELECTED_BG = (
    QColor("#ffffff"),
    QColor("#e6e9ef"),
    QColor("#f7f8fa"),
    QColor("#eef3ff"),
)
_TEXT, _DIM_TEXT, _MUTED, _TODAY = (
    QColor("#1f2430"),
    QColor("#a3a9b5"),
    QColor("#5b6475"),
    QColor("#3d6df2"),
)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PostsRole = Qt.ItemDataRole.UserRole + 1
DateRole = Qt.ItemDataRole.UserRole + 2


class MonthModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._days: list[date] = []
        self._month = 1
        self._today = date.today()
        self._posts: dict[date, list[tuple[datetime, CalendarPost]]] = {}

    def set_month(
        self, days: list[date], month: int, posts: list[CalendarPost], today: date
    ) -> None:
        buckets: dict[date, list[tuple[datetime, CalendarPost]]] = defaultdict(list)
        for post in posts:
            local = to_local(post.scheduled_at, post.timezone)
            buckets[local.date()].append((local, post))
        for items in buckets.values():
            items.sort(key=lambda pair: pair[0].time())
        self.beginResetModel()
        self._days, self._month, self._today, self._posts = days, month, today, dict(buckets)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._days) // 7

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def day_at(self, index: _Index) -> date:
        return self._days[index.row() * 7 + index.column()]

    def posts_on(self, day: date) -> list[tuple[datetime, CalendarPost]]:
        return self._posts.get(day, [])

    def in_month(self, day: date) -> bool:
        return day.month == self._month

    def is_today(self, day: date) -> bool:
        return day == self._today

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        day = self.day_at(index)
        if role == DateRole:
            return day
        if role == PostsRole:
            return self.posts_on(day)
        if role == Qt.ItemDataRole.ToolTipRole:
            posts = self.posts_on(day)
            if not posts:
                return f"{day:%A %d %B}: nothing planned"
            lines = [f"{day:%A %d %B}: {len(posts)} post{'s' if len(posts) > 1 else ''}"]
            for local, post in posts[:12]:
                status = PostStatus(post.status).label
                lines.append(f"{local:%H:%M}  [{status}]  {post.body[:70]}")
            if len(posts) > 12:
                lines.append(f"… and {len(posts) - 12} more")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{day:%d %B}, {len(self.posts_on(day))} posts"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return WEEKDAYS[section]
        return None


class DayDelegate(QStyledItemDelegate):
    """Paints one day: its number, then one chip per post while they fit."""

    CHIP_HEIGHT = 18

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fonts: tuple[QFont, QFont, QFont] | None = None
        self._colours: dict[str, tuple[QColor, QColor]] = {}

    def _fonts_for(self, base: QFont) -> tuple[QFont, QFont, QFont]:
        if self._fonts is None:
            bold = QFont(base)
            bold.setBold(True)
            chip = QFont(base)
            chip.setPointSizeF(max(7.0, base.pointSizeF() - 1.5))
            self._fonts = (QFont(base), bold, chip)
        return self._fonts

    def _client_colours(self, colour: str) -> tuple[QColor, QColor]:
        pair = self._colours.get(colour)
        if pair is None:
            solid = QColor(colour)
            tint = QColor(solid)
            tint.setAlpha(34)
            pair = self._colours[colour] = (solid, tint)
        return pair

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        model = index.model()
        assert isinstance(model, MonthModel)
        day = model.day_at(index)
        rect: QRect = option.rect  # type: ignore[attr-defined]
        regular, bold, chip_font = self._fonts_for(option.font)  # type: ignore[attr-defined]
        in_month, today = model.in_month(day), model.is_today(day)
        painter.save()
        painter.setRenderHint(_ANTIALIAS)
        selected = bool(option.state & _SELECTED)  # type: ignore[attr-defined]
        background = _SELECTED_BG if selected else (_WHITE if in_month else _OTHER_MONTH)
        painter.fillRect(rect, background)
        painter.setPen(_GRID)
        painter.drawRect(rect.adjusted(0, 0, -1, -1))

        painter.setFont(bold if today else regular)
        if today:
            badge = QRect(rect.left() + 4, rect.top() + 2, 22, 20)
            painter.setPen(_NO_PEN)
            painter.setBrush(_TODAY)
            painter.drawEllipse(badge)
            painter.setPen(_WHITE)
            painter.drawText(badge, _CENTER, str(day.day))
        else:
            painter.setPen(_TEXT if in_month else _DIM_TEXT)
            painter.drawText(QRect(rect.left() + 6, rect.top() + 3, 26, 18), _LEFT, str(day.day))

        posts = model.posts_on(day)
        painter.setFont(chip_font)
        metrics = painter.fontMetrics()
        time_width = metrics.horizontalAdvance("00:00 ")
        top = rect.top() + 24
        room = max(0, (rect.bottom() - top - 2) // (self.CHIP_HEIGHT + 2))
        shown = posts if len(posts) <= room else posts[: max(0, room - 1)]
        for local, post in shown:
            chip = QRect(rect.left() + 3, top, rect.width() - 6, self.CHIP_HEIGHT)
            self._paint_chip(painter, chip, local, post, time_width)
            top += self.CHIP_HEIGHT + 2
        hidden = len(posts) - len(shown)
        if hidden > 0:
            painter.setPen(_MUTED)
            painter.drawText(
                QRect(rect.left() + 8, top, rect.width() - 12, self.CHIP_HEIGHT),
                _VCENTER,
                f"+{hidden} more",
            )
        painter.restore()

    def _paint_chip(
        self, painter: QPainter, rect: QRect, local: datetime, post: CalendarPost, time_width: int
    ) -> None:
        solid, tint = self._client_colours(post.colour)
        painter.setPen(_NO_PEN)
        painter.setBrush(tint)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setBrush(solid)
        painter.drawRoundedRect(QRect(rect.left(), rect.top(), 4, rect.height()), 2, 2)
        x = rect.left() + 8
        painter.setBrush(self._client_colours(STATUS_COLOURS.get(post.status, "#7a8294"))[0])
        painter.drawEllipse(QRect(x, rect.center().y() - 3, 7, 7))
        x += 11
        painter.setPen(_TEXT)
        painter.drawText(QRect(x, rect.top(), 36, rect.height()), _VCENTER, f"{local:%H:%M}")
        x += time_width
        for platform in post.platforms[:3]:
            painter.drawPixmap(x, rect.top() + 3, platform_pixmap(platform, 12))
            x += 14
        text_rect = QRect(x + 2, rect.top(), rect.right() - x - 4, rect.height())
        body = " ".join(post.body.split())
        elided = painter.fontMetrics().elidedText(body, _ELIDE, max(0, text_rect.width()))
        painter.drawText(text_rect, _VCENTER, elided)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(120, 110)


class MonthGrid(QTableView):
    def __init__(self) -> None:
        super().__init__()
        self.month_model = MonthModel()
        self.setModel(self.month_model)
        self.setItemDelegate(DayDelegate(self))
        self.setShowGrid(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setMouseTracking(True)

    def visible_range(self) -> tuple[date, date]:
        first = self.month_model.day_at(self.month_model.index(0, 0))
        return first, first + timedelta(days=42)
