"""Editing how a client's inbox is sorted, and the words its replies avoid.

SMM-PRACTICE rule 4: classify every comment and route it. The classifier's
patterns live per language and category; this dialog shows them one a line,
says what is wrong with a line as it is typed (a problem blocks saving, and
nothing typed is lost), and has a "Try it" box: paste a comment and see its
category and the pattern that decided, by the rules as they stand in the
editor. The flagged words of the tone check (rule 3) are edited here too.

Saving stores the rules (only the languages that differ from the shipped
defaults) and then sorts the client's items again on a worker thread, each
chunk in its own transaction; the manager's own corrections are never
touched. The dialog ends Accepted once something was saved, so the Inbox
reloads.

Open it with ``TriageRulesDialog(store, reader, client_id, parent).exec()``.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.triage import (
    CATEGORIES,
    LANGUAGE_NAMES,
    LANGUAGES,
    PATTERN_HELP,
    Classifier,
    parse_patterns,
    patterns_text,
)
from smmdesk.core.triage_defaults import DEFAULT_RULES
from smmdesk.store.database import Store
from smmdesk.store.queries import StoreReader
from smmdesk.store.triage_settings import (
    is_default,
    load_triage_settings,
    reclassify_in_steps,
    save_triage_settings,
)
from smmdesk.ui.exchange.dialogs import say
from smmdesk.ui.inbox.leaders_dialog import client_name_zone
from smmdesk.ui.inbox.reply_checks import category_word, one_line

log = logging.getLogger(__name__)

__all__ = ["TriageRulesDialog"]

SYNTAX = (
    "One pattern per line: a word or phrase matches whole words in any case; refund* matches "
    "any ending; /…/ is a regular expression. Spam is tried first, then complaints, questions, "
    "praise."
)
_CHECK_DELAY_MS = 250


class _Relay(QObject):
    """Carries the worker's outcome to the GUI thread (queued: it lives there)."""

    moved = Signal(int)
    failed = Signal(str)


