"""Posts that need the user: failed for good, or missed while the app was closed.

Opens by itself at start when posts were missed (a closed laptop must not
fire Friday's post on Monday without asking), and from the status bar's
"posts need attention" or the Publishing menu. Every row has the decisions
that make sense for it; nothing here deletes a post.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.vocabulary import TargetStatus
from smmdesk.store.database import Store
from smmdesk.sync.missed_posts import (
    AttentionRow,
    attention_rows,
    publish_missed_now,
    unschedule_missed,
)
from smmdesk.sync.publish_outcomes import mark_published_by_user, retry_target

COLUMNS = ("Client", "Account", "Was due", "Problem", "Text")


class AttentionDialog(QDialog):
    open_post = Signal(int)
    changed = Signal()

    def __init__(self, store: Store, coordinator, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.store, self.coordinator = store, coordinator
        self.setWindowTitle("Posts that need you")
        self.resize(900, 420)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self._open())
        self.publish_now = QPushButton("Publish now")
        self.publish_now.clicked.connect(self._publish_now)
        self.retry = QPushButton("Retry")
        self.retry.clicked.connect(self._retry)
        self.draft = QPushButton("Keep as draft")
        self.draft.setToolTip("Take it off the schedule; nothing is lost")
        self.draft.clicked.connect(self._keep_as_draft)
        self.mark = QPushButton("It is published")
        self.mark.setToolTip("You found it on the network: record it and never send it again")
        self.mark.clicked.connect(self._mark_published)
        self.open_button = QPushButton("Open post…")
        self.open_button.clicked.connect(self._open)
        actions = QHBoxLayout()
        for button in (self.publish_now, self.retry, self.draft, self.mark, self.open_button):
            actions.addWidget(button)
        actions.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(close)
        self.rows: list[AttentionRow] = []
        self.reload()

    def reload(self) -> None:
        with self.store.session() as session:
            self.rows = attention_rows(session)
        missed = sum(r.status == TargetStatus.MISSED for r in self.rows)
        failed = len(self.rows) - missed
        parts = []
        if missed:
            parts.append(
                f"{missed} post{'s' if missed != 1 else ''} fell due while SMM Desk was not "
                "running and are later than the client's grace period: publish now, move, "
                "or keep as draft."
            )
        if failed:
            parts.append(f"{failed} failed and will not be retried without you.")
        self.intro.setText(" ".join(parts) or "Nothing needs you: every post went out.")
        self.table.setRowCount(len(self.rows))
        for row, item in enumerate(self.rows):
            when = item.scheduled_at.astimezone() if item.scheduled_at else None
            values = (
                item.client_name,
                item.account_handle,
                f"{when:%a %d %b %H:%M}" if when else "",
                item.problem,
                " ".join(item.text.split())[:120],
            )
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        if self.rows:
            self.table.selectRow(0)
        self._update_buttons()

    def _selected(self) -> list[AttentionRow]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [self.rows[r] for r in rows if r < len(self.rows)]

    def _update_buttons(self) -> None:
        chosen = self._selected()
        missed = any(r.status == TargetStatus.MISSED for r in chosen)
        failed = any(r.status == TargetStatus.FAILED for r in chosen)
        self.publish_now.setEnabled(missed)
        self.draft.setEnabled(bool(chosen))
        self.retry.setEnabled(failed)
        self.mark.setEnabled(bool(chosen))
        self.open_button.setEnabled(len(chosen) == 1)

    def _apply(self, action) -> None:  # type: ignore[no-untyped-def]
        chosen = self._selected()
        if not chosen:
            return
        with self.store.transaction() as session:
            for row in chosen:
                action(session, row)
        self.changed.emit()
        if self.coordinator is not None:
            self.coordinator.publish_due()
        self.reload()

    def _publish_now(self) -> None:
        now = datetime.now(UTC)
        self._apply(
            lambda session, row: (
                publish_missed_now(session, row.post_id, now)
                if row.status == TargetStatus.MISSED
                else None
            )
        )

    def _retry(self) -> None:
        self._apply(
            lambda session, row: (
                retry_target(session, row.target_id, checked_by_user=True)
                if row.status == TargetStatus.FAILED
                else None
            )
        )

    def _keep_as_draft(self) -> None:
        self._apply(lambda session, row: unschedule_missed(session, row.post_id))

    def _mark_published(self) -> None:
        self._apply(lambda session, row: mark_published_by_user(session, row.target_id))

    def _open(self) -> None:
        chosen = self._selected()
        if len(chosen) == 1:
            self.open_post.emit(chosen[0].post_id)
