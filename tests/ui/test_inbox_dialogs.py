"""The Inbox's dialogs: rules, saved replies, contest draw, leaders, escalations."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import select

from smmdesk.core.clock import to_local
from smmdesk.store.models import Account, Client, InboxItem, Post, PostTarget, SavedReply
from smmdesk.store.triage_settings import reclassify_open_items
from smmdesk.ui.inbox.contest_dialog import ContestDialog
from smmdesk.ui.inbox.escalations_dialog import EscalationsDialog, csv_delimiter
from smmdesk.ui.inbox.leaders_dialog import LeadersDialog
from smmdesk.ui.inbox.saved_replies_dialog import SavedRepliesDialog
from smmdesk.ui.inbox.triage_rules_dialog import TriageRulesDialog

NOW = datetime.now(UTC).replace(microsecond=0)


def answer(monkeypatch, button: QMessageBox.StandardButton) -> list[str]:
    """Every QMessageBox.question answers ``button``; the asked texts are returned."""
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


@pytest.fixture
def account_id(store, client_id):
    with store.transaction() as s:
        own = Account(
            client_id=client_id,
            platform="telegram",
            handle="@kafija",
            vault_key="k1",
            remote_id="brand",
        )
        s.add(own)
        s.flush()
        return own.id


def add_item(store, account_id, remote_id, author, body, hours_ago, **values):
    with store.transaction() as s:
        item = InboxItem(
            account_id=account_id,
            kind=values.pop("kind", "comment"),
            remote_id=remote_id,
            author_id=author,
            author_name=values.pop("author_name", author.capitalize()),
            author_handle=values.pop("author_handle", author),
            body=body,
            created_at=NOW - timedelta(hours=hours_ago),
            **values,
        )
        s.add(item)
        s.flush()
        return item.id


def cells(model) -> list[list[str]]:
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


# --- saved replies ----------------------------------------------------------------


def saved_rows(store):
    with store.session() as s:
        return [
            (r.title, r.body, r.category, r.client_id)
            for r in s.scalars(select(SavedReply).order_by(SavedReply.id))
        ]


def test_saved_replies_add_edit_and_delete(qtbot, store, reader, client_id, monkeypatch):
    dialog = SavedRepliesDialog(store, reader, client_id)
    qtbot.addWidget(dialog)
    assert dialog.editing is None  # an empty profile opens on a new reply

    dialog.title.setText("Opening hours")
    dialog.category.setCurrentIndex(dialog.category.findData("question"))
    dialog.body.setPlainText("Hi ")
    dialog.body.moveCursor(QTextCursor.MoveOperation.End)
    dialog.field_buttons["first_name"].click()
    dialog.body.insertPlainText("! Open 8–20 at {client}.")
    assert dialog.body.toPlainText() == "Hi {first_name}! Open 8–20 at {client}."
    assert dialog.preview.toPlainText() == "Hi Anna! Open 8–20 at Kafija Rīga."
    assert dialog.save()
    assert saved_rows(store) == [
        ("Opening hours", "Hi {first_name}! Open 8–20 at {client}.", "question", client_id)
    ]

    dialog.all_clients.setChecked(True)
    dialog.title.setText("Hours")
    dialog.save_button.click()
    assert saved_rows(store)[0][0::3] == ("Hours", None)
    assert dialog.model.rowCount() == 1

    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    dialog.delete_button.click()
    assert "Hours" in asked[0]
    assert saved_rows(store) == []
    assert dialog.model.rowCount() == 0


def test_a_refused_saved_reply_keeps_its_text(qtbot, store, reader, client_id, monkeypatch):
    dialog = SavedRepliesDialog(store, reader, client_id)
    qtbot.addWidget(dialog)
    dialog.body.setPlainText("We are sorry, {nmae}.")
    assert "{nmae}" in dialog.preview_note.text()
    assert not dialog.save()
    assert dialog.message.text() == "Give the saved reply a title."
    assert dialog.body.toPlainText() == "We are sorry, {nmae}."
    assert saved_rows(store) == []

    # Closing with unsaved text asks; Cancel keeps the dialog and the text.
    answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    dialog.show()
    dialog.reject()
    assert dialog.isVisible()
    assert dialog.body.toPlainText() == "We are sorry, {nmae}."


def test_switching_replies_asks_before_dropping_an_edit(
    qtbot, store, reader, client_id, monkeypatch
):
    with store.transaction() as s:
        s.add_all(
            [
                SavedReply(client_id=client_id, title="A", body="first", category="question"),
                SavedReply(client_id=None, title="B", body="shared", category="praise"),
            ]
        )
    dialog = SavedRepliesDialog(store, reader, client_id)
    qtbot.addWidget(dialog)
    assert dialog.title.text() == "A"
    dialog.body.setPlainText("first, changed")
    answer(monkeypatch, QMessageBox.StandardButton.Save)
    dialog.list.setCurrentIndex(dialog.model.index(1, 0))
    assert dialog.title.text() == "B"
    assert dialog.all_clients.isChecked()
    assert ("A", "first, changed", "question", client_id) in saved_rows(store)


# --- leaders ----------------------------------------------------------------------


def test_leaders_most_active_first_without_the_brand(qtbot, store, reader, account_id):
    for n in range(3):
        add_item(store, account_id, f"a{n}", "anna", "Hi", hours_ago=n + 1, author_name="Anna")
    for n in range(4):  # the brand answering itself is not a leader
        add_item(store, account_id, f"b{n}", "brand", "Thanks", hours_ago=n + 1)
    add_item(store, account_id, "j", "juris", "Hey", hours_ago=2, kind="mention")
    add_item(store, account_id, "old", "old", "Long ago", hours_ago=24 * 40)
    dialog = LeadersDialog(reader, 1)
    qtbot.addWidget(dialog)
    assert dialog.period.preset.currentText() == "Last 30 days"
    rows = cells(dialog.model)
    assert [r[0] for r in rows] == ["Anna", "Juris"]
    assert rows[0][1:5] == ["@anna", "Telegram @kafija", "3", "3"]
    assert rows[1][3:5] == ["1", "0"]

    dialog.period.preset.setCurrentIndex(dialog.period.preset.findData(90))
    assert [r[0] for r in cells(dialog.model)] == ["Anna", "Juris", "Old"]

    dialog.copy_button.click()
    text = QGuiApplication.clipboard().text()
    assert text.startswith("Audience leaders — Kafija Rīga, ")
    assert "1. Anna (@anna): 3 items, 3 comments, on Telegram @kafija" in text
    assert "brand" not in text.lower().replace("kafija", "")


# --- escalations ------------------------------------------------------------------


def test_escalations_list_and_export(qtbot, store, reader, account_id, tmp_path):
    add_item(
        store,
        account_id,
        "e1",
        "olga",
        "Заказ не пришёл",
        hours_ago=5,
        author_name="Ольга",
        status="escalated",
        escalated_at=NOW - timedelta(hours=4),
        escalation_note="Refund?",
    )
    add_item(store, account_id, "n", "ok", "Fine", hours_ago=3)
    dialog = EscalationsDialog(reader, None)
    qtbot.addWidget(dialog)
    rows = cells(dialog.model)
    assert len(rows) == 1
    assert rows[0][1:] == [
        "Kafija Rīga", "Telegram", "@kafija", "Comment", "Ольга", "Заказ не пришёл", "Refund?",
    ]  # fmt: skip
    dialog.table.selectRow(0)
    assert "Заказ не пришёл" in dialog.detail.toPlainText()
    assert "Refund?" in dialog.detail.toPlainText()

    target = tmp_path / "escalated.csv"
    assert dialog.export_to(target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(
        csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=csv_delimiter())
    )
    assert table[1][1] == "Kafija Rīga" and table[1][6] == "Заказ не пришёл"
    local = to_local(NOW - timedelta(hours=4), "Europe/Riga")
    assert table[1][0] == f"{local:%Y-%m-%d %H:%M}"
    assert "Saved 1 item" in dialog.message.text()

    blocked = tmp_path / "file"
    blocked.write_text("")
    assert not dialog.export_to(blocked / "x.csv")
    assert "could not be written" in dialog.message.text()


def test_csv_delimiter_follows_the_decimal_mark():
    assert csv_delimiter(QLocale(QLocale.Language.Latvian, QLocale.Country.Latvia)) == ";"
    assert csv_delimiter(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)) == ","


# --- contest ----------------------------------------------------------------------


@pytest.fixture
def contest_post(store, client_id, account_id):
    with store.transaction() as s:
        post = Post(client_id=client_id, body="Win a bag of beans!", status="published")
        post.targets.append(PostTarget(account_id=account_id, remote_id="p1", status="published"))
        s.add(post)
        s.flush()
        post_id = post.id
    people = ["anna", "juris", "ilze", "marta", "peteris", "anna"]
    for n, who in enumerate(people):
        add_item(store, account_id, f"c{n}", who, f"beans #{n}", 30 - n, post_remote_id="p1")
    add_item(store, account_id, "own", "brand", "beans for all", 10, post_remote_id="p1")
    add_item(store, account_id, "nokw", "zane", "nice", 9, post_remote_id="p1")
    return post_id


def test_contest_draw_is_recorded_and_repeats(qtbot, store, reader, contest_post, monkeypatch):
    dialog = ContestDialog(store, reader, contest_post)
    qtbot.addWidget(dialog)
    assert dialog.post_text.toPlainText() == "Win a bag of beans!"
    # 8 comments: the brand's own is left out, Anna counts once.
    assert sorted(e.author_id for e in dialog.entrants) == [
        "anna", "ilze", "juris", "marta", "peteris", "zane",
    ]  # fmt: skip
    assert "brand's own" in dialog.count.text()
    dialog.keyword.setText("BEANS")
    assert "zane" not in {e.author_id for e in dialog.entrants}
    assert dialog.count.text().startswith("5 of 8 comments enter")

    dialog.rules.setPlainText("Comment with BEANS by Sunday.")
    dialog.winners.setValue(2)
    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    dialog.draw_button.click()
    assert "Draw 2 winners from 5" in asked[0]
    assert len(dialog.draws) == 1
    stored = dialog.draws[0]
    assert len(stored.entrants) == 5 and len(stored.winners) == 2
    assert stored.keyword == "BEANS" and stored.rules == "Comment with BEANS by Sunday."
    assert {w.author_id for w in stored.winners} <= {e.author_id for e in stored.entrants}
    assert dialog.winners_model.rowCount() == 2
    with store.session() as s:
        assert s.get(Post, contest_post).contest_rules == "Comment with BEANS by Sunday."

    assert dialog.repeat_selected() is True
    assert "the same winners" in dialog.message.text()

    dialog.copy_button.click()
    text = QGuiApplication.clipboard().text()
    assert f"Seed: {stored.seed}" in text
    assert "Entrants: 5" in text and "Comment with BEANS by Sunday." in text
    for winner in stored.winners:
        assert winner.author_name in text


def test_contest_refuses_more_winners_than_entrants(qtbot, store, reader, contest_post):
    dialog = ContestDialog(store, reader, contest_post)
    qtbot.addWidget(dialog)
    dialog.keyword.setText("#1")
    dialog.winners.setValue(3)
    assert dialog.draw_now() is None
    assert "Only 1 entrant for 3 winners" in dialog.message.text()
    assert dialog.draws == []
    dialog.keyword.setText("no such word")
    assert not dialog.draw_button.isEnabled()


def test_contest_rules_are_saved_as_typed(qtbot, store, reader, contest_post):
    dialog = ContestDialog(store, reader, contest_post)
    qtbot.addWidget(dialog)
    dialog.rules.setPlainText("One entry per person.")
    qtbot.waitUntil(lambda: dialog.rules_state.text() == "Rules saved with the post.")
    with store.session() as s:
        assert s.get(Post, contest_post).contest_rules == "One entry per person."


# --- classification rules -----------------------------------------------------------


def item_state(store, item_id):
    with store.session() as s:
        item = s.get(InboxItem, item_id)
        return item.category, item.category_source, item.due_at is not None


def test_rules_dialog_saves_resorts_and_keeps_corrections(qtbot, store, reader, account_id):
    kafija = "kafija latte"
    auto = add_item(store, account_id, "a", "anna", f"I love the {kafija}", 2, category="praise")
    corrected = add_item(
        store, account_id, "m", "juris", f"{kafija} again", 3,
        category="question", category_source="manual",
    )  # fmt: skip
    untouched = add_item(store, account_id, "u", "ilze", "Thanks!", 4, category="praise")
    dialog = TriageRulesDialog(store, reader, 1)
    qtbot.addWidget(dialog)
    english = dialog.pages["en"]
    assert "refund*" in english.editors["complaint"].toPlainText()  # the defaults, prefilled
    assert english.state.text() == "The shipped defaults."

    english.editors["spam"].appendPlainText("kafija latte")
    dialog.sample.setPlainText("Buy a Kafija  LATTE now")
    dialog.check()
    assert dialog.verdict.text().startswith("Spam")
    assert "kafija latte" in dialog.verdict.text()
    dialog.flagged.setPlainText("cheap, your fault\ncheap")

    assert dialog.save()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    assert dialog.message.text() == "1 item re-sorted; your own corrections were kept."
    assert item_state(store, auto) == ("spam", "auto", False)
    assert item_state(store, corrected) == ("question", "manual", False)
    assert item_state(store, untouched)[:2] == ("praise", "auto")
    with store.session() as s:
        client = s.get(Client, 1)
        assert "kafija latte" in client.triage_rules
        assert '"ru"' not in client.triage_rules  # untouched languages follow the defaults
        assert client.flagged_words == "cheap\nyour fault"
    dialog.reject()
    assert dialog.result() == QDialog.DialogCode.Accepted  # the Inbox reloads


def test_a_bad_pattern_blocks_saving_and_loses_nothing(qtbot, store, reader, client_id):
    dialog = TriageRulesDialog(store, reader, client_id)
    qtbot.addWidget(dialog)
    russian = dialog.pages["ru"]
    typed = russian.editors["question"].toPlainText() + "\n/[а-/"
    russian.editors["question"].setPlainText(typed)
    assert not dialog.save()
    assert dialog.tabs.currentWidget() is russian
    assert dialog.tabs.tabText(1) == "Russian ⚠"
    problems = russian.problem_labels["question"]
    assert problems.isVisibleTo(dialog) and "/[а-/" in problems.text()
    assert "Fix the problem marked in red first" in dialog.message.text()
    assert russian.editors["question"].toPlainText() == typed
    with store.session() as s:
        assert s.get(Client, client_id).triage_rules == ""

    russian.reset()
    dialog.check()
    assert not problems.isVisibleTo(dialog)
    assert dialog.save()
    assert "no item was re-sorted" in dialog.message.text()


def test_reclassify_in_one_session_keeps_manual_corrections(store, account_id):
    spam = "Earn $500 a day, write to me"
    auto = add_item(store, account_id, "a", "x", spam, 2, category="question", status="new")
    manual = add_item(
        store, account_id, "b", "y", spam, 2, category="question", category_source="manual"
    )
    with store.transaction() as s:
        assert reclassify_open_items(s, 1, chunk=1) == 1
    assert item_state(store, auto) == ("spam", "auto", False)  # spam waits for no answer
    assert item_state(store, manual)[:2] == ("question", "manual")
    with store.transaction() as s:
        assert reclassify_open_items(s, 1) == 0


def test_hostile_network_text_is_shown_as_typed(qtbot, store, reader, account_id):
    evil = '<img src="http://evil.example/x.png"><b>Prize</b>'
    with store.transaction() as s:
        post = Post(client_id=1, body=evil, status="published")
        post.targets.append(PostTarget(account_id=account_id, remote_id="p9", status="published"))
        s.add(post)
        s.flush()
        post_id = post.id
    add_item(
        store, account_id, "h", "evil", "<i>me</i>\u202eTXET", 1,
        author_name="<b>Boss</b>", post_remote_id="p9",
    )  # fmt: skip
    dialog = ContestDialog(store, reader, post_id)
    qtbot.addWidget(dialog)
    assert dialog.post_text.toPlainText() == evil
    dialog.draw_now()
    winner = cells(dialog.winners_model)[0]
    assert winner[1] == "<b>Boss</b>"
    assert winner[2] == "\u2068<i>me</i>\u202eTXET\u2069"  # isolated: cannot turn the row around
