"""The reading pane as a manager meets it, on a real profile.

Items, replies, posts and saved replies are written through the ORM into a
migrated store and read back with ``item_detail``, exactly as the Inbox tab
does; the pane's questions (tone, link reason, hide, escalation note) are
answered by replacing the methods that would open a dialog.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from smmdesk.core.vocabulary import InboxKind
from smmdesk.platforms.base import RemoteInboxItem, RemoteThread
from smmdesk.store.inbox_detail import item_detail
from smmdesk.store.models import (
    Account,
    Client,
    InboxEvent,
    InboxItem,
    Post,
    PostTarget,
    Reply,
    SavedReply,
)
from smmdesk.ui.inbox import reading_pane as pane_module
from smmdesk.ui.inbox.reading_pane import ReadingPane

NOW = datetime(2024, 3, 12, 10, 0, tzinfo=UTC)
HOSTILE = (
    '<b>bold?</b> <img src="http://example.invalid/pixel.png"> <a href="http://x.invalid">x</a>'
    " &amp; <script>alert(1)</script>\n"
    "\x00\x07\x1b[31mred\x1b[0m\x08 tab\there\x0b\x0c"
    "\n\u202egnp.exe\u202c \u200fשלום\u200e مرحبا"
)


class Profile:
    """A client with a sandbox account (which can hide comments) and one published post."""

    def __init__(self, store, reader, client_id: int) -> None:
        self.store, self.reader, self.client_id = store, reader, client_id
        with store.transaction() as session:
            account = Account(
                client_id=client_id, platform="sandbox", handle="@kafija", vault_key="k-pane"
            )
            session.add(account)
            post = Post(client_id=client_id, body="Our new roast is here.", status="published")
            session.add(post)
            session.flush()
            session.add(
                PostTarget(
                    post_id=post.id,
                    account_id=account.id,
                    status="published",
                    remote_id="post-1",
                    remote_url="https://sandbox.invalid/p/1",
                )
            )
            self.account_id, self.post_id = account.id, post.id
        self._serial = 0

    def client(self, **values: object) -> None:
        with self.store.transaction() as session:
            client = session.get(Client, self.client_id)
            for name, value in values.items():
                setattr(client, name, value)

    def item(self, body: str = "Is the café open on Sunday?", **values: object) -> int:
        self._serial += 1
        fields: dict[str, object] = {
            "kind": "comment",
            "remote_id": f"c{self._serial}",
            "post_remote_id": "post-1",
            "author_id": f"a{self._serial}",
            "author_name": "Anna Bērziņa",
            "author_handle": "@anna",
            "created_at": NOW + timedelta(minutes=self._serial),
            "category": "question",
        }
        fields.update(values)
        with self.store.transaction() as session:
            item = InboxItem(account_id=self.account_id, body=body, **fields)
            session.add(item)
            session.flush()
            session.add(InboxEvent(item_id=item.id, at=NOW, kind="received"))
            return item.id

    def reply(self, item_id: int, body: str, status: str, error: str = "") -> int:
        with self.store.transaction() as session:
            reply = Reply(item_id=item_id, body=body, status=status, error=error, created_at=NOW)
            session.add(reply)
            session.flush()
            return reply.id

    def saved(self, title: str, body: str, category: str) -> None:
        with self.store.transaction() as session:
            session.add(
                SavedReply(client_id=self.client_id, title=title, body=body, category=category)
            )

    def detail(self, item_id: int):
        detail = item_detail(self.reader.db, item_id)
        assert detail is not None
        return detail


@pytest.fixture
def shop(store, reader, client_id):
    return Profile(store, reader, client_id)


@pytest.fixture
def pane(qtbot, reader):
    pane = ReadingPane(reader)
    qtbot.addWidget(pane)
    pane.resize(700, 900)
    pane.show()
    return pane


def never(*_args: object) -> object:
    raise AssertionError("this question must not be asked")


def press(pane: ReadingPane, qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key through the window, so it goes through Qt's shortcut map as a real one would."""
    pane.activateWindow()
    qtbot.waitActive(pane)
    QTest.keyClick(pane.windowHandle(), key, modifier)


# --- invariant 5: network text is plain text -----------------------------------------


