"""Painting shared by the calendar views: post chips, pills and markers.

Colours, fonts and Qt enum members are looked up once at module level or
cached per view: each lookup costs microseconds, and a month paints hundreds
of chips. What the tooltips say is in tooltips.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import (
    QColor,
    QDropEvent,
    QFont,
    QFontMetrics,
    QPainter,
    QPen,
    QPixmap,
    QStaticText,
    QTransform,
)

from smmdesk.store.calendar_queries import PlanEntry
from smmdesk.ui.calendar.calendar_data import DayNote
from smmdesk.ui.theme import STATUS_COLOURS, platform_pixmap

if TYPE_CHECKING:
    from smmdesk.core.observances import Observance

LEFT = Qt.AlignmentFlag.AlignLeft
RIGHT = Qt.AlignmentFlag.AlignRight
CENTER = Qt.AlignmentFlag.AlignCenter
VCENTER = Qt.AlignmentFlag.AlignVCenter
LEFT_VCENTER = LEFT | VCENTER
RIGHT_VCENTER = RIGHT | VCENTER
TOP_LEFT = LEFT | Qt.AlignmentFlag.AlignTop
NO_PEN = Qt.PenStyle.NoPen
NO_BRUSH = Qt.BrushStyle.NoBrush
ANTIALIAS = QPainter.RenderHint.Antialiasing
ELIDE = Qt.TextElideMode.ElideRight
PLAIN = Qt.TextFormat.PlainText

WHITE = QColor("#ffffff")
GRID = QColor("#e6e9ef")
OTHER_MONTH = QColor("#f7f8fa")
SELECTED_BG = QColor("#eef3ff")
DROP_BG = QColor("#dde6ff")
DROP_EDGE = QColor("#3d6df2")
TEXT = QColor("#1f2430")
DIM_TEXT = QColor("#a3a9b5")
MUTED = QColor("#5b6475")
SOFT = QColor("#8a92a3")
TODAY = QColor("#3d6df2")
WARNING = QColor("#d93025")
WARNING_BG = QColor("#fdecea")
WARNING_PEN = QPen(WARNING, 1.5)
GAP = QColor("#c98a00")
GAP_BG = QColor("#fff6e0")
FUN_BG, FUN_TEXT = QColor("#f1ebff"), QColor("#5b3cc4")
HOLIDAY_BG, HOLIDAY_TEXT = QColor("#e6f4ea"), QColor("#1e6b3a")
PUBLISHED_ALPHA = 0.72

MIME_POST = "application/x-smmdesk-post"
PUBLISHED_LOCKED = "Published posts stay where they went out; they cannot be moved."


class ChipPainter:
    """Paints post chips and small labels; one per view, with its fonts and caches.

    Text that recurs (times, day numbers, themes, observance names) is drawn
    from ``QStaticText`` laid out once per font; a chip's own text is elided
    once per width. Both caches hold layout only, never data: they are keyed by
    the text itself and are cleared when they grow large.
    """

    CACHE_LIMIT = 5000

    def __init__(self) -> None:
        self.font = QFont()
        self.bold = QFont()
        self.small = QFont()
        self.metrics = QFontMetrics(self.small)
        self._base: QFont | None = None
        self._colours: dict[str, tuple[QColor, QColor]] = {}
        self._status: dict[str, QColor] = {
            status: QColor(colour) for status, colour in STATUS_COLOURS.items()
        }
        self._default_status = QColor("#7a8294")
        self._text: dict[int, str] = {}  # post id -> its text on one line
        self.texts: dict[int, str] = {}  # post id -> text read for a post shown without one
        # Reads the text of posts the view got without it (see ``prefetch``).
        self.text_source: Callable[[list[int]], dict[int, str]] | None = None
        self._elided: dict[tuple[int, int], str] = {}
        self._static: dict[tuple[int, str], QStaticText] = {}
        self._pills: dict[tuple[str, int], tuple[QStaticText, int]] = {}
        self._platforms: dict[tuple[int, ...], tuple[str, ...]] = {}
        self.platform_of: Callable[[int], str] = lambda _account: "sandbox"
        self.flagged: set[int] = set()  # posts in a posting-guard warning: outlined in red
        self.time_width = 34
        self.text_offset = 4  # from a line's centre to the top of small text
        self.baseline = 3  # from a line's centre to the baseline of small text
        self._times: dict[int, QStaticText] = {}
        self.regular_offset = 6  # the same for regular and bold text
        self._backgrounds: dict[tuple[str, int, int, float], QPixmap] = {}

    def set_base_font(self, base: QFont) -> None:
        if self._base is not None and self._base == base:
            return
        self._base = QFont(base)
        self.font = QFont(base)
        self.bold = QFont(base)
        self.bold.setBold(True)
        self.small = QFont(base)
        self.small.setPointSizeF(max(7.0, base.pointSizeF() - 1.5))
        self.metrics = QFontMetrics(self.small)
        self.time_width = self.metrics.horizontalAdvance("00:00") + 5
        self.text_offset = self.metrics.height() // 2
        self.baseline = self.metrics.ascent() // 2 - 1
        self._times.clear()
        self.regular_offset = QFontMetrics(self.font).height() // 2
        self._static.clear()
        self._pills.clear()
        self._elided.clear()

    def forget_texts(self) -> None:
        """Drop the per-post texts (a new range of posts is shown)."""
        self._text.clear()
        self._elided.clear()
        self.texts = {}

    def prefetch(self, entries: Iterable[PlanEntry]) -> None:
        """Read, in one query, the texts of posts about to be shown without one."""
        if self.text_source is None:
            return
        missing = [e.id for e in entries if not e.body and e.id not in self.texts]
        if missing:
            self.texts.update(self.text_source(missing))
            for post_id in missing:
                self.texts.setdefault(post_id, "")

    def raw_text(self, entry: PlanEntry) -> str:
        if entry.body:
            return entry.body
        if entry.id not in self.texts:
            self.prefetch((entry,))
        return self.texts.get(entry.id, "")

    def set_platform_lookup(self, platform_of: Callable[[int], str]) -> None:
        self.platform_of = platform_of
        self._platforms.clear()

    def colours(self, colour: str) -> tuple[QColor, QColor]:
        pair = self._colours.get(colour)
        if pair is None:
            solid = QColor(colour)
            tint = QColor(solid)
            tint.setAlpha(36)
            pair = self._colours[colour] = (solid, tint)
        return pair

    def platforms(self, entry: PlanEntry) -> tuple[str, ...]:
        found = self._platforms.get(entry.account_ids)
        if found is None:
            # One badge per network: two accounts on Telegram show one "T".
            found = self._platforms[entry.account_ids] = tuple(
                sorted({self.platform_of(a) for a in entry.account_ids})
            )
        return found

    def text(self, entry: PlanEntry) -> str:
        found = self._text.get(entry.id)
        if found is None:
            raw = self.raw_text(entry)
            found = self._text[entry.id] = " ".join(raw.split()) or "(no text yet)"
        return found

    def static(self, text: str, font: int = 0) -> QStaticText:
        """``text`` laid out once in the small (0), regular (1) or bold (2) font."""
        key = (font, text)
        found = self._static.get(key)
        if found is None:
            if len(self._static) > self.CACHE_LIMIT:
                self._static.clear()
            found = QStaticText(text)
            found.setTextFormat(PLAIN)
            found.prepare(QTransform(), (self.small, self.font, self.bold)[font])
            self._static[key] = found
        return found

    def elided(self, text: str, width: int) -> str:
        # Only the characters that can fit are measured: eliding cost grows with length.
        return self.metrics.elidedText(text[: width // 3 + 2], ELIDE, width)

    def draw_small(self, painter: QPainter, rect: QRect, text: str, right: bool = False) -> None:
        """Recurring small text, elided to ``rect`` and centred on it vertically."""
        key = (3 + rect.width(), text)
        found = self._static.get(key)
        if found is None:
            found = self.static(self.elided(text, rect.width()))
            self._static[key] = found
        x = rect.left()
        if right:
            x = rect.right() - int(found.size().width())
        painter.drawStaticText(x, rect.center().y() - self.text_offset, found)

    def pill(
        self, painter: QPainter, rect: QRect, text: str, background: QColor, colour: QColor
    ) -> int:
        """A small rounded label fitted into ``rect``; returns its width."""
        key = (text, rect.width())
        found = self._pills.get(key)
        if found is None:
            if len(self._pills) > self.CACHE_LIMIT:
                self._pills.clear()
            label = self.metrics.elidedText(text, ELIDE, max(0, rect.width() - 10))
            width = min(rect.width(), self.metrics.horizontalAdvance(label) + 10)
            found = self._pills[key] = (self.static(label), width)
        static, width = found
        painter.setPen(NO_PEN)
        painter.setBrush(background)
        radius = rect.height() / 2
        painter.drawRoundedRect(
            QRect(rect.left(), rect.top(), width, rect.height()), radius, radius
        )
        painter.setPen(colour)
        painter.drawStaticText(rect.left() + 5, rect.center().y() - self.text_offset, static)
        return width

    def paint(
        self,
        painter: QPainter,
        rect: QRect,
        local: datetime,
        entry: PlanEntry,
        wrap: bool = False,
    ) -> None:
        """One chip: client colour bar and tint, status dot, time, networks, text."""
        if rect.width() < 64:  # a narrow lane of the week view: keep the parts inside
            painter.save()
            painter.setClipRect(rect)
            self._paint(painter, rect, local, entry, wrap)
            painter.restore()
        else:
            self._paint(painter, rect, local, entry, wrap)

    def _paint(
        self, painter: QPainter, rect: QRect, local: datetime, entry: PlanEntry, wrap: bool
    ) -> None:
        pid, _client, colour, _zone, _body, status, _kind, _when, _accounts = entry
        solid, tint = self.colours(colour)
        published = status == "published"
        if published:
            painter.setOpacity(PUBLISHED_ALPHA)
        left, top, height = rect.left(), rect.top(), rect.height()
        painter.drawPixmap(left, top, self._background(painter, colour, tint, rect.width(), height))
        painter.setPen(NO_PEN)
        painter.setBrush(solid)
        painter.drawRect(left, top, 3, height)  # not fillRect: see month_painting.py
        centre = top + min(height, 18) // 2
        x = left + 8
        painter.setBrush(self._status.get(status, self._default_status))
        painter.drawEllipse(x, centre - 3, 7, 7)
        x += 11
        painter.setPen(TEXT)
        minutes = local.hour * 60 + local.minute
        clock = self._times.get(minutes)
        if clock is None:
            clock = self._times[minutes] = self.static(f"{minutes // 60:02d}:{minutes % 60:02d}")
        painter.drawStaticText(x, centre - self.text_offset, clock)
        x += self.time_width
        right = rect.right() - 4
        # In a narrow chip the text comes first: one network badge, then the text.
        badges = 3 if wrap or right - x > 150 else 1
        for platform in self.platforms(entry)[:badges]:
            if x + 12 > right:
                break
            painter.drawPixmap(x, centre - 6, platform_pixmap(platform, 12))
            x += 14
        if wrap and height >= 34:
            metrics = self.metrics
            body = QRect(left + 8, top + 18, rect.width() - 12, height - 20)
            lines = max(1, body.height() // metrics.lineSpacing())
            painter.drawText(
                body, TOP_LEFT, elide_lines(metrics, self.text(entry), body.width(), lines)
            )
        else:
            width = right - x
            if width > 8:
                key = (pid, width)
                elided = self._elided.get(key)
                if elided is None:
                    elided = self._elided[key] = self.elided(self.text(entry), width)
                painter.drawText(x + 2, centre + self.baseline, elided)
        if published:
            painter.setOpacity(1.0)
        if pid in self.flagged:
            painter.setPen(WARNING_PEN)
            painter.setBrush(NO_BRUSH)
            painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 4, 4)

    def _background(
        self, painter: QPainter, colour: str, tint: QColor, width: int, height: int
    ) -> QPixmap:
        """A chip's tinted, rounded background, drawn once per colour and size:
        anti-aliased corners are the slowest part of a chip (~0.1 ms each, a
        month paints a hundred chips of a handful of sizes)."""
        ratio = painter.device().devicePixelRatioF()
        key = (colour, width, height, ratio)
        found = self._backgrounds.get(key)
        if found is None:
            if len(self._backgrounds) > self.CACHE_LIMIT // 10:
                self._backgrounds.clear()
            found = QPixmap(round(width * ratio), round(height * ratio))
            found.setDevicePixelRatio(ratio)
            found.fill(Qt.GlobalColor.transparent)
            back = QPainter(found)
            back.setRenderHint(ANTIALIAS)
            back.setPen(NO_PEN)
            back.setBrush(tint)
            back.drawRoundedRect(QRect(0, 0, width, height), 4, 4)
            back.end()
            self._backgrounds[key] = found
        return found

    def drag_pixmap(self, local: datetime, entry: PlanEntry, width: int, height: int) -> QPixmap:
        pixmap = QPixmap(max(40, width), height)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(ANTIALIAS)
        painter.setBrush(WHITE)
        painter.setPen(NO_PEN)
        painter.drawRoundedRect(pixmap.rect(), 4, 4)
        painter.setFont(self.small)
        self.paint(painter, pixmap.rect(), local, entry)
        painter.end()
        return pixmap


def elide_lines(metrics: QFontMetrics, text: str, width: int, lines: int) -> str:
    """``text`` word-wrapped into at most ``lines`` lines of ``width``, the last elided."""
    if width <= 0 or lines <= 0:
        return ""
    words = text.split(" ")
    out: list[str] = []
    current = ""
    for n, word in enumerate(words):
        trial = f"{current} {word}" if current else word
        if metrics.horizontalAdvance(trial) <= width:
            current = trial
            continue
        if len(out) == lines - 1:
            out.append(metrics.elidedText(" ".join([current, *words[n:]]).strip(), ELIDE, width))
            return "\n".join(out)
        if current:
            out.append(current)
            current = word
        else:
            out.append(metrics.elidedText(word, ELIDE, width))
    if current:
        out.append(current)
    return "\n".join(out[:lines])


def paint_observances(
    chip_painter: ChipPainter, painter: QPainter, rect: QRect, observances: tuple[Observance, ...]
) -> None:
    if not observances:
        return
    first = observances[0]
    text = first.name if len(observances) == 1 else f"{first.name} +{len(observances) - 1}"
    background, colour = (FUN_BG, FUN_TEXT) if first.kind == "fun" else (HOLIDAY_BG, HOLIDAY_TEXT)
    chip_painter.pill(painter, rect, text, background, colour)


def paint_marker(chip_painter: ChipPainter, painter: QPainter, rect: QRect, note: DayNote) -> None:
    """Red "!" for posting-guard warnings, an amber ring for gaps."""
    painter.setPen(NO_PEN)
    if note.warnings:
        painter.setBrush(WARNING)
        painter.drawEllipse(rect)
        painter.setPen(WHITE)
        mark = chip_painter.static("!", 2)
        x = rect.center().x() - int(mark.size().width()) // 2 + 1
        painter.setFont(chip_painter.bold)
        painter.drawStaticText(x, rect.center().y() - chip_painter.regular_offset + 1, mark)
        painter.setFont(chip_painter.small)
    elif note.gap_accounts:
        painter.setBrush(GAP_BG)
        painter.setPen(QPen(GAP, 1.5))
        painter.drawEllipse(rect.adjusted(2, 2, -2, -2))


def accept_post_drag(event: QDropEvent, enabled: bool) -> bool:
    """Accept a dragged post (as a move) when dropping is enabled; else refuse it.

    The month grid and the week canvas take the same drags; each then works
    out its own drop target.
    """
    if enabled and event.mimeData().hasFormat(MIME_POST):
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        return True
    event.ignore()
    return False


def dropped_post(event: QDropEvent) -> int | None:
    """The id of the post a drop carries, or None when it carries none."""
    if not event.mimeData().hasFormat(MIME_POST):
        return None
    return int(bytes(event.mimeData().data(MIME_POST).data()).decode())
