"""A client's competitors: public accounts of other brands to compare growth with.

Analysing competitors is one of the duties the job descriptions name. The
manager adds a network and a public handle; the daily metrics job reads its
public follower count where the network allows it. Where it does not, the
dialog says so when the competitor is added, and the tab shows "not
available" for it rather than a zero. Removing archives the competitor: its
history stays (history is never thinned without the user asking).

Open with ``CompetitorsDialog(reader, store, client_id, parent).exec()``;
``changed`` says whether anything was saved (each action is saved at once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smmdesk.platforms import connector_class, platform_ids
from smmdesk.platforms.base import Connector
from smmdesk.reports.csv_import import network_name
from smmdesk.store.competitors import add_competitor, archive_competitor
from smmdesk.store.queries import StoreReader
from smmdesk.ui.analytics.look import STYLE
from smmdesk.ui.theme import platform_icon

if TYPE_CHECKING:
    from smmdesk.store.database import Store


def reads_public_followers(platform: str) -> bool:
    """Whether the network's connector can read another account's followers."""
    try:
        cls = connector_class(platform)
    except (KeyError, ImportError):
        return False
    return cls.fetch_public_followers is not Connector.fetch_public_followers


class CompetitorsDialog(QDialog):
    def __init__(
        self, reader: StoreReader, store: Store, client_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Competitors")
        self.setStyleSheet(STYLE)
        self.reader, self.store, self.client_id = reader, store, client_id
        self.changed = False
        intro = QLabel(
            "Public accounts of other brands. Their follower counts are read with each "
            "daily sync where the network shows them, and their growth is drawn beside "
            "the client's."
        )
        intro.setObjectName("ViewHint")
        intro.setWordWrap(True)
        self.list_grid = QGridLayout()
        self.list_grid.setHorizontalSpacing(10)
        self.list_box = QWidget()
        self.list_box.setLayout(self.list_grid)

        self.network = QComboBox()
        for platform in platform_ids():
            self.network.addItem(platform_icon(platform), network_name(platform), platform)
        self.network.currentIndexChanged.connect(self._explain_network)
        self.handle = QLineEdit()
        self.handle.setPlaceholderText("public handle, e.g. @brand")
        self.label = QLineEdit()
        self.label.setPlaceholderText("name (optional)")
        self.add_button = QPushButton("Add")
        self.add_button.setProperty("primary", True)
        self.add_button.clicked.connect(self.add)
        self.handle.returnPressed.connect(self.add)
        add_row = QHBoxLayout()
        add_row.addWidget(self.network)
        add_row.addWidget(self.handle, 2)
        add_row.addWidget(self.label, 1)
        add_row.addWidget(self.add_button)
        self.note = QLabel()
        self.note.setObjectName("ViewHint")
        self.note.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("ErrorText")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list_box)
        layout.addWidget(QLabel("Add a competitor"))
        layout.addLayout(add_row)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._fill()
        self._explain_network()
        self.resize(680, self.sizeHint().height())

    def rows(self) -> list[tuple[int, str, str, str]]:
        """(id, platform, handle, label) of the client's tracked competitors."""
        return [
            (int(r[0]), str(r[1]), str(r[2]), str(r[3] or ""))
            for r in self.reader.db.execute(
                "SELECT id, platform, handle, label FROM competitors WHERE client_id = ? "
                "AND archived_at IS NULL ORDER BY lower(coalesce(nullif(label, ''), handle))",
                (self.client_id,),
            )
        ]

    def _fill(self) -> None:
        while self.list_grid.count():
            item = self.list_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        rows = self.rows()
        if not rows:
            empty = QLabel("No competitors yet.")
            empty.setObjectName("ViewHint")
            self.list_grid.addWidget(empty, 0, 0)
        for n, (cid, platform, handle, label) in enumerate(rows):
            icon = QLabel()
            icon.setPixmap(platform_icon(platform).pixmap(16, 16))
            name = QLabel(f"{label or handle}  ·  {handle}  ({network_name(platform)})")
            name.setTextFormat(Qt.TextFormat.PlainText)
            followers = self._latest(cid)
            count = QLabel(
                "followers not available" if followers is None else f"{followers:,} followers"
            )
            count.setObjectName("ViewHint")
            remove = QPushButton("Remove")
            remove.setToolTip("Stop tracking it (what was measured is kept)")
            remove.clicked.connect(lambda _c=False, i=cid: self.remove(i))
            self.list_grid.addWidget(icon, n, 0)
            self.list_grid.addWidget(name, n, 1)
            self.list_grid.addWidget(count, n, 2)
            self.list_grid.addWidget(remove, n, 3)
        self.list_grid.setColumnStretch(1, 1)

    def _latest(self, competitor_id: int) -> int | None:
        row = self.reader.db.execute(
            "SELECT followers FROM competitor_metrics WHERE competitor_id = ? "
            "AND followers IS NOT NULL ORDER BY measured_at DESC LIMIT 1",
            (competitor_id,),
        ).fetchone()
        return None if row is None else int(row[0])

    def _explain_network(self) -> None:
        platform = str(self.network.currentData())
        if reads_public_followers(platform):
            self.note.setText(
                f"{network_name(platform)} shows public follower counts: "
                "they are read at the next sync."
            )
        else:
            self.note.setText(
                f"{network_name(platform)} does not show other accounts' followers to the "
                "app: the competitor is listed, its growth reads “not available”."
            )

    def add(self) -> None:
        handle = self.handle.text().strip()
        if not handle:
            self.error.setText("Give the competitor's public handle.")
            self.error.show()
            self.handle.setFocus()
            return
        try:
            with self.store.transaction() as session:
                add_competitor(
                    session,
                    self.client_id,
                    str(self.network.currentData()),
                    handle,
                    self.label.text(),
                )
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.error.hide()
        self.handle.clear()
        self.label.clear()
        self.changed = True
        self._fill()

    def remove(self, competitor_id: int) -> None:
        with self.store.transaction() as session:
            archive_competitor(session, competitor_id)
        self.changed = True
        self._fill()
