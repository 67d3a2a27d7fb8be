"""The Analytics tab on the demo profile: numbers, periods, "not available",
"Show numbers" tables against the charts, and one client's data only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCharts import QAbstractBarSeries, QLineSeries

from smmdesk.core.analytics import Period
from smmdesk.core.client_rules import ClientSettings
from smmdesk.store import analytics_queries as aq
from smmdesk.store.clients import save_client
from smmdesk.store.models import Account, AccountMetric, Post, PostMetric, PostTarget
from smmdesk.ui.analytics.analytics_tab import CHOOSE_CLIENT, AnalyticsTab
from smmdesk.ui.analytics.look import NOT_AVAILABLE
from smmdesk.ui.exchange.dialogs import today_in


def client_ids(reader) -> dict[str, int]:
    return {c.name: c.id for c in reader.list_clients()}


@pytest.fixture
def tab(qtbot, demo_store, reader):
    tab = AnalyticsTab(reader, demo_store)
    qtbot.addWidget(tab)
    tab.resize(1200, 900)
    tab.show()
    return tab


def choose(qtbot, tab, client_id):
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.set_client(client_id)
    assert tab.data is not None and tab.data.client_id == client_id
    return tab.data


def test_all_clients_asks_for_one(tab):
    tab.set_client(None)
    assert tab.pages.currentIndex() == tab.PROMPT
    assert tab.prompt.text() == CHOOSE_CLIENT
    assert not tab.period_bar.isVisible()


def test_shows_the_demo_clients_numbers(qtbot, tab, reader):
    client = client_ids(reader)["Kafija Rīga"]
    data = choose(qtbot, tab, client)
    assert tab.pages.currentIndex() == tab.DASHBOARD
    today = today_in("Europe/Riga")
    assert data.period == Period.last_30_days(today)
    key = aq.key_numbers(reader.db, client, data.period)
    cards = tab.dashboard.key.cards
    assert key.posts_published.current and key.posts_published.current > 10
    assert cards["posts"].value.text() == f"{key.posts_published.current:,.0f}"
    assert cards["followers"].value.text() == f"{key.followers.current:,.0f}"
    assert "Kafija Rīga" in tab.client_label.text()
    assert "compared with" in tab.compared.text()
    # every published post of the period has its bar, in order
    posts = aq.posts_in_period(reader.db, client, data.period)
    assert [row[0] for row in tab.dashboard.engagement.numbers()] == [
        str(n) for n in range(1, len(posts) + 1)
    ]
    assert tab.dashboard.ranked.top.rows  # top posts with previews
    assert all(text for text in tab.dashboard.ranked.top.previews())


def test_changing_the_period_updates_the_numbers(qtbot, tab, reader):
    client = client_ids(reader)["Kafija Rīga"]
    choose(qtbot, tab, client)
    month_posts = tab.dashboard.key.cards["posts"].value.text()
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.period_bar.buttons["week"].click()
    week = Period.this_week(today_in("Europe/Riga"))
    assert tab.data is not None and tab.data.period == week
    key = aq.key_numbers(reader.db, client, week)
    assert tab.dashboard.key.cards["posts"].value.text() == f"{key.posts_published.current:,.0f}"
    assert tab.dashboard.key.cards["posts"].value.text() != month_posts
    assert len(tab.dashboard.consistency.numbers()) == 1  # one week
    # a custom period, then a calendar month compared with the month before
    first = week.start - timedelta(days=3)
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.period_bar.set_custom(first, week.start)
    assert tab.data.period == Period(first, week.start)
    last_month = (today_in("Europe/Riga").replace(day=1) - timedelta(days=1)).replace(day=1)
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.period_bar.set_month(last_month.year, last_month.month)
    assert tab.data.period == Period.month(last_month.year, last_month.month)
    assert tab.data.previous == tab.data.period.previous()
    assert f"{last_month:%B %Y}" in tab.compared.text()


def _client_without_numbers(store) -> tuple[int, int]:
    """A client whose network gives no counts: NULL followers, NULL post metrics."""
    now = datetime.now(UTC)
    with store.transaction() as session:
        client_id = save_client(session, ClientSettings(name="Silent Co", timezone="UTC"))
        account = Account(
            client_id=client_id, platform="telegram", handle="@silent", vault_key="test-silent"
        )
        session.add(account)
        session.flush()
        for days in (3, 2, 1):
            session.add(
                AccountMetric(
                    account_id=account.id, measured_at=now - timedelta(days=days), followers=None
                )
            )
        post = Post(
            client_id=client_id,
            body="A post whose network gives no counts",
            content_type="text",
            status="published",
            scheduled_at=now - timedelta(days=2),
        )
        target = PostTarget(
            account_id=account.id, status="published", published_at=now - timedelta(days=2)
        )
        post.targets.append(target)
        session.add(post)
        session.flush()
        session.add(
            PostMetric(
                target_id=target.id,
                measured_at=now - timedelta(hours=1),
                likes=None,
                reposts=None,
                replies=None,
                views=None,
            )
        )
        return client_id, account.id


def test_not_available_is_said_never_zero(qtbot, tab, demo_store):
    client_id, _account = _client_without_numbers(demo_store)
    choose(qtbot, tab, client_id)
    dash = tab.dashboard
    assert dash.key.cards["followers"].value.text() == NOT_AVAILABLE
    assert dash.key.cards["rate"].value.text() == NOT_AVAILABLE
    assert dash.key.cards["posts"].value.text() == "1"  # a real count stays a count
    assert "not available" in dash.followers.message.text()
    assert dash.followers.stack.currentIndex() == dash.followers.MESSAGE
    [row] = dash.engagement.numbers()
    assert row[4] == NOT_AVAILABLE and row[5] == NOT_AVAILABLE
    assert "not available" in dash.engagement.message.text()
    growth = dash.competitors.numbers()
    assert growth[0][2] == NOT_AVAILABLE and growth[0][4] == NOT_AVAILABLE
    content = dash.content.numbers()
    assert content[0][5] == NOT_AVAILABLE


def _bar_values(chart) -> list[list[float]]:
    series = [s for s in chart.series() if isinstance(s, QAbstractBarSeries)]
    return [[bar_set.at(i) for i in range(bar_set.count())] for bar_set in series[0].barSets()]


def _number(text: str) -> float:
    return float(text.replace(",", "").rstrip("%"))


def test_show_numbers_tables_match_the_charts(qtbot, tab, reader):
    client = client_ids(reader)["Kafija Rīga"]
    data = choose(qtbot, tab, client)
    dash = tab.dashboard
    for card in dash.chart_cards():
        if card.toggle.isEnabled():
            card.toggle.click()
            assert card.stack.currentWidget() is card.table
            card.toggle.click()
            assert card.stack.currentWidget() is card.chart

    # followers: each account's line point by point = its table column
    lines = [s for s in dash.followers.view.chart().series() if isinstance(s, QLineSeries)]
    table = dash.followers.numbers()
    assert len(lines) == len(data.followers) >= 2
    for column, line in enumerate(lines, start=1):
        from_table = [_number(row[column]) for row in table if row[column] not in ("–", "")]
        assert [line.at(i).y() for i in range(line.count())] == from_table

    # engagement per post: the bars are the table's engagement column
    [bars] = _bar_values(dash.engagement.view.chart())
    assert bars == [_number(row[4]) for row in dash.engagement.numbers()]

    # consistency: posts per week
    [weekly] = _bar_values(dash.consistency.view.chart())
    assert weekly == [_number(row[1]) for row in dash.consistency.numbers()]
    assert sum(weekly) == len(data.posts)

    # content types: share of posts (bars drawn bottom-up)
    shares = _bar_values(dash.content.view.chart())[0]
    assert [round(v) for v in reversed(shares)] == [
        _number(row[2]) for row in dash.content.numbers()
    ]

    # heat map: every cell with posts is a table row with the same count
    heat_rows = {(row[0], row[1]): int(row[2]) for row in dash.heat.numbers()}
    view = dash.heat.map_view
    painted = {
        (("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[d], f"{h:02d}:00"): view.cell(d, h).posts
        for d in range(7)
        for h in range(24)
        if view.cell(d, h).posts
    }
    assert heat_rows == painted and sum(painted.values()) == data.heat.total_posts


def test_no_other_clients_data(qtbot, tab, reader):
    ids = client_ids(reader)
    addis, kafija = ids["Addis Bloom"], ids["Kafija Rīga"]
    theirs = {a.handle for a in reader.list_accounts(kafija)}
    ours = {a.handle for a in reader.list_accounts(addis)}
    assert theirs and ours and not theirs & ours
    data = choose(qtbot, tab, addis)
    dash = tab.dashboard
    shown: list[str] = []
    shown += [s.name() for s in dash.followers.view.chart().series()]
    shown += dash.followers.model.headers
    for card in dash.chart_cards():
        shown += [cell for row in card.numbers() for cell in row]
    shown += [cell for row in dash.leaders.model.rows for cell in row]
    shown += [row.line.handle for row in dash.ranked.top.rows + dash.ranked.bottom.rows]
    text = "\n".join(shown)
    assert any(handle in text for handle in ours)
    for handle in theirs:
        assert handle not in text
    assert {p.post_id for p in data.posts} <= {
        r[0] for r in reader.db.execute("SELECT id FROM posts WHERE client_id = ?", (addis,))
    }
    # and back: Kafija's tab holds none of Addis Bloom's accounts
    choose(qtbot, tab, kafija)
    legend = "\n".join(s.name() for s in tab.dashboard.followers.view.chart().series())
    assert all(handle not in legend for handle in ours)


def test_a_newer_request_wins(qtbot, tab, reader):
    ids = client_ids(reader)
    tab.set_client(ids["Addis Bloom"])
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.set_client(ids["Kafija Rīga"])
    qtbot.wait(200)
    assert tab.data is not None and tab.data.client_id == ids["Kafija Rīga"]
    assert not tab.loader.pending


def test_goal_and_competitor_from_the_tab(qtbot, tab, reader, demo_store, monkeypatch):
    from smmdesk.ui.analytics.competitors_dialog import CompetitorsDialog
    from smmdesk.ui.analytics.goals_dialog import GoalsDialog

    client = client_ids(reader)["Kafija Rīga"]
    choose(qtbot, tab, client)
    goals = GoalsDialog(reader, demo_store, client, tab)
    qtbot.addWidget(goals)
    row = goals.rows[0]
    target = (row.current or 0) + 100
    by = date.today() + timedelta(days=60)
    row.target.setValue(target)
    row.by.setDate(row.by.date().fromString(by.isoformat(), "yyyy-MM-dd"))
    goals.save()
    assert aq.goal_for(reader.db, row.account_id) == aq.Goal(row.account_id, target, by)

    dialog = CompetitorsDialog(reader, demo_store, client, tab)
    qtbot.addWidget(dialog)
    dialog.network.setCurrentIndex(dialog.network.findData("mastodon"))
    dialog.handle.setText("@rival@mastodon.social")
    dialog.label.setText("Rival Roasters")
    dialog.add()
    assert dialog.changed and [r[3] for r in dialog.rows()] == ["Rival Roasters"]

    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.reload()
    dash = tab.dashboard
    names = [s.name() for s in dash.followers.view.chart().series()]
    assert any(name.startswith(f"goal {target:,}") for name in names)
    words = [label.text() for label in dash.followers.goal_labels]
    assert len(words) == 1 and f"goal {target:,}" in words[0]
    assert any(w in words[0] for w in ("on track", "behind", "reached", "too little"))
    growth = dash.competitors.numbers()
    assert growth[-1][0].startswith("Rival Roasters") and growth[-1][1] == "competitor"
    assert growth[-1][4] == NOT_AVAILABLE  # never measured yet: not a zero

    dialog.remove(dialog.rows()[0][0])
    assert dialog.rows() == []
