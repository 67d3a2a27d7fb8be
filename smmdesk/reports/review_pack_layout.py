"""What a review pack shows: the title, one block per post, its cards and decision box.

A post's block shows its reference code, date and time in the client's zone,
content type and status; then one card per target account "as it will look"
(network, handle, the text written for that network or the post's text, the
pictures, and the length as that network counts it against its limit); and
beside the cards a decision box the client fills in by hand: Approve /
Change requested, lines for a comment, who decided and when. Where a block
may be cut between pages is worked out here (between cards or text lines,
never through the decision box); the pages themselves are
``review_pack_pages``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from smmdesk.core.platform_style import platform_badge
from smmdesk.core.vocabulary import ContentType, PostStatus
from smmdesk.reports.review_pack_pages import (
    ACCENT,
    BAND,
    CARD_EDGE,
    DANGER,
    DPI,
    FAINT,
    INK,
    MUTED,
    NOTE,
    RULE,
    WRITE_LINE,
    Block,
    PackPages,
    mm,
    pack_font,
)
from smmdesk.reports.review_pack_words import enum_label, format_day
from smmdesk.store.models import Client

if TYPE_CHECKING:
    from smmdesk.reports.review_pack import ReviewItem, TargetPreview

__all__ = ["ReviewPackLayout", "render_review_pack"]

#: A card: its height, how to draw it (painter, x, top), and where its text lines end.
_Card = tuple[float, Callable[[QPainter, float, float], None], list[float]]


class ReviewPackLayout(PackPages):
    """The blocks of a review pack, ready to be placed on its pages."""

    CARDS_W, GAP_W, DECISION_W = mm(110), mm(6), mm(58)
    BLOCK_GAP = mm(6)

    # blocks

    def title_block(self, count: int, prepared: str) -> Block:
        w = self.content_w
        intro = (
            "Each post below is shown as it will look on each network, with its date and "
            "time. For every post, tick Approve or Change requested, write what should "
            "change, and sign with your name and the date. Send the pages back (a photo or "
            "a scan is fine); the code P-… identifies each post."
        )
        note = self._doc(intro, pack_font(9), w - mm(10))
        facts = (
            f"{count} post{'s' if count != 1 else ''} to review · times in "
            f"{self.client.timezone} · prepared {prepared}"
        )
        note_h = note.size().height() + mm(8)
        height = mm(11) + mm(8) + mm(6) + mm(5) + note_h

        def draw(p: QPainter, x: float, y: float) -> None:
            self._text(p, QRectF(x, y, w, mm(11)), "Review pack", pack_font(21, bold=True), INK)
            y += mm(11)
            self._text(p, QRectF(x, y, w, mm(8)), self.subtitle, pack_font(12.5), MUTED)
            y += mm(8)
            self._text(p, QRectF(x, y, w, mm(6)), facts, pack_font(9), FAINT)
            y += mm(6) + mm(5)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(NOTE)
            p.drawRoundedRect(QRectF(x, y, w, note_h), mm(2), mm(2))
            p.setBrush(ACCENT)
            p.drawRect(QRectF(x, y, mm(1.2), note_h))
            self._draw_doc(p, note, x + mm(5), y + mm(4), INK)

        return Block(height, draw)

    def empty_block(self) -> Block:
        def draw(p: QPainter, x: float, y: float) -> None:
            self._text(
                p,
                QRectF(x, y, self.content_w, mm(10)),
                "There are no posts to review in this period.",
                pack_font(11, italic=True),
                MUTED,
            )

        return Block(mm(10), draw)

    def post_block(self, item: ReviewItem) -> Block:
        header_h = mm(8.5)
        top_gap = mm(3)
        cards: list[_Card] = []
        if item.targets:
            for target in item.targets:
                cards.append(self._card(target, item.images))
        else:
            cards.append(self._no_target_card())
        decision_h, draw_decision = self._decision_box(item.code)
        card_gap = mm(3)
        cards_h = sum(c[0] for c in cards) + card_gap * (len(cards) - 1)
        height = header_h + top_gap + max(cards_h, decision_h)

        # Cuts may fall between cards or text lines, never through the decision box.
        floor = header_h + top_gap + decision_h + mm(1)
        breaks: list[float] = []
        line_breaks: list[float] = []
        y = header_h + top_gap
        for card_h, _draw, card_lines in cards:
            line_breaks.extend(y + b for b in card_lines if y + b >= floor)
            y += card_h + card_gap
            if y - card_gap / 2 >= floor and y < height:
                breaks.append(y - card_gap / 2)

        when = item.local_time
        when_text = f"{format_day(when.date())}, {when:%H:%M}"
        kind = (
            f"{enum_label(ContentType, item.content_type)} · {enum_label(PostStatus, item.status)}"
        )

        def draw(p: QPainter, x: float, y: float) -> None:
            w = self.content_w
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(BAND)
            p.drawRoundedRect(QRectF(x, y, w, header_h), mm(1.5), mm(1.5))
            code_w = mm(20)
            self._text(
                p, QRectF(x + mm(3), y, code_w, header_h), item.code, pack_font(10.5, True), ACCENT
            )
            self._text(
                p,
                QRectF(x + mm(3) + code_w, y, w - mm(70), header_h),
                when_text,
                pack_font(10.5, True),
                INK,
            )
            self._text(
                p,
                QRectF(x + w - mm(63), y, mm(60), header_h),
                kind,
                pack_font(9),
                MUTED,
                Qt.AlignmentFlag.AlignRight,
            )
            cy = y + header_h + top_gap
            for card_h, draw_card, _breaks in cards:
                draw_card(p, x, cy)
                cy += card_h + card_gap
            draw_decision(p, x + self.CARDS_W + self.GAP_W, y + header_h + top_gap)

        return Block(height, draw, breaks, line_breaks, item.code)

    def _card(self, target: TargetPreview, images: Sequence[Path]) -> _Card:
        w = self.CARDS_W
        pad = mm(3.5)
        inner = w - 2 * pad
        head_h = mm(6)
        has_text = bool(target.text.strip())
        doc = self._doc(
            target.text if has_text else "(no text)",
            pack_font(9.5, italic=not has_text),
            inner,
        )
        text_colour = INK if has_text else FAINT
        text_top = pad + head_h + mm(2.5)
        text_h = doc.size().height()
        y = text_top + text_h
        image_rects: list[tuple[Path, QRectF]] = []
        if images:
            y += mm(3)
            if len(images) == 1:
                img = self._image(images[0])
                ratio = img.height() / img.width() if not img.isNull() and img.width() else 0.6
                ih = min(inner * ratio, mm(55))
                iw = ih / ratio if ratio else inner
                image_rects.append((images[0], QRectF(pad, y, min(iw, inner), ih)))
                y += ih
            else:
                shown = list(images[:4])
                gap = mm(1.5)
                side = (inner - gap * (len(shown) - 1)) / len(shown)
                for i, path in enumerate(shown):
                    image_rects.append((path, QRectF(pad + i * (side + gap), y, side, side)))
                y += side
        y += mm(3)
        foot_top = y
        height = foot_top + mm(6) + mm(1)
        line_breaks = [text_top + b for b in self._line_bottoms(doc)[:-1]]

        if target.limit is None:
            length = f"{target.length} characters (no declared limit)"
        else:
            length = f"{target.length} / {target.limit} {target.unit}"
        if target.limit is not None and target.too_long:
            length += f" — {target.length - target.limit} too many for {target.network}"
        if target.is_variant:
            length += " · text written for this network"
        badge_letter, badge_colour = platform_badge(target.platform)
        extra = len(images) - 4

        def draw(p: QPainter, x: float, top: float) -> None:
            p.setPen(QPen(CARD_EDGE, mm(0.25)))
            p.setBrush(QColor("#ffffff"))
            p.drawRoundedRect(QRectF(x, top, w, height), mm(2), mm(2))
            bx, by = x + pad, top + pad
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(badge_colour))
            p.drawRoundedRect(QRectF(bx, by, head_h, head_h), mm(1.4), mm(1.4))
            self._text(
                p,
                QRectF(bx, by, head_h, head_h),
                badge_letter,
                pack_font(8.5, True),
                QColor("#ffffff"),
                Qt.AlignmentFlag.AlignHCenter,
            )
            name_font = pack_font(9.5, True)
            name_x = bx + head_h + mm(2.5)
            name_w = min(
                QFontMetricsF(name_font, self.device).horizontalAdvance(target.network), inner * 0.6
            )
            self._text(
                p, QRectF(name_x, by, name_w + mm(1), head_h), target.network, name_font, INK
            )
            self._text(
                p,
                QRectF(
                    name_x + name_w + mm(2.5), by, inner - (name_x - bx) - name_w - mm(2.5), head_h
                ),
                target.handle,
                pack_font(9),
                MUTED,
            )
            self._draw_doc(p, doc, x + pad, top + text_top, text_colour)
            for path, rect in image_rects:
                self._draw_image(p, path, rect.translated(x, top))
            if extra > 0:
                last = image_rects[-1][1].translated(x, top)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(0, 0, 0, 110))
                p.drawRect(last)
                self._text(
                    p,
                    last,
                    f"+{extra}",
                    pack_font(12, True),
                    QColor("#ffffff"),
                    Qt.AlignmentFlag.AlignHCenter,
                )
            p.setPen(QPen(RULE, mm(0.2)))
            p.drawLine(QPointF(x + pad, top + foot_top), QPointF(x + w - pad, top + foot_top))
            self._text(
                p,
                QRectF(x + pad, top + foot_top + mm(0.5), inner, mm(5.5)),
                length,
                pack_font(7.5, bold=target.too_long),
                DANGER if target.too_long else FAINT,
            )

        return height, draw, line_breaks

    def _no_target_card(self) -> _Card:
        height = mm(14)

        def draw(p: QPainter, x: float, top: float) -> None:
            rect = QRectF(x, top, self.CARDS_W, height)
            p.setPen(QPen(CARD_EDGE, mm(0.25), Qt.PenStyle.DashLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(rect, mm(2), mm(2))
            self._text(
                p,
                rect.adjusted(mm(4), 0, -mm(4), 0),
                "No network chosen yet for this post.",
                pack_font(9, italic=True),
                MUTED,
            )

        return height, draw, []

    def _decision_box(self, code: str) -> tuple[float, Callable[[QPainter, float, float], None]]:
        w = self.DECISION_W
        pad = mm(3)
        inner = w - 2 * pad
        title_h, choice_h, label_h, line_gap, sign_h = mm(5.5), mm(5.5), mm(4), mm(6), mm(7.5)
        comment_lines = 3
        height = (
            pad + title_h + mm(2) + 2 * choice_h + mm(2.5) + label_h
            + comment_lines * line_gap + mm(2) + 2 * sign_h + pad
        )  # fmt: skip

        def draw(p: QPainter, x: float, top: float) -> None:
            p.setPen(QPen(QColor("#9aa3b2"), mm(0.3)))
            p.setBrush(QColor("#ffffff"))
            p.drawRoundedRect(QRectF(x, top, w, height), mm(2), mm(2))
            x0, y = x + pad, top + pad
            self._text(
                p, QRectF(x0, y, inner, title_h), "Client decision", pack_font(9.5, True), INK
            )
            self._text(
                p,
                QRectF(x0, y, inner, title_h),
                code,
                pack_font(9.5, True),
                ACCENT,
                Qt.AlignmentFlag.AlignRight,
            )
            y += title_h + mm(2)
            for label in ("Approve", "Change requested"):
                box = QRectF(x0, y + (choice_h - mm(3.8)) / 2, mm(3.8), mm(3.8))
                p.setPen(QPen(INK, mm(0.3)))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRoundedRect(box, mm(0.6), mm(0.6))
                rect = QRectF(x0 + mm(6), y, inner - mm(6), choice_h)
                self._text(p, rect, label, pack_font(9.5), INK)
                y += choice_h
            y += mm(2.5)
            self._text(p, QRectF(x0, y, inner, label_h), "Comment", pack_font(7.5), MUTED)
            y += label_h
            p.setPen(QPen(WRITE_LINE, mm(0.2)))
            for _ in range(comment_lines):
                y += line_gap
                p.drawLine(QPointF(x0, y), QPointF(x0 + inner, y))
            y += mm(2)
            for label in ("Decided by", "Date"):
                label_w = mm(16)
                rect = QRectF(x0, y + sign_h - mm(5), label_w, mm(4.5))
                self._text(p, rect, label, pack_font(7.5), MUTED)
                p.setPen(QPen(WRITE_LINE, mm(0.2)))
                p.drawLine(
                    QPointF(x0 + label_w, y + sign_h - mm(1)),
                    QPointF(x0 + inner, y + sign_h - mm(1)),
                )
                y += sign_h

        return height, draw


def render_review_pack(
    client: Client, items: Sequence[ReviewItem], period: str, prepared: str
) -> bytes:
    """The whole pack as PDF bytes, built in memory (the caller writes the file)."""
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
    writer.setTitle(f"Review pack — {client.name} — {period}")
    writer.setCreator("SMM Desk")

    pack = ReviewPackLayout(
        writer, client, f"Review pack — {client.name}", f"{client.name} — {period}"
    )
    pack.place(pack.title_block(len(items), prepared))
    pack.space(mm(8))
    if not items:
        pack.place(pack.empty_block())
    for item in items:
        pack.place(pack.post_block(item))
        pack.space(pack.BLOCK_GAP)
    pack.paint(prepared)
    del writer
    buffer.close()
    return bytes(QByteArray(buffer.data()).data())
