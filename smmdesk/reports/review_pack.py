"""Review packs: the client sees each upcoming post per network and decides.

``export_review_pack`` writes an A4 PDF for one client and a date range: a
title, short instructions, then one block per post that is not yet out
(draft, in review, approved, scheduled), in time order. A block shows

* the post's reference code (``P-<id>``), its date and time in the client's
  zone, content type and status;
* one card per target account "as it will look": network, handle, the text
  written for that network (or the post's text), the pictures, and the
  length as that network counts it against its declared limit;
* a decision box to fill in by hand: Approve / Change requested, lines for a
  comment, who decided and when.

The decisions come back (on paper, by photo or e-mail, quoting the P-code)
and are typed in with ``record_decision``. Every decision is appended to
``review_decisions`` and never changed or deleted: that table is the audit
trail of who decided what, when (``decided_at``) and when it was recorded
(``recorded_at``). ``approved`` moves a draft or in-review post to approved;
``changes_requested`` moves the post back to draft so that it is not
published as it is, unless it is already (even partly) published.

Layout decisions: blocks never break across pages unless one is taller than
a page (a very long text), in which case it continues on the next page at a
line boundary. Every page has a running header and "Page n of N". All text
from the post or the network is drawn as plain text (``setPlainText``), never
interpreted as HTML. The PDF is built in memory and moved into place, so a
failed export leaves no half-written file. Drawing needs a
``QGuiApplication`` (the app and pytest-qt make one); nothing here is a
widget.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextOption,
)
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from smmdesk.core.clock import to_local
from smmdesk.core.text_length import measure
from smmdesk.core.vocabulary import ContentType, PostStatus, TargetStatus
from smmdesk.platforms import connector_class
from smmdesk.platforms.base import TextCounting
from smmdesk.reports.csv_import import network_name, text_limit
from smmdesk.store.models import Client, Post, PostMedia, PostTarget, ReviewDecision

__all__ = [
    "DECISIONS",
    "REVIEW_STATUSES",
    "DecisionRecord",
    "ReviewItem",
    "TargetPreview",
    "decision_history",
    "export_review_pack",
    "format_range",
    "parse_reference",
    "record_decision",
    "reference_code",
    "review_items",
]

REVIEW_STATUSES: tuple[str, ...] = (
    PostStatus.DRAFT,
    PostStatus.IN_REVIEW,
    PostStatus.APPROVED,
    PostStatus.SCHEDULED,
)
DECISIONS: dict[str, str] = {"approved": "Approved", "changes_requested": "Change requested"}

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_UNITS = {
    TextCounting.GRAPHEMES: "graphemes",
    TextCounting.CODEPOINTS: "characters",
    TextCounting.UTF16: "UTF-16 units",
}


# --- plain data -------------------------------------------------------------------


def reference_code(post_id: int) -> str:
    return f"P-{post_id}"


def parse_reference(text: str) -> int | None:
    """The post id in a typed-back code: "P-12", "p12", "12"; None if none."""
    m = re.fullmatch(r"\s*(?:[Pp]\s*-?\s*)?(\d{1,12})\s*", text)
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class TargetPreview:
    """One post on one account, as the review pack shows it."""

    account_id: int
    platform: str
    network: str
    handle: str
    text: str
    is_variant: bool
    length: int
    limit: int | None  # None for a network no connector declares
    unit: str

    @property
    def too_long(self) -> bool:
        return self.limit is not None and self.length > self.limit


@dataclass(frozen=True)
class ReviewItem:
    post_id: int
    code: str
    scheduled_at: datetime  # aware UTC
    local_time: datetime  # the same instant in the client's zone
    status: str
    content_type: str
    body: str
    targets: tuple[TargetPreview, ...]
    images: tuple[Path, ...]


@dataclass(frozen=True)
class DecisionRecord:
    id: int
    post_id: int
    decision: str
    comment: str
    decided_by: str
    decided_at: datetime
    recorded_at: datetime

    @property
    def label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment.astimezone(UTC)


def default_media_dir(session: Session) -> Path | None:
    """The profile's media folder, next to its database (see ``paths.py``)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    database = engine.url.database
    return Path(database).parent / "media" if database else None


def _preview(target: PostTarget, body: str, with_media: bool) -> TargetPreview:
    account = target.account
    variant = target.variant_body
    is_variant = variant is not None and bool(variant.strip())
    text = variant if is_variant and variant is not None else body
    try:
        caps = connector_class(account.platform).capabilities
    except KeyError:
        return TargetPreview(
            account.id,
            account.platform,
            account.platform,
            account.handle,
            text,
            is_variant,
            len(text),
            None,
            "characters",
        )
    return TargetPreview(
        account_id=account.id,
        platform=account.platform,
        network=network_name(account.platform),
        handle=account.handle,
        text=text,
        is_variant=is_variant,
        length=measure(text, str(caps.text_counting), caps.url_length),
        limit=text_limit(caps, with_media),
        unit=_UNITS.get(caps.text_counting, "characters"),
    )


