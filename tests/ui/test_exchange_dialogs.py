"""The exchange dialogs: CSV import, calendar export, review pack, decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from smmdesk.core.clock import to_local
from smmdesk.store.models import Account, Post, PostTarget, ReviewDecision
from smmdesk.ui.exchange import (
    ExportCalendarDialog,
    ImportCsvDialog,
    RecordDecisionsDialog,
    ReviewPackDialog,
)
from smmdesk.ui.exchange.import_dialog import REASON_COLUMN


@pytest.fixture
def accounts(store, client_id):
    with store.transaction() as s:
        riga = Account(
            client_id=client_id, platform="sandbox", handle="@kafija.riga", vault_key="k1"
        )
        events = Account(
            client_id=client_id, platform="sandbox", handle="@kafija_events", vault_key="k2"
        )
        s.add_all([riga, events])
        s.flush()
        return riga.id, events.id


def soon(days: int) -> str:
    """A day in the near future, in the client's zone, as DD.MM.YYYY."""
    day = to_local(datetime.now(UTC), "Europe/Riga").date() + timedelta(days=days)
    return day.strftime("%d.%m.%Y")


def choose(monkeypatch, method: str, path) -> None:
    monkeypatch.setattr(QFileDialog, method, staticmethod(lambda *a, **k: (str(path), "")))


def add_post(store, client_id, account_id, days=3, status="scheduled") -> int:
    with store.transaction() as s:
        post = Post(
            client_id=client_id,
            body="Pumpkin latte is back",
            status=status,
            scheduled_at=datetime.now(UTC) + timedelta(days=days),
        )
        post.targets.append(PostTarget(account_id=account_id))
        s.add(post)
        s.flush()
        return post.id


def test_import_refuses_a_bad_file_then_imports_a_good_one(
    qtbot, store, client_id, accounts, profile, tmp_path, monkeypatch
):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "date;time;accounts;text\n"
        f"{soon(3)};10:00;@kafija.riga;Fine row\n"
        f"{soon(4)};10:00;@foo;Unknown account\n"
        "31.02.2026;10:00;@kafija.riga;Bad date\n",
        encoding="utf-8-sig",
    )
    dialog = ImportCsvDialog(store, client_id, profile.media)
    qtbot.addWidget(dialog)
    dialog.show()
    choose(monkeypatch, "getOpenFileName", bad)
    dialog.choose_button.click()

    model = dialog.model
    assert model.rowCount() == 3
    results = [model.index(r, 1).data() for r in range(3)]
    reasons = [model.index(r, REASON_COLUMN).data() for r in range(3)]
    assert results == ["Ready", "Refused", "Refused"]
    assert reasons[1] == "no account @foo for Kafija Rīga"
    assert reasons[2] == "31.02.2026 is not a date"
    assert not dialog.import_button.isEnabled()
    assert "2 of 3 rows are refused" in dialog.summary.text()
    assert "Nothing is imported" in dialog.summary.text()

    good = tmp_path / "good.csv"
    good.write_text(
        "date,time,accounts,text,type\n"
        f"{soon(3)},10:00,@kafija.riga @kafija_events,First,photo\n"
        f"{soon(4)},09:30,kafija_events,Second,question\n",
        encoding="utf-8",
    )
    choose(monkeypatch, "getOpenFileName", good)
    dialog.choose_button.click()
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "Import 2 posts"
    with qtbot.waitSignal(dialog.imported) as signal:
        dialog.import_button.click()
    post_ids = signal.args[0]
    assert len(post_ids) == 2
    assert "Created 2 scheduled posts" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()  # no second import of the same rows
    with store.session() as s:
        posts = s.scalars(select(Post).order_by(Post.id)).all()
        assert [p.id for p in posts] == post_ids
        assert [(p.body, p.status, len(p.targets)) for p in posts] == [
            ("First", "scheduled", 2),
            ("Second", "scheduled", 1),
        ]


