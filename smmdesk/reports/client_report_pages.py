"""The client report's pages: cover, summary, charts, posts, inbox, notes.

Built on the review pack's page machinery (``review_pack_pages.PackPages``:
A4 at 300 dpi, blocks placed top to bottom and cut only between lines, the
plain-text and elided-text helpers, fonts and colours), so both PDFs look
like one product. What differs is here: the cover page in the client's
colour, whole-page breaks between the parts, and a footer with the client's
name and the page number on every page, cover included (a page that falls
out of the stack still says whose it is).

Text that came from a network or the manager (post previews, names, notes)
is drawn as plain text; previews are wrapped and clipped to a few lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from smmdesk.core.analytics import Change, Period
from smmdesk.core.clock import to_local
from smmdesk.core.content_mix import label_for
from smmdesk.reports.client_report_words import (
    NOT_AVAILABLE,
    change_words,
    count,
    minutes_words,
    percent,
)
from smmdesk.reports.csv_import import network_name
from smmdesk.reports.review_pack_pages import (
    ACCENT,
    BAND,
    CARD_EDGE,
    DPI,
    FAINT,
    INK,
    MUTED,
    RULE,
    Block,
    PackPages,
    mm,
    pack_font,
)
from smmdesk.reports.review_pack_words import format_day, format_range, short_day
from smmdesk.store.analytics_queries import PREVIEW_CHARS, PostResult

if TYPE_CHECKING:
    from smmdesk.reports.client_report import Progress, ReportData

__all__ = ["ClientReportLayout", "period_words", "render_client_report"]

GOOD, BAD = QColor("#1b7f3b"), QColor("#b3261e")
_PREVIEW_LINES = 4


def period_words(period: Period) -> str:
    return format_range(period.start, period.end)


def readable(colour: str) -> QColor:
    """The client's colour, darkened until it reads as text on white paper."""
    c = QColor(colour)
    if not c.isValid():
        return ACCENT
    while c.lightness() > 140:
        c = c.darker(120)
    return c


