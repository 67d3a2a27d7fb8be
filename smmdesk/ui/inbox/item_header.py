"""The top of the reading pane: who wrote, where, when, and how long is left to answer.

Names and handles come from the network, so every label here is fixed to
plain text and each name is isolated from the text around it (see
``reply_checks.one_line``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from smmdesk.core.vocabulary import InboxStatus
from smmdesk.platforms import connector_class
from smmdesk.platforms.base import Capabilities, Connector
from smmdesk.store.inbox_detail import InboxDetail
from smmdesk.store.queries import AccountRow
from smmdesk.ui.composer.targets_panel import account_capabilities
from smmdesk.ui.inbox import reply_checks as checks
from smmdesk.ui.inbox.reading_parts import chip, plain_label, set_chip
from smmdesk.ui.theme import platform_pixmap

_STATUS_CHIPS = {"new": "info", "escalated": "warn", "replied": "good"}


def network_name(platform: str) -> str:
    try:
        return connector_class(platform).display_name or platform.capitalize()
    except (KeyError, ImportError):
        return platform.capitalize()


def can_fetch_thread(platform: str) -> bool:
    """Whether the platform's connector can fetch a conversation at all (the base refuses)."""
    try:
        return connector_class(platform).fetch_thread is not Connector.fetch_thread
    except (KeyError, ImportError):
        return False


def capabilities_of(detail: InboxDetail) -> Capabilities | None:
    """The account's limits and abilities, read as the composer reads them; None if unknown."""
    row = AccountRow(
        detail.account_id, detail.client_id, detail.platform, detail.handle, "", "ok", "", False,
        detail.account_settings,
    )  # fmt: skip
    try:
        return account_capabilities(row)
    except (KeyError, ImportError):  # a platform this build does not know
        return None


class ItemHeader(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.heading = plain_label(name="CardTitle", wrap=True)
        self.handle_label = plain_label(name="ViewHint")
        self.clock = chip("")
        title = QHBoxLayout()
        title.setSpacing(8)
        title.addWidget(self.heading)
        title.addWidget(self.handle_label)
        title.addStretch(1)
        title.addWidget(self.clock)

        self.platform_badge = QLabel()
        self.meta = plain_label(name="ViewHint", wrap=True)
        meta = QHBoxLayout()
        meta.setSpacing(6)
        meta.addWidget(self.platform_badge, 0, Qt.AlignmentFlag.AlignTop)
        meta.addWidget(self.meta, 1)

        self.status_chip = chip("")
        self.category_chip = chip("")
        self.badge_chips = [chip("", "warn") for _ in range(3)]
        chips = QHBoxLayout()
        chips.setSpacing(6)
        chips.addWidget(self.status_chip)
        chips.addWidget(self.category_chip)
        for badge in self.badge_chips:
            chips.addWidget(badge)
        chips.addStretch(1)

        self.escalation = plain_label(wrap=True)
        self.escalation.setStyleSheet("color: #8a5a00;")
        self.author_line = plain_label(name="ViewHint", wrap=True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(5)
        layout.addLayout(title)
        layout.addLayout(meta)
        layout.addLayout(chips)
        layout.addWidget(self.escalation)
        layout.addWidget(self.author_line)

    def show_detail(self, detail: InboxDetail, clock_text: str) -> None:
        self.heading.setText(checks.one_line(detail.author_name or "Someone"))
        self.handle_label.setText(checks.one_line(detail.author_handle))
        overdue = checks.is_overdue(detail, clock_text)
        clock = clock_text[:1].upper() + clock_text[1:]
        set_chip(self.clock, clock, "alert" if overdue else "info")
        network = network_name(detail.platform)
        self.platform_badge.setPixmap(platform_pixmap(detail.platform, 16))
        self.platform_badge.setToolTip(network)
        self.meta.setText(
            f"{checks.kind_word(detail.kind)} · {checks.one_line(detail.handle, 60)} on {network}"
            f" · {checks.local_time(detail.created_at, detail.timezone)}"
        )
        status_chip = _STATUS_CHIPS.get(detail.status, "plain")
        set_chip(self.status_chip, checks.status_word(detail.status), status_chip)
        category = checks.category_word(detail.category)
        if detail.category != "unsorted" and detail.category_source != "manual":
            category += " (sorted by the rules)"
        negative = checks.is_negative(detail.category)
        set_chip(self.category_chip, category, "alert" if negative else "plain")
        found = checks.badges(detail)
        for number, badge in enumerate(self.badge_chips):
            set_chip(badge, found[number] if number < len(found) else "", "warn")
        note = detail.escalation_note if detail.status == InboxStatus.ESCALATED else ""
        self.escalation.setText(f"Note for the client: {note}" if note else "")
        self.escalation.setVisible(bool(note))
        author = checks.author_summary(detail.author, detail.timezone)
        self.author_line.setText(f"This person: {author}")