def test_import_explains_an_unreadable_file(
    qtbot, store, client_id, accounts, profile, tmp_path, monkeypatch
):
    path = tmp_path / "odd.csv"
    path.write_text("when,accounts,text\n", encoding="utf-8")
    dialog = ImportCsvDialog(store, client_id, profile.media)
    qtbot.addWidget(dialog)
    choose(monkeypatch, "getOpenFileName", path)
    dialog.choose_button.click()
    assert "Unknown column “when”" in dialog.summary.text()
    assert dialog.model.rowCount() == 0 and not dialog.import_button.isEnabled()


def test_calendar_export_names_the_count(qtbot, store, client_id, accounts, tmp_path, monkeypatch):
    add_post(store, client_id, accounts[0])
    add_post(store, client_id, accounts[1], days=5, status="draft")
    dialog = ExportCalendarDialog(store, client_id)
    qtbot.addWidget(dialog)
    assert dialog.scope.currentText() == "Kafija Rīga"
    choose(monkeypatch, "getSaveFileName", tmp_path / "schedule")
    dialog.export_button.click()
    saved = tmp_path / "schedule.ics"
    assert saved.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert dialog.message.text().startswith("Saved 2 posts to schedule.ics")


def test_calendar_export_cancelled_writes_nothing(qtbot, store, client_id, tmp_path, monkeypatch):
    dialog = ExportCalendarDialog(store, client_id)
    qtbot.addWidget(dialog)
    choose(monkeypatch, "getSaveFileName", "")
    dialog.export_button.click()
    assert list(tmp_path.iterdir()) == [tmp_path / "profile"]
    assert dialog.message.isHidden()


def test_review_pack_dialog_writes_the_pdf(
    qtbot, store, client_id, accounts, profile, tmp_path, monkeypatch
):
    add_post(store, client_id, accounts[0])
    dialog = ReviewPackDialog(store, client_id, media_dir=profile.media)
    qtbot.addWidget(dialog)
    assert dialog.count_label.text() == "1 post to review."
    assert dialog.open_button.isHidden()
    choose(monkeypatch, "getSaveFileName", tmp_path / "pack.pdf")
    dialog.export_button.click()
    assert (tmp_path / "pack.pdf").read_bytes().startswith(b"%PDF")
    assert "Saved the review pack (1 post)" in dialog.message.text()
    assert not dialog.open_button.isHidden()


def test_recording_decisions_with_history(qtbot, store, client_id, accounts):
    post_id = add_post(store, client_id, accounts[0], status="in_review")
    other_id = add_post(store, client_id, accounts[1], days=6, status="draft")
    dialog = RecordDecisionsDialog(store, client_id)
    qtbot.addWidget(dialog)
    assert dialog.posts.rowCount() == 2
    assert [dialog.posts.item(r, 0).text() for r in range(2)] == [f"P-{post_id}", f"P-{other_id}"]

    dialog.code_box.setText(f"p-{post_id}")
    dialog.find_code()
    assert dialog.current().post_id == post_id

    dialog.change.setChecked(True)
    dialog.decided_by.setText("Anna Bērziņa")
    dialog.save()  # a change request needs a comment
    assert "Write what the client asked to change." in dialog.message.text()
    dialog.comment.setPlainText("Say <b>autumn</b>, not fall")
    with qtbot.waitSignal(dialog.decisions_changed):
        dialog.save()
    assert dialog.message.text() == f"Recorded: P-{post_id} change requested by Anna Bērziņa."
    assert dialog.history.rowCount() == 1
    assert dialog.history.item(0, 1).text() == "Change requested"
    assert dialog.history.item(0, 3).text() == "Say <b>autumn</b>, not fall"

    dialog.approve.setChecked(True)
    dialog.save()
    assert dialog.history.rowCount() == 2
    assert dialog.history.item(0, 1).text() == "Approved"  # newest first
    with store.session() as s:
        assert s.get(Post, post_id).status == "approved"
        assert len(s.scalars(select(ReviewDecision)).all()) == 2

    dialog.code_box.setText("P-99999")
    dialog.find_code()
    assert "P-99999 is not among" in dialog.message.text()
