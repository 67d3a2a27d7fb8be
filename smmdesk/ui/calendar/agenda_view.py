"""The list (agenda) view: the range's posts in time order, grouped by day.

A ``QTableView`` over ``AgendaModel``: one header row per day (spanning the
table: date, weekday theme, observances, warnings) followed by that day's
posts, one row each. Times are in the post's client's zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QContextMenuEvent, QFont, QIcon, QMouseEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from smmdesk.store.calendar_queries import PlanEntry
from smmdesk.ui.calendar import chips, tooltips
from smmdesk.ui.calendar.calendar_data import EMPTY_NOTE, DayNote, DayPosts
from smmdesk.ui.theme import STATUS_COLOURS, colour_dot, platform_icon

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Time", "Client", "Accounts", "Type", "Status", "Post")
_DAY_BG = QColor("#f3f5f9")


class AgendaRow(NamedTuple):
    day: date
    local: datetime | None  # None: the day's header row
    entry: PlanEntry | None


class AgendaModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[AgendaRow] = []
        self.notes: dict[date, DayNote] = {}
        self.counts: dict[date, int] = {}
        self.today: date | None = None
        self.account_label: Callable[[int], str] = lambda a: f"account {a}"
        self.account_platform: Callable[[int], str] = lambda a: "sandbox"
        self.client_name: Callable[[int], str] = lambda c: ""
        self.flagged: set[int] = set()
        self.post_images: Callable[[list[int]], dict[int, Path]] = lambda ids: {}
        self._images: dict[int, Path] = {}
        self._thumbnails: dict[Path, QIcon] = {}

    def set_range(
        self,
        days: list[date],
        posts: dict[date, DayPosts],
        notes: dict[date, DayNote],
        today: date,
    ) -> None:
        """Days with posts or something to say (theme aside) get a header row."""
        rows: list[AgendaRow] = []
        counts: dict[date, int] = {}
        for day in days:
            items = posts.get(day, [])
            note = notes.get(day, EMPTY_NOTE)
            if not items and not (note.observances or note.warnings or note.gap_accounts):
                continue
            counts[day] = len(items)
            rows.append(AgendaRow(day, None, None))
            rows.extend(AgendaRow(day, local, entry) for local, entry in items)
        self.beginResetModel()
        self.rows, self.notes, self.counts, self.today = rows, notes, counts, today
        self._images = self.post_images([r.entry.id for r in rows if r.entry is not None])
        self.endResetModel()

    def thumbnail(self, post_id: int) -> QIcon | None:
        """The post's first image, small, for the list; loaded once per file."""
        path = self._images.get(post_id)
        if path is None:
            return None
        icon = self._thumbnails.get(path)
        if icon is None:
            pixmap = QPixmap(str(path))
            if pixmap.isNull():
                return None
            icon = QIcon(
                pixmap.scaled(
                    64,
                    64,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            self._thumbnails[path] = icon
        return icon

    def set_notes(self, notes: dict[date, DayNote]) -> None:
        self.notes = notes
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def post_ids(self) -> list[int]:
        return [row.entry.id for row in self.rows if row.entry is not None]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        entry, column = row.entry, index.column()
        if entry is None or row.local is None:
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{row.day:%A %d %B}, {self.counts.get(row.day, 0)} posts"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{row.local:%H:%M}"
            if column == 1:
                return self.client_name(entry.client_id)
            if column == 2:
                return ", ".join(self.account_label(a) for a in entry.account_ids) or "—"
            if column == 3:
                return tooltips.type_label(entry.content_type)
            if column == 4:
                return tooltips.status_label(entry.status)
            if column == 5:
                return " ".join(entry.body.split())
        if role == Qt.ItemDataRole.DecorationRole:
            if column == 1:
                return colour_dot(entry.colour)
            if column == 2 and entry.account_ids:
                return platform_icon(self.account_platform(entry.account_ids[0]))
            if column == 4:
                return colour_dot(STATUS_COLOURS.get(entry.status, "#7a8294"), 10)
            if column == 5:
                return self.thumbnail(entry.id)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltips.post_tooltip(
                row.local, entry, self.account_label, entry.id in self.flagged
            )
        if role == Qt.ItemDataRole.ForegroundRole and entry.status == "published":
            return QColor("#6b7385")
        return None


class _AgendaDelegate(QStyledItemDelegate):
    """Paints the day header rows; post rows are painted by the style."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bold: QFont | None = None
        self._small: QFont | None = None
        self.chips = chips.ChipPainter()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        model = index.model()
        assert isinstance(model, AgendaModel)
        row = model.rows[index.row()]
        if row.entry is not None:
            super().paint(painter, option, index)
            return
        rect: QRect = option.rect
        if self._bold is None:
            self._bold = QFont(option.font)
            self._bold.setBold(True)
            self._small = QFont(option.font)
            self._small.setPointSizeF(max(7.0, self._small.pointSizeF() - 1.5))
            self.chips.set_base_font(option.font)
        note = model.notes.get(row.day, EMPTY_NOTE)
        painter.save()
        painter.setRenderHint(chips.ANTIALIAS)
        painter.fillRect(rect, _DAY_BG)
        painter.setPen(chips.GRID)
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        today = row.day == model.today
        painter.setFont(self._bold)
        painter.setPen(chips.TODAY if today else chips.TEXT)
        title = f"{row.day:%A} {row.day.day} {row.day:%B}" + ("  ·  Today" if today else "")
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(title)
        painter.drawText(rect.adjusted(10, 0, 0, 0), chips.LEFT_VCENTER, title)
        x = rect.left() + 10 + width + 14
        painter.setFont(self._small)  # type: ignore[arg-type]
        small = painter.fontMetrics()
        count = model.counts.get(row.day, 0)
        info = f"{count} post{'s' if count != 1 else ''}" if count else "Nothing planned"
        if note.theme:
            info += f"  ·  {note.theme}"
        painter.setPen(chips.SOFT)
        painter.drawText(QRect(x, rect.top(), 400, rect.height()), chips.LEFT_VCENTER, info)
        x += small.horizontalAdvance(info) + 12
        pill_top = rect.center().y() - 7
        for item in note.observances[:3]:
            background, colour = (
                (chips.FUN_BG, chips.FUN_TEXT)
                if item.kind == "fun"
                else (chips.HOLIDAY_BG, chips.HOLIDAY_TEXT)
            )
            x += self.chips.pill(
                painter, QRect(x, pill_top, 220, 15), item.name, background, colour
            )
            x += 6
        right = rect.right() - 10
        if note.warnings:
            count = len(note.warnings)
            text = f"⚠ {count} posting guard warning{'s' if count > 1 else ''}"
            painter.setPen(chips.WARNING)
            painter.drawText(
                QRect(right - 260, rect.top(), 260, rect.height()), chips.RIGHT_VCENTER, text
            )
        elif note.gap_accounts:
            text = f"Gap: {', '.join(model.account_label(a) for a in note.gap_accounts)}"
            painter.setPen(chips.GAP)
            painter.drawText(
                QRect(right - 320, rect.top(), 320, rect.height()),
                chips.RIGHT_VCENTER,
                small.elidedText(text, chips.ELIDE, 320),
            )
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), 28))


class AgendaView(QTableView):
    post_activated = Signal(int)
    day_activated = Signal(object)
    day_menu_requested = Signal(object, object, QPoint)

    def __init__(self) -> None:
        super().__init__()
        self.agenda_model = AgendaModel()
        self.setModel(self.agenda_model)
        self.setItemDelegate(_AgendaDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(28)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for column, width in enumerate((70, 140, 200, 110, 110)):
            self.setColumnWidth(column, width)
        self.agenda_model.modelReset.connect(self._span_day_rows)

    def scroll_to_day(self, day: date) -> None:
        """Bring the first day from ``day`` on to the top of the list."""
        for n, row in enumerate(self.agenda_model.rows):
            if row.entry is None and row.day >= day:
                self.scrollTo(
                    self.agenda_model.index(n, 0), QAbstractItemView.ScrollHint.PositionAtTop
                )
                return

    def _span_day_rows(self) -> None:
        self.clearSpans()
        for n, row in enumerate(self.agenda_model.rows):
            if row.entry is None:
                self.setSpan(n, 0, 1, len(COLUMNS))

    def _row_at(self, pos: QPoint) -> AgendaRow | None:
        index = self.indexAt(pos)
        return self.agenda_model.rows[index.row()] if index.isValid() else None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        row = self._row_at(event.position().toPoint())
        if row is None:
            return
        if row.entry is not None:
            self.post_activated.emit(row.entry.id)
        else:
            self.day_activated.emit(row.day)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        row = self._row_at(self.viewport().mapFrom(self, event.pos()))
        if row is not None:
            post_id = row.entry.id if row.entry is not None else None
            self.day_menu_requested.emit(row.day, post_id, event.globalPos())
