"""Where a post goes: the client's accounts, each with its live length counter.

Each counter measures the text that account will publish (its own variant,
or the shared text) the way that network counts it, against the limit its
connector declares, so "too long" shows while typing, not after a failed
publish.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QToolButton,
    QWidget,
)

from smmdesk.core.text_length import LengthCheck, check_length
from smmdesk.core.vocabulary import TargetStatus
from smmdesk.platforms import connector_class
from smmdesk.platforms.base import Capabilities, ConnectorConfig
from smmdesk.store.posts import TargetOutcome
from smmdesk.store.queries import AccountRow
from smmdesk.ui.theme import platform_icon


@dataclass(frozen=True)
class TargetState:
    account: AccountRow
    capabilities: Capabilities


def length_check(text: str, capabilities: Capabilities, images: int) -> LengthCheck:
    limit = capabilities.max_text_length
    if images and capabilities.max_text_length_with_media:
        limit = capabilities.max_text_length_with_media
    return check_length(
        text,
        str(capabilities.text_counting),
        limit,
        capabilities.url_length,
        capabilities.max_text_bytes,
    )


def account_capabilities(account: AccountRow) -> Capabilities:
    """The account's own limits (a Mastodon instance's), read from its stored settings."""
    cls = connector_class(account.platform)
    try:
        settings = json.loads(account.settings_json or "{}")
    except ValueError:
        return cls.capabilities
    if not isinstance(settings, dict) or not settings:
        return cls.capabilities
    options = {str(k): str(v) for k, v in settings.items()}
    try:
        return cls(ConnectorConfig(secret={}, options=options)).account_capabilities()
    except Exception:  # a connector must never break the composer over odd settings
        return cls.capabilities


def describe_outcome(outcome: TargetOutcome) -> str:
    """A target's state in words; empty for a plain pending target."""
    status = TargetStatus(outcome.status)
    if status == TargetStatus.PENDING:
        return outcome.error  # e.g. "Waiting for the network."
    words = status.label
    if status == TargetStatus.SENDING:
        words = "Sending (checking with the network before any retry)"
    return f"{words}: {outcome.error}" if outcome.error else words


class TargetsPanel(QWidget):
    """Checkboxes for the accounts, a counter each, and an "own text" toggle."""

    changed = Signal()  # selection changed
    variant_toggled = Signal(int, bool)  # account id, wants its own text

    def __init__(self) -> None:
        super().__init__()
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(10)
        self._rows: dict[int, tuple[QCheckBox, QLabel, QToolButton]] = {}
        self._states: dict[int, TargetState] = {}
        self._handoff: dict[int, QCheckBox] = {}
        self._outcome: dict[int, QLabel] = {}

    def set_accounts(self, accounts: list[AccountRow]) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self._rows.clear()
        self._states.clear()
        self._handoff.clear()
        self._outcome.clear()
        if not accounts:
            hint = QLabel("This client has no accounts yet: connect one in Client settings.")
            hint.setObjectName("ViewHint")
            self._grid.addWidget(hint, 0, 0)
            return
        for row, account in enumerate(accounts):
            capabilities = account_capabilities(account)
            self._states[account.id] = TargetState(account, capabilities)
            box = QCheckBox(f"{account.display_name or account.handle}  {account.handle}")
            box.setIcon(platform_icon(account.platform))
            box.toggled.connect(lambda _on: self.changed.emit())
            counter = QLabel()
            counter.setTextFormat(Qt.TextFormat.PlainText)
            counter.setMinimumWidth(120)
            own = QToolButton()
            own.setText("Own text")
            own.setCheckable(True)
            own.setToolTip("Write a separate version of the text for this account")
            own.toggled.connect(lambda on, a=account.id: self.variant_toggled.emit(a, on))
            self._grid.addWidget(box, row, 0)
            self._grid.addWidget(counter, row, 1)
            self._grid.addWidget(own, row, 2)
            self._rows[account.id] = (box, counter, own)
            if capabilities.native_scheduling:
                network = connector_class(account.platform).display_name
                handoff = QCheckBox(f"{network} publishes it")
                handoff.setToolTip(
                    f"Hand the post to {network}'s own scheduler: it goes out at its time "
                    "even when this laptop is off. Edits made here follow it there."
                )
                handoff.toggled.connect(lambda _on: self.changed.emit())
                self._grid.addWidget(handoff, row, 3)
                self._handoff[account.id] = handoff
            outcome = QLabel()
            outcome.setTextFormat(Qt.TextFormat.PlainText)
            outcome.setWordWrap(True)
            outcome.hide()
            self._grid.addWidget(outcome, row, 4)
            self._outcome[account.id] = outcome
        self._grid.setColumnStretch(0, 1)

    def selected(self) -> list[int]:
        return [a for a, (box, _, _) in self._rows.items() if box.isChecked()]

    def select(self, account_ids: set[int], variants: set[int]) -> None:
        for account_id, (box, _, own) in self._rows.items():
            box.blockSignals(True)
            own.blockSignals(True)
            box.setChecked(account_id in account_ids)
            own.setChecked(account_id in variants)
            own.blockSignals(False)
            box.blockSignals(False)

    def handoff(self) -> set[int]:
        return {a for a, box in self._handoff.items() if box.isChecked()}

    def set_handoff(self, account_ids: set[int]) -> None:
        for account_id, box in self._handoff.items():
            box.blockSignals(True)
            box.setChecked(account_id in account_ids)
            box.blockSignals(False)

    def show_outcomes(self, outcomes: dict[int, TargetOutcome]) -> None:
        """Say per account where the post stands: published, failed and why, on the network."""
        for account_id, label in self._outcome.items():
            outcome = outcomes.get(account_id)
            text = describe_outcome(outcome) if outcome is not None else ""
            label.setText(text)
            label.setObjectName("ErrorText" if outcome and outcome.status == "failed" else "")
            label.setStyleSheet("")
            label.setVisible(bool(text))

    def state(self, account_id: int) -> TargetState | None:
        return self._states.get(account_id)

    def update_counters(self, texts: dict[int, str], images: int) -> list[str]:
        """Refresh each counter; returns the problems to show (too long, too many images)."""
        problems = []
        for account_id, (box, counter, _) in self._rows.items():
            state = self._states[account_id]
            check = length_check(texts.get(account_id, ""), state.capabilities, images)
            counter.setText(f"{check.count} / {check.limit}")
            too_many = images > state.capabilities.max_images
            bad = box.isChecked() and (check.over or too_many)
            counter.setStyleSheet("color: #b3261e; font-weight: 600;" if check.over else "")
            if bad and check.over:
                problems.append(
                    f"{state.account.handle}: {check.count} characters as "
                    f"{state.account.platform.capitalize()} counts them; "
                    f"the limit is {check.limit}."
                )
            if bad and too_many:
                problems.append(
                    f"{state.account.handle}: {images} images, at most "
                    f"{state.capabilities.max_images}."
                )
        return problems
