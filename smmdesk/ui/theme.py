"""Look and feel: palette, fonts, style sheets, platform badges and the app icon.

The look is set in two steps, for start-up time (``bench/startup.py``). Once
a widget or any of its ancestors has a style sheet, Qt styles it through
``QStyleSheetStyle``, at some 0.3 ms a widget: an application-wide sheet cost
the main window about 30 ms before its first paint. So the first paint does
without one. ``apply_look`` gives every widget its colours and font through
the application's palette and font (what ``QWidget { color; font-size }`` did);
the few shell widgets that look their own way carry a small sheet of their
own (the tab bar, the sidebar, the calendar's header, the status bar) or
paint themselves (the tabs' pane, the month grid). The application style
sheet (``style_sheet``: ``resources/style.qss`` and the rules below that the
shell shares with the dialogs) is set right after the first paint; its rules
either do not reach those widgets or say the same as their own sheets, so
nothing on screen changes when it comes.

Badges are drawn rather than shipped as image files, so they scale on HiDPI
screens and there is nothing to forget in the bundle. Their letters and
colours (the networks' brand colours, approximately) are in
``core.platform_style``.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from smmdesk.core import platform_style

#: platform id -> (letter, colour). The table is plain data in
#: ``core.platform_style``, shared with the review pack; this is an alias of it.
PLATFORM_BADGES = platform_style.PLATFORM_BADGES

STATUS_COLOURS: dict[str, str] = {
    "idea": "#9aa1ae",
    "draft": "#7a8294",
    "in_review": "#c98a00",
    "approved": "#2f8f5b",
    "scheduled": "#3d6df2",
    "published": "#1b7f3b",
    "failed": "#b3261e",
}


BACKGROUND = "#f6f7f9"
TEXT = "#1f2430"
FONT_POINTS = 10

#: Rules the shell's own sheets share with the application style sheet.
TAB_BAR_QSS = """
QTabBar::tab { padding: 7px 18px; margin-right: 2px; border: 1px solid transparent;
  border-top-left-radius: 6px; border-top-right-radius: 6px; color: #5b6475; }
QTabBar::tab:selected { background: #ffffff; border-color: #dfe3ea; border-bottom-color: #ffffff;
  color: #1f2430; font-weight: 600; }
QTabBar::tab:hover:!selected { color: #1f2430; }
"""
BUTTON_QSS = """
QPushButton { padding: 6px 14px; border: 1px solid #c9cfda; border-radius: 6px;
  background: #ffffff; }
QPushButton:hover { background: #f0f3f8; }
QPushButton:default, QPushButton[primary="true"] { background: #3d6df2; border-color: #3d6df2;
  color: #ffffff; font-weight: 600; }
QPushButton:default:hover, QPushButton[primary="true"]:hover { background: #2f5ee0; }
QPushButton:disabled { color: #9aa1ae; background: #f3f4f6; border-color: #e1e4ea; }
"""
PROGRESS_QSS = """
QProgressBar { border: 1px solid #c9cfda; border-radius: 4px; background: #ffffff; height: 10px;
  text-align: center; }
QProgressBar::chunk { background: #3d6df2; border-radius: 3px; }
"""
HEADER_SECTION_QSS = """
QHeaderView::section { background: #f6f7f9; border: none; border-bottom: 1px solid #dfe3ea;
  padding: 5px 6px; color: #5b6475; font-weight: 600; }
"""
LABEL_QSS = """
#MonthTitle { font-size: 14pt; font-weight: 600; }
#ViewHint { color: #6b7385; }
#CardTitle { font-size: 12pt; font-weight: 600; }
#CardText { color: #5b6475; }
"""


def apply_look(app: QApplication) -> None:
    """The font and colours every window starts from, before any style sheet.

    They are what ``QWidget { font-size: 10pt; color: ... }`` and
    ``QMainWindow { background: ... }`` said: the text colour in every
    widget and state, and the main window's background (its menu bar keeps
    the style's own, as it did under the style sheet).
    """
    font = app.font()
    font.setPointSize(FONT_POINTS)
    app.setFont(font)
    palette = app.palette()
    menu_bar = QPalette(palette)
    menu_bar.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.Window))
    text = QColor(TEXT)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.ToolTipText,
    ):
        palette.setColor(role, text)
        menu_bar.setColor(role, text)
    app.setPalette(palette)
    window = QPalette(palette)
    window.setColor(QPalette.ColorRole.Window, QColor(BACKGROUND))
    app.setPalette(window, "QMainWindow")
    app.setPalette(menu_bar, "QMenuBar")


def style_sheet() -> str:
    """The application style sheet, set once the main window has painted."""
    from importlib import resources

    sheet = resources.files("smmdesk.resources").joinpath("style.qss").read_text("utf-8")
    return sheet + TAB_BAR_QSS + BUTTON_QSS + PROGRESS_QSS + HEADER_SECTION_QSS + LABEL_QSS


@cache
def platform_pixmap(platform: str, size: int = 16) -> QPixmap:
    letter, colour = platform_style.platform_badge(platform)
    scale = 2  # draw at 2x for HiDPI screens
    pixmap = QPixmap(size * scale, size * scale)
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.28, size * 0.28)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.62))
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, letter)
    painter.end()
    return pixmap


def platform_icon(platform: str) -> QIcon:
    return QIcon(platform_pixmap(platform, 16))


@cache
def colour_dot(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    painter.end()
    return QIcon(pixmap)


@cache
def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 32, 64, 128, 256):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#3d6df2"))
        painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.22, size * 0.22)
        painter.setBrush(QColor("#ffffff"))
        # a speech bubble: the inbox and the audience
        painter.drawRoundedRect(
            QRectF(size * 0.2, size * 0.22, size * 0.6, size * 0.42), size * 0.1, size * 0.1
        )
        painter.drawPolygon(
            [
                QPointF(size * 0.3, size * 0.6),
                QPointF(size * 0.48, size * 0.62),
                QPointF(size * 0.3, size * 0.78),
            ]
        )
        painter.end()
        icon.addPixmap(pixmap)
    return icon
