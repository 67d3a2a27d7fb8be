"""The Calendar tab as a planner uses it: views, filters, moves, guard, gaps, notes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from smmdesk.core.clock import local_to_utc
from smmdesk.store.models import Account, Client, Post, PostTarget
from smmdesk.ui.calendar import chips, tooltips
from smmdesk.ui.calendar.calendar_data import CalendarFilter, DraftRequest
from smmdesk.ui.calendar.calendar_tab import CalendarTab
from smmdesk.ui.calendar.week_layout import HOUR_HEIGHT

RIGA = "Europe/Riga"
NOW = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)  # a Friday


def riga(day: date, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(day, time(hour, minute), RIGA)


@pytest.fixture
def accounts(store, client_id):
    with store.transaction() as session:
        a = Account(client_id=client_id, platform="telegram", handle="@kafija", vault_key="k1")
        b = Account(client_id=client_id, platform="mastodon", handle="@kafija_m", vault_key="k2")
        session.add_all([a, b])
        session.flush()
        return a.id, b.id


def add_post(store, client_id, when, accounts, status="scheduled", kind="photo", body="Hello"):
    with store.transaction() as session:
        post = Post(
            client_id=client_id, body=body, status=status, content_type=kind, scheduled_at=when
        )
        for account_id in accounts:
            target = PostTarget(account_id=account_id)
            if status == "published":
                target.status = "published"
            post.targets.append(target)
        session.add(post)
        session.flush()
        return post.id


def stored_time(store, post_id):
    with store.session() as session:
        return session.get(Post, post_id).scheduled_at


def set_client(store, client_id, **values):
    with store.transaction() as session:
        client = session.get(Client, client_id)
        for name, value in values.items():
            setattr(client, name, value)


@pytest.fixture
def tab(qtbot, store, reader, client_id):
    tab = CalendarTab(reader)
    qtbot.addWidget(tab)
    tab.now = lambda: NOW
    tab.resize(1280, 820)
    tab.set_client(client_id)
    tab.show_day(NOW.date())
    return tab


@pytest.fixture
def attached(tab, store):
    tab.attach(store)
    return tab


# --- views ---------------------------------------------------------------------------------


def test_week_and_list_show_posts_on_the_clients_day_and_time(tab, store, client_id, accounts):
    # 23:30 UTC on Monday 16 March is 01:30 on Tuesday 17 March in Riga.
    post = add_post(store, client_id, datetime(2026, 3, 16, 23, 30, tzinfo=UTC), [accounts[0]])
    add_post(store, client_id, datetime(2026, 3, 30, 9, 0, tzinfo=UTC), [accounts[0]])
    tab.show_day(date(2026, 3, 17))
    tab.set_mode("week")
    assert tab.title.text() == "16 – 22 March 2026"
    assert tab.week.posts_on(date(2026, 3, 16)) == []
    [(local, entry)] = tab.week.posts_on(date(2026, 3, 17))
    assert entry.id == post and (local.hour, local.minute) == (1, 30)
    placed = tab.week.canvas.placed_post(post)
    assert placed is not None and placed.rect.top() == round(1.5 * HOUR_HEIGHT) + 1

    tab.set_mode("list")
    rows = tab.agenda.agenda_model.rows
    headers = [row.day for row in rows if row.entry is None]
    assert date(2026, 3, 17) in headers and date(2026, 3, 30) in headers
    row = next(n for n, r in enumerate(rows) if r.entry is not None and r.entry.id == post)
    model = tab.agenda.agenda_model
    assert model.index(row, 0).data() == "01:30"
    assert model.index(row, 2).data() == "@kafija"
    assert rows[row].day == date(2026, 3, 17)


def test_dst_a_post_at_nine_stays_at_nine_across_the_change(tab, store, client_id, accounts):
    before = add_post(store, client_id, riga(date(2026, 3, 28), 9), [accounts[0]])
    after = add_post(store, client_id, riga(date(2026, 3, 29), 9), [accounts[0]])
    monday = add_post(store, client_id, riga(date(2026, 3, 30), 9), [accounts[0]])
    assert stored_time(store, before).hour == 7 and stored_time(store, after).hour == 6
    tab.show_day(date(2026, 3, 28))
    tab.set_mode("week")
    tops = set()
    for post_id, day in ((before, date(2026, 3, 28)), (after, date(2026, 3, 29))):
        [(local, entry)] = tab.week.posts_on(day)
        assert entry.id == post_id and (local.hour, local.minute) == (9, 0)
        tops.add(tab.week.canvas.placed_post(post_id).rect.top())
    assert len(tops) == 1
    tab.go(+1)
    [(local, entry)] = tab.week.posts_on(date(2026, 3, 30))
    assert entry.id == monday and local.hour == 9


def test_month_cells_show_themes_observances_and_their_drafts(qtbot, tab, store, client_id):
    set_client(store, client_id, weekday_themes=json.dumps({"0": "Motivation Monday"}))
    tab.reload()
    tab.show_month(date(2026, 11, 1))
    tab.load_observances()
    monday, tuesday = date(2026, 11, 16), date(2026, 11, 17)
    assert tab.note_on(monday).theme == "Motivation Monday"
    assert tab.note_on(tuesday).theme is None
    holiday = tab.note_on(date(2026, 11, 18)).observances
    assert any("Proclamation" in item.name and item.kind == "holiday" for item in holiday)
    fun = tab.note_on(date(2026, 10, 31))  # outside the month: not in this grid's range
    assert fun.observances == () or all(o.day == date(2026, 10, 31) for o in fun.observances)
    tab.show_month(date(2026, 10, 1))
    octopus = tab.note_on(date(2026, 10, 8)).observances
    assert any(item.name == "Octopus Day" and item.source for item in octopus)

    texts = [text for text, _request in tab.day_actions(date(2026, 10, 12))]
    assert texts[:2] == ["New draft on this day", "New draft: Motivation Monday"]
    menu = tab.day_menu(date(2026, 10, 8))
    action = next(a for a in menu.actions() if a.text() == "New draft: Octopus Day")
    with qtbot.waitSignal(tab.new_draft) as signal:
        action.trigger()
    assert signal.args[0] == DraftRequest(client_id, date(2026, 10, 8), observance="Octopus Day")
    theme = next(a for a in tab.day_menu(date(2026, 10, 12)).actions() if "Motivation" in a.text())
    with qtbot.waitSignal(tab.new_draft) as signal:
        theme.trigger()
    assert signal.args[0].theme == "Motivation Monday"


def test_observances_load_after_the_first_paint(qtbot, tab):
    tab.show_month(date(2026, 10, 1))
    assert not tab.observances_loaded
    tab.show()
    qtbot.waitUntil(lambda: tab.observances_loaded, timeout=3000)
    assert tab.note_on(date(2026, 10, 8)).observances


def test_the_first_paint_comes_before_the_guard_and_the_side_panel(
    qtbot, store, reader, client_id, accounts
):
    set_client(store, client_id, max_posts_per_day=1)
    day = datetime.now(UTC).date() + timedelta(days=1)
    for hour in (9, 15):
        add_post(store, client_id, riga(day, hour), [accounts[0]])
    tab = CalendarTab(reader)
    qtbot.addWidget(tab)
    assert not tab.side_panel.gap_model.gaps and not tab.note_on(day).warnings
    assert len(tab.posts_shown()) == 2  # the posts themselves are there for the first paint
    tab.show()
    qtbot.waitUntil(lambda: bool(tab.side_panel.gap_model.gaps), timeout=3000)
    assert tab.note_on(day).warnings


def test_filters_narrow_what_is_shown(tab, store, client_id, accounts):
    a, b = accounts
    day = date(2026, 3, 24)
    add_post(store, client_id, riga(day, 9), [a], status="draft", kind="photo")
    add_post(store, client_id, riga(day, 13), [b], status="scheduled", kind="video")
    add_post(store, client_id, riga(day, 18), [a, b], status="scheduled", kind="question")
    tab.reload()
    assert len(tab.posts_shown()) == 3
    tab.filter_bar.set_filter(CalendarFilter(status="draft"))
    assert [e.status for _l, e in tab.posts_shown()] == ["draft"]
    assert "filtered" in tab.summary.text()
    tab.filter_bar.set_filter(CalendarFilter(content_type="video"))
    assert [e.content_type for _l, e in tab.posts_shown()] == ["video"]
    tab.filter_bar.set_filter(CalendarFilter(account_id=b))
    assert {e.content_type for _l, e in tab.posts_shown()} == {"video", "question"}
    assert tab.filter_bar.clear_button.isVisibleTo(tab)
    tab.filter_bar.clear()
    assert len(tab.posts_shown()) == 3


def test_double_clicks_open_posts_and_start_drafts(qtbot, tab, store, client_id, accounts):
    post = add_post(store, client_id, riga(date(2026, 3, 24), 9), [accounts[0]])
    tab.reload()
    tab.show()
    with qtbot.waitSignal(tab.open_post) as opened:
        tab.grid.post_activated.emit(post)
    assert opened.args == [post]
    rect = tab.grid.chip_rect(post)
    assert rect is not None
    with qtbot.waitSignal(tab.open_post) as opened:
        qtbot.mouseDClick(tab.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [post]
    empty = tab.grid.visualRect(tab.grid.month_model.index_of(date(2026, 3, 25)))
    with qtbot.waitSignal(tab.new_draft) as draft:
        qtbot.mouseDClick(tab.grid.viewport(), Qt.MouseButton.LeftButton, pos=empty.center())
    assert draft.args[0] == DraftRequest(client_id, date(2026, 3, 25))


# --- moving posts --------------------------------------------------------------------------


def test_moving_needs_the_store(tab, store, client_id, accounts):
    post = add_post(store, client_id, riga(date(2026, 3, 24), 9), [accounts[0]])
    tab.reload()
    assert not tab.grid.drag_enabled
    assert not tab.move_post(post, date(2026, 3, 25))
    assert stored_time(store, post) == riga(date(2026, 3, 24), 9)
    assert "loading" in tab.notice.text().lower()


def test_move_keeps_the_local_time_and_undo_redo_work(qtbot, attached, store, client_id, accounts):
    tab = attached
    post = add_post(store, client_id, riga(date(2026, 3, 24), 9, 30), [accounts[0]])
    tab.reload()
    assert tab.grid.drag_enabled
    # Across the change to summer time: still 09:30 in Riga, one hour less in UTC.
    assert tab.move_post(post, date(2026, 3, 31))
    assert stored_time(store, post) == riga(date(2026, 3, 31), 9, 30)
    assert stored_time(store, post).hour == 6
    assert tab.undo_stack.count() == 1 and tab.undo_button.isEnabled()
    assert "31 Mar" in tab.undo_stack.undoText()
    tab.undo_stack.undo()
    assert stored_time(store, post) == riga(date(2026, 3, 24), 9, 30)
    assert [e.id for _l, e in tab.grid.month_model.posts_on(date(2026, 3, 24))] == [post]
    tab.redo_button.click()
    assert stored_time(store, post) == riga(date(2026, 3, 31), 9, 30)
    assert [e.id for _l, e in tab.grid.month_model.posts_on(date(2026, 3, 31))] == [post]


def test_undo_and_redo_shortcuts(qtbot, attached, store, client_id, accounts):
    tab = attached
    post = add_post(store, client_id, riga(date(2026, 3, 24), 9), [accounts[0]])
    tab.reload()
    tab.show()
    tab.activateWindow()
    qtbot.waitActive(tab)
    tab.grid.setFocus()
    tab.move_post(post, date(2026, 3, 26))
    # Through the QWindow, so the key goes through Qt's shortcut map as a real one would.
    QTest.keyClick(tab.windowHandle(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_time(store, post) == riga(date(2026, 3, 24), 9)
    QTest.keyClick(
        tab.windowHandle(),
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert stored_time(store, post) == riga(date(2026, 3, 26), 9)


def test_a_drop_on_the_month_grid_moves_the_post(qtbot, attached, store, client_id, accounts):
    tab = attached
    post = add_post(store, client_id, riga(date(2026, 3, 24), 18, 15), [accounts[0]])
    tab.reload()
    tab.show()
    target = tab.grid.visualRect(tab.grid.month_model.index_of(date(2026, 3, 27)))
    mime = QMimeData()
    mime.setData(chips.MIME_POST, str(post).encode())
    drop = QDropEvent(
        QPointF(target.center()),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    tab.grid.dropEvent(drop)
    qtbot.waitUntil(lambda: stored_time(store, post) == riga(date(2026, 3, 27), 18, 15))


def test_a_drop_on_the_week_snaps_to_a_quarter_hour(qtbot, attached, store, client_id, accounts):
    tab = attached
    post = add_post(store, client_id, riga(date(2026, 3, 24), 9), [accounts[0]])
    tab.reload()
    tab.show_day(date(2026, 3, 24))
    tab.set_mode("week")
    tab.show()
    canvas = tab.week.canvas
    column = canvas.columns.column(3)  # Thursday 26 March
    y = round((14 * 60 + 7) * HOUR_HEIGHT / 60)  # 14:07 -> 14:00
    assert canvas.slot_at(QPointF(column.center().x(), y).toPoint()) == (
        date(2026, 3, 26),
        time(14, 0),
    )
    mime = QMimeData()
    mime.setData(chips.MIME_POST, str(post).encode())
    drop = QDropEvent(
        QPointF(column.center().x(), y),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    canvas.dropEvent(drop)
    qtbot.waitUntil(lambda: stored_time(store, post) == riga(date(2026, 3, 26), 14, 0))
    tab.undo_stack.undo()
    assert stored_time(store, post) == riga(date(2026, 3, 24), 9)


def test_a_published_post_cannot_move(attached, store, client_id, accounts):
    tab = attached
    post = add_post(store, client_id, riga(date(2026, 3, 17), 9), [accounts[0]], "published")
    tab.reload()
    assert not tab.move_post(post, date(2026, 3, 25))
    assert stored_time(store, post) == riga(date(2026, 3, 17), 9)
    assert "cannot be moved" in tab.notice.text()
    assert tab.undo_stack.count() == 0
    [(local, entry)] = tab.grid.month_model.posts_on(date(2026, 3, 17))
    assert chips.PUBLISHED_LOCKED in tooltips.post_tooltip(local, entry, tab.account_label)


@pytest.mark.parametrize("answer", ["cancel", "move anyway"])
def test_breaking_the_guard_asks_first(monkeypatch, attached, store, client_id, accounts, answer):
    tab = attached
    set_client(store, client_id, max_posts_per_day=1, min_gap_minutes=0)
    add_post(store, client_id, riga(date(2026, 3, 25), 9), [accounts[0]])
    moving = add_post(store, client_id, riga(date(2026, 3, 26), 15), [accounts[0]])
    tab.reload()
    asked = []

    def exec_(box):
        asked.append((box.text(), box.informativeText()))
        if answer == "cancel":
            return QMessageBox.StandardButton.Cancel
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    moved = tab.move_post(moving, date(2026, 3, 25))
    assert len(asked) == 1
    assert "posting guard" in asked[0][0] and "@kafija" in asked[0][1]
    assert "limit is 1" in asked[0][1]
    if answer == "cancel":
        assert not moved and tab.undo_stack.count() == 0
        assert stored_time(store, moving) == riga(date(2026, 3, 26), 15)
    else:
        assert moved and stored_time(store, moving) == riga(date(2026, 3, 25), 15)
        assert tab.note_on(date(2026, 3, 25)).warnings  # now shown on the day


def test_a_move_that_keeps_the_guard_asks_nothing(
    monkeypatch, attached, store, client_id, accounts
):
    tab = attached
    add_post(store, client_id, riga(date(2026, 3, 25), 9), [accounts[0]])
    moving = add_post(store, client_id, riga(date(2026, 3, 26), 15), [accounts[0]])
    tab.reload()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail("asked for no reason"))
    assert tab.move_post(moving, date(2026, 3, 25))


def test_guard_violations_show_on_their_day(tab, store, client_id, accounts):
    set_client(store, client_id, max_posts_per_day=3, min_gap_minutes=120)
    day = date(2026, 3, 24)
    add_post(store, client_id, riga(day, 9), [accounts[0]])
    add_post(store, client_id, riga(day, 9, 45), [accounts[0]])
    add_post(store, client_id, riga(day, 12), [accounts[1]], status="idea")
    tab.reload()
    [warning] = tab.note_on(day).warnings
    assert warning.startswith("@kafija:") and "45 minutes apart" in warning
    assert not tab.note_on(date(2026, 3, 25)).warnings
    assert "posting guard broken on 1 day" in tab.summary.text()
    tooltip = tooltips.warnings_tooltip(day, tab.note_on(day))
    assert "45 minutes" in tooltip
    tab.filter_bar.set_filter(CalendarFilter(account_id=accounts[1]))
    assert not tab.note_on(day).warnings


# --- gaps and the content mix ----------------------------------------------------------------


def test_gaps_in_the_next_seven_days_are_listed_and_marked(qtbot, tab, store, client_id, accounts):
    a, b = accounts
    today = NOW.date()
    for offset in range(7):
        if offset != 3:
            add_post(store, client_id, riga(today + timedelta(days=offset), 12), [a])
    tab.reload()
    gaps = tab.side_panel.gap_model.gaps
    assert [(g.account_id, g.day) for g in gaps if g.account_id == a] == [
        (a, today + timedelta(days=3))
    ]
    assert len([g for g in gaps if g.account_id == b]) == 7
    assert a in tab.note_on(today + timedelta(days=3)).gap_accounts
    assert tab.note_on(today + timedelta(days=2)).gap_accounts == (b,)
    model = tab.side_panel.gap_model
    row = next(n for n, g in enumerate(model.gaps) if g.account_id == a)
    assert "@kafija" in model.index(row).data()
    tab.show()
    rect = tab.side_panel.gap_list.visualRect(model.index(row))
    with qtbot.waitSignal(tab.new_draft) as signal:
        qtbot.mouseClick(
            tab.side_panel.gap_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
        )
    assert signal.args[0] == DraftRequest(client_id, today + timedelta(days=3), a)
    texts = [text for text, _r in tab.day_actions(today + timedelta(days=3))]
    assert "New draft for @kafija" in texts


def test_content_mix_against_the_target(tab, store, client_id, accounts):
    set_client(store, client_id, target_mix=json.dumps({"photo": 50, "question": 50}))
    monday = date(2026, 3, 16)
    for n in range(5):
        add_post(
            store, client_id, riga(monday + timedelta(days=n), 10), [accounts[0]], kind="photo"
        )
    tab.reload()
    report = tab.mix_report
    assert report.counts["photo"] == 5 and report.dominant == "photo"
    assert tab.side_panel.mix_warnings.isVisibleTo(tab)
    assert "question" in tab.side_panel.mix_warnings.text().lower()
    rows = tab.side_panel.mix_chart.rows()
    assert rows[0][:3] == ("photo", 5, 1.0) and rows[0][3] == pytest.approx(0.5)
    tab.side_panel.mix_range.setCurrentIndex(1)  # next week: nothing planned yet
    assert sum(tab.mix_report.counts.values()) == 0
    assert not tab.side_panel.mix_warnings.isVisibleTo(tab)


def test_all_clients_show_every_client_in_its_own_colour(tab, store, client_id, accounts):
    from smmdesk.core.client_rules import ClientSettings
    from smmdesk.store.clients import save_client

    with store.transaction() as session:
        other = save_client(
            session,
            ClientSettings(name="Bloom", colour="#1b7f3b", timezone="Africa/Addis_Ababa"),
        )
        account = Account(client_id=other, platform="sandbox", handle="@bloom", vault_key="k9")
        session.add(account)
        session.flush()
        bloom = account.id
    add_post(store, client_id, riga(date(2026, 3, 24), 9), [accounts[0]])
    add_post(store, other, datetime(2026, 3, 24, 5, 0, tzinfo=UTC), [bloom])  # 08:00 in Addis
    tab.set_client(None)
    day = tab.grid.month_model.posts_on(date(2026, 3, 24))
    assert [(local.hour, e.colour) for local, e in day] == [(8, "#1b7f3b"), (9, "#3d6df2")]
    assert tab.filter_bar.account_box.count() == 4  # all + three accounts


def test_double_click_on_an_observance_or_pressing_enter_starts_a_draft(qtbot, tab, client_id):
    tab.show_month(date(2026, 10, 1))
    tab.load_observances()
    tab.show()
    octopus = date(2026, 10, 8)
    found = tab.grid.geometry_at(
        tab.grid.visualRect(tab.grid.month_model.index_of(octopus)).center()
    )
    assert found is not None and found[1].observance is not None
    with qtbot.waitSignal(tab.new_draft) as signal:
        qtbot.mouseDClick(
            tab.grid.viewport(), Qt.MouseButton.LeftButton, pos=found[1].observance.center()
        )
    assert signal.args[0].observance == tab.note_on(octopus).observances[0].name
    tab.grid.setCurrentIndex(tab.grid.month_model.index_of(date(2026, 10, 14)))
    with qtbot.waitSignal(tab.new_draft) as signal:
        qtbot.keyClick(tab.grid, Qt.Key.Key_Return)
    assert signal.args[0] == DraftRequest(client_id, date(2026, 10, 14))


def test_the_garbage_collector_runs_again_after_a_switch(qtbot, tab):
    import gc

    assert gc.isenabled()
    tab.go(+1)
    tab.go(-1)
    qtbot.waitUntil(gc.isenabled, timeout=2000)


def test_month_chips_read_only_the_texts_they_show(tab, store, client_id, accounts):
    post = add_post(
        store,
        client_id,
        riga(date(2026, 3, 24), 9),
        [accounts[0]],
        body="Cardamom  latte\nis back",
    )
    tab.reload()
    [(_local, entry)] = tab.grid.month_model.posts_on(date(2026, 3, 24))
    assert entry.id == post and entry.body == ""  # the month query leaves texts out
    assert tab.grid.chip_painter.texts[post] == "Cardamom  latte\nis back"
    assert tab.grid.chip_painter.text(entry) == "Cardamom latte is back"
    tab.set_mode("list")
    row = next(r for r in tab.agenda.agenda_model.rows if r.entry is not None)
    assert row.entry.body == "Cardamom  latte\nis back"


def test_the_list_view_shows_each_post_s_first_image(qtbot, store, reader, client_id, profile):
    from datetime import UTC, datetime, timedelta

    from PySide6.QtGui import QColor, QImage

    from smmdesk.store.posts import PostDraft, save_post, store_media
    from smmdesk.ui.calendar.calendar_tab import CalendarTab

    image = profile.root / "latte.png"
    picture = QImage(40, 30, QImage.Format.Format_RGB32)
    picture.fill(QColor("#a0522d"))
    assert picture.save(str(image))
    when = datetime.now(UTC) + timedelta(hours=2)
    with store.transaction() as session:
        media_id = store_media(session, profile.media, image)
        with_image = save_post(
            session, PostDraft(client_id, "With a picture", scheduled_at=when, media_ids=[media_id])
        )
        save_post(session, PostDraft(client_id, "Words only", scheduled_at=when))
    tab = CalendarTab(reader)
    qtbot.addWidget(tab)
    tab.set_mode("list")
    model = tab.agenda.agenda_model
    rows = {row.entry.id: n for n, row in enumerate(model.rows) if row.entry is not None}
    assert with_image in rows
    decoration = model.index(rows[with_image], 5).data(Qt.ItemDataRole.DecorationRole)
    assert decoration is not None and not decoration.isNull()
    others = [n for post, n in rows.items() if post != with_image]
    assert all(model.index(n, 5).data(Qt.ItemDataRole.DecorationRole) is None for n in others)
