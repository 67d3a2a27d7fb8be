"""The Ideas panel: a client's ideas and the feeds that bring them.

Reads go through the GUI thread's read-only ``sqlite3`` connection
(``smmdesk.store.idea_queries``); writes are short ORM transactions; feeds are
read in the background by the ``FeedPoller``, whose ``ideas_changed`` signal
makes the panel re-read. Everything from a feed or a comment is shown as plain
text (DESIGN invariant 5): table cells, ``PlainText`` labels, a read-only
``QPlainTextEdit``. Times are shown in the client's time zone (invariant 6).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.clock import to_local
from smmdesk.store import idea_queries
from smmdesk.store.database import Store
from smmdesk.store.idea_queries import IdeaRow, SourceRow
from smmdesk.sync.feeds import FeedPoller
from smmdesk.ui.ideas.idea_dialogs import FeedDialog, IdeaDialog, RowsModel, plain_label, table_view

ERROR_COLOUR = QColor("#b3261e")
HINT_COLOUR = QColor("#6b7385")


class IdeasPanel(QWidget):
    """Ideas and sources of the selected client; one click makes a draft."""

    draft_created = Signal(int)  # post id

    def __init__(self, store: Store, reader_db: sqlite3.Connection, poller: FeedPoller) -> None:
        super().__init__()
        self.store, self.db, self.poller = store, reader_db, poller
        self.client_id: int | None = None
        self.timezone = "UTC"
        self.dialog: FeedDialog | IdeaDialog | None = None  # the open one, for tests

        self.ideas_model = RowsModel(("Idea", "From", "Date", ""))
        self.ideas_table = table_view(self.ideas_model, 0)
        self.ideas_table.selectionModel().currentRowChanged.connect(self._show_idea)
        self.count_label = plain_label("ViewHint")
        self.show_dismissed = QCheckBox("Show dismissed")
        self.show_dismissed.toggled.connect(lambda _on: self.reload())
        self.idea_title = plain_label("CardTitle")
        self.idea_meta = plain_label("ViewHint")
        self.idea_body = QPlainTextEdit()
        self.idea_body.setReadOnly(True)
        self.idea_link = plain_label()
        self.idea_link.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.draft_button = QPushButton("New draft from idea")
        self.draft_button.setProperty("primary", True)
        self.draft_button.clicked.connect(self.make_draft)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.clicked.connect(self.toggle_dismissed)
        self.open_button = QPushButton("Open link")
        self.open_button.clicked.connect(self._open_link)
        self.add_idea_button = QPushButton("Add idea…")
        self.add_idea_button.clicked.connect(self.add_idea)
        self.message = plain_label()

        self.sources_model = RowsModel(("Feed", "State", "Ideas"))
        self.sources_table = table_view(self.sources_model, 1)
        self.sources_table.setMaximumHeight(170)
        self.sources_table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.add_feed_button = QPushButton("Add feed…")
        self.add_feed_button.clicked.connect(self.add_feed)
        self.check_button = QPushButton("Check now")
        self.check_button.clicked.connect(self.check_now)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_feed)

        self.hint = plain_label("ViewHint")
        self.hint.setText("Choose a client to see its ideas")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.hint)
        self.pages.addWidget(self._build_content())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.addWidget(self.pages)

        poller.ideas_changed.connect(self._on_changed)
        poller.polling_changed.connect(self._on_polling)
        self.set_client(None)

    def _build_content(self) -> QWidget:
        top = QHBoxLayout()
        top.addWidget(self.count_label, 1)
        top.addWidget(self.show_dismissed)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        for widget in (self.idea_title, self.idea_meta):
            detail_layout.addWidget(widget)
        detail_layout.addWidget(self.idea_body, 1)
        detail_layout.addWidget(self.idea_link)
        splitter = QSplitter()
        splitter.addWidget(self.ideas_table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([3000, 2000])
        actions = QHBoxLayout()
        for button in (self.draft_button, self.dismiss_button, self.open_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.add_idea_button)

        sources = QGroupBox("Sources")
        source_buttons = QHBoxLayout()
        for button in (self.add_feed_button, self.check_button, self.remove_button):
            source_buttons.addWidget(button)
        source_buttons.addStretch(1)
        sources_layout = QVBoxLayout(sources)
        sources_layout.addWidget(self.sources_table)
        sources_layout.addLayout(source_buttons)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(sources)
        return content

    # --- public -----------------------------------------------------------------

    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.timezone = idea_queries.client_timezone(self.db, client_id) if client_id else "UTC"
        self.pages.setCurrentIndex(0 if client_id is None else 1)
        self._say("")
        self.reload()

    def reload(self) -> None:
        self.reload_ideas()
        self.reload_sources()

    def reload_ideas(self) -> None:
        selected = self.current_idea()
        rows = (
            idea_queries.list_ideas(self.db, self.client_id, self.show_dismissed.isChecked())
            if self.client_id is not None
            else []
        )
        self.ideas_model.set_rows(
            rows,
            [(r.title, r.origin, self._when(r.when), self._idea_state(r)) for r in rows],
            [HINT_COLOUR if r.dismissed else None for r in rows],
        )
        count = len(rows)
        self.count_label.setText(
            f"{count:,} ideas" if count else "No ideas yet: add a feed, or write one down"
        )
        row = self.ideas_model.row_of(selected.id) if selected else -1
        if row >= 0:
            self.ideas_table.selectRow(row)
        else:
            self._show_idea(QModelIndex(), QModelIndex())

    def reload_sources(self) -> None:
        selected = self.current_source()
        rows = idea_queries.list_sources(self.db, self.client_id) if self.client_id else []
        self.sources_model.set_rows(
            rows,
            [(r.name, self.source_state(r), str(r.idea_count)) for r in rows],
            [None if r.ok or self.poller.is_polling(r.id) else ERROR_COLOUR for r in rows],
            [f"{r.url}\n{r.error}".strip() for r in rows],
        )
        row = self.sources_model.row_of(selected.id) if selected else -1
        if row >= 0:
            self.sources_table.selectRow(row)
        self._update_buttons()

    def current_idea(self) -> IdeaRow | None:
        index = self.ideas_table.currentIndex()
        return self.ideas_model.row_at(index.row()) if index.isValid() else None

    def current_source(self) -> SourceRow | None:
        index = self.sources_table.currentIndex()
        return self.sources_model.row_at(index.row()) if index.isValid() else None

    def source_state(self, source: SourceRow) -> str:
        if self.poller.is_polling(source.id):
            return "checking…"
        if source.error:
            retry = f" · next try {self._when(source.next_poll_at)}" if source.next_poll_at else ""
            return f"{source.error}{retry}"
        if source.last_fetched_at is None:
            return "not checked yet"
        return f"ok · checked {self._when(source.last_fetched_at)}"

    # --- actions ----------------------------------------------------------------

    def make_draft(self) -> int | None:
        idea = self.current_idea()
        if idea is None:
            return None
        from smmdesk.store.ideas import idea_to_draft

        with self.store.transaction() as session:
            post_id = idea_to_draft(session, idea.id)
        self._say(f"Draft ready: “{idea.title}”. Find it with the other drafts.")
        self.reload_ideas()
        self.draft_created.emit(post_id)
        return post_id

    def toggle_dismissed(self) -> None:
        idea = self.current_idea()
        if idea is None:
            return
        from smmdesk.store.ideas import dismiss_idea, restore_idea

        with self.store.transaction() as session:
            (restore_idea if idea.dismissed else dismiss_idea)(session, idea.id)
        self.reload_ideas()

    def add_idea(self) -> IdeaDialog | None:
        if self.client_id is None:
            return None
        dialog = IdeaDialog(self._save_idea, self)
        self._open(dialog)
        return dialog

    def add_feed(self) -> FeedDialog | None:
        if self.client_id is None:
            return None
        dialog = FeedDialog(self.add_feed_url, self)
        self._open(dialog)
        return dialog

    def add_feed_url(self, url: str, name: str = "") -> str | None:
        """Add a feed and read it at once; an error message, or None."""
        if self.client_id is None:
            return "Choose a client first."
        from smmdesk.store.ideas import add_source

        try:
            with self.store.transaction() as session:
                source_id = add_source(session, self.client_id, url, name)
        except ValueError as exc:
            return str(exc)
        self.poller.poll_now(source_id)
        self.reload_sources()
        self.sources_table.selectRow(self.sources_model.row_of(source_id))
        return None

    def check_now(self) -> None:
        source = self.current_source()
        if source is not None:
            self.poller.poll_now(source.id)
            self.reload_sources()

    def remove_feed(self) -> None:
        source = self.current_source()
        if source is None:
            return
        from smmdesk.store.ideas import remove_source

        with self.store.transaction() as session:
            remove_source(session, source.id)
        self._say(f"Removed “{source.name}”. Its ideas stay in the list.")
        self.reload()

    # --- internals --------------------------------------------------------------

    def _save_idea(self, title: str, notes: str, link: str) -> str | None:
        if self.client_id is None:
            return "Choose a client first."
        from smmdesk.store.ideas import add_idea

        try:
            with self.store.transaction() as session:
                idea_id = add_idea(session, self.client_id, title, notes, link)
        except ValueError as exc:
            return str(exc)
        self.reload_ideas()
        self.ideas_table.selectRow(self.ideas_model.row_of(idea_id))
        return None

    def _open(self, dialog: FeedDialog | IdeaDialog) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.open()

    def _on_changed(self, client_id: int) -> None:
        if client_id == self.client_id:
            self.reload()

    def _on_polling(self, client_id: int) -> None:
        if client_id == self.client_id:
            self.reload_sources()

    def _show_idea(self, current: QModelIndex, _previous: QModelIndex) -> None:
        idea = self.ideas_model.row_at(current.row()) if current.isValid() else None
        if idea is None:
            self.idea_title.setText("Select an idea to read it")
            self.idea_meta.clear()
            self.idea_body.clear()
            self.idea_link.clear()
        else:
            origin = f"from {idea.origin} · " if idea.origin else ""
            self.idea_title.setText(idea.title)
            self.idea_meta.setText(f"{origin}{self._when(idea.when, long=True)}")
            self.idea_body.setPlainText(idea.body)
            self.idea_link.setText(idea.link)
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        idea = self.current_idea()
        self.draft_button.setEnabled(idea is not None)
        self.draft_button.setText(
            "Open the draft" if idea is not None and idea.post_id else "New draft from idea"
        )
        self.dismiss_button.setEnabled(idea is not None)
        self.dismiss_button.setText("Restore" if idea is not None and idea.dismissed else "Dismiss")
        self.open_button.setEnabled(idea is not None and bool(idea.link))
        has_source = self.current_source() is not None
        self.check_button.setEnabled(has_source)
        self.remove_button.setEnabled(has_source)

    def _open_link(self) -> None:
        idea = self.current_idea()
        if idea is not None and idea.link.startswith(("https://", "http://")):
            QDesktopServices.openUrl(QUrl(idea.link))

    def _when(self, moment: datetime | None, long: bool = False) -> str:
        if moment is None:
            return ""
        local = to_local(moment, self.timezone)
        if long:
            return f"{local:%A %d %B %Y, %H:%M} ({self.timezone})"
        today = to_local(datetime.now(UTC), self.timezone).date()
        if local.date() == today:
            return f"{local:%H:%M}"
        return f"{local:%d %b %Y}" if local.year != today.year else f"{local:%d %b %H:%M}"

    def _idea_state(self, idea: IdeaRow) -> str:
        if idea.post_id:
            return "drafted"
        return "dismissed" if idea.dismissed else ""

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setObjectName("ErrorText" if error else "ViewHint")
        self.message.setStyleSheet("")
        self.message.setText(text)
        self.message.setVisible(bool(text))