class _LanguagePage(QWidget):
    """One language: an editor and its problems per category, and a reset button."""

    def __init__(self, language: str, rules: dict[str, tuple[str, ...]]) -> None:
        super().__init__()
        self.language = language
        self.editors: dict[str, QPlainTextEdit] = {}
        self.problem_labels: dict[str, QLabel] = {}
        grid = QGridLayout()
        for number, category in enumerate(CATEGORIES):
            editor = QPlainTextEdit(patterns_text(rules.get(category, ())))
            editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            problems = QLabel()
            problems.setObjectName("ErrorText")
            problems.setWordWrap(True)
            problems.setTextFormat(Qt.TextFormat.PlainText)
            problems.hide()
            box = QVBoxLayout()
            box.addWidget(QLabel(category_word(category)))
            box.addWidget(editor, 1)
            box.addWidget(problems)
            grid.addLayout(box, number // 2, number % 2)
            self.editors[category] = editor
            self.problem_labels[category] = problems
        self.state = QLabel()
        self.state.setObjectName("ViewHint")
        self.reset_button = QPushButton(f"Reset {LANGUAGE_NAMES[language]} to defaults")
        self.reset_button.setAutoDefault(False)
        self.reset_button.clicked.connect(self.reset)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        bottom.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addLayout(bottom)

    def reset(self) -> None:
        for category, editor in self.editors.items():
            editor.setPlainText(patterns_text(DEFAULT_RULES[self.language].get(category, ())))

    def check(self) -> tuple[dict[str, list[str]], int]:
        """The valid patterns per category, and the number of problems shown."""
        valid: dict[str, list[str]] = {}
        count = 0
        for category, editor in self.editors.items():
            patterns, problems = parse_patterns(editor.toPlainText())
            valid[category] = patterns
            label = self.problem_labels[category]
            label.setText("\n".join(problems))
            label.setVisible(bool(problems))
            count += len(problems)
        default = not count and is_default(self.language, valid)
        if count:
            self.state.setText("Changed: fix the lines marked in red.")
        else:
            self.state.setText("The shipped defaults." if default else "Changed for this client.")
        self.reset_button.setEnabled(not default)
        return valid, count


class TriageRulesDialog(QDialog):
    """Per-language pattern lists, a live "Try it" box, and the flagged words."""

    def __init__(
        self, store: Store, reader: StoreReader, client_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.client_id = client_id
        self.client_name = client_name_zone(reader.db, client_id)[0]
        settings = load_triage_settings(reader.db, client_id)
        self.saved_once = False
        self.busy = False
        self.problem_count = 0
        self.page_problems: dict[str, int] = {}
        self.resort_pending = False  # a re-sort failed: the next save retries it
        self.rules: dict[str, dict[str, list[str]]] = {}
        self.classifier = Classifier()
        self.relay = _Relay(self)
        self.relay.moved.connect(self._resorted)
        self.relay.failed.connect(self._resort_failed)
        self.setWindowTitle(f"Classification rules — {self.client_name}")
        self.resize(1120, 760)

        syntax = QLabel(SYNTAX)
        syntax.setObjectName("ViewHint")
        syntax.setWordWrap(True)
        syntax.setTextFormat(Qt.TextFormat.PlainText)
        syntax.setToolTip(PATTERN_HELP)
        self.tabs = QTabWidget()
        self.pages: dict[str, _LanguagePage] = {}
        for language in LANGUAGES:
            page = _LanguagePage(language, settings.rules[language])
            for editor in page.editors.values():
                editor.textChanged.connect(self._schedule_check)
            self.pages[language] = page
            self.tabs.addTab(page, LANGUAGE_NAMES[language])

        self.sample = QPlainTextEdit()
        self.sample.setPlaceholderText("Paste a comment to see how it is sorted.")
        self.sample.textChanged.connect(self.try_it)
        self.sample.setMaximumHeight(150)
        self.verdict = QLabel("")
        font = self.verdict.font()
        font.setBold(True)
        self.verdict.setFont(font)
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        try_box = QGroupBox("Try it")
        try_layout = QVBoxLayout(try_box)
        try_layout.addWidget(self.sample)
        try_layout.addWidget(self.verdict)
        try_layout.addStretch(1)
        self.flagged = QPlainTextEdit(settings.flagged_words)
        self.flagged.setPlaceholderText("cheap\nyour fault\ncalm down")
        flagged_box = QGroupBox("Flagged words")
        flagged_layout = QVBoxLayout(flagged_box)
        flagged_hint = QLabel(
            "Words a reply to a complaint should not use; the tone check asks before such a "
            "reply is sent. One a line, or separated by commas."
        )
        flagged_hint.setObjectName("ViewHint")
        flagged_hint.setWordWrap(True)
        flagged_layout.addWidget(flagged_hint)
        flagged_layout.addWidget(self.flagged, 1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(try_box)
        side_layout.addWidget(flagged_box, 1)
        splitter = QSplitter()
        splitter.addWidget(self.tabs)
        splitter.addWidget(side)
        splitter.setSizes([780, 340])

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        self.save_button = buttons.addButton("Save", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setProperty("primary", True)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(syntax)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(_CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check)
        self.check()

    # --- checking -------------------------------------------------------------

    def _schedule_check(self) -> None:
        self._check_timer.start()

    def check(self) -> int:
        """Parse every editor; show problems, rebuild the "Try it" classifier; the problem count."""
        self._check_timer.stop()
        total = 0
        for language, page in self.pages.items():
            valid, count = page.check()
            self.rules[language] = valid
            self.page_problems[language] = count
            total += count
            name = LANGUAGE_NAMES[language]
            self.tabs.setTabText(self.tabs.indexOf(page), f"{name} ⚠" if count else name)
        self.problem_count = total
        self.classifier = Classifier(self.rules)
        self.try_it()
        return total

    def try_it(self) -> None:
        text = self.sample.toPlainText()
        if not text.strip():
            self.verdict.setText("")
            return
        found = self.classifier.classify(text)
        language = LANGUAGE_NAMES.get(found.language, found.language)
        if found.matched:
            self.verdict.setText(
                f"{category_word(found.category)} — read as {language}; "
                f"the pattern that decided: {one_line(found.matched, 80)}"
            )
        else:
            self.verdict.setText(f"Other — read as {language}; no pattern matches.")

    # --- saving ---------------------------------------------------------------

    def save(self) -> bool:
        """Store rules and words; start re-sorting if the rules changed. False if refused."""
        if self.busy:
            return False
        if self.check():
            first = next(lang for lang in LANGUAGES if self.page_problems[lang])
            self.tabs.setCurrentWidget(self.pages[first])
            say(
                self.message,
                f"Fix the {self._problems()} marked in red first; nothing was saved "
                "and nothing you typed is lost.",
                error=True,
            )
            return False
        with self.store.transaction() as session:
            changed = save_triage_settings(
                session, self.client_id, self.rules, self.flagged.toPlainText()
            )
        self.saved_once = True
        if not changed and not self.resort_pending:
            say(self.message, "Saved. The rules are as before, so no item was re-sorted.")
            return True
        self.busy = True
        self.save_button.setEnabled(False)
        say(self.message, "Saved. Sorting the client's items by the new rules…")
        worker = threading.Thread(target=self._resort, name="triage-resort", daemon=True)
        worker.start()
        return True

    def _problems(self) -> str:
        return "problem" if self.problem_count == 1 else f"{self.problem_count} problems"

    def _resort(self) -> None:
        """Worker thread: re-sort in chunks, then report through the relay."""
        try:
            moved = reclassify_in_steps(self.store, self.client_id)
        except Exception as exc:
            log.exception("re-sorting the inbox after a rules change failed")
            self.relay.failed.emit(str(exc) or type(exc).__name__)
        else:
            self.relay.moved.emit(moved)

    def _resorted(self, moved: int) -> None:
        self.busy = False
        self.resort_pending = False
        self.save_button.setEnabled(True)
        if moved:
            items = "1 item" if moved == 1 else f"{moved} items"
            say(self.message, f"{items} re-sorted; your own corrections were kept.")
        else:
            say(self.message, "Saved. No item changed its category under the new rules.")

    def _resort_failed(self, reason: str) -> None:
        self.busy = False
        self.resort_pending = True
        self.save_button.setEnabled(True)
        say(
            self.message,
            f"The rules are saved, but re-sorting stopped: {reason}. Save again to retry.",
            error=True,
        )

    def done(self, result: int) -> None:
        if self.busy:
            say(self.message, "Wait a moment: the items are being re-sorted.")
            return
        super().done(QDialog.DialogCode.Accepted if self.saved_once else result)
