"""The main window's tabs (Calendar, Inbox, Analytics, Ideas), styled without
the application style sheet.

A style sheet on a ``QTabWidget`` would reach every widget of every page and
slow the first paint (see ``theme``). So the tab bar carries the tab rules
as its own small sheet, and the pane, the white rounded panel the pages sit
on, is painted here. The application style sheet styles the pane of plain
``QTabWidget`` only (``.QTabWidget::pane``), so it leaves this one as it is.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QTabWidget

from smmdesk.ui.theme import TAB_BAR_QSS

PANE = QColor("#ffffff")
PANE_BORDER = QColor("#dfe3ea")
PANE_RADIUS = 6


class WorkspaceTabs(QTabWidget):
    def __init__(self) -> None:
        super().__init__()
        self.tabBar().setStyleSheet(TAB_BAR_QSS)
        self.setDocumentMode(False)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The pane: from the tab bar's bottom edge (the selected tab's white
        bottom border covers it there) to the widget's edges."""
        top = self.tabBar().geometry().bottom()
        rect = QRectF(self.rect()).adjusted(0.5, top + 0.5, -0.5, -0.5)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(PANE_BORDER, 1))
        painter.setBrush(PANE)
        painter.drawRoundedRect(rect, PANE_RADIUS, PANE_RADIUS)
        painter.end()
