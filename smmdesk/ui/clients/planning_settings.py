"""A client's planning settings: weekday themes, target content mix, content types."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.client_rules import WEEKDAY_NAMES, ClientSettings
from smmdesk.core.vocabulary import ContentType
from smmdesk.core.weekday_themes import DEFAULT_THEMES


class PlanningSettings(QWidget):
    def __init__(self, settings: ClientSettings) -> None:
        super().__init__()
        themes_box = QGroupBox("Weekday themes")
        themes = QFormLayout(themes_box)
        self.theme_edits: list[QLineEdit] = []
        for day, name in enumerate(WEEKDAY_NAMES):
            edit = QLineEdit(settings.weekday_themes.get(day, ""))
            edit.setPlaceholderText(DEFAULT_THEMES.get(day, ""))
            self.theme_edits.append(edit)
            themes.addRow(name, edit)
        use_defaults = QPushButton("Use the usual themes")
        use_defaults.setToolTip("Motivation Monday, Tuesday Tip, Wisdom Wednesday…")
        use_defaults.clicked.connect(self._use_defaults)
        themes.addRow("", use_defaults)

        mix_box = QGroupBox("Target content mix (shares)")
        mix = QGridLayout(mix_box)
        self.mix_spins: dict[str, QSpinBox] = {}
        for n, content_type in enumerate(ContentType):
            spin = QSpinBox()
            spin.setRange(0, 100)
            spin.setSuffix(" %")
            spin.setValue(round(settings.target_mix.get(content_type.value, 0)))
            self.mix_spins[content_type.value] = spin
            mix.addWidget(QLabel(content_type.label), n // 2, (n % 2) * 2)
            mix.addWidget(spin, n // 2, (n % 2) * 2 + 1)
        self.mix_total = QLabel()
        self.mix_total.setObjectName("ViewHint")
        mix.addWidget(self.mix_total, (len(ContentType) + 1) // 2, 0, 1, 4)
        for spin in self.mix_spins.values():
            spin.valueChanged.connect(self._show_total)
        self._show_total()

        types_box = QGroupBox("Content types offered in the composer")
        self.types = QListWidget()  # eleven fixed rows
        offered = set(settings.content_types)
        for content_type in ContentType:
            item = QListWidgetItem(content_type.label)
            item.setData(Qt.ItemDataRole.UserRole, content_type.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = not offered or content_type.value in offered
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.types.addItem(item)
        QVBoxLayout(types_box).addWidget(self.types)

        right = QVBoxLayout()
        right.addWidget(mix_box)
        right.addWidget(types_box)
        layout = QHBoxLayout(self)
        layout.addWidget(themes_box)
        layout.addLayout(right)

    def _use_defaults(self) -> None:
        for day, edit in enumerate(self.theme_edits):
            edit.setText(DEFAULT_THEMES.get(day, ""))

    def _show_total(self) -> None:
        total = sum(spin.value() for spin in self.mix_spins.values())
        self.mix_total.setText(
            "No target set: the calendar then only warns when one type dominates."
            if total == 0
            else f"Total {total} % (shares are compared as proportions)"
        )

    def apply_to(self, settings: ClientSettings) -> None:
        settings.weekday_themes = {
            day: edit.text().strip()
            for day, edit in enumerate(self.theme_edits)
            if edit.text().strip()
        }
        settings.target_mix = {
            value: float(spin.value()) for value, spin in self.mix_spins.items() if spin.value()
        }
        checked = [
            str(self.types.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.types.count())
            if self.types.item(i).checkState() == Qt.CheckState.Checked
        ]
        settings.content_types = () if len(checked) == len(ContentType) else tuple(checked)