class ClientReportLayout(PackPages):
    """The blocks of a client report and its page chrome."""

    def __init__(self, device: QPdfWriter, data: ReportData) -> None:
        title = f"Client report — {data.facts.name}"
        super().__init__(device, data.facts, title, period_words(data.period))  # type: ignore[arg-type]
        self.data = data
        self.colour = readable(data.facts.colour)

    # page chrome

    def _chrome(self, p: QPainter, number: int, total: int, prepared: str) -> None:
        w, x, small = self.content_w, self.SIDE, pack_font(7.5)
        if number > 1:
            self._text(p, QRectF(x, mm(10), w * 0.8, mm(5)), self.title, small, FAINT)
            p.setPen(QPen(RULE, mm(0.25)))
            p.drawLine(QPointF(x, mm(16)), QPointF(x + w, mm(16)))
        foot = self.height - mm(13)
        p.setPen(QPen(RULE, mm(0.25)))
        p.drawLine(QPointF(x, foot), QPointF(x + w, foot))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.colour)
        p.drawRect(QRectF(x, foot + mm(2.3), mm(2.2), mm(2.2)))
        left = f"{self.data.facts.name} · {self.subtitle} · prepared {prepared}"
        self._text(p, QRectF(x + mm(3.5), foot + mm(1), w * 0.75, mm(5)), left, small, MUTED)
        right = f"Page {number} of {total}"
        self._text(p, QRectF(x + w * 0.5, foot + mm(1), w * 0.5, mm(5)), right, small, FAINT,
                   Qt.AlignmentFlag.AlignRight)  # fmt: skip

    def new_page(self) -> None:
        if self.pages[-1]:
            self._new_page()

    # building blocks

    def heading(self, title: str, note: str = "") -> Block:
        h = mm(10) + (mm(6) if note else 0)

        def draw(p: QPainter, x: float, y: float) -> None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self.colour)
            p.drawRect(QRectF(x, y + mm(1.5), mm(1.2), mm(6)))
            self._text(p, QRectF(x + mm(3.5), y, self.content_w, mm(9)), title,
                       pack_font(15, bold=True), INK)  # fmt: skip
            if note:
                self._text(p, QRectF(x, y + mm(9.5), self.content_w, mm(5)), note,
                           pack_font(8.5), MUTED)  # fmt: skip

        return Block(h, draw)

    def with_heading(self, title: str, body: Block, note: str = "") -> Block:
        """A heading glued to what follows it, so it never ends a page alone."""
        head = self.heading(title, note)
        gap = mm(3)

        def draw(p: QPainter, x: float, y: float) -> None:
            head.draw(p, x, y)
            body.draw(p, x, y + head.height + gap)

        offset = head.height + gap
        return Block(
            head.height + gap + body.height,
            draw,
            [b + offset for b in body.breaks],
            [b + offset for b in body.line_breaks],
            body.label,
        )

    def chart(self, height: float, paint: Callable[[QPainter, QRectF], None]) -> Block:
        def draw(p: QPainter, x: float, y: float) -> None:
            paint(p, QRectF(x, y, self.content_w, height))

        return Block(height + mm(4), draw)

    def cover(self) -> Block:
        d = self.data
        height = self.bottom - self.TOP - mm(1)

        def draw(p: QPainter, x: float, y: float) -> None:
            w = self.content_w
            own = QColor(d.facts.colour) if QColor(d.facts.colour).isValid() else ACCENT
            tint = QColor(own)
            tint.setAlpha(22)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(tint)  # a wash of the client's colour across the page, behind the title
            p.drawRect(QRectF(0, y + mm(18), self.width, mm(82)))
            p.setBrush(own)
            p.drawRect(QRectF(x, y + mm(30), mm(3), mm(58)))
            left = x + mm(9)
            self._text(p, QRectF(left, y + mm(30), w, mm(7)), "SOCIAL MEDIA REPORT",
                       pack_font(10, bold=True), MUTED)  # fmt: skip
            name = self._doc(d.facts.name, pack_font(30, bold=True), w - mm(9))
            self._draw_doc(p, name, left, y + mm(38), self.colour)
            top = y + mm(40) + name.size().height()
            self._text(p, QRectF(left, top, w - mm(9), mm(10)), period_words(d.period),
                       pack_font(17), INK)  # fmt: skip
            self._text(p, QRectF(left, top + mm(10), w - mm(9), mm(6)),
                       f"Compared with {period_words(d.previous)} · times in {d.facts.timezone}",
                       pack_font(10), MUTED)  # fmt: skip
            handles = " · ".join(f"{network_name(a.platform)} {a.handle}" for a in d.accounts)
            accounts = self._doc(handles or "No accounts connected", pack_font(9.5), w - mm(9))
            self._draw_doc(p, accounts, left, top + mm(30), INK)
            by = f"Prepared by {d.prepared_by}" if d.prepared_by else "Prepared"
            lines = (
                f"{by} on {short_day(d.prepared_on)}",
                f"{count(len(d.posts))} posts published · {count(d.inbox.received)} messages "
                "and comments received",
            )
            for i, line in enumerate(lines):
                self._text(p, QRectF(x, y + height - mm(30) + i * mm(7), w, mm(6)), line,
                           pack_font(10.5, bold=i == 0), INK if i == 0 else MUTED)  # fmt: skip
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(BAND)
            p.drawRect(QRectF(x, y + height - mm(12), w, mm(0.8)))

        return Block(height, draw)

    def key_numbers(self) -> Block:
        k = self.data.key
        rows: list[tuple[str, str, Change, str, bool, str]] = [
            ("Followers", count(k.followers.current), k.followers, "count", True,
             "All accounts together at the end of the period"),
            ("Engagement rate", percent(k.engagement_rate.current, 2), k.engagement_rate,
             "points", True, "Likes, reposts and replies per follower, average per post"),
            ("Posts published", count(k.posts_published.current), k.posts_published, "count",
             True, "Each post counted once, however many networks it went to"),
            ("Median first response", minutes_words(k.median_response_minutes.current),
             k.median_response_minutes, "minutes", False,
             "Half of the answers came faster than this (working hours only)"),
            ("Answered in time", percent(k.share_answered_in_time.current),
             k.share_answered_in_time, "points", True,
             f"Answers within {self.data.inbox.target_hours:g} working hours"),
        ]  # fmt: skip
        card_h, gap = mm(24), mm(3.5)
        height = len(rows) * (card_h + gap)
        since = f"vs {period_words(self.data.previous)}"

        def draw(p: QPainter, x: float, y: float) -> None:
            w = self.content_w
            for i, (name, value, ch, kind, higher_good, explain) in enumerate(rows):
                top = y + i * (card_h + gap)
                p.setPen(QPen(CARD_EDGE, mm(0.25)))
                p.setBrush(QColor("#ffffff"))
                p.drawRoundedRect(QRectF(x, top, w, card_h), mm(2), mm(2))
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(self.colour)
                p.drawRoundedRect(QRectF(x, top, mm(1.6), card_h), mm(0.8), mm(0.8))
                self._text(p, QRectF(x + mm(6), top + mm(3), w * 0.5, mm(6)), name,
                           pack_font(10.5, bold=True), INK)  # fmt: skip
                self._text(p, QRectF(x + mm(6), top + mm(15.5), w * 0.6, mm(5)), explain,
                           pack_font(8), FAINT)  # fmt: skip
                missing = value == NOT_AVAILABLE
                self._text(p, QRectF(x + mm(6), top + mm(8.5), w * 0.45, mm(8)), value,
                           pack_font(17, bold=not missing, italic=missing),
                           FAINT if missing else INK)  # fmt: skip
                words, sign = change_words(ch, kind)
                # no change, or none that can be said: neither good nor bad
                tone = MUTED if not sign else GOOD if (sign > 0) == higher_good else BAD
                self._text(p, QRectF(x + w * 0.5, top + mm(6), w * 0.5 - mm(5), mm(7)), words,
                           pack_font(12, bold=sign not in (0, None)), tone,
                           Qt.AlignmentFlag.AlignRight)  # fmt: skip
                self._text(p, QRectF(x + w * 0.5, top + mm(13), w * 0.5 - mm(5), mm(5)), since,
                           pack_font(8), FAINT, Qt.AlignmentFlag.AlignRight)  # fmt: skip

        return Block(height, draw, [(i + 1) * (card_h + gap) for i in range(len(rows) - 1)])

    def table(
        self, header: tuple[str, ...], rows: Sequence[tuple[str, ...]], widths: tuple[float, ...]
    ) -> Block:
        """A simple table; ``widths`` are shares of the content width, right-aligned after
        the first two columns (numbers)."""
        row_h = mm(6.5)
        lines = [header, *rows] if any(header) else rows
        first = 1 if any(header) else 0  # the first data row
        height = row_h * len(lines)

        def draw(p: QPainter, x: float, y: float) -> None:
            w = self.content_w
            if first:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(BAND)
                p.drawRect(QRectF(x, y, w, row_h))
            for r, cells in enumerate(lines, start=1 - first):
                top = y + (r - 1 + first) * row_h
                cx = x + mm(2)
                for c, (cell, share) in enumerate(zip(cells, widths, strict=True)):
                    cw = w * share - mm(2)
                    align = Qt.AlignmentFlag.AlignRight if c >= 2 else Qt.AlignmentFlag.AlignLeft
                    font = pack_font(8.5, bold=r == 0, italic=cell == NOT_AVAILABLE)
                    colour = MUTED if r == 0 or cell == NOT_AVAILABLE else INK
                    self._text(p, QRectF(cx, top, cw - mm(1), row_h), cell, font, colour, align)
                    cx += w * share
                if r:
                    p.setPen(QPen(RULE, mm(0.2)))
                    p.drawLine(QPointF(x, top + row_h), QPointF(x + w, top + row_h))
                    p.setPen(Qt.PenStyle.NoPen)

        return Block(height, draw, [row_h * (i + 1) for i in range(len(lines) - 1)])

    def post_block(self, rank: int, post: PostResult) -> Block:
        d = self.data
        when = to_local(post.published_at, d.facts.timezone)
        networks = ", ".join(f"{network_name(t.platform)} {t.handle}" for t in post.targets)
        head = f"#{rank}  {format_day(when.date())}, {when:%H:%M} · {label_for(post.content_type)}"
        score = f"{count(post.engagement)} interactions · {percent(post.engagement_rate, 2)}"
        text = " ".join(post.preview.split()) or "(no text)"
        if len(text) > PREVIEW_CHARS:  # the report reads whole texts (for the CSV)
            text = text[:PREVIEW_CHARS].rstrip() + "…"
        doc = self._doc(text, pack_font(9.5, italic=text == "(no text)"), self.content_w - mm(8))
        bottoms = self._line_bottoms(doc)
        shown_h = bottoms[min(len(bottoms), _PREVIEW_LINES) - 1] if bottoms else mm(5)
        head_h = mm(7.5)
        height = head_h + mm(3) + shown_h + mm(5.5) + mm(4)

        def draw(p: QPainter, x: float, y: float) -> None:
            w = self.content_w
            p.setPen(QPen(CARD_EDGE, mm(0.25)))
            p.setBrush(QColor("#ffffff"))
            p.drawRoundedRect(QRectF(x, y, w, height - mm(4)), mm(2), mm(2))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(BAND)
            p.drawRoundedRect(QRectF(x, y, w, head_h), mm(2), mm(2))
            self._text(p, QRectF(x + mm(4), y, w * 0.62, head_h), head, pack_font(9, True), INK)
            self._text(p, QRectF(x + w * 0.6, y, w * 0.4 - mm(4), head_h), score,
                       pack_font(9, True), self.colour, Qt.AlignmentFlag.AlignRight)  # fmt: skip
            p.save()
            p.setClipRect(
                QRectF(x, y + head_h + mm(3), w, shown_h + mm(0.3)), Qt.ClipOperation.IntersectClip
            )
            self._draw_doc(p, doc, x + mm(4), y + head_h + mm(3), INK)
            p.restore()
            self._text(p, QRectF(x + mm(4), y + head_h + mm(3.5) + shown_h, w - mm(8), mm(5)),
                       f"On {networks}", pack_font(8), FAINT)  # fmt: skip

        return Block(height, draw)

    def notes_block(self) -> Block:
        doc = self._doc(self.data.notes.strip(), pack_font(10), self.content_w)
        lines = self._line_bottoms(doc)

        def draw(p: QPainter, x: float, y: float) -> None:
            self._draw_doc(p, doc, x, y, INK)

        return Block(doc.size().height(), draw, [], lines[:-1], "Notes")


def render_client_report(data: ReportData, progress: Progress, done: int) -> tuple[bytes, int]:
    """The whole report as PDF bytes and its page count (the caller writes the file)."""
    from smmdesk.reports.client_report_sections import place_sections

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    writer.setTitle(f"Client report — {data.facts.name} — {period_words(data.period)}")
    writer.setCreator("SMM Desk")
    layout = ClientReportLayout(writer, data)
    progress(done, done + 2, "Laying out the pages")
    place_sections(layout)
    progress(done + 1, done + 2, f"Drawing {len(layout.pages)} pages")
    layout.paint(short_day(data.prepared_on))
    pages = len(layout.pages)
    del writer
    buffer.close()
    return bytes(QByteArray(buffer.data()).data()), pages
