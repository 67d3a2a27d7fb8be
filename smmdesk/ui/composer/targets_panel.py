"""Where a post goes: the client's accounts, each with its live length counter.

Each counter measures the text that account will publish (its own variant,
or the shared text) the way that network counts it, against the limit its
connector declares, so "too long" shows while typing, not after a failed
publish.
"""

from __future__ import annotations

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
from smmdesk.platforms import connector_class
from smmdesk.platforms.base import Capabilities
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

    def set_accounts(self, accounts: list[AccountRow]) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self._rows.clear()
        self._states.clear()
        if not accounts:
            hint = QLabel("This client has no accounts yet: connect one in Client settings.")
            hint.setObjectName("ViewHint")
            self._grid.addWidget(hint, 0, 0)
            return
        for row, account in enumerate(accounts):
            capabilities = connector_class(account.platform).capabilities
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
