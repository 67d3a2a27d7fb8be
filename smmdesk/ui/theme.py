"""Look and feel: the style sheet, platform badges and the app icon.

Badges are drawn rather than shipped as image files, so they scale on HiDPI
screens and there is nothing to forget in the bundle. Their letters and
colours (the networks' brand colours, approximately) are in
``core.platform_style``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

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


def style_sheet() -> str:
    return resources.files("smmdesk.resources").joinpath("style.qss").read_text("utf-8")


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
