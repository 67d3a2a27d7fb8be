"""The review pack's pages: A4 geometry, pagination, and the running header and footer.

The pack is a column of blocks (the title, then one block per post). A block
knows its height, how to draw itself, and where it may be cut; this module
puts the blocks on pages and paints them. Blocks never break across pages
unless one is taller than a page (a very long text), in which case it
continues on the next page at a line boundary. Every page has a running
header and "Page n of N". All text from the post or the network is drawn as
plain text (``setPlainText``), never interpreted as HTML. Drawing needs a
``QGuiApplication`` (the app and pytest-qt make one); nothing here is a widget.
What the blocks of a review pack contain is in ``review_pack_layout``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPalette,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextOption,
)

from smmdesk.store.models import Client

__all__ = [
    "ACCENT",
    "BAND",
    "CARD_EDGE",
    "DANGER",
    "DPI",
    "FAINT",
    "INK",
    "MUTED",
    "NOTE",
    "RULE",
    "WRITE_LINE",
    "Block",
    "PackPages",
    "Placed",
    "mm",
    "pack_font",
]

DPI = 300
INK = QColor("#1f2430")
MUTED = QColor("#5b6475")
FAINT = QColor("#8a92a3")
RULE = QColor("#dfe3ea")
CARD_EDGE = QColor("#d3d8e1")
ACCENT = QColor("#3d6df2")
DANGER = QColor("#b3261e")
BAND = QColor("#f2f4f8")
NOTE = QColor("#f1f5ff")
WRITE_LINE = QColor("#b4bbc8")
_FAMILIES = ["Noto Sans", "DejaVu Sans", "Segoe UI", "Helvetica Neue", "Arial"]


def mm(value: float) -> float:
    return value * DPI / 25.4


def pack_font(size: float, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(_FAMILIES)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(size)
    font.setBold(bold)
    font.setItalic(italic)
    return font


@dataclass
class Block:
    """Something placed on the page: a height, how to draw it, where it may break."""

    height: float
    draw: Callable[[QPainter, float, float], None]  # painter, x, y
    breaks: list[float] = field(default_factory=list)  # between cards: good cuts
    line_breaks: list[float] = field(default_factory=list)  # between text lines
    label: str = ""  # shown above a part continued on the next page


@dataclass
class Placed:
    block: Block
    y: float  # page y of the slice's top
    start: float  # the slice of the block shown here
    end: float


class PackPages:
    """A4 pages filled top to bottom with blocks, then painted onto a PDF writer.

    The text and image helpers are here too, because the page chrome and
    every block draw with them and they must all measure text on the same
    device.
    """

    PAGE_W_MM, PAGE_H_MM = 210.0, 297.0
    SIDE, TOP, BOTTOM = mm(18), mm(22), mm(20)

    def __init__(self, device: QPdfWriter, client: Client, title: str, subtitle: str) -> None:
        self.device = device
        self.client = client
        self.title = title
        self.subtitle = subtitle
        self.width = mm(self.PAGE_W_MM)
        self.height = mm(self.PAGE_H_MM)
        self.content_w = self.width - 2 * self.SIDE
        self.bottom = self.height - self.BOTTOM
        self.pages: list[list[Placed]] = [[]]
        self.cursor = self.TOP
        self.images: dict[Path, QImage] = {}

    # text helpers

    def _doc(self, text: str, font: QFont, width: float) -> QTextDocument:
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self.device)
        doc.setDocumentMargin(0)
        doc.setDefaultFont(font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(option)
        doc.setDefaultStyleSheet("")
        doc.setPlainText(text)
        doc.setTextWidth(width)
        return doc

    def _draw_doc(
        self, painter: QPainter, doc: QTextDocument, x: float, y: float, colour: QColor
    ) -> None:
        painter.save()
        painter.translate(x, y)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, colour)
        doc.documentLayout().draw(painter, context)
        painter.restore()

    @staticmethod
    def _line_bottoms(doc: QTextDocument) -> list[float]:
        bottoms = []
        block = doc.begin()
        while block.isValid():
            layout = block.layout()
            top = layout.position().y()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                bottoms.append(top + line.y() + line.height())
            block = block.next()
        return bottoms

    def _text(
        self,
        painter: QPainter,
        rect: QRectF,
        text: str,
        font: QFont,
        colour: QColor,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    ) -> None:
        painter.setFont(font)
        painter.setPen(colour)
        metrics = QFontMetricsF(font, self.device)
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), shown)

    def _image(self, path: Path) -> QImage:
        if path not in self.images:
            self.images[path] = QImage(str(path))
        return self.images[path]

    # layout

    def place(self, block: Block) -> None:
        """Put a block on the page, breaking it only where it must.

        A block that fits the rest of the page goes there. One that fits an
        empty page starts a new page, unless that would leave more than half
        of this page empty and it can be cut between two cards. One taller
        than a page is cut between cards, or between text lines if it must.
        """
        page = self.bottom - self.TOP
        room = self.bottom - self.cursor
        if block.height <= room:
            self._put(block, 0, block.height)
            return
        if block.height <= page:
            cuts = [b for b in block.breaks if b <= room]
            if room > page / 2 and cuts:
                self._put(block, 0, max(cuts))
                self._continue(block)
                self._put(block, max(cuts), block.height)
            else:
                self._new_page()
                self._put(block, 0, block.height)
            return
        if room < mm(90):
            self._new_page()
        start = 0.0
        while True:
            room = self.bottom - self.cursor
            if block.height - start <= room:
                self._put(block, start, block.height)
                return
            window = [b for b in block.breaks if start + mm(20) < b <= start + room]
            if not window:
                window = [b for b in block.line_breaks if start + mm(20) < b <= start + room]
            cut = max(window) if window else start + room
            self._put(block, start, cut)
            self._continue(block)
            start = cut

    def _continue(self, block: Block) -> None:
        self._new_page()
        if block.label:
            self._put(self._label_block(f"{block.label} (continued)"), 0, mm(7))

    def _label_block(self, text: str) -> Block:
        def draw(p: QPainter, x: float, y: float) -> None:
            self._text(p, QRectF(x, y, self.content_w, mm(5)), text, pack_font(8.5, True), MUTED)

        return Block(mm(7), draw)

    def _put(self, block: Block, start: float, end: float) -> None:
        self.pages[-1].append(Placed(block, self.cursor, start, end))
        self.cursor += end - start

    def _new_page(self) -> None:
        self.pages.append([])
        self.cursor = self.TOP

    def space(self, height: float) -> None:
        if self.pages[-1]:
            self.cursor += height

    # images

    def _draw_image(self, p: QPainter, path: Path, rect: QRectF) -> None:
        img = self._image(path)
        if img.isNull():
            p.setPen(QPen(CARD_EDGE, mm(0.25), Qt.PenStyle.DashLine))
            p.setBrush(BAND)
            p.drawRect(rect)
            self._text(
                p,
                rect.adjusted(mm(2), 0, -mm(2), 0),
                f"Image missing: {path.name}",
                pack_font(8, italic=True),
                MUTED,
                Qt.AlignmentFlag.AlignHCenter,
            )
            return
        # Crop to the rectangle's shape (centre), then embed at the printed size.
        target_ratio = rect.height() / rect.width()
        src_w, src_h = img.width(), img.height()
        if src_h / src_w > target_ratio + 0.01:
            crop_h = int(src_w * target_ratio)
            img = img.copy(0, (src_h - crop_h) // 2, src_w, crop_h)
        elif src_h / src_w < target_ratio - 0.01:
            crop_w = int(src_h / target_ratio)
            img = img.copy((src_w - crop_w) // 2, 0, crop_w, src_h)
        if img.width() > rect.width():
            img = img.scaled(
                int(rect.width()),
                int(rect.height()),
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        p.drawImage(rect, img)
        p.setPen(QPen(RULE, mm(0.2)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(rect)

    # painting

    def paint(self, prepared: str) -> None:
        painter = QPainter()
        if not painter.begin(self.device):
            raise OSError("The PDF could not be started.")
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            total = len(self.pages)
            for number, placed in enumerate(self.pages, start=1):
                if number > 1 and not self.device.newPage():
                    raise OSError("The PDF ran out of space for a new page.")
                self._chrome(painter, number, total, prepared)
                for item in placed:
                    painter.save()
                    painter.setClipRect(QRectF(0, item.y, self.width, item.end - item.start + 0.5))
                    item.block.draw(painter, self.SIDE, item.y - item.start)
                    painter.restore()
        finally:
            painter.end()

    def _chrome(self, p: QPainter, number: int, total: int, prepared: str) -> None:
        w = self.content_w
        x = self.SIDE
        small = pack_font(7.5)
        if number > 1:
            self._text(
                p, QRectF(x, mm(10), w * 0.7, mm(5)), f"Review pack — {self.subtitle}", small, FAINT
            )
            p.setPen(QPen(RULE, mm(0.25)))
            p.drawLine(QPointF(x, mm(16)), QPointF(x + w, mm(16)))
        foot = self.height - mm(13)
        p.setPen(QPen(RULE, mm(0.25)))
        p.drawLine(QPointF(x, foot), QPointF(x + w, foot))
        self._text(
            p,
            QRectF(x, foot + mm(1.5), w * 0.75, mm(5)),
            f"Prepared with SMM Desk on {prepared} · times in {self.client.timezone}",
            small,
            FAINT,
        )
        self._text(
            p,
            QRectF(x + w * 0.5, foot + mm(1.5), w * 0.5, mm(5)),
            f"Page {number} of {total}",
            small,
            FAINT,
            Qt.AlignmentFlag.AlignRight,
        )
