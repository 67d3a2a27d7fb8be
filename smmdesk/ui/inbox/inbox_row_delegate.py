"""Each inbox row drawn as two lines, as mail clients do beside a reading pane.

Line one: who (with a mark for messages, mentions and replies), to which of
the client's accounts, and when; line two: the text, the category and the
reply clock. Everything is drawn with ``drawText`` on elided plain strings,
so network text can never be taken for markup (invariant 5).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from smmdesk.core.vocabulary import InboxStatus
from smmdesk.ui.inbox.inbox_model import (
    ACCOUNT_COLUMN,
    CLOCK_COLUMN,
    FROM_COLUMN,
    TEXT_COLUMN,
    InboxTableModel,
)
from smmdesk.ui.theme import platform_pixmap

ROW_HEIGHT = 48
_PAD = 8
_OVERDUE = QColor("#c62828")
_CATEGORY = QColor("#5b6472")


class InboxRowDelegate(QStyledItemDelegate):
    def __init__(self, model: InboxTableModel) -> None:
        super().__init__()
        self.model = model

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(option.rect.width(), ROW_HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = self.model.row_at(index.row())
        if item is None:
            return
        self.initStyleOption(option, index)
        option.text = ""
        option.icon = option.icon.__class__()
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
            )
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        quiet = QColor(text_colour)
        quiet.setAlphaF(0.62)
        row = self.model.index(index.row(), 0)

        def cell(column: int) -> str:
            return str(self.model.data(row.siblingAtColumn(column)) or "")

        painter.save()
        rect = option.rect.adjusted(_PAD, 5, -_PAD, -5)
        half = rect.height() // 2
        top = QRect(rect.left(), rect.top(), rect.width(), half)
        bottom = QRect(rect.left(), rect.top() + half, rect.width(), rect.height() - half)
        base = QFont(option.font)
        bold = QFont(base)
        bold.setBold(item.status == InboxStatus.NEW)

        # Line one: time on the right, then the author and the account.
        painter.setFont(base)
        metrics = painter.fontMetrics()
        when = cell(0)
        when_width = metrics.horizontalAdvance(when) + 4
        painter.setPen(quiet)
        painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, when)
        left = top.adjusted(0, 0, -when_width - _PAD, 0)
        painter.setFont(bold)
        author = painter.fontMetrics().elidedText(
            cell(FROM_COLUMN), Qt.TextElideMode.ElideRight, int(left.width() * 0.55)
        )
        painter.setPen(text_colour)
        painter.drawText(left, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, author)
        offset = painter.fontMetrics().horizontalAdvance(author) + 10
        painter.setFont(base)
        icon = platform_pixmap(item.platform, 14)
        icon_top = left.top() + (left.height() - 14) // 2
        painter.drawPixmap(left.left() + offset, icon_top, icon)
        account_rect = left.adjusted(offset + 18, 0, 0, 0)
        painter.setPen(quiet)
        painter.drawText(
            account_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(
                cell(ACCOUNT_COLUMN), Qt.TextElideMode.ElideRight, max(0, account_rect.width())
            ),
        )

        # Line two: the clock or status on the right, the category, the text.
        status = cell(CLOCK_COLUMN)
        left_minutes = self.model.minutes_left(item)
        clock_font = QFont(base)
        clock_font.setBold(left_minutes is not None)
        painter.setFont(clock_font)
        status_width = painter.fontMetrics().horizontalAdvance(status) + 4
        overdue = left_minutes is not None and left_minutes < 0
        painter.setPen(_OVERDUE if overdue and not selected else quiet)
        painter.drawText(
            bottom, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, status
        )
        painter.setFont(base)
        category = cell(4)
        category_width = metrics.horizontalAdvance(category) + 12 if category else 0
        category_rect = bottom.adjusted(0, 0, -status_width - _PAD, 0)
        painter.setPen(quiet if selected else _CATEGORY)
        painter.drawText(
            category_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, category
        )
        text_rect = bottom.adjusted(0, 0, -status_width - category_width - _PAD, 0)
        body = cell(TEXT_COLUMN)
        faded = item.removed or item.hidden or item.status == InboxStatus.DONE
        painter.setPen(quiet if faded else text_colour)
        if item.removed:
            italic = QFont(base)
            italic.setItalic(True)
            painter.setFont(italic)
        painter.drawText(
            text_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            painter.fontMetrics().elidedText(
                body, Qt.TextElideMode.ElideRight, max(0, text_rect.width())
            ),
        )
        painter.restore()