def test_hostile_text_is_shown_literally_and_nothing_is_rich_text(qtbot, pane, shop):
    first = shop.item(HOSTILE, author_name="<i>Mallory</i>\u202eevil", author_handle="<b>@m")
    shop.item("<h1>second</h1> <img src='http://example.invalid/2.png'>")
    pane.show_item(shop.detail(first), "2 h left")

    assert pane.body.toPlainText() == HOSTILE
    assert pane.heading.text() == "\u2068<i>Mallory</i>\u202eevil\u2069"  # isolated, literal
    assert pane.handle_label.text() == "<b>@m"
    labels = [label for label in pane.findChildren(QLabel) if label.text()]
    assert labels and all(lb.textFormat() == Qt.TextFormat.PlainText for lb in labels)

    text = pane.conversation.toPlainText()
    assert "<h1>second</h1> <img src='http://example.invalid/2.png'>" in text
    assert '<img src="http://example.invalid/pixel.png">' in text
    block = pane.conversation.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            assert not fmt.isImageFormat() and not fmt.isAnchor()
            it += 1
        block = block.next()


def test_a_megabyte_of_text_is_shown_whole(qtbot, pane, shop):
    huge = ("x" * 99 + "\n") * 10_000 + "<b>end</b>"
    item = shop.item(huge)
    pane.show_item(shop.detail(item))
    assert pane.body.toPlainText() == huge
    assert "<b>end</b>" not in pane.conversation.toPlainText()  # the entry is cut there
    assert "more characters" in pane.conversation.toPlainText()


def test_the_header_says_what_happened_on_the_network(qtbot, pane, shop):
    item = shop.item("edited text", edited_at=NOW, hidden_at=NOW, category="complaint")
    pane.show_item(shop.detail(item), "overdue by 2 h")
    chips = [badge.text() for badge in pane.badge_chips if badge.isVisible()]
    assert chips == ["Edited", "Hidden"]
    assert pane.clock.text() == "Overdue by 2 h" and "#b3261e" in pane.clock.styleSheet()
    assert "Complaint" in pane.category_chip.text()
    pane.show_item(shop.detail(item), "2 h 15 min left")
    assert "#b3261e" not in pane.clock.styleSheet()
    assert "Europe/Riga" in pane.meta.text() or "EET" in pane.meta.text()
    assert "1 item" in pane.author_line.text()


# --- tone check and link policy ----------------------------------------------------


def test_tone_check_holds_a_shouting_reply_to_a_complaint_until_confirmed(qtbot, pane, shop):
    shop.client(flagged_words="liar")
    item = shop.item("Your coffee made me sick.", category="complaint")
    pane.show_item(shop.detail(item))
    asked: list[list[str]] = []
    answer = [False]

    def confirm_tone(warnings: list[str]) -> bool:
        asked.append(warnings)
        return answer[0]

    pane.reply_box.confirm_tone = confirm_tone
    sent: list[tuple[int, str]] = []
    pane.reply_requested.connect(lambda i, b: sent.append((i, b)))
    shouting = "THIS IS NOT OUR FAULT, YOU LIAR!!!"
    pane.reply_box.editor.setPlainText(shouting)

    assert pane.reply_box.send() is False
    assert asked and len(asked[0]) >= 1 and sent == []
    assert pane.reply_box.text() == shouting  # kept for editing

    answer[0] = True
    assert pane.reply_box.send() is True
    assert sent == [(item, shouting)]
    assert pane.reply_box.text() == ""


def test_no_tone_check_for_praise(qtbot, pane, shop):
    item = shop.item("Best coffee in Riga!", category="praise")
    pane.show_item(shop.detail(item))
    pane.reply_box.confirm_tone = never
    with qtbot.waitSignal(pane.reply_requested) as signal:
        pane.reply_box.editor.setPlainText("THANK YOU SO MUCH!!!")
        pane.reply_box.send()
    assert signal.args == [item, "THANK YOU SO MUCH!!!"]


def test_a_calm_reply_to_a_complaint_goes_without_asking(qtbot, pane, shop):
    item = shop.item("Cold coffee.", category="complaint")
    pane.show_item(shop.detail(item))
    pane.reply_box.confirm_tone = never
    with qtbot.waitSignal(pane.reply_requested):
        pane.reply_box.editor.setPlainText("We are sorry to hear that. Could you write to us?")
        pane.reply_box.send()


