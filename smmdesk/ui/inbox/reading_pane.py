"""The reading pane: one inbox item, its conversation, its author, its history.

The pane shows and asks; it never writes. Every decision leaves as a signal
carrying the item id (the Inbox tab saves it and shows the item again), so
the pane stays a view that a test drives without a store writer. The keys
live on ``QAction``s the tab also puts on its list (``actions_for_tab``), so
E, 1…5 and the rest work while the list has the focus.

All network text is plain text (invariant 5): the item in a read-only
``QPlainTextEdit``, names and handles in labels fixed to plain text, the
conversation built with ``QTextCursor.insertText``. Nothing here deletes an
audience item (invariant 4): the strongest act offered is hiding it where
the network allows, with a confirmation, and that can be undone.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.vocabulary import InboxStatus
from smmdesk.platforms.base import Capabilities, RemoteThread
from smmdesk.store.inbox import EVENT_LABELS
from smmdesk.store.inbox_detail import InboxDetail
from smmdesk.store.queries import StoreReader
from smmdesk.store.saved_replies import SavedReplyRow, list_saved_replies
from smmdesk.ui.inbox import reply_checks as checks
from smmdesk.ui.inbox.item_header import (
    ItemHeader,
    can_fetch_thread,
    capabilities_of,
    network_name,
)
from smmdesk.ui.inbox.reading_parts import (
    ConversationView,
    FittedText,
    RepliesList,
    plain_label,
    read_only_text,
)
from smmdesk.ui.inbox.reply_box import ReplyBox, ask_text, confirm
from smmdesk.ui.inbox.saved_reply_picker import SavedReplyPicker


class ReadingPane(QWidget):
    reply_requested = Signal(int, str)  # item id, body (``link_reason`` says why a link)
    status_requested = Signal(int, str)  # item id, InboxStatus value
    category_requested = Signal(int, str)  # item id, InboxCategory value
    escalate_requested = Signal(int, str)  # item id, note for the client
    withdraw_escalation_requested = Signal(int)
    idea_requested = Signal(int)
    hide_requested = Signal(int, bool)  # item id, hide (False: show again)
    retry_reply_requested = Signal(int, str)  # reply id, body to send
    cancel_reply_requested = Signal(int)  # reply id
    fetch_thread_requested = Signal(int)
    draw_requested = Signal(int)  # our post id

    def __init__(self, reader: StoreReader) -> None:
        super().__init__()
        self.reader = reader
        self.detail: InboxDetail | None = None
        self.capabilities: Capabilities | None = None
        self._remote: tuple[int, RemoteThread] | None = None
        self._build_actions()
        self._build()
        self.show_item(None)

    # --- building ------------------------------------------------------------------

    def _action(self, text: str, keys: str, slot: object, tip: str = "") -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip or text} ({keys})" if keys else tip or text)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.reply_action = self._action("Reply", "R", self._reply, "Write a reply")
        self.done_action = self._action("Done", "E", self._done, "Mark done, or new again")
        self.escalate_action = self._action(
            "Escalate…", "Shift+E", self._escalate, "Hand to the client with a note"
        )
        self.category_actions: dict[str, QAction] = {}
        for key, category in checks.CATEGORY_KEYS:
            action = self._action(
                checks.category_word(category),
                key,
                lambda _c=False, c=category: self._category(c),
                f"Category: {checks.category_word(category).lower()}",
            )
            action.setCheckable(True)
            self.category_actions[category] = action
        self.idea_action = self._action(
            "Make this an idea", "I", self._idea, "Turn this item into an idea for a post"
        )
        self.hide_action = self._action(
            "Hide on the network", "", self._hide, "Hide from others; its author still sees it"
        )
        self.saved_action = self._action(
            "Insert saved reply…", "Ctrl+Shift+S", self.open_saved_replies
        )
        self.open_action = self._action("Open", "", self._open, "Open the item in the browser")
        self.draw_action = self._action(
            "Draw winners…", "", self._draw, "Draw contest winners from this post's commenters"
        )
        self.actions_for_tab: list[QAction] = [
            self.reply_action,
            self.done_action,
            self.escalate_action,
            *self.category_actions.values(),
            self.idea_action,
            self.hide_action,
            self.saved_action,
        ]

    def _button(self, action: QAction, label: str = "") -> QPushButton:
        """A button that follows ``action`` (its text, unless ``label`` names it for good)."""
        button = QPushButton(label or action.text())
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)

        def follow() -> None:
            button.setText(label or action.text())
            button.setEnabled(action.isEnabled())
            button.setVisible(action.isVisible())

        action.changed.connect(follow)
        return button

    def _build(self) -> None:
        self.header = ItemHeader()
        # the header's parts, named as the tab and the tests know them
        self.heading, self.handle_label = self.header.heading, self.header.handle_label
        self.clock, self.meta = self.header.clock, self.header.meta
        self.category_chip, self.badge_chips = self.header.category_chip, self.header.badge_chips
        self.escalation, self.author_line = self.header.escalation, self.header.author_line

        # actions
        self.category_menu = QMenu(self)
        self.category_menu.addActions(list(self.category_actions.values()))
        self.category_button = QPushButton("Category")
        self.category_button.setToolTip("Set the category (1 question … 5 other)")
        self.category_button.setMenu(self.category_menu)
        self.more_menu = QMenu(self)
        self.more_menu.addActions([self.hide_action, self.draw_action, self.open_action])
        more = QPushButton("More")
        more.setMenu(self.more_menu)
        self.buttons = {
            "done": self._button(self.done_action),
            "escalate": self._button(self.escalate_action),
            "category": self.category_button,
            "idea": self._button(self.idea_action, "Idea"),
            "more": more,
        }
        bar = QHBoxLayout()
        bar.setSpacing(6)
        for button in self.buttons.values():
            bar.addWidget(button)
        bar.addStretch(1)

        # the item, and what surrounds it
        self.body = FittedText()
        self.conversation = ConversationView()
        self.fetch_button = QPushButton()
        self.fetch_button.clicked.connect(self._fetch)
        self.fetch_note = plain_label(wrap=True)
        self.fetch_note.setStyleSheet("color: #b3261e;")  # it only ever says what failed
        self.draw_button = self._button(self.draw_action)
        fetch = QHBoxLayout()
        fetch.setContentsMargins(6, 6, 6, 0)
        fetch.addWidget(self.fetch_button)
        fetch.addWidget(self.fetch_note, 1)
        self.fetch_bar = QWidget()
        self.fetch_bar.setLayout(fetch)
        conversation = QWidget()
        conversation_layout = QVBoxLayout(conversation)
        conversation_layout.setContentsMargins(0, 0, 0, 0)
        conversation_layout.setSpacing(4)
        conversation_layout.addWidget(self.fetch_bar)
        conversation_layout.addWidget(self.conversation, 1)
        self.history = read_only_text()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(conversation, "Conversation")
        self.tabs.addTab(self.history, "History")
        self.tabs.setCornerWidget(self.draw_button, Qt.Corner.TopRightCorner)

        self.reply_box = ReplyBox()
        self.reply_box.saved_rows = self.saved_replies
        self.reply_box.submitted.connect(self.reply_requested)
        self.reply_box.resubmitted.connect(self.retry_reply_requested)
        self.reply_box.picker_requested.connect(self.open_saved_replies)
        self.replies = RepliesList()
        self.replies.retry.connect(self.retry_reply_requested)
        self.replies.edit.connect(self.reply_box.edit_reply)
        self.replies.withdraw.connect(self._withdraw_reply)

        self.page = page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 4, 4, 4)
        layout.setSpacing(6)
        layout.addWidget(self.header)
        layout.addLayout(bar)
        layout.addWidget(self.body)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.replies)
        layout.addWidget(self.reply_box)

        self.empty = plain_label("Choose an item in the list to read and answer it here.")
        self.empty.setObjectName("ViewHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)

    # --- showing -------------------------------------------------------------------

    @property
    def link_reason(self) -> str:
        """Why the reply just sent carries a link (client policy "justify"); "" if none."""
        return self.reply_box.link_reason

    def show_item(self, detail: InboxDetail | None, clock_text: str = "") -> None:
        """Show ``detail`` (None: nothing chosen); ``clock_text`` is the time left to answer."""
        same = detail is not None and self.detail is not None and detail.id == self.detail.id
        self.detail = detail
        if self._remote is not None and (detail is None or self._remote[0] != detail.id):
            self._remote = None
        self.capabilities = capabilities_of(detail) if detail is not None else None
        self.reply_box.set_item(detail, self.capabilities)
        for action in [*self.actions_for_tab, self.open_action, self.draw_action]:
            action.setEnabled(detail is not None)
        if detail is None:
            self.pages.setCurrentWidget(self.empty)
            return
        self.pages.setCurrentWidget(self.page)
        zone = detail.timezone
        self.header.show_detail(detail, clock_text)
        scroll = self.body.verticalScrollBar().value() if same else 0
        if not same or self.body.toPlainText() != detail.body:
            self.body.setPlainText(detail.body)
        self.body.verticalScrollBar().setValue(scroll)
        self._show_conversation(detail)
        if not same:
            self.fetch_note.setText("")
        lines = checks.history_lines(detail.history, zone, EVENT_LABELS)
        self.history.setPlainText("\n".join(lines))
        self.tabs.setTabText(1, f"History ({len(lines)})")
        self.replies.show_replies([r for r in detail.replies if r.item_id == detail.id], zone)
        self._update_actions(detail)

    def _show_conversation(self, detail: InboxDetail) -> None:
        network = network_name(detail.platform)
        if self._remote is not None:
            lines = checks.remote_conversation(detail, self._remote[1])
            self.fetch_button.hide()
        else:
            lines = checks.conversation(detail)
            wanted = checks.needs_fetch(detail) and can_fetch_thread(detail.platform)
            self.fetch_button.setVisible(wanted)
            self.fetch_button.setEnabled(True)
            self.fetch_button.setText(f"Load the conversation from {network}")
        self._update_bar()
        self.conversation.show_lines(lines, detail.timezone)
        self.tabs.setTabText(0, f"Conversation ({len(lines)})")

    def show_remote_thread(self, item_id: int, thread: RemoteThread) -> None:
        """The conversation fetched from the network; ignored if another item is shown."""
        if self.detail is None or self.detail.id != item_id:
            return
        self._remote = (item_id, thread)
        self._show_conversation(self.detail)
        self.fetch_note.setText("")
        self.tabs.setCurrentIndex(0)

    def show_thread_error(self, item_id: int, message: str) -> None:
        if self.detail is None or self.detail.id != item_id:
            return
        self.fetch_button.show()
        self.fetch_button.setEnabled(True)
        self.fetch_button.setText("Try again")
        self.fetch_note.setText(f"The conversation could not be loaded: {message}")
        self._update_bar()

    def _update_bar(self) -> None:
        """The bar above the conversation shows only when it has something to offer."""
        self.fetch_bar.setVisible(not self.fetch_button.isHidden())

    def _update_actions(self, detail: InboxDetail) -> None:
        done = detail.status == InboxStatus.DONE
        self.done_action.setText("Mark as new" if done else "Done")
        escalated = detail.status == InboxStatus.ESCALATED
        self.escalate_action.setText("Withdraw escalation" if escalated else "Escalate…")
        for category, action in self.category_actions.items():
            action.setChecked(category == detail.category)
        caps = self.capabilities
        can_hide = (
            caps is not None
            and caps.can_hide_comments
            and detail.kind in checks.HIDEABLE_KINDS
            and detail.removed_at is None
        )
        self.hide_action.setVisible(can_hide)
        self.hide_action.setEnabled(can_hide)
        self.hide_action.setText("Show on the network" if detail.hidden else "Hide on the network")
        self.draw_action.setVisible(detail.post_id is not None)
        self.draw_action.setEnabled(detail.post_id is not None)
        self._update_bar()
        web = detail.url.startswith(("https://", "http://"))
        self.open_action.setVisible(web)
        self.open_action.setEnabled(web)
        self.open_action.setText(f"Open on {network_name(detail.platform)}")

    # --- what the actions do ---------------------------------------------------------

    def _reply(self) -> None:
        if self.detail is not None:
            self.reply_box.focus()

    def _done(self) -> None:
        if self.detail is not None:
            done = self.detail.status == InboxStatus.DONE
            self.status_requested.emit(self.detail.id, "new" if done else "done")

    def _escalate(self) -> None:
        if self.detail is None:
            return
        if self.detail.status == InboxStatus.ESCALATED:
            self.withdraw_escalation_requested.emit(self.detail.id)
            return
        note = self.ask_escalation_note()
        if note:
            self.escalate_requested.emit(self.detail.id, note)

    def _category(self, category: str) -> None:
        if self.detail is not None:
            self.category_requested.emit(self.detail.id, category)

    def _idea(self) -> None:
        if self.detail is not None:
            self.idea_requested.emit(self.detail.id)

    def _hide(self) -> None:
        detail = self.detail
        if detail is None or not self.hide_action.isVisible():
            return
        hide = not detail.hidden
        if self.confirm_hide(hide):
            self.hide_requested.emit(detail.id, hide)

    def _open(self) -> None:
        if self.detail is not None and self.detail.url.startswith(("https://", "http://")):
            QDesktopServices.openUrl(QUrl(self.detail.url))

    def _draw(self) -> None:
        if self.detail is not None and self.detail.post_id is not None:
            self.draw_requested.emit(self.detail.post_id)

    def _fetch(self) -> None:
        if self.detail is None:
            return
        self.fetch_button.setEnabled(False)
        self.fetch_button.setText("Loading the conversation…")
        self.fetch_note.setText("")
        self.fetch_thread_requested.emit(self.detail.id)

    def _withdraw_reply(self, reply_id: int) -> None:
        if self.confirm_withdraw():
            self.cancel_reply_requested.emit(reply_id)

    def saved_replies(self) -> list[SavedReplyRow]:
        """The client's saved replies, this item's category first."""
        if self.detail is None:
            return []
        return list_saved_replies(self.reader.db, self.detail.client_id, self.detail.category)

    def open_saved_replies(self) -> None:
        if self.detail is None:
            return
        chosen = self.pick_saved_reply(self.saved_replies())
        if chosen is not None:
            self.reply_box.insert_saved(chosen)

    # --- questions (methods, so tests can answer them) ------------------------------

    def ask_escalation_note(self) -> str | None:
        return ask_text(
            self,
            "Escalate to the client",
            "What should the client know or decide? The note goes with the item to the "
            "escalation list.",
            multiline=True,
        )

    def confirm_hide(self, hide: bool) -> bool:
        network = network_name(self.detail.platform) if self.detail else "the network"
        if not hide:
            return confirm(
                self,
                "Show the comment again",
                f"Show this comment to everyone on {network} again?",
                "Show it",
                "Cancel",
            )
        return confirm(
            self,
            "Hide the comment",
            f"Hide this comment from others on {network}?\n\nIt is not deleted: its author "
            "still sees it, the app keeps it, and you can show it again at any time. "
            "Hiding a complaint instead of answering it usually makes it louder.",
            "Hide it",
            "Cancel",
        )

    def confirm_withdraw(self) -> bool:
        return confirm(
            self,
            "Withdraw the reply",
            "Take this reply back? It has not gone out; the item's history keeps what it said.",
            "Withdraw",
            "Keep it",
        )

    def pick_saved_reply(self, rows: list[SavedReplyRow]) -> SavedReplyRow | None:
        category = self.detail.category if self.detail else ""
        picker = SavedReplyPicker(rows, category, self)
        picker.exec()
        return picker.chosen
