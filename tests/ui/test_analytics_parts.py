"""Parts of the Analytics tab: change words, the period bar, the heat map, goal
paths, the dialogs' refusals, and a client with nothing to show yet."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from smmdesk.core.analytics import Period, heat_map
from smmdesk.core.client_rules import ClientSettings
from smmdesk.store.clients import save_client
from smmdesk.ui.analytics import look
from smmdesk.ui.analytics.analytics_tab import AnalyticsTab
from smmdesk.ui.analytics.cards_growth import _goal_path
from smmdesk.ui.analytics.heat_map import HeatMapView
from smmdesk.ui.analytics.period_bar import CUSTOM, MONTH, PeriodBar, describe


@pytest.mark.parametrize(
    ("current", "previous", "kind", "words"),
    [
        (112, 100, "count", "+12%"),
        (97, 100, "count", "−3%"),
        (5, 0, "count", "+5"),
        (100, 100, "count", "no change"),
        (1000, 998, "count", "+2"),  # under half a percent: the count says more
        (0.034, 0.029, "share", "+0.5 pts"),
        (2.0, 3.5, "hours", "−1 h 30 min"),
        (None, 100, "count", ""),
        (100, None, "count", ""),
    ],
)
def test_change_words(current, previous, kind, words):
    assert look.change_text(current, previous, kind) == words


def test_change_colour_knows_which_way_is_good():
    assert look.change_colour(10, 5) == look.GOOD
    assert look.change_colour(10, 5, higher_is_better=False) == look.BAD
    assert look.change_colour(None, 5) == look.NEUTRAL
    assert look.whole(None) == look.NOT_AVAILABLE and look.whole(0) == "0"


def test_period_words():
    assert describe(Period.month(2026, 3)) == "March 2026"
    assert describe(Period(date(2026, 3, 2), date(2026, 3, 8))) == "2 – 8 Mar 2026"
    assert describe(Period(date(2026, 2, 26), date(2026, 3, 4))) == "26 Feb – 4 Mar 2026"


def test_period_bar_modes(qtbot):
    bar = PeriodBar("Pacific/Auckland")
    qtbot.addWidget(bar)
    today = bar.today()
    assert bar.period() == Period.last_30_days(today)
    with qtbot.waitSignal(bar.changed):
        bar.buttons["week"].click()
    assert bar.period() == Period.this_week(today)
    bar.set_month(2025, 12)
    assert bar.mode == MONTH and bar.period() == Period.month(2025, 12)
    bar.set_custom(date(2026, 1, 10), date(2026, 1, 5))  # given backwards
    assert bar.mode == CUSTOM and bar.period() == Period(date(2026, 1, 5), date(2026, 1, 10))


def test_heat_map_cells_and_words(qtbot):
    monday_9 = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    heat = heat_map(
        [(monday_9, 10.0), (monday_9 + timedelta(days=7), 20.0), (monday_9, None)], "UTC"
    )
    view = HeatMapView()
    qtbot.addWidget(view)
    view.resize(800, 240)
    view.set_map(heat)
    cell = view.cell(0, 9)
    assert cell is not None and cell.posts == 3 and cell.measured == 2
    assert "3 posts" in view.tooltip(0, 9) and "15.0" in view.tooltip(0, 9)
    assert "no posts" in view.tooltip(1, 9)
    assert view.cell_at(view.cell_rect(0, 9).center()) == (0, 9)
    view.grab()  # paints without error


def test_goal_path_is_cut_at_the_horizon_on_the_same_slope():
    start = datetime(2026, 3, 1)
    path = _goal_path(
        (start, 1000.0), start + timedelta(days=100), 2000, start + timedelta(days=50)
    )
    assert path == [(start, 1000.0), (start + timedelta(days=50), 1500.0)]
    assert _goal_path((start, 1000.0), start - timedelta(days=1), 2000, start) == []


def test_a_new_client_with_nothing_yet(qtbot, store, reader):
    with store.transaction() as session:
        client_id = save_client(session, ClientSettings(name="Empty Co", timezone="UTC"))
    tab = AnalyticsTab(reader, store)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.set_client(client_id)
    dash = tab.dashboard
    assert tab.data is not None and tab.data.posts == []
    assert "no accounts" in dash.followers.message.text()
    assert "No posts" in dash.engagement.message.text()
    assert dash.key.cards["posts"].value.text() == "0"
    assert not dash.ranked.top.rows and dash.ranked.top.empty.isVisibleTo(dash.ranked)


def test_goals_dialog_refuses_a_day_in_the_past(qtbot, demo_store, reader):
    from PySide6.QtCore import QDate

    from smmdesk.store.analytics_queries import goal_for
    from smmdesk.ui.analytics.goals_dialog import GoalsDialog

    client_id = reader.list_clients()[0].id
    dialog = GoalsDialog(reader, demo_store, client_id)
    qtbot.addWidget(dialog)
    row = dialog.rows[0]
    row.target.setValue(9000)
    yesterday = date.today() - timedelta(days=1)
    row.by.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    dialog.save()
    assert dialog.error.isVisibleTo(dialog) and "past" in dialog.error.text()
    assert goal_for(reader.db, row.account_id) is None


def test_competitors_dialog_needs_a_handle(qtbot, demo_store, reader):
    from smmdesk.ui.analytics.competitors_dialog import CompetitorsDialog, reads_public_followers

    client_id = reader.list_clients()[0].id
    dialog = CompetitorsDialog(reader, demo_store, client_id)
    qtbot.addWidget(dialog)
    dialog.handle.setText("   ")
    dialog.add()
    assert dialog.error.isVisibleTo(dialog) and not dialog.changed and dialog.rows() == []
    assert reads_public_followers("mastodon") and not reads_public_followers("telegram")
    dialog.network.setCurrentIndex(dialog.network.findData("telegram"))
    assert "not available" in dialog.note.text()