def test_justify_link_policy_asks_why_and_passes_the_reason(qtbot, pane, shop):
    shop.client(link_policy="justify")
    item = shop.item("Where is the menu?")
    pane.show_item(shop.detail(item))
    asked: list[list[str]] = []
    reason: list[str | None] = [None]

    def ask(links: list[str]) -> str | None:
        asked.append(links)
        return reason[0]

    pane.reply_box.ask_link_reason = ask
    sent: list[str] = []
    pane.reply_requested.connect(lambda _i, body: sent.append(body))
    pane.reply_box.editor.setPlainText("It is here: https://kafija.example/menu")
    assert pane.reply_box.links.isVisible() and "asks why" in pane.reply_box.links.text()

    assert pane.reply_box.send() is False and sent == []
    assert asked == [["https://kafija.example/menu"]]
    reason[0] = "The menu changes daily and only lives on the site."
    seen: list[str] = []
    pane.reply_requested.connect(lambda *_a: seen.append(pane.link_reason))
    assert pane.reply_box.send() is True
    assert sent and seen == ["The menu changes daily and only lives on the site."]


def test_free_link_policy_flags_links_without_asking(qtbot, pane, shop):
    item = shop.item("Where is the menu?")
    pane.show_item(shop.detail(item))
    pane.reply_box.ask_link_reason = never
    pane.reply_box.editor.setPlainText("Here: https://kafija.example/menu")
    assert pane.reply_box.links.text() == "A link out of the community."
    assert "asks why" not in pane.reply_box.links.text()
    with qtbot.waitSignal(pane.reply_requested):
        pane.reply_box.send()
    assert pane.link_reason == ""


def test_empty_or_too_long_replies_never_send(qtbot, pane, shop):
    item = shop.item()
    pane.show_item(shop.detail(item))
    sent: list[str] = []
    pane.reply_requested.connect(lambda _i, body: sent.append(body))
    pane.reply_box.editor.setPlainText("  \n\t ")
    assert not pane.reply_box.send_button.isEnabled() and pane.reply_box.send() is False
    pane.reply_box.editor.setPlainText("a" * 501)  # the sandbox takes 500
    assert "over the limit of 500" in pane.reply_box.count.text()
    assert pane.reply_box.send() is False and sent == []
    pane.reply_box.editor.setPlainText("a" * 500)
    assert pane.reply_box.count.text() == "500 / 500"
    assert pane.reply_box.send() is True and sent == ["a" * 500]


# --- saved replies, drafts -----------------------------------------------------------


def test_saved_reply_fields_are_filled_in(qtbot, pane, shop):
    shop.saved("Thanks", "Paldies, {name}! Kind regards, {client}.", "praise")
    shop.saved("Opening hours", "Hi {name}, {client} opens at 8.", "question")
    item = shop.item("Do you open early?", category="question")
    pane.show_item(shop.detail(item))
    rows_seen: list[list[str]] = []

    def pick(rows):
        rows_seen.append([row.title for row in rows])
        return rows[0]

    pane.pick_saved_reply = pick
    pane.saved_action.trigger()
    assert rows_seen == [["Opening hours", "Thanks"]]  # the item's category first
    assert pane.reply_box.text() == "Hi Anna Bērziņa, Kafija Rīga opens at 8."
    assert not pane.reply_box.note.isVisible()


def test_a_saved_reply_says_what_it_could_not_fill(qtbot, pane, shop):
    shop.saved("Thanks", "Thank you {name}!", "praise")
    item = shop.item("Great!", category="praise", author_name="", author_handle="")
    pane.show_item(shop.detail(item))
    pane.pick_saved_reply = lambda rows: rows[0]
    pane.open_saved_replies()
    assert "{name}" not in pane.reply_box.text()
    assert pane.reply_box.note.isVisible()
    assert pane.reply_box.note.text().startswith("No name known for this person")


