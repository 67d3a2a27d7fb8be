"""The Inbox tab as a user works it: filters, search as you type, keys, replies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from smmdesk.core.vocabulary import InboxStatus, ReplyStatus
from smmdesk.store import inbox as inbox_store
from smmdesk.store.inbox_search import index_new_items
from smmdesk.store.models import Account, InboxItem, Reply
from smmdesk.sync.account_jobs import ConnectAccountJob
from smmdesk.sync.jobs import JobContext
from smmdesk.ui.inbox.inbox_model import TEXT_COLUMN

HOSTILE = "<b>bold</b> <img src='http://127.0.0.1:1/x.png'> \u202eevil\u0000"


@pytest.fixture
def account_id(store, vault, factory, client_id):
    job = ConnectAccountJob(
        store,
        vault,
        factory,
        client_id,
        "sandbox",
        {"token": "sandbox-practice", "handle": "kafija"},
    )
    return job.run(JobContext(1)).account_id


def add_items(store, account_id, texts, start=None):
    start = start or datetime.now(UTC) - timedelta(hours=1)
    ids = []
    with store.transaction() as session:
        clock = inbox_store.clock_for_account(session, account_id)
        for n, text in enumerate(texts):
            created = start - timedelta(minutes=n)
            row = InboxItem(
                account_id=account_id,
                kind="comment",
                remote_id=f"t{n}-{text[:10]}",
                author_id=f"a{n}",
                author_name=f"Person {n}",
                body=text,
                created_at=created,
                due_at=clock.due(created),
            )
            session.add(row)
            session.flush()
            ids.append(row.id)
        index_new_items(session)
    return ids


@pytest.fixture
def inbox(qtbot, window):
    window.show_tab(1)
    window.inbox_tab.ensure()
    tab = window.inbox_tab.content
    qtbot.waitExposed(window) if window.isVisible() else None
    return tab


def status_of(store, item_id):
    with store.session() as session:
        return session.get(InboxItem, item_id).status


def test_search_as_you_type_and_filters_narrow_the_list(qtbot, store, account_id, window, inbox):
    add_items(store, account_id, ["Paldies par kafiju!", "Спасибо большое", "Where is it?"])
    inbox.reload()
    assert inbox.model.rowCount() == 3
    for letter in "спас":  # typed one letter at a time (QTest cannot type Cyrillic)
        inbox.filters.search.insert(letter)
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 1, timeout=2000)
    inbox.filters.search.clear()
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 3, timeout=2000)
    inbox.filters.status.setCurrentIndex(inbox.filters.status.findData("done"))
    assert inbox.model.rowCount() == 0
    assert "No items match" in inbox.count_label.text()


def test_hostile_network_text_is_listed_as_plain_text(qtbot, store, account_id, inbox):
    add_items(store, account_id, [HOSTILE])
    inbox.reload()
    index = inbox.model.index(0, TEXT_COLUMN)
    shown = inbox.model.data(index)
    assert "<b>bold</b>" in shown  # literally, not rendered
    tip = inbox.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;bold&lt;/b&gt;" in tip and "<img" not in tip


def test_done_by_key_moves_on_to_the_next_item(qtbot, store, account_id, inbox):
    first, second, _third = add_items(store, account_id, ["one", "two", "three"])
    inbox.reload()
    inbox.filters.status.setCurrentIndex(inbox.filters.status.findData("new"))
    inbox.select_row(0)
    assert inbox.current_item_id == first
    inbox.table.setFocus()
    inbox.pane.done_action.trigger()
    assert status_of(store, first) == InboxStatus.DONE
    assert inbox.model.rowCount() == 2
    assert inbox.current_item_id == second


def test_j_and_k_walk_the_list(qtbot, store, account_id, inbox):
    ids = add_items(store, account_id, ["one", "two", "three"])
    inbox.reload()
    inbox.select_row(0)
    inbox.move_selection(1)
    assert inbox.current_item_id == ids[1]
    inbox.move_selection(-5)
    assert inbox.current_item_id == ids[0]


def test_a_reply_written_offline_waits_and_goes_when_back(
    qtbot, store, account_id, inbox, coordinator
):
    (item_id,) = add_items(store, account_id, ["Are you open on Sunday?"])
    inbox.reload()
    inbox.select_row(0)
    coordinator.network.report_unreachable()
    inbox.actions.reply(item_id, "Yes, 9 to 5.")
    with store.session() as session:
        reply = session.scalar(select(Reply).where(Reply.item_id == item_id))
        assert reply.status == ReplyStatus.QUEUED
    coordinator.network.report_reachable()
    coordinator.send_replies()

    def sent() -> bool:
        with store.session() as session:
            return session.scalar(select(Reply.status).where(Reply.item_id == item_id)) == "sent"

    qtbot.waitUntil(sent, timeout=5000)
    assert status_of(store, item_id) == InboxStatus.REPLIED


def test_overdue_items_are_counted_in_the_status_bar(qtbot, store, account_id, window):
    add_items(store, account_id, ["Hello?"], start=datetime.now(UTC) - timedelta(days=20))
    window.overdue_watch.check()
    qtbot.waitUntil(lambda: window.status.overdue.isVisibleTo(window), timeout=5000)
    assert window.status.overdue.text() == "⏰ 1 overdue"
    assert window.notifier.shown and "reply target" in window.notifier.shown[-1]
    window.status.overdue.click()
    assert window.inbox_tab.content.filters.overdue.isChecked()
    with store.session() as session:
        assert session.scalar(select(Account.id)) == account_id


def test_a_closed_reply_window_keeps_the_reply_in_the_box(qtbot, store, account_id, inbox):
    open_id, closed_id = add_items(store, account_id, ["Open window", "Closed window"])
    with store.transaction() as session:
        session.get(InboxItem, open_id).reply_until = datetime.now(UTC) + timedelta(hours=5)
        session.get(InboxItem, closed_id).reply_until = datetime.now(UTC) - timedelta(hours=1)
    inbox.reload()
    inbox.select_row(0)
    assert inbox.current_item_id == open_id
    assert any("Reply window: 4 h" in chip.text() for chip in inbox.pane.header.badge_chips)
    inbox.select_row(1)
    assert any("closed" in chip.text() for chip in inbox.pane.header.badge_chips)
    box = inbox.pane.reply_box
    box.editor.setPlainText("Sorry for the wait!")
    assert box.send() is False
    assert box.editor.toPlainText() == "Sorry for the wait!" and "window" in box.note.text()
    with store.session() as session:
        assert session.scalar(select(Reply.id).where(Reply.item_id == closed_id)) is None


def test_the_clock_tick_repaints_the_rows_the_list_shows(qtbot, store, account_id, inbox):
    add_items(store, account_id, ["Tick tock"])
    inbox.reload()
    changed = []
    inbox.model.dataChanged.connect(lambda first, last: changed.append((first.column(), last)))
    inbox.model.tick()
    assert changed and changed[0][0] == 0  # the drawn column is included
