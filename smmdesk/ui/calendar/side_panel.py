"""The calendar's side panel: gaps in the next 7 days, and the content mix.

"Next 7 days" lists, per account, each day with nothing planned; a click
asks for a new draft on that day for that account. "Content mix" draws the
shares of content types in the chosen range against the client's target
mix as small horizontal bars (painted here: QtCharts would cost start-up
time for a dozen rectangles), with the warnings of ``core.content_mix``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from time import monotonic
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.content_mix import MixReport
from smmdesk.core.gaps import Gap
from smmdesk.ui.calendar import chips
from smmdesk.ui.calendar.tooltips import type_label
from smmdesk.ui.theme import platform_icon

_Index = QModelIndex | QPersistentModelIndex
MIX_RANGES = (("This week", "this_week"), ("Next week", "next_week"), ("Shown period", "shown"))
_TRACK = QColor("#eef0f4")
_TARGET = QColor("#1f2430")
_BAR = QColor("#3d6df2")
_OVER = QColor("#d93025")


def normalised(shares: Mapping[str, float]) -> dict[str, float]:
    """Shares as fractions of 1, whether given as fractions or percentages."""
    total = sum(v for v in shares.values() if v > 0)
    return {k: v / total for k, v in shares.items() if v > 0} if total else {}


class GapModel(QAbstractListModel):
    GapRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self) -> None:
        super().__init__()
        self.gaps: list[Gap] = []
        self.today: date | None = None
        self.account_label: Callable[[int], str] = lambda a: f"account {a}"
        self.account_platform: Callable[[int], str] = lambda a: "sandbox"

    def set_gaps(self, gaps: list[Gap], today: date) -> None:
        self.beginResetModel()
        self.gaps, self.today = sorted(gaps, key=lambda g: (g.day, g.account_id)), today
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.gaps)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        gap = self.gaps[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            when = "Today" if gap.day == self.today else f"{gap.day:%a %d %b}"
            return f"{when}  ·  {self.account_label(gap.account_id)}"
        if role == Qt.ItemDataRole.DecorationRole:
            return platform_icon(self.account_platform(gap.account_id))
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"Nothing planned for {self.account_label(gap.account_id)} on "
                f"{gap.day:%A %d %B}. Click to start a draft for that day."
            )
        if role == self.GapRole:
            return gap
        return None


class MixChart(QWidget):
    """Horizontal bars: actual share per content type, with the target as a tick."""

    ROW = 22
    LABEL = 104

    def __init__(self) -> None:
        super().__init__()
        self.report: MixReport | None = None
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(40)

    def set_report(self, report: MixReport | None) -> None:
        self.report = report
        self.setFixedHeight(max(40, len(self.rows()) * self.ROW + 24))
        self.update()

    def rows(self) -> list[tuple[str, int, float, float | None]]:
        """(type, count, share, target share or None), most planned first."""
        if self.report is None:
            return []
        shares = normalised(self.report.shares)
        target = normalised(self.report.target)
        kinds = set(self.report.counts) | set(target)
        rows = [
            (kind, self.report.counts.get(kind, 0), shares.get(kind, 0.0), target.get(kind))
            for kind in kinds
        ]
        rows.sort(key=lambda r: (-r[2], -(r[3] or 0.0), r[0]))
        return rows

    def sizeHint(self) -> QSize:
        return QSize(240, max(40, len(self.rows()) * self.ROW + 24))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(chips.ANTIALIAS)
        font = self.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        painter.setFont(font)
        rows = self.rows()
        if not rows:
            painter.setPen(chips.SOFT)
            painter.drawText(self.rect(), chips.CENTER, "No planned posts in this range")
            painter.end()
            return
        dominant = self.report.dominant if self.report else None
        track_left = self.LABEL
        track_width = max(20, self.width() - self.LABEL - 44)
        for n, (kind, count, share, target) in enumerate(rows):
            top = n * self.ROW
            painter.setPen(chips.TEXT)
            label = painter.fontMetrics().elidedText(type_label(kind), chips.ELIDE, self.LABEL - 8)
            painter.drawText(QRect(0, top, self.LABEL - 6, self.ROW), chips.LEFT_VCENTER, label)
            track = QRect(track_left, top + 6, track_width, self.ROW - 12)
            painter.setPen(chips.NO_PEN)
            painter.setBrush(_TRACK)
            painter.drawRoundedRect(track, 4, 4)
            if share > 0:
                bar = QRect(
                    track.left(), track.top(), max(3, round(track_width * share)), track.height()
                )
                painter.setBrush(_OVER if kind == dominant else _BAR)
                painter.drawRoundedRect(bar, 4, 4)
            if target is not None:
                x = track.left() + round(track_width * target)
                painter.setBrush(_TARGET)
                painter.drawRect(QRect(x - 1, top + 3, 2, self.ROW - 6))
            painter.setPen(chips.MUTED)
            painter.drawText(
                QRect(track.right() + 4, top, 40, self.ROW),
                chips.RIGHT_VCENTER,
                f"{share:.0%}" if count else "–",
            )
        legend_top = len(rows) * self.ROW + 4
        painter.setPen(chips.NO_PEN)
        painter.setBrush(_BAR)
        painter.drawRoundedRect(QRect(track_left, legend_top + 5, 12, 8), 3, 3)
        painter.setBrush(_TARGET)
        painter.drawRect(QRect(track_left + 72, legend_top + 3, 2, 12))
        painter.setPen(chips.SOFT)
        painter.drawText(QRect(track_left + 16, legend_top, 56, 18), chips.LEFT_VCENTER, "planned")
        painter.drawText(QRect(track_left + 78, legend_top, 60, 18), chips.LEFT_VCENTER, "target")
        painter.end()


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("PanelTitle")
    return label


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("ViewHint")
    label.setWordWrap(True)
    return label


class SidePanel(QFrame):
    gap_activated = Signal(object)  # Gap
    mix_range_changed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("CalendarSidePanel")
        self.setFixedWidth(280)
        self.gap_model = GapModel()
        self.gap_list = QListView()
        self.gap_list.setObjectName("GapList")
        self.gap_list.setModel(self.gap_model)
        self.gap_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.gap_list.setCursor(Qt.CursorShape.PointingHandCursor)
        self.gap_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.gap_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.gap_list.setUniformItemSizes(True)
        self.gap_list.clicked.connect(self._on_gap_clicked)
        self.gap_list.activated.connect(self._on_gap_clicked)
        self.gap_hint = _hint("Looking for days with nothing planned…")
        self.no_gaps = QLabel("Every account has a post planned on each of the next 7 days.")
        self.no_gaps.setObjectName("OkText")
        self.no_gaps.setWordWrap(True)
        self.no_gaps.hide()

        self.mix_range = QComboBox()
        for label, key in MIX_RANGES:
            self.mix_range.addItem(label, key)
        self.mix_range.currentIndexChanged.connect(
            lambda _n: self.mix_range_changed.emit(self.mix_range.currentData())
        )
        self.mix_caption = _hint("Counting this week's posts…")
        self.mix_chart = MixChart()
        self.mix_warnings = QLabel()
        self.mix_warnings.setObjectName("ErrorText")
        self.mix_warnings.setWordWrap(True)
        self.mix_warnings.setTextFormat(Qt.TextFormat.PlainText)
        self.mix_warnings.hide()
        self.gap_list.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        layout.addWidget(_title("Next 7 days"))
        layout.addWidget(self.gap_hint)
        layout.addWidget(self.gap_list)
        layout.addWidget(self.no_gaps)
        layout.addSpacing(10)
        mix_header = QHBoxLayout()
        mix_header.addWidget(_title("Content mix"), 1)
        mix_header.addWidget(self.mix_range)
        layout.addLayout(mix_header)
        layout.addWidget(self.mix_caption)
        layout.addWidget(self.mix_chart)
        layout.addWidget(self.mix_warnings)
        layout.addStretch(1)
        self._last_gap: tuple[Gap | None, float] = (None, 0.0)

    def mix_range_key(self) -> str:
        return str(self.mix_range.currentData())

    def set_gaps(self, gaps: list[Gap], today: date, accounts: int) -> None:
        self.gap_model.set_gaps(gaps, today)
        has_gaps = bool(gaps)
        if gaps:
            rows = min(len(gaps), 8)  # more scroll
            self.gap_list.setFixedHeight(rows * self.gap_list.sizeHintForRow(0) + 4)
        self.gap_list.setVisible(has_gaps)
        self.no_gaps.setVisible(not has_gaps and accounts > 0)
        if accounts == 0:
            self.gap_hint.setText("No accounts yet: connect one to plan posts for it.")
        elif has_gaps:
            days = len({gap.day for gap in gaps})
            self.gap_hint.setText(
                f"Nothing planned yet: {len(gaps)} account-day{'s' if len(gaps) != 1 else ''} "
                f"on {days} day{'s' if days != 1 else ''}. Click one to start a draft."
            )
        else:
            self.gap_hint.setText("")
        self.gap_hint.setVisible(bool(self.gap_hint.text()))

    def set_mix(self, report: MixReport | None, caption: str) -> None:
        self.mix_caption.setText(caption)
        self.mix_chart.set_report(report)
        warnings = report.warnings if report is not None else []
        self.mix_warnings.setText("\n".join(f"⚠ {text}" for text in warnings))
        self.mix_warnings.setVisible(bool(warnings))

    def _on_gap_clicked(self, index: QModelIndex) -> None:
        # A click and the "activated" of the same click (or of a double-click)
        # ask for one draft, not two.
        gap = self.gap_model.data(index, GapModel.GapRole)
        now = monotonic()
        if gap is None or (gap == self._last_gap[0] and now - self._last_gap[1] < 0.6):
            return
        self._last_gap = (gap, now)
        self.gap_activated.emit(gap)