def test_alt_number_inserts_a_saved_reply(qtbot, pane, shop):
    shop.saved("A first", "First answer for {name}.", "question")
    shop.saved("B second", "Second answer.", "question")
    item = shop.item(category="question")
    pane.show_item(shop.detail(item))
    pane.reply_box.editor.setFocus()
    press(pane, qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert pane.reply_box.text() == "Second answer."
    press(pane, qtbot, Qt.Key.Key_9, Qt.KeyboardModifier.AltModifier)  # there is no ninth
    assert pane.reply_box.text() == "Second answer."


def test_drafts_are_kept_per_item_while_switching(qtbot, pane, shop):
    first, second = shop.item("one"), shop.item("two")
    pane.show_item(shop.detail(first))
    pane.reply_box.editor.setPlainText("half an answer to one")
    pane.show_item(shop.detail(second))
    assert pane.reply_box.text() == ""
    pane.reply_box.editor.setPlainText("for two")
    pane.show_item(None)
    pane.show_item(shop.detail(first))
    assert pane.reply_box.text() == "half an answer to one"
    pane.show_item(shop.detail(first))  # shown again after an action: untouched
    assert pane.reply_box.text() == "half an answer to one"
    pane.show_item(shop.detail(second))
    assert pane.reply_box.text() == "for two"


# --- replies that failed ----------------------------------------------------------------


def test_a_failed_reply_says_why_and_can_be_retried_edited_or_withdrawn(qtbot, pane, shop):
    item = shop.item()
    failed = shop.reply(item, "Open from 8 <b>daily</b>", "failed", "The network said: rate limit")
    shop.reply(item, "Sent earlier", "sent")
    pane.show_item(shop.detail(item))
    rows = pane.replies.rows
    assert [row.reply.id for row in rows if row.error is not None] == [failed]
    row = next(row for row in rows if row.reply.id == failed)
    assert row.error is not None and "rate limit" in row.error.text()
    assert row.body.text() == "Open from 8 <b>daily</b>"
    assert "Sent earlier" in pane.conversation.toPlainText()
    assert "·  not sent" in pane.conversation.toPlainText()

    with qtbot.waitSignal(pane.retry_reply_requested) as signal:
        row.retry.click()
    assert signal.args == [failed, "Open from 8 <b>daily</b>"]

    row.edit.click()
    assert pane.reply_box.text() == "Open from 8 <b>daily</b>"
    assert pane.reply_box.editing_bar.isVisible()
    cursor = pane.reply_box.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    pane.reply_box.editor.setTextCursor(cursor)
    pane.reply_box.editor.insertPlainText(", weekends from 10.")
    new = []
    pane.reply_requested.connect(lambda *a: new.append(a))
    with qtbot.waitSignal(pane.retry_reply_requested) as signal:
        pane.reply_box.send()
    assert signal.args == [failed, "Open from 8 <b>daily</b>, weekends from 10."]
    assert new == [] and not pane.reply_box.editing_bar.isVisible()

    pane.confirm_withdraw = lambda: True
    with qtbot.waitSignal(pane.cancel_reply_requested) as signal:
        row.withdraw.click()
    assert signal.args == [failed]


# --- keys and actions ----------------------------------------------------------------------


def test_shortcuts_emit_the_right_signals(qtbot, pane, shop):
    item = shop.item()
    pane.show_item(shop.detail(item))
    pane.body.setFocus()
    with qtbot.waitSignal(pane.status_requested) as signal:
        press(pane, qtbot, Qt.Key.Key_E)
    assert signal.args == [item, "done"]
    with qtbot.waitSignal(pane.category_requested) as signal:
        press(pane, qtbot, Qt.Key.Key_2)
    assert signal.args == [item, "complaint"]
    with qtbot.waitSignal(pane.idea_requested) as signal:
        press(pane, qtbot, Qt.Key.Key_I)
    assert signal.args == [item]
    pane.ask_escalation_note = lambda: "Refund? Client decides."
    with qtbot.waitSignal(pane.escalate_requested) as signal:
        press(pane, qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ShiftModifier)
    assert signal.args == [item, "Refund? Client decides."]
    press(pane, qtbot, Qt.Key.Key_R)
    assert pane.reply_box.editor.hasFocus()
    picked = []
    pane.pick_saved_reply = lambda rows: picked.append(rows)
    press(
        pane,
        qtbot,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert picked == [[]]


def test_typing_in_the_reply_box_never_triggers_single_keys(qtbot, pane, shop):
    item = shop.item()
    pane.show_item(shop.detail(item))
    fired: list[object] = []
    for signal in (pane.status_requested, pane.category_requested, pane.idea_requested):
        signal.connect(lambda *a: fired.append(a))
    pane.reply_box.editor.setFocus()
    for key in (Qt.Key.Key_E, Qt.Key.Key_I, Qt.Key.Key_1, Qt.Key.Key_R):
        press(pane, qtbot, key)
    assert fired == [] and pane.reply_box.text().lower() == "ei1r"
    with qtbot.waitSignal(pane.reply_requested) as signal:
        press(pane, qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert signal.args == [item, "ei1r"]


def test_done_and_escalate_toggle_back(qtbot, pane, shop):
    item = shop.item(status="done")
    pane.show_item(shop.detail(item))
    assert pane.done_action.text() == "Mark as new"
    with qtbot.waitSignal(pane.status_requested) as signal:
        pane.done_action.trigger()
    assert signal.args == [item, "new"]
    escalated = shop.item(status="escalated", escalation_note="<b>ask the owner</b>")
    pane.show_item(shop.detail(escalated))
    assert pane.escalation.text() == "Note for the client: <b>ask the owner</b>"
    pane.ask_escalation_note = never
    with qtbot.waitSignal(pane.withdraw_escalation_requested) as signal:
        pane.escalate_action.trigger()
    assert signal.args == [escalated]


def test_an_escalation_without_a_note_is_not_sent(qtbot, pane, shop):
    item = shop.item()
    pane.show_item(shop.detail(item))
    pane.ask_escalation_note = lambda: None
    fired = []
    pane.escalate_requested.connect(lambda *a: fired.append(a))
    pane.escalate_action.trigger()
    assert fired == []


def test_hiding_is_offered_where_the_network_can_and_is_confirmed(qtbot, pane, shop, monkeypatch):
    comment = shop.item("spam spam", category="spam")
    pane.show_item(shop.detail(comment))
    assert pane.hide_action.isVisible() and pane.hide_action in pane.more_menu.actions()
    questions: list[str] = []
    answer = [False]

    def fake_confirm(_parent, _title, text, _yes, _no):
        questions.append(text)
        return answer[0]

    monkeypatch.setattr(pane_module, "confirm", fake_confirm)
    fired: list[tuple[int, bool]] = []
    pane.hide_requested.connect(lambda i, h: fired.append((i, h)))
    pane.hide_action.trigger()
    assert fired == [] and "still sees it" in questions[0] and "show it again" in questions[0]
    answer[0] = True
    pane.hide_action.trigger()
    assert fired == [(comment, True)]

    hidden = shop.item("hidden one", hidden_at=NOW)
    pane.show_item(shop.detail(hidden))
    assert pane.hide_action.text() == "Show on the network"
    pane.hide_action.trigger()
    assert fired[-1] == (hidden, False)

    message = shop.item("hello", kind="direct_message", post_remote_id="")
    pane.show_item(shop.detail(message))
    assert not pane.hide_action.isVisible() and not pane.hide_action.isEnabled()


def test_no_hiding_where_the_network_cannot(qtbot, pane, shop):
    with shop.store.transaction() as session:
        session.get(Account, shop.account_id).platform = "telegram"  # declares no hiding
    item = shop.item()
    pane.show_item(shop.detail(item))
    assert not pane.hide_action.isVisible() and not pane.hide_action.isEnabled()
    pane.reply_box.editor.setPlainText("Paldies!")
    assert pane.reply_box.count.text() == "8 / 4,096"  # Telegram's own limit


def test_draw_winners_for_items_on_our_posts(qtbot, pane, shop):
    item = shop.item()
    pane.show_item(shop.detail(item))
    assert pane.draw_button.isVisible() and pane.draw_action in pane.more_menu.actions()
    with qtbot.waitSignal(pane.draw_requested) as signal:
        pane.draw_button.click()
    assert signal.args == [shop.post_id]
    mention = shop.item("@kafija hi", kind="mention", post_remote_id="")
    pane.show_item(shop.detail(mention))
    assert not pane.draw_action.isVisible() and not pane.draw_action.isEnabled()
    assert not pane.draw_button.isVisible()


# --- the conversation ---------------------------------------------------------------------


def test_conversation_is_our_post_then_the_thread_with_our_replies(qtbot, pane, shop):
    first = shop.item("first comment", created_at=NOW + timedelta(minutes=1))
    chosen = shop.item("second comment", created_at=NOW + timedelta(minutes=10))
    with shop.store.transaction() as session:
        session.add(
            Reply(
                item_id=first,
                body="our answer",
                status="sent",
                created_at=NOW + timedelta(minutes=5),
                sent_at=NOW + timedelta(minutes=5),
            )
        )
    pane.show_item(shop.detail(chosen))
    text = pane.conversation.toPlainText()
    order = [text.index(s) for s in ("Our new roast", "first comment", "our answer", "second")]
    assert order == sorted(order)
    assert not pane.fetch_button.isVisible() and pane.draw_button.isVisible()
    selected = pane.conversation.textCursor().block()
    assert "this item" in selected.text()
    assert selected.blockFormat().background().color().name() == "#fff3cd"


def test_a_missing_parent_is_fetched_on_request(qtbot, pane, shop):
    item = shop.item("a reply to something", kind="reply", parent_remote_id="elsewhere")
    pane.show_item(shop.detail(item))
    assert pane.fetch_bar.isVisible() and pane.fetch_button.isVisible()
    assert pane.fetch_button.text().startswith("Load the conversation from Sandbox")
    with qtbot.waitSignal(pane.fetch_thread_requested) as signal:
        pane.fetch_button.click()
    assert signal.args == [item] and not pane.fetch_button.isEnabled()

    pane.show_thread_error(item, "The network is <b>unreachable</b>.")
    assert pane.fetch_button.isEnabled() and "<b>unreachable</b>" in pane.fetch_note.text()

    remote_id = shop.detail(item).remote_id
    thread = RemoteThread(
        post_text="<p>The post</p>",
        post_url="",
        items=[
            RemoteInboxItem(
                "elsewhere", InboxKind.COMMENT, "u1", "<b>Parent</b>", "<i>parent</i>", NOW
            ),
            RemoteInboxItem(remote_id, InboxKind.REPLY, "u2", "Anna", "a reply to something", NOW),
        ],
    )
    pane.show_remote_thread(item + 999, thread)  # another item: ignored
    assert "<i>parent</i>" not in pane.conversation.toPlainText()
    pane.show_remote_thread(item, thread)
    text = pane.conversation.toPlainText()
    assert "<p>The post</p>" in text and "<b>Parent</b>" in text and "<i>parent</i>" in text
    assert not pane.fetch_button.isVisible()
    pane.show_item(shop.detail(item))  # shown again after an action: keeps the thread
    assert "<i>parent</i>" in pane.conversation.toPlainText()


def test_history_uses_the_store_labels_and_the_clients_clock(qtbot, pane, shop):
    item = shop.item()
    with shop.store.transaction() as session:
        session.add(InboxEvent(item_id=item, at=NOW, kind="category", detail="complaint"))
        session.add(InboxEvent(item_id=item, at=NOW, kind="escalated", detail="<b>note</b>"))
    pane.show_item(shop.detail(item))
    lines = pane.history.toPlainText().splitlines()
    assert lines[0] == "12 Mar 12:00  Arrived"  # 10:00 UTC is 12:00 in Riga
    assert "Category set: Complaint" in lines[1]
    assert lines[2].endswith("Escalated to the client: <b>note</b>")


def test_nothing_chosen_shows_a_hint_and_disables_the_keys(qtbot, pane):
    pane.show_item(None)
    assert pane.pages.currentWidget() is pane.empty
    assert not any(action.isEnabled() for action in pane.actions_for_tab)


def test_the_picker_filters_and_enter_takes_the_reply(qtbot, shop, reader):
    from smmdesk.store.saved_replies import list_saved_replies
    from smmdesk.ui.inbox.saved_reply_picker import SavedReplyPicker

    shop.saved("Opening hours", "We open at 8.", "question")
    shop.saved("<b>Refund</b>", "Write to us with the order number.", "complaint")
    rows = list_saved_replies(reader.db, shop.client_id, "complaint")
    picker = SavedReplyPicker(rows, "complaint", None)
    qtbot.addWidget(picker)
    assert picker.proxy.index(0, 0).data().startswith("Alt+1   <b>Refund</b>")
    assert picker.preview.toPlainText() == "Write to us with the order number."
    QTest.keyClicks(picker.filter, "open")
    assert picker.proxy.rowCount() == 1
    QTest.keyClick(picker.filter, Qt.Key.Key_Return)
    assert picker.chosen is not None and picker.chosen.title == "Opening hours"
    assert picker.result() == picker.DialogCode.Accepted


def test_no_fetch_button_where_the_network_cannot_fetch_threads(qtbot, pane, shop):
    with shop.store.transaction() as session:
        session.get(Account, shop.account_id).platform = "telegram"  # threads stay Unsupported
    item = shop.item("a reply to something", kind="reply", parent_remote_id="elsewhere")
    pane.show_item(shop.detail(item))
    assert not pane.fetch_button.isVisible()
    assert not pane.fetch_bar.isVisible() and pane.draw_button.isVisible()  # still our post