def review_items(
    session: Session,
    client_id: int,
    start: datetime,
    end: datetime,
    media_dir: Path | None = None,
) -> list[ReviewItem]:
    """The client's posts to review in ``[start, end)``, in time order."""
    start, end = _aware(start, "start"), _aware(end, "end")
    client = session.get(Client, client_id)
    if client is None:
        raise KeyError(client_id)
    if media_dir is None:
        media_dir = default_media_dir(session) or Path()
    posts = session.scalars(
        select(Post)
        .where(
            Post.client_id == client_id,
            Post.scheduled_at.is_not(None),
            Post.scheduled_at >= start,
            Post.scheduled_at < end,
            Post.status.in_([str(s) for s in REVIEW_STATUSES]),
        )
        .options(
            selectinload(Post.targets).selectinload(PostTarget.account),
            selectinload(Post.media).selectinload(PostMedia.item),
        )
        .order_by(Post.scheduled_at, Post.id)
    )
    items = []
    for post in posts:
        assert post.scheduled_at is not None
        images = tuple(media_dir / link.item.relative_path for link in post.media)
        targets = tuple(
            _preview(t, post.body, bool(images))
            for t in sorted(post.targets, key=lambda t: (t.account.platform, t.account.handle))
        )
        items.append(
            ReviewItem(
                post_id=post.id,
                code=reference_code(post.id),
                scheduled_at=post.scheduled_at,
                local_time=to_local(post.scheduled_at, client.timezone),
                status=post.status,
                content_type=post.content_type,
                body=post.body,
                targets=targets,
                images=images,
            )
        )
    return items


# --- decisions --------------------------------------------------------------------


def record_decision(
    session: Session,
    post_id: int,
    decision: str,
    comment: str,
    decided_by: str,
    decided_at: datetime,
) -> None:
    """Append the client's decision on a post and move the post accordingly."""
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}; use one of {', '.join(DECISIONS)}")
    if not decided_by.strip():
        raise ValueError("Say who decided (the client's name).")
    decided_at = _aware(decided_at, "decided_at")
    post = session.get(Post, post_id)
    if post is None:
        raise KeyError(post_id)
    if decision == "approved":
        if post.status in (PostStatus.DRAFT, PostStatus.IN_REVIEW):
            post.status = PostStatus.APPROVED.value
    else:
        out = {TargetStatus.SENDING, TargetStatus.PUBLISHED}
        partly_out = any(t.status in out for t in post.targets)
        if post.status != PostStatus.PUBLISHED and not partly_out:
            post.status = PostStatus.DRAFT.value
    session.add(
        ReviewDecision(
            post_id=post_id,
            decision=decision,
            comment=comment.strip(),
            decided_by=decided_by.strip(),
            decided_at=decided_at,
            recorded_at=datetime.now(UTC),
        )
    )
    session.flush()


def decision_history(session: Session, post_id: int) -> list[DecisionRecord]:
    """Every decision recorded for a post, oldest first."""
    rows = session.scalars(
        select(ReviewDecision)
        .where(ReviewDecision.post_id == post_id)
        .order_by(ReviewDecision.decided_at, ReviewDecision.id)
    )
    return [
        DecisionRecord(
            r.id, r.post_id, r.decision, r.comment, r.decided_by, r.decided_at, r.recorded_at
        )
        for r in rows
    ]


# --- words ------------------------------------------------------------------------


