"""The composer: autosave, targets and counters, scheduling, history, images."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, time

import pytest
from PySide6.QtCore import QDate, QTime
from sqlalchemy import select

from smmdesk.core.clock import local_to_utc
from smmdesk.store.models import Account, Post, PostVersion
from smmdesk.ui.composer.composer_window import ComposerWindow

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAYAAAC56t6BAAAAEklEQVR4nGP4z8DwHwyBDAYGAJ7rCPgO5vLfAAAAAElFTkSuQmCC"
)


@pytest.fixture
def accounts(store, client_id):
    with store.transaction() as session:
        rows = [
            Account(client_id=client_id, platform="sandbox", handle=h, vault_key=h)
            for h in ("@kafija", "@kafija_events")
        ]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


@pytest.fixture
def composer(qtbot, store, reader, profile, accounts):
    window = ComposerWindow(store, reader, profile.media)
    qtbot.addWidget(window)
    return window


def body_of(store, post_id):
    with store.session() as session:
        return session.get(Post, post_id).body


def test_typing_is_saved_within_about_a_second(qtbot, composer, store, client_id):
    composer.new_post(client_id)
    post_id = composer.post_id
    qtbot.keyClicks(composer.text.main, "Labrit, Riga! ")  # QTest types ASCII only
    composer.text.main.insertPlainText("☕ Rīga")
    qtbot.waitUntil(lambda: body_of(store, post_id) == "Labrit, Riga! ☕ Rīga", timeout=2500)
    assert composer.saved_label.text().startswith("Saved")


def test_closing_saves_at_once(qtbot, composer, store, client_id):
    composer.new_post(client_id)
    composer.text.main.setPlainText("Closing now")
    composer.close()
    assert body_of(store, composer.post_id) == "Closing now"


def test_switching_posts_saves_the_first(qtbot, composer, store, client_id):
    composer.new_post(client_id)
    first = composer.post_id
    composer.text.main.setPlainText("First post")
    composer.new_post(client_id)
    assert body_of(store, first) == "First post"
    composer.open_post(first)
    assert composer.text.main_text() == "First post"


def test_counters_and_the_limit_per_account(qtbot, composer, client_id, accounts):
    composer.new_post(client_id)
    composer.targets.select({accounts[0]}, set())
    composer.text.main.setPlainText("👍🏽" * 10)
    composer._refresh_checks()
    counter = composer.targets._rows[accounts[0]][1]
    assert counter.text() == "10 / 500"
    composer.text.main.setPlainText("ሰ" * 501)
    composer._refresh_checks()
    assert "501" in composer.checks.problems.text()
    assert composer.checks.problems.isVisibleTo(composer)


def test_own_text_per_account(qtbot, composer, store, client_id, accounts):
    composer.new_post(client_id)
    composer.text.main.setPlainText("Shared text")
    composer.targets.select(set(accounts), set())
    composer.targets._rows[accounts[1]][2].setChecked(True)  # "Own text"
    composer.text._variants[accounts[1]].setPlainText("Short one")
    composer.save_now()
    with store.session() as session:
        post = session.get(Post, composer.post_id)
        variants = {t.account_id: t.variant_body for t in post.targets}
    assert variants == {accounts[0]: None, accounts[1]: "Short one"}


def test_scheduling_uses_the_client_time_zone(qtbot, composer, store, client_id, accounts):
    composer.new_post(client_id, day=date(2026, 12, 3), account_id=accounts[0])
    composer.day.setDate(QDate(2026, 12, 3))
    composer.at.setTime(QTime(9, 30))
    composer.save_now()
    with store.session() as session:
        when = session.get(Post, composer.post_id).scheduled_at
    assert when == local_to_utc(date(2026, 12, 3), time(9, 30), "Europe/Riga")
    assert when == datetime(2026, 12, 3, 7, 30, tzinfo=UTC)
    assert "Europe/Riga" in composer.zone_hint.text()


def test_scheduled_status_needs_a_publishable_post(
    qtbot, composer, store, client_id, accounts, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    composer.new_post(client_id)
    index = composer.status_box.findData("scheduled")
    composer.status_box.setCurrentIndex(index)
    composer._status_chosen(index)
    assert told and "Choose at least one account" in told[0]
    assert composer.status == "draft"

    composer.text.main.setPlainText("Ready to go")
    composer.targets.select({accounts[0]}, set())
    composer.schedule_on.setChecked(True)
    composer.status_box.setCurrentIndex(index)
    composer._status_chosen(index)
    assert composer.status == "scheduled"
    composer.save_now()
    with store.session() as session:
        assert session.get(Post, composer.post_id).status == "scheduled"


def test_history_restores_an_earlier_text(qtbot, composer, store, client_id, monkeypatch):
    from smmdesk.store import posts as post_store
    from smmdesk.ui.composer import history_dialog

    composer.new_post(client_id)
    composer.text.main.setPlainText("First idea")
    composer.save_now()
    with store.transaction() as session:
        post_store.start_new_version(session, composer.post_id)
    composer.text.main.setPlainText("Second idea")
    composer.save_now()

    def choose_oldest(dialog):
        dialog.list.setCurrentRow(dialog.list.count() - 1)
        dialog.accept()
        return True

    monkeypatch.setattr(history_dialog.HistoryDialog, "exec", choose_oldest)
    composer.show_history()
    assert composer.text.main_text() == "First idea"
    assert body_of(store, composer.post_id) == "First idea"
    with store.session() as session:
        versions = session.scalars(
            select(PostVersion).where(PostVersion.post_id == composer.post_id)
        ).all()
    assert {v.body for v in versions} >= {"First idea", "Second idea"}


def test_images_are_added_and_limited(qtbot, composer, client_id, accounts, tmp_path):
    composer.new_post(client_id)
    composer.targets.select({accounts[0]}, set())
    paths = []
    for n in range(5):
        path = tmp_path / f"p{n}.png"
        path.write_bytes(PNG + bytes([n]))  # five different files
        paths.append(path)
    composer._add_files(paths)
    assert composer.media.media_count() == 5
    assert "at most 4" in composer.checks.problems.text()
    composer.media.list.setCurrentRow(0)
    composer.media._remove()
    assert composer.media.media_count() == 4
    assert "at most 4" not in composer.checks.problems.text()


def test_testimonial_records_permission(qtbot, composer, store, client_id):
    composer.new_post(client_id)
    index = composer.content_type.findData("testimonial")
    composer.content_type.setCurrentIndex(index)
    assert composer.testimonial_box.isVisibleTo(composer)
    assert "permission" in composer.checks.warnings.text()
    composer.testimonial_by.setText("Ilze Bērziņa")
    composer.permission_day.setDate(QDate(2026, 11, 20))
    composer.save_now()
    with store.session() as session:
        post = session.get(Post, composer.post_id)
        assert post.testimonial_by == "Ilze Bērziņa"
        assert post.testimonial_permission_at.date() == date(2026, 11, 20)


def test_a_schedule_keeps_its_instant_when_the_laptop_changes_zone(
    qtbot, composer, store, client_id, accounts, monkeypatch
):
    import time as systime

    composer.new_post(client_id, account_id=accounts[0])
    composer.schedule_on.setChecked(True)
    composer.day.setDate(QDate(2026, 3, 29))  # the day Riga moves to summer time
    composer.at.setTime(QTime(9, 30))
    composer.save_now()
    with store.session() as session:
        before = session.get(Post, composer.post_id).scheduled_at
    assert before == datetime(2026, 3, 29, 6, 30, tzinfo=UTC)

    monkeypatch.setenv("TZ", "America/New_York")
    systime.tzset()
    try:
        composer.open_post(composer.post_id)
        assert composer.at.time() == QTime(9, 30)  # still the client's wall clock
        assert "your time" in composer.zone_hint.text()
        composer.save_now()
        with store.session() as session:
            assert session.get(Post, composer.post_id).scheduled_at == before
    finally:
        monkeypatch.undo()
        systime.tzset()
