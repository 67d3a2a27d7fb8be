"""Typing back the client's decisions from a review pack.

The list shows the client's posts that are not yet published in a range of
days, each with its reference code (P-…) as printed in the review pack; the
"Find" box jumps to a typed code. For the selected post the manager picks
the decision, writes the client's comment, who decided and when (in the
client's time zone), and saves. Every decision is appended to the post's
history, shown below the form; nothing is ever overwritten. A change request
needs a comment, so that the history says what was asked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.clock import local_to_utc, to_local
from smmdesk.core.vocabulary import PostStatus
from smmdesk.reports.review_pack import (
    ReviewItem,
    decision_history,
    parse_reference,
    record_decision,
    review_items,
)
from smmdesk.store.database import Store
from smmdesk.ui.exchange.dialogs import DateRange, load_client, say

__all__ = ["RecordDecisionsDialog"]


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)  # plain text: table items never interpret markup
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item


def _first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "(no text)")
    return line if len(line) <= 90 else line[:89] + "…"


class RecordDecisionsDialog(QDialog):
    """Record approve / change requested per post, with comment, who and when."""

    decisions_changed = Signal(int)  # post id

    def __init__(self, store: Store, client_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.client = load_client(store, client_id)
        self.items: list[ReviewItem] = []
        self.setWindowTitle(f"Review decisions — {self.client.name}")
        self.resize(1080, 660)

        self.range = DateRange(self.client.timezone, days=30, back=7)
        self.range.changed.connect(self.reload)
        self.code_box = QLineEdit()
        self.code_box.setPlaceholderText("P-12")
        self.code_box.setMaximumWidth(110)
        self.code_box.returnPressed.connect(self.find_code)
        find_button = QPushButton("Find")
        find_button.setAutoDefault(False)
        find_button.clicked.connect(self.find_code)
        top = QHBoxLayout()
        top.addWidget(QLabel("Posts from"))
        top.addWidget(self.range, 1)
        top.addWidget(QLabel("Code"))
        top.addWidget(self.code_box)
        top.addWidget(find_button)

        self.posts = QTableWidget(0, 4)
        self.posts.setHorizontalHeaderLabels(["Code", "When", "Status", "Text"])
        self.posts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.posts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.posts.verticalHeader().hide()
        posts_header = self.posts.horizontalHeader()
        posts_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        posts_header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.posts.itemSelectionChanged.connect(self._show_selected)

        self.approve = QRadioButton("Approve")
        self.change = QRadioButton("Change requested")
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.approve)
        self.choice.addButton(self.change)
        choices = QHBoxLayout()
        choices.addWidget(self.approve)
        choices.addWidget(self.change)
        choices.addStretch(1)
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText("What the client asked for, in their words")
        self.comment.setMaximumHeight(90)
        self.decided_by = QLineEdit()
        self.decided_by.setPlaceholderText("The client's name")
        self.decided_on = QDateTimeEdit()
        self.decided_on.setCalendarPopup(True)
        self.decided_on.setDisplayFormat("ddd d MMM yyyy HH:mm")
        self.save_button = QPushButton("Save decision")
        self.save_button.setAutoDefault(False)
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()

        self.form_box = QGroupBox("Decision")
        form = QFormLayout(self.form_box)
        self.post_label = QLabel("Select a post.")
        self.post_label.setTextFormat(Qt.TextFormat.PlainText)
        self.post_label.setWordWrap(True)
        form.addRow("Post", self.post_label)
        form.addRow("Decision", choices)
        form.addRow("Comment", self.comment)
        form.addRow("Decided by", self.decided_by)
        form.addRow(f"Decided on ({self.client.timezone})", self.decided_on)
        form.addRow("", self.save_button)
        form.addRow("", self.message)

        self.history = QTableWidget(0, 5)
        self.history.setHorizontalHeaderLabels(
            ["Decided on", "Decision", "By", "Comment", "Recorded"]
        )
        self.history.verticalHeader().hide()
        history_header = self.history.horizontalHeader()
        history_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        history_header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.history.setWordWrap(True)
        history_box = QGroupBox("History of this post (never changed, only added to)")
        QVBoxLayout(history_box).addWidget(self.history)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.form_box)
        right_layout.addWidget(history_box, 1)
        splitter = QSplitter()
        splitter.addWidget(self.posts)
        splitter.addWidget(right)
        splitter.setSizes([480, 600])

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self._reset_form()
        self.reload()

    # --- list -----------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        if not self.range.valid():
            return
        start, end = self.range.bounds()
        with self.store.session() as session:
            self.items = review_items(session, self.client.id, start, end)
        self.posts.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            self.posts.setItem(row, 0, _item(item.code))
            self.posts.setItem(row, 1, _item(f"{item.local_time:%a %d %b %Y %H:%M}"))
            self.posts.setItem(row, 2, _item(PostStatus(item.status).label))
            self.posts.setItem(row, 3, _item(_first_line(item.body)))
        if keep is not None:
            self.select_post(keep)
        if not self.posts.selectedItems():
            self._show_selected()

    def select_post(self, post_id: int) -> bool:
        for row, item in enumerate(self.items):
            if item.post_id == post_id:
                self.posts.selectRow(row)
                return True
        return False

    def current(self) -> ReviewItem | None:
        rows = self.posts.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def find_code(self) -> None:
        post_id = parse_reference(self.code_box.text())
        if post_id is None:
            say(self.message, "Type a code as printed in the review pack, e.g. P-12.", True)
            return
        if not self.select_post(post_id):
            first, last = self.range.days()
            say(
                self.message,
                f"P-{post_id} is not among this client's unpublished posts from {first} to "
                f"{last}. Widen the days, or check the code.",
                error=True,
            )

    # --- form -------------------------------------------------------------------

    def _reset_form(self) -> None:
        self.choice.setExclusive(False)
        self.approve.setChecked(False)
        self.change.setChecked(False)
        self.choice.setExclusive(True)
        self.comment.clear()
        now = to_local(datetime.now(UTC), self.client.timezone)
        self.decided_on.setDateTime(
            QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute))
        )

    def _show_selected(self) -> None:
        item = self.current()
        self.form_box.setEnabled(item is not None)
        self.history.setRowCount(0)
        if item is None:
            self.post_label.setText("Select a post.")
            return
        self.post_label.setText(
            f"{item.code} · {item.local_time:%a %d %b %Y %H:%M} · "
            f"{PostStatus(item.status).label}\n{_first_line(item.body)}"
        )
        with self.store.session() as session:
            history = decision_history(session, item.post_id)
        self.history.setRowCount(len(history))
        zone_name = self.client.timezone
        for row, entry in enumerate(reversed(history)):  # newest first
            self.history.setItem(
                row, 0, _item(f"{to_local(entry.decided_at, zone_name):%Y-%m-%d %H:%M}")
            )
            self.history.setItem(row, 1, _item(entry.label))
            self.history.setItem(row, 2, _item(entry.decided_by))
            self.history.setItem(row, 3, _item(entry.comment))
            self.history.setItem(
                row, 4, _item(f"{to_local(entry.recorded_at, zone_name):%Y-%m-%d %H:%M}")
            )
        self.history.resizeRowsToContents()

    def _decided_at(self) -> datetime:
        moment = self.decided_on.dateTime()
        day, at = moment.date(), moment.time()
        return local_to_utc(
            date(day.year(), day.month(), day.day()),
            time(at.hour(), at.minute()),
            self.client.timezone,
        )

    def save(self) -> None:
        item = self.current()
        if item is None:
            return
        decision = (
            "approved"
            if self.approve.isChecked()
            else "changes_requested"
            if self.change.isChecked()
            else ""
        )
        comment = self.comment.toPlainText().strip()
        who = self.decided_by.text().strip()
        problems = []
        if not decision:
            problems.append("Choose Approve or Change requested.")
        if decision == "changes_requested" and not comment:
            problems.append("Write what the client asked to change.")
        if not who:
            problems.append("Say who decided.")
        decided_at = self._decided_at()
        if decided_at > datetime.now(UTC) + timedelta(minutes=5):
            problems.append("The decision time is in the future.")
        if problems:
            say(self.message, " ".join(problems), error=True)
            return
        with self.store.transaction() as session:
            record_decision(session, item.post_id, decision, comment, who, decided_at)
        label = "approved" if decision == "approved" else "change requested"
        say(self.message, f"Recorded: {item.code} {label} by {who}.")
        self._reset_form()
        self.reload(keep=item.post_id)
        self._show_selected()
        self.decisions_changed.emit(item.post_id)