def format_day(day: date) -> str:
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _short_day(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_range(first: date, last: date) -> str:
    """ "2–15 March 2026", "28 February – 15 March 2026", or with both years."""
    if first == last:
        return _short_day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {_MONTHS[last.month - 1]} {last.year}"
    if first.year == last.year:
        return f"{first.day} {_MONTHS[first.month - 1]} – {_short_day(last)}"
    return f"{_short_day(first)} – {_short_day(last)}"


def _label(enum_type: type[ContentType] | type[PostStatus], value: str) -> str:
    try:
        return enum_type(value).label
    except ValueError:
        return value


# --- drawing ----------------------------------------------------------------------

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
# Mirrors ui.theme.PLATFORM_BADGES (reports may not import ui/).
BADGES: dict[str, tuple[str, str]] = {
    "sandbox": ("S", "#8e6cef"),
    "telegram": ("T", "#2aa3df"),
    "mastodon": ("M", "#6364ff"),
    "bluesky": ("B", "#1185fe"),
    "vk": ("V", "#0077ff"),
    "facebook": ("F", "#1877f2"),
    "instagram": ("I", "#d62976"),
}
_FAMILIES = ["Noto Sans", "DejaVu Sans", "Segoe UI", "Helvetica Neue", "Arial"]


def mm(value: float) -> float:
    return value * DPI / 25.4


def _font(size: float, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(_FAMILIES)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(size)
    font.setBold(bold)
    font.setItalic(italic)
    return font


@dataclass
class _Block:
    """Something placed on the page: a height, how to draw it, where it may break."""

    height: float
    draw: Callable[[QPainter, float, float], None]  # painter, x, y
    breaks: list[float] = field(default_factory=list)  # between cards: good cuts
    line_breaks: list[float] = field(default_factory=list)  # between text lines
    label: str = ""  # shown above a part continued on the next page


@dataclass
class _Placed:
    block: _Block
    y: float  # page y of the slice's top
    start: float  # the slice of the block shown here
    end: float


class _PackWriter:
    PAGE_W_MM, PAGE_H_MM = 210.0, 297.0
    SIDE, TOP, BOTTOM = mm(18), mm(22), mm(20)
    CARDS_W, GAP_W, DECISION_W = mm(110), mm(6), mm(58)
    BLOCK_GAP = mm(6)

    def __init__(self, device: QPdfWriter, client: Client, title: str, subtitle: str) -> None:
        self.device = device
        self.client = client
        self.title = title
        self.subtitle = subtitle
        self.width = mm(self.PAGE_W_MM)
        self.height = mm(self.PAGE_H_MM)
        self.content_w = self.width - 2 * self.SIDE
        self.bottom = self.height - self.BOTTOM
        self.pages: list[list[_Placed]] = [[]]
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

    def place(self, block: _Block) -> None:
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

    def _continue(self, block: _Block) -> None:
        self._new_page()
        if block.label:
            self._put(self._label_block(f"{block.label} (continued)"), 0, mm(7))

    def _label_block(self, text: str) -> _Block:
        def draw(p: QPainter, x: float, y: float) -> None:
            self._text(p, QRectF(x, y, self.content_w, mm(5)), text, _font(8.5, True), MUTED)

        return _Block(mm(7), draw)

    def _put(self, block: _Block, start: float, end: float) -> None:
        self.pages[-1].append(_Placed(block, self.cursor, start, end))
        self.cursor += end - start

    def _new_page(self) -> None:
        self.pages.append([])
        self.cursor = self.TOP

    def space(self, height: float) -> None:
        if self.pages[-1]:
            self.cursor += height

    # blocks

    def title_block(self, count: int, prepared: str) -> _Block:
        w = self.content_w
        intro = (
            "Each post below is shown as it will look on each network, with its date and "
            "time. For every post, tick Approve or Change requested, write what should "
            "change, and sign with your name and the date. Send the pages back (a photo or "
            "a scan is fine); the code P-… identifies each post."
        )
        note = self._doc(intro, _font(9), w - mm(10))
        facts = (
            f"{count} post{'s' if count != 1 else ''} to review · times in "
            f"{self.client.timezone} · prepared {prepared}"
        )
        note_h = note.size().height() + mm(8)
        height = mm(11) + mm(8) + mm(6) + mm(5) + note_h

        def draw(p: QPainter, x: float, y: float) -> None:
            self._text(p, QRectF(x, y, w, mm(11)), "Review pack", _font(21, bold=True), INK)
            y += mm(11)
            self._text(p, QRectF(x, y, w, mm(8)), self.subtitle, _font(12.5), MUTED)
            y += mm(8)
            self._text(p, QRectF(x, y, w, mm(6)), facts, _font(9), FAINT)
            y += mm(6) + mm(5)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(NOTE)
            p.drawRoundedRect(QRectF(x, y, w, note_h), mm(2), mm(2))
            p.setBrush(ACCENT)
            p.drawRect(QRectF(x, y, mm(1.2), note_h))
            self._draw_doc(p, note, x + mm(5), y + mm(4), INK)

        return _Block(height, draw)

    def empty_block(self) -> _Block:
        def draw(p: QPainter, x: float, y: float) -> None:
            self._text(
                p,
                QRectF(x, y, self.content_w, mm(10)),
                "There are no posts to review in this period.",
                _font(11, italic=True),
                MUTED,
            )

        return _Block(mm(10), draw)

    def post_block(self, item: ReviewItem) -> _Block:
        header_h = mm(8.5)
        top_gap = mm(3)
        cards: list[tuple[float, Callable[[QPainter, float, float], None], list[float]]] = []
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
        kind = f"{_label(ContentType, item.content_type)} · {_label(PostStatus, item.status)}"

        def draw(p: QPainter, x: float, y: float) -> None:
            w = self.content_w
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(BAND)
            p.drawRoundedRect(QRectF(x, y, w, header_h), mm(1.5), mm(1.5))
            code_w = mm(20)
            self._text(
                p, QRectF(x + mm(3), y, code_w, header_h), item.code, _font(10.5, True), ACCENT
            )
            self._text(
                p,
                QRectF(x + mm(3) + code_w, y, w - mm(70), header_h),
                when_text,
                _font(10.5, True),
                INK,
            )
            self._text(
                p,
                QRectF(x + w - mm(63), y, mm(60), header_h),
                kind,
                _font(9),
                MUTED,
                Qt.AlignmentFlag.AlignRight,
            )
            cy = y + header_h + top_gap
            for card_h, draw_card, _breaks in cards:
                draw_card(p, x, cy)
                cy += card_h + card_gap
            draw_decision(p, x + self.CARDS_W + self.GAP_W, y + header_h + top_gap)

        return _Block(height, draw, breaks, line_breaks, item.code)

    def _card(
        self, target: TargetPreview, images: Sequence[Path]
    ) -> tuple[float, Callable[[QPainter, float, float], None], list[float]]:
        w = self.CARDS_W
        pad = mm(3.5)
        inner = w - 2 * pad
        head_h = mm(6)
        has_text = bool(target.text.strip())
        doc = self._doc(
            target.text if has_text else "(no text)",
            _font(9.5, italic=not has_text),
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
        badge_letter, badge_colour = BADGES.get(target.platform, ("?", "#7a8294"))
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
                _font(8.5, True),
                QColor("#ffffff"),
                Qt.AlignmentFlag.AlignHCenter,
            )
            name_font = _font(9.5, True)
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
                _font(9),
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
                    _font(12, True),
                    QColor("#ffffff"),
                    Qt.AlignmentFlag.AlignHCenter,
                )
            p.setPen(QPen(RULE, mm(0.2)))
            p.drawLine(QPointF(x + pad, top + foot_top), QPointF(x + w - pad, top + foot_top))
            self._text(
                p,
                QRectF(x + pad, top + foot_top + mm(0.5), inner, mm(5.5)),
                length,
                _font(7.5, bold=target.too_long),
                DANGER if target.too_long else FAINT,
            )

        return height, draw, line_breaks

    def _no_target_card(
        self,
    ) -> tuple[float, Callable[[QPainter, float, float], None], list[float]]:
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
                _font(9, italic=True),
                MUTED,
            )

        return height, draw, []

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
                _font(8, italic=True),
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
            self._text(p, QRectF(x0, y, inner, title_h), "Client decision", _font(9.5, True), INK)
            self._text(
                p,
                QRectF(x0, y, inner, title_h),
                code,
                _font(9.5, True),
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
                self._text(p, rect, label, _font(9.5), INK)
                y += choice_h
            y += mm(2.5)
            self._text(p, QRectF(x0, y, inner, label_h), "Comment", _font(7.5), MUTED)
            y += label_h
            p.setPen(QPen(WRITE_LINE, mm(0.2)))
            for _ in range(comment_lines):
                y += line_gap
                p.drawLine(QPointF(x0, y), QPointF(x0 + inner, y))
            y += mm(2)
            for label in ("Decided by", "Date"):
                label_w = mm(16)
                rect = QRectF(x0, y + sign_h - mm(5), label_w, mm(4.5))
                self._text(p, rect, label, _font(7.5), MUTED)
                p.setPen(QPen(WRITE_LINE, mm(0.2)))
                p.drawLine(
                    QPointF(x0 + label_w, y + sign_h - mm(1)),
                    QPointF(x0 + inner, y + sign_h - mm(1)),
                )
                y += sign_h

        return height, draw

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
        small = _font(7.5)
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


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_review_pack(
    session: Session,
    path: Path,
    client_id: int,
    start: datetime,
    end: datetime,
    *,
    media_dir: Path | None = None,
    now: datetime | None = None,
) -> int:
    """Write the review pack PDF for ``[start, end)``; return how many posts it shows.

    ``media_dir`` is the profile's media folder (by default the ``media``
    folder next to the database).
    """
    if QGuiApplication.instance() is None:
        raise RuntimeError("A QGuiApplication must exist to draw a review pack.")
    start, end = _aware(start, "start"), _aware(end, "end")
    client = session.get(Client, client_id)
    if client is None:
        raise KeyError(client_id)
    items = review_items(session, client_id, start, end, media_dir)

    first = to_local(start, client.timezone).date()
    last = to_local(end - timedelta(microseconds=1), client.timezone).date()
    period = format_range(first, max(first, last))
    prepared = _short_day(to_local(now or datetime.now(UTC), client.timezone).date())

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

    pack = _PackWriter(writer, client, f"Review pack — {client.name}", f"{client.name} — {period}")
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
    data = bytes(QByteArray(buffer.data()).data())
    _write_atomically(Path(path), data)
    return len(items)
