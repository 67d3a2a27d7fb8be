"""A contest on a post: its rules, and a winner draw anyone can check.

SMM-PRACTICE rule 5: contests must follow the platform's rules and the law.
The rules text is kept with the post (saved as it is typed); the draw picks
winners at random from the post's commenters, optionally only comments with a
keyword, one entry per person, entries up to a closing time, and never the
brand's own accounts. Each draw is recorded with its seed and its entrants,
so "Repeat this draw" re-runs it from what was stored and shows that the same
winners come out; "Copy results" gives the summary to publish.

Comments and names come from the network and are shown as plain text.

Open it with ``ContestDialog(store, reader, post_id, parent).exec()``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from PySide6.QtCore import QDateTime, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.clock import local_to_utc, to_local
from smmdesk.core.contest_draw import Entrant, draw, eligible, new_seed
from smmdesk.store.contests import (
    ContestPost,
    StoredDraw,
    contest_post,
    list_draws,
    post_entries,
    record_draw,
    repeat_draw,
    set_contest_rules,
)
from smmdesk.store.database import Store
from smmdesk.store.inbox_queries import own_author_ids
from smmdesk.store.queries import StoreReader
from smmdesk.ui.exchange.dialogs import say
from smmdesk.ui.inbox.leaders_dialog import TextTableModel, table_view
from smmdesk.ui.inbox.reply_checks import one_line

__all__ = ["ContestDialog", "results_text"]

MAX_WINNERS = 100
_RULES_SAVE_DELAY_MS = 700


def _when(moment: datetime, zone_name: str) -> str:
    return f"{to_local(moment, zone_name):%d %b %Y %H:%M}"


def _people(count: int) -> str:
    return "1 entrant" if count == 1 else f"{count} entrants"


def _entry_terms(stored: StoredDraw, zone_name: str) -> str:
    terms = [f"comments containing “{stored.keyword}”" if stored.keyword else "every comment"]
    terms.append("one entry per person" if stored.one_per_person else "every comment an entry")
    if stored.closes_at is not None:
        terms.append(f"entries until {_when(stored.closes_at, zone_name)} ({zone_name})")
    terms.append("the brand's own accounts excluded")
    return ", ".join(terms)


def results_text(post: ContestPost, stored: StoredDraw) -> str:
    """The plain-text summary of a draw, to publish or send to the client."""
    zone_name = post.timezone
    lines = [
        f"Contest draw — {post.client_name}",
        f"Post: {one_line(post.body, 100) or '(no text)'}",
        f"Drawn: {_when(stored.drawn_at, zone_name)} ({zone_name})",
        "",
        "Rules:",
        stored.rules.strip() or "(no rules text was kept with the post)",
        "",
        f"Entries: {_entry_terms(stored, zone_name)}.",
        f"Entrants: {len(stored.entrants)}",
        f"Seed: {stored.seed}",
        "",
        "Winners:",
    ]
    for number, winner in enumerate(stored.winners, start=1):
        lines.append(f"{number}. {one_line(winner.author_name or winner.author_id, 80)}")
    lines += [
        "",
        "The same entrants drawn again with this seed give the same winners.",
    ]
    return "\n".join(lines) + "\n"


class ContestDialog(QDialog):
    """Rules, draw settings, live entrant count, the draws and their winners."""

    def __init__(
        self, store: Store, reader: StoreReader, post_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.reader = reader
        self.post = contest_post(reader.db, post_id)
        self.zone_name = self.post.timezone
        self.own_ids = own_author_ids(reader.db, self.post.client_id)
        self.comments: list[Entrant] = []
        self.entrants: list[Entrant] = []
        self.draws: list[StoredDraw] = []
        self.setWindowTitle(f"Contest draw — {self.post.client_name}")
        self.resize(1060, 700)

        self.post_text = QPlainTextEdit(self.post.body)
        self.post_text.setReadOnly(True)
        self.post_text.setMaximumHeight(140)
        self.rules = QPlainTextEdit(self.post.rules)
        self.rules.setPlaceholderText(
            "Who may enter, how, until when, the prize, how winners are drawn and told, "
            "and that the platform does not sponsor the contest."
        )
        self.rules_state = QLabel("Kept with the post, saved as you type.")
        self.rules_state.setObjectName("ViewHint")
        self._rules_timer = QTimer(self)
        self._rules_timer.setSingleShot(True)
        self._rules_timer.setInterval(_RULES_SAVE_DELAY_MS)
        self._rules_timer.timeout.connect(self.save_rules)
        self.rules.textChanged.connect(self._rules_timer.start)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Post"))
        left_layout.addWidget(self.post_text)
        left_layout.addWidget(QLabel("Contest rules"))
        left_layout.addWidget(self.rules, 1)
        left_layout.addWidget(self.rules_state)

        self.keyword = QLineEdit()
        self.keyword.setPlaceholderText("Empty: every comment enters")
        self.winners = QSpinBox()
        self.winners.setRange(1, MAX_WINNERS)
        self.winners.setMaximumWidth(110)
        self.one_per_person = QCheckBox("One entry per person")
        self.one_per_person.setChecked(True)
        self.use_closing = QCheckBox("Entries close at")
        self.closes_at = QDateTimeEdit()
        self.closes_at.setCalendarPopup(True)
        self.closes_at.setDisplayFormat("ddd d MMM yyyy HH:mm")
        now = to_local(datetime.now(UTC), self.zone_name).replace(second=0, microsecond=0)
        self.closes_at.setDateTime(QDateTime(now.year, now.month, now.day, now.hour, now.minute, 0))
        self.closes_at.setEnabled(False)
        closing = QHBoxLayout()
        closing.addWidget(self.use_closing)
        closing.addWidget(self.closes_at, 1)
        closing.addWidget(QLabel(self.zone_name))
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.draw_button = QPushButton("Draw")
        self.draw_button.setProperty("primary", True)
        self.draw_button.setAutoDefault(False)
        self.draw_button.clicked.connect(self.confirm_and_draw)
        settings = QGroupBox("Draw")
        form = QFormLayout(settings)
        form.addRow("Keyword", self.keyword)
        form.addRow("Winners", self.winners)
        form.addRow("", self.one_per_person)
        form.addRow("", closing)
        form.addRow("Entrants", self.count)
        draw_row = QHBoxLayout()
        draw_row.addStretch(1)
        draw_row.addWidget(self.draw_button)
        form.addRow("", draw_row)

        self.draws_model = TextTableModel(
            ("Drawn at", "Keyword", "Entrants", "Winners", "Seed"), numeric=(2, 3), parent=self
        )
        self.draws_table = table_view(self.draws_model, stretch=4)
        self.draws_table.selectionModel().currentRowChanged.connect(self._show_draw)
        self.winners_model = TextTableModel(("#", "Winner", "Their entry", "Written"), parent=self)
        self.winners_table = table_view(self.winners_model, stretch=2)
        self.repeat_button = QPushButton("Repeat this draw")
        self.repeat_button.setAutoDefault(False)
        self.repeat_button.clicked.connect(self.repeat_selected)
        self.copy_button = QPushButton("Copy results")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_results)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        draw_buttons = QHBoxLayout()
        draw_buttons.addWidget(self.repeat_button)
        draw_buttons.addWidget(self.copy_button)
        draw_buttons.addStretch(1)
        history = QGroupBox("Draws of this post (each kept with its seed and entrants)")
        history_layout = QVBoxLayout(history)
        history_layout.addWidget(self.draws_table, 2)
        history_layout.addWidget(QLabel("Winners of the selected draw"))
        history_layout.addWidget(self.winners_table, 3)
        history_layout.addLayout(draw_buttons)
        history_layout.addWidget(self.message)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(settings)
        right_layout.addWidget(history, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([400, 660])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        self.keyword.textChanged.connect(self.refresh_entrants)
        self.one_per_person.toggled.connect(self.refresh_entrants)
        self.use_closing.toggled.connect(self.closes_at.setEnabled)
        self.use_closing.toggled.connect(self.refresh_entrants)
        self.closes_at.dateTimeChanged.connect(self.refresh_entrants)
        self.winners.valueChanged.connect(self.refresh_entrants)
        self.comments = post_entries(reader.db, self.post.post_id)
        self.refresh_entrants()
        self.reload_draws()
        self.keyword.setFocus()

    # --- rules ----------------------------------------------------------------

    def save_rules(self) -> bool:
        self._rules_timer.stop()
        text = self.rules.toPlainText()
        try:
            with self.store.transaction() as session:
                set_contest_rules(session, self.post.post_id, text)
        except LookupError as exc:
            self.rules_state.setText(f"Not saved: {exc} Copy the rules to keep them.")
            return False
        self.post = self._with_rules(text)
        self.rules_state.setText("Rules saved with the post.")
        return True

    def _with_rules(self, text: str) -> ContestPost:
        p = self.post
        return ContestPost(p.post_id, p.client_id, p.client_name, p.timezone, p.body, text)

    # --- entrants -------------------------------------------------------------

    def closing_time(self) -> datetime | None:
        if not self.use_closing.isChecked():
            return None
        day, at = self.closes_at.date(), self.closes_at.time()
        return local_to_utc(
            date(day.year(), day.month(), day.day()), time(at.hour(), at.minute()), self.zone_name
        )

    def refresh_entrants(self) -> None:
        self.entrants = eligible(
            self.comments,
            self.keyword.text().strip(),
            self.one_per_person.isChecked(),
            self.own_ids,
            self.closing_time(),
        )
        own = sum(1 for c in self.comments if c.author_id in self.own_ids)
        parts = [f"{len(self.entrants)} of {len(self.comments)} comments enter"]
        keyword = self.keyword.text().strip()
        if keyword and not self.entrants:
            parts.append(f"no comment has the word “{one_line(keyword, 40)}”")
        if own:
            parts.append(f"{own} from the brand's own accounts left out")
        if not self.comments:
            parts = [
                "No comments on this post in the inbox yet: it is not published, "
                "or its comments have not been fetched."
            ]
        self.count.setText("; ".join(parts) + ".")
        self.draw_button.setEnabled(len(self.entrants) >= 1)

    # --- drawing --------------------------------------------------------------

    def confirm_and_draw(self) -> None:
        wanted = self.winners.value()
        answer = QMessageBox.question(
            self,
            "Draw the winners",
            f"Draw {wanted} winner{'s' if wanted > 1 else ''} from {len(self.entrants)} "
            "entrants now? The draw is recorded with its seed and entrants and cannot be undone.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.draw_now()

    def draw_now(self) -> int | None:
        """Draw and record; the new draw's id, or None with a message saying why not."""
        wanted = self.winners.value()
        if not self.entrants:
            say(self.message, "Nobody enters with these settings: nothing to draw.", error=True)
            return None
        if wanted > len(self.entrants):
            say(
                self.message,
                f"Only {_people(len(self.entrants))} for {wanted} winners: "
                "lower the number of winners.",
                error=True,
            )
            return None
        if not self.save_rules():
            return None
        seed = new_seed()
        winners = draw(self.entrants, wanted, seed)
        with self.store.transaction() as session:
            draw_id = record_draw(
                session,
                self.post.post_id,
                self.keyword.text().strip(),
                wanted,
                self.one_per_person.isChecked(),
                self.closing_time(),
                seed,
                self.entrants,
                winners,
                self.post.rules,
            )
        self.reload_draws()
        say(self.message, f"Drawn and recorded: {len(winners)} of {len(self.entrants)} entrants.")
        return draw_id

    def reload_draws(self) -> None:
        self.draws = list_draws(self.reader.db, self.post.post_id)
        self.draws_model.set_rows(
            [
                (
                    _when(d.drawn_at, self.zone_name),
                    one_line(d.keyword, 40) or "—",
                    str(len(d.entrants)),
                    str(len(d.winners)),
                    d.seed,
                )
                for d in self.draws
            ]
        )
        if self.draws:
            self.draws_table.selectRow(0)
        self._show_draw()

    def selected_draw(self) -> StoredDraw | None:
        row = self.draws_table.currentIndex().row()
        return self.draws[row] if 0 <= row < len(self.draws) else None

    def _show_draw(self) -> None:
        stored = self.selected_draw()
        winners = stored.winners if stored else []
        self.winners_model.set_rows(
            [
                (
                    str(n),
                    one_line(w.author_name or w.author_id, 60),
                    one_line(w.text, 200),
                    _when(w.created_at, self.zone_name),
                )
                for n, w in enumerate(winners, start=1)
            ]
        )
        self.repeat_button.setEnabled(stored is not None)
        self.copy_button.setEnabled(stored is not None)

    def repeat_selected(self) -> bool | None:
        """Re-run the selected draw from its stored seed and entrants; True when it matches."""
        stored = self.selected_draw()
        if stored is None:
            return None
        again = repeat_draw(stored)
        same = [w.item_id for w in again] == [w.item_id for w in stored.winners]
        if same:
            say(
                self.message,
                f"Repeated from seed {stored.seed} and the {len(stored.entrants)} stored "
                "entrants: the same winners, in the same order.",
            )
        else:
            say(
                self.message,
                "Repeating this draw gives different winners than were recorded. "
                "Keep the recorded result and report this as a bug.",
                error=True,
            )
        return same

    def copy_results(self) -> None:
        stored = self.selected_draw()
        if stored is None:
            return
        QGuiApplication.clipboard().setText(results_text(self.post, stored))
        say(self.message, "The results are on the clipboard as plain text.")

    def done(self, result: int) -> None:
        if self._rules_timer.isActive():
            self.save_rules()
        super().done(result)
