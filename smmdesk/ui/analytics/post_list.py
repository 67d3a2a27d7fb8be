"""Top and bottom posts of the period, each with a preview of its text.

A short, fixed list (a handful of posts each way), so plain labels in rows
rather than a model and a view. Text from posts is shown as plain text: a
post that contains "<b>" says "<b>", it does not turn bold. Counts the
network does not give read "not available" (never 0).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from smmdesk.ui.analytics.look import NOT_AVAILABLE
from smmdesk.ui.theme import platform_pixmap

#: Characters of a post's text shown in the list.
PREVIEW_CHARS = 140


@dataclass(frozen=True)
class PostLine:
    """One post as the list shows it: every field already in words."""

    when: str  # "Tue 17 Nov, 09:30" in the client's zone
    platform: str
    handle: str
    preview: str
    engagement: str  # "42" or "not available"
    detail: str  # "31 likes · 6 reposts · 5 replies · 1,204 views"
    rate: str = ""  # "3.4% of followers"


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The text on one line, cut at a word with an ellipsis when long."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(",.;:-") + "…"


def count_words(name: str, value: int | None) -> str:
    return f"{name} {NOT_AVAILABLE}" if value is None else f"{value:,} {name}"


def _plain(text: str, object_name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if object_name:
        label.setObjectName(object_name)
    return label


class PostRow(QFrame):
    def __init__(self, rank: int, line: PostLine) -> None:
        super().__init__()
        self.line = line
        badge = QLabel()
        badge.setPixmap(platform_pixmap(line.platform, 16))
        badge.setToolTip(line.platform)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 4)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(1)
        number = _plain(str(rank), "ViewHint")
        number.setFixedWidth(14)
        grid.addWidget(number, 0, 0, Qt.AlignmentFlag.AlignTop)
        head = QHBoxLayout()
        head.setSpacing(6)
        head.addWidget(badge)
        who = _plain(f"{line.handle} · {line.when}", "ViewHint")
        who.setWordWrap(True)
        head.addWidget(who, 1)
        score = _plain(line.engagement, "NotAvailable" if line.engagement == NOT_AVAILABLE else "")
        if line.engagement != NOT_AVAILABLE:
            score.setStyleSheet("font-weight: 600;")
        head.addWidget(score)
        grid.addLayout(head, 0, 1)
        text = _plain(line.preview or "(no text)")
        text.setWordWrap(True)
        text.setToolTip(line.preview)
        grid.addWidget(text, 1, 1)
        detail = " · ".join(part for part in (line.detail, line.rate) if part)
        numbers = _plain(detail, "ViewHint")
        numbers.setWordWrap(True)
        grid.addWidget(numbers, 2, 1)
        grid.setColumnStretch(1, 1)


class PostList(QWidget):
    """A heading and up to a few ``PostRow``s; ``set_lines`` replaces them."""

    def __init__(self, title: str, empty: str) -> None:
        super().__init__()
        self.empty_text = empty
        self.title = QLabel(title)
        self.title.setStyleSheet("font-weight: 600; color: #4a5262;")
        self.rows: list[PostRow] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._layout.addWidget(self.title)
        self.empty = _plain(empty, "ViewHint")
        self.empty.setWordWrap(True)
        self._layout.addWidget(self.empty)
        self._layout.addStretch(1)

    def set_lines(self, lines: list[PostLine]) -> None:
        for row in self.rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for n, line in enumerate(lines, start=1):
            row = PostRow(n, line)
            self._layout.insertWidget(self._layout.count() - 1, row)
            self.rows.append(row)
        self.empty.setVisible(not lines)

    def previews(self) -> list[str]:
        return [row.line.preview for row in self.rows]
