"""The analytics read API against a small hand-computed profile and a
generated demo-like one: numbers, "not available", periods in the client's
zone, and never another client's data."""

from __future__ import annotations

import shutil
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from smmdesk.core.analytics import Period
from smmdesk.store import analytics_queries as aq
from smmdesk.store.competitors import add_competitor, archive_competitor
from smmdesk.store.competitors import record_competitor_followers as record_rival
from smmdesk.store.database import open_store
from smmdesk.store.goals import clear_goal, save_report_note, set_goal
from smmdesk.store.queries import StoreReader
from tests.store.analytics_dataset import (
    add_account,
    add_client,
    add_followers,
    add_item,
    add_published,
    demo_dataset,
    utc,
)

RIGA = ZoneInfo("Europe/Riga")
MARCH = Period.month(2026, 3)
NOW = utc(2026, 4, 5, 12)


def riga(*args: int) -> datetime:
    return datetime(*args, tzinfo=RIGA).astimezone(UTC)


@pytest.fixture
def profile_db(store, profile):
    """A: Riga client with a full network, Telegram-like one and one with no counts."""
    ids: dict[str, int] = {}
    with store.transaction() as s:
        a = add_client(
            s,
            "Kafija",
            "Europe/Riga",
            reply_target_hours=2.0,
            max_posts_per_day=1,
            target_mix='{"photo": 3, "question": 2}',
        )
        b = add_client(s, "Brooklyn", "America/New_York")
        sb, tg, nf = (
            add_account(s, a, "sandbox", "@kafija"),
            add_account(s, a, "telegram", "@kafija_tg"),
            add_account(s, a, "other", "@nocounts"),
        )
        b_acc = add_account(s, b, "sandbox", "@bagels")
        first = utc(2026, 2, 1, 10)
        add_followers(s, sb, first, 59, 1000, 10, following=300)
        add_followers(s, tg, first, 59, 500, 5)
        add_followers(s, nf, first, 59, None)
        add_followers(s, b_acc, first, 59, 90000, 100)
        ids["p1"] = add_published(
            s,
            a,
            utc(2026, 3, 2, 7, 30),
            {sb: (10, 2, 3, 400), tg: (5, None, 1, None)},
            body="Cardamom latte " * 20,
            content_type="photo",
        )
        ids["p2"] = add_published(
            s, a, riga(2026, 3, 2, 18, 0), {sb: (1, 0, 0, 50)}, content_type="question"
        )
        ids["p3"] = add_published(s, a, riga(2026, 3, 29, 9, 30), {tg: None}, content_type="text")
        ids["p4"] = add_published(s, a, riga(2026, 4, 1, 0, 30), {sb: (99, 9, 9, 9)})
        ids["p5"] = add_published(
            s, a, riga(2026, 3, 1, 0, 30), {sb: (4, 0, 0, None)}, content_type="photo"
        )
        ids["p6"] = add_published(s, a, utc(2026, 2, 10, 8), {sb: (2, 0, 0, None)})
        ids["pb"] = add_published(
            s, b, utc(2026, 3, 3, 15), {b_acc: (500, 50, 50, 5000)}, body="Brooklyn secret"
        )
        # The inbox, in Riga working time (Mon-Fri 09-18), target 2 h.
        add_item(s, sb, riga(2026, 3, 27, 17, 0), riga(2026, 3, 30, 10, 0), author="ann")
        add_item(s, sb, riga(2026, 3, 17, 10, 0), riga(2026, 3, 17, 10, 30), author="ann")
        add_item(s, tg, riga(2026, 3, 18, 9, 0), riga(2026, 3, 18, 13, 0), author="bob")
        add_item(s, sb, riga(2026, 3, 20, 9, 0), due=riga(2026, 3, 20, 11, 0), author="cid")
        add_item(s, sb, riga(2026, 3, 10, 9, 0), category="spam", author="spam")
        add_item(
            s,
            sb,
            riga(2026, 2, 27, 9, 0),
            riga(2026, 2, 27, 9, 20),
            escalated=riga(2026, 3, 3, 9, 0),
            author="dan",
        )
        add_item(s, b_acc, utc(2026, 3, 5, 15), due=utc(2026, 3, 5, 18), author="bagel-fan")
        rival = add_competitor(s, a, "sandbox", "rival", "Rival Roasters")
        hidden = add_competitor(s, a, "telegram", "@hidden")
        gone = add_competitor(s, a, "sandbox", "gone")
        archive_competitor(s, gone)
        add_competitor(s, b, "sandbox", "bagel_rival")
        for n in range(40):
            record_rival(s, rival, 2000 + 3 * n, utc(2026, 2, 20, 12) + timedelta(days=n))
            record_rival(s, hidden, None, utc(2026, 2, 20, 12) + timedelta(days=n))
        set_goal(s, sb, 2000, date(2026, 6, 30))
        set_goal(s, tg, 2000, date(2026, 4, 30))
        set_goal(s, tg, 2000, date(2026, 4, 30))  # replacing keeps one goal
        save_report_note(s, a, MARCH, "Spring menu launched on the 2nd.")
        save_report_note(s, b, MARCH, "Brooklyn note")
        ids.update(a=a, b=b, sb=sb, tg=tg, nf=nf)
    reader = StoreReader(profile.database)
    yield reader.db, ids
    reader.close()


def test_posts_in_period_are_the_clients_own_in_its_local_month(profile_db):
    db, ids = profile_db
    posts = aq.posts_in_period(db, ids["a"], MARCH)
    # p5 is 22:30 UTC on 28 Feb but 00:30 on 1 March in Riga; p4 is 1 April in Riga.
    assert [p.post_id for p in posts] == [ids["p5"], ids["p1"], ids["p2"], ids["p3"]]
    p1 = posts[1]
    assert p1.networks == ("sandbox", "telegram") and len(p1.preview) == aq.PREVIEW_CHARS
    tg = next(t for t in p1.targets if t.platform == "telegram")
    assert (tg.likes, tg.reposts, tg.replies, tg.views) == (5, None, 1, None)
    assert tg.engagement == 6 and tg.followers_at_publish == 500 + 5 * 28
    assert p1.engagement == 21
    # Followers at publish: the 1 March 10:00 UTC snapshots (the day-28 values).
    assert p1.engagement_rate == pytest.approx(21 / (1280 + 640))
    assert posts[3].engagement is None and posts[3].engagement_rate is None  # never measured
    assert posts[3].targets[0].measured_at is None


def test_top_and_bottom_posts_leave_out_what_was_never_measured(profile_db):
    db, ids = profile_db
    top = aq.top_posts(db, ids["a"], MARCH, 2)
    assert [p.post_id for p in top] == [ids["p1"], ids["p5"]]
    assert [p.post_id for p in aq.bottom_posts(db, ids["a"], MARCH, 1)] == [ids["p2"]]
    assert all("Brooklyn" not in p.preview for p in aq.top_posts(db, ids["a"], MARCH, 10))


def test_content_types_beside_the_plan(profile_db):
    db, ids = profile_db
    rows = {r.content_type: r for r in aq.content_performance(db, ids["a"], MARCH)}
    assert (rows["photo"].posts, rows["photo"].mean_engagement) == (2, 12.5)
    assert rows["photo"].share == 0.5 and rows["photo"].target_share == pytest.approx(0.6)
    assert rows["question"].target_share == pytest.approx(0.4)
    assert (rows["text"].measured, rows["text"].mean_engagement) == (0, None)
    assert rows["text"].target_share is None


def test_best_time_heat_map_in_the_clients_zone(profile_db):
    db, ids = profile_db
    grid = aq.best_time_heat_map(db, ids["a"], MARCH)
    assert grid.zone == "Europe/Riga" and grid.total_posts == 4
    assert grid.cell(0, 9).posts == 1 and grid.cell(0, 9).mean_engagement == 21
    assert grid.cell(0, 18).posts == 1
    assert grid.cell(6, 9).posts == 1 and grid.cell(6, 9).mean_engagement is None  # after DST
    assert grid.cell(6, 0).posts == 1


def test_consistency_against_plan_and_guard(profile_db):
    db, ids = profile_db
    rhythm = aq.consistency(db, ids["a"], MARCH, now=NOW)
    assert [(w.week_start.isoformat(), w.posts) for w in rhythm.weeks] == [
        ("2026-02-23", 1),
        ("2026-03-02", 2),
        ("2026-03-09", 0),
        ("2026-03-16", 0),
        ("2026-03-23", 1),
        ("2026-03-30", 0),
    ]
    assert (rhythm.planned_per_week, rhythm.guard_per_week) == (5, 7)
    assert rhythm.mean_per_week == pytest.approx(4 / (31 / 7))
    assert len(rhythm.empty_days) == 31 - 3 and date(2026, 3, 2) not in rhythm.empty_days
    assert rhythm.over_guard_days == (date(2026, 3, 2),)
    # Days after today are not "empty" yet.
    early = aq.consistency(db, ids["a"], MARCH, now=riga(2026, 3, 5, 12))
    assert early.empty_days == (date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5))


def test_followers_series_goal_and_not_available(profile_db):
    db, ids = profile_db
    series = {s.account_id: s for s in aq.follower_series(db, ids["a"], MARCH)}
    assert set(series) == {ids["sb"], ids["tg"], ids["nf"]}
    sb = series[ids["sb"]]
    assert len(sb.points) == 31 and sb.points[-1][1] == 1580 and sb.available
    assert sb.goal is not None and sb.projection is not None
    assert sb.projection.on_track is True and sb.projection.per_day == pytest.approx(10)
    assert series[ids["tg"]].projection.on_track is False  # 790 + 5/day is short of 2000
    nf = series[ids["nf"]]
    assert nf.points == () and nf.available is False and nf.goal is None


def test_account_summaries_with_change_and_null_counts(profile_db):
    db, ids = profile_db
    rows = {r.account_id: r for r in aq.account_summaries(db, ids["a"], MARCH)}
    sb = rows[ids["sb"]]
    assert (sb.followers, sb.following) == (1580, 300)
    assert sb.followers_change.delta == 310 and sb.followers_change.previous == 1270
    tg = rows[ids["tg"]]
    assert tg.following is None and tg.posts is None  # not available, not 0
    nf = rows[ids["nf"]]
    assert nf.followers is None and nf.followers_change.delta is None


def test_inbox_performance_hand_computed(profile_db):
    db, ids = profile_db
    inbox = aq.inbox_performance(db, ids["a"], MARCH, now=NOW)
    # 120 (Fri 17:00 -> Mon 10:00), 30, 240 working minutes; the spam item is left out.
    assert (inbox.received, inbox.answered) == (4, 3)
    assert inbox.median_minutes == 120
    assert inbox.within_target == 2 and inbox.share_within_target == pytest.approx(2 / 3)
    assert (inbox.overdue_now, inbox.escalated, inbox.target_hours) == (1, 1, 2.0)
    other = aq.inbox_performance(db, ids["b"], MARCH, now=NOW)
    assert (other.received, other.overdue_now) == (1, 1)


def test_key_numbers_against_the_previous_period(profile_db):
    db, ids = profile_db
    five = aq.key_numbers(db, ids["a"], MARCH, now=NOW)
    # sandbox + telegram (the account without counts is left out on both sides).
    assert (five.followers.current, five.followers.previous) == (1580 + 790, 1270 + 635)
    assert (five.posts_published.current, five.posts_published.previous) == (4, 1)
    rates = [4 / 1270, 21 / 1920, 1 / 1290]
    assert five.engagement_rate.current == pytest.approx(sum(rates) / 3)
    assert five.engagement_rate.previous == pytest.approx(2 / (1000 + 10 * 8))
    assert five.median_response_minutes.current == 120
    assert five.median_response_minutes.previous == 20  # Feb 27 09:00 -> 09:20
    assert five.share_answered_in_time.current == pytest.approx(2 / 3)
    assert five.share_answered_in_time.delta == pytest.approx(2 / 3 - 1)


def test_competitors_leaders_and_notes_stay_with_their_client(profile_db):
    db, ids = profile_db
    rivals = aq.competitor_series(db, ids["a"], MARCH)
    assert [r.label for r in rivals] == ["@hidden", "Rival Roasters"]
    hidden, rival = rivals
    assert hidden.available is False and hidden.points == ()
    assert rival.available and len(rival.points) == 31
    assert rival.followers_change.previous == 2000 + 3 * 8  # 28 Feb
    assert rival.followers_change.current == 2000 + 3 * 39
    leaders = aq.audience_leaders(db, ids["a"], MARCH)
    assert leaders[0].author_id == "ann"
    assert "bagel-fan" not in {leader.author_id for leader in leaders}
    assert aq.report_note(db, ids["a"], MARCH) == "Spring menu launched on the 2nd."
    assert aq.report_note(db, ids["a"], Period.month(2026, 2)) == ""
    assert aq.client_facts(db, ids["a"]).working_time.zone == "Europe/Riga"
    with pytest.raises(KeyError):
        aq.client_facts(db, 999)


def test_an_account_archived_before_the_period_is_left_out(store, profile_db):
    db, ids = profile_db
    with store.transaction() as s:
        from smmdesk.store.models import Account

        s.get(Account, ids["nf"]).archived_at = utc(2026, 2, 15)
        s.get(Account, ids["tg"]).archived_at = utc(2026, 3, 20)  # during March: kept
    shown = {r.account_id for r in aq.account_summaries(db, ids["a"], MARCH)}
    assert shown == {ids["sb"], ids["tg"]}
    assert {r.account_id for r in aq.follower_series(db, ids["a"], MARCH)} == shown
    feb = {r.account_id for r in aq.follower_series(db, ids["a"], Period.month(2026, 2))}
    assert ids["nf"] in feb
    assert aq.last_measured_at(db, ids["a"]) == utc(2026, 3, 31, 10)
    assert aq.last_measured_at(db, 999) is None


def test_goals_and_notes_can_be_changed(store, profile_db):
    db, ids = profile_db
    with store.transaction() as s:
        clear_goal(s, ids["sb"])
        save_report_note(s, ids["a"], MARCH, "Rewritten")
        with pytest.raises(ValueError):
            set_goal(s, ids["tg"], 0, date(2026, 5, 1))
        with pytest.raises(ValueError):
            add_competitor(s, ids["a"], "sandbox", "  ")
    assert aq.goal_for(db, ids["sb"]) is None
    assert aq.goal_for(db, ids["tg"]).by_date == date(2026, 4, 30)
    assert aq.report_note(db, ids["a"], MARCH) == "Rewritten"


# --- the generated demo-like profile ---------------------------------------------------------


def test_demo_profile_reads_fast_and_only_its_clients_data(store, profile):
    demo = demo_dataset(store, NOW, days=90, posts=500)
    reader = StoreReader(profile.database)
    try:
        db = reader.db
        today = NOW.date()
        period = Period(today - timedelta(days=89), today)
        for cid in demo.clients:
            other = next(n for c, n in demo.names.items() if c != cid)
            began = time.perf_counter()
            posts = aq.posts_in_period(db, cid, period)
            five = aq.key_numbers(db, cid, period, now=NOW)
            aq.follower_series(db, cid, period)
            aq.content_performance(db, cid, period)
            aq.best_time_heat_map(db, cid, period)
            aq.consistency(db, cid, period, now=NOW)
            aq.competitor_series(db, cid, period)
            elapsed = time.perf_counter() - began
            assert elapsed < 5, elapsed
            assert 0 < len(posts) <= demo.posts
            assert all(other not in p.preview for p in posts)
            assert all(demo.names[cid] in p.preview for p in aq.top_posts(db, cid, period, 10))
            assert five.followers.delta is not None and five.followers.delta > 0
            telegram = demo.accounts[cid][1]
            assert all(
                t.reposts is None for p in posts for t in p.targets if t.account_id == telegram
            )
    finally:
        reader.close()


def test_upgrade_keeps_old_metrics_and_allows_not_available(tmp_path):
    fixture = Path(__file__).with_name("fixtures") / "schema_0001.sqlite3"
    path = tmp_path / "db.sqlite3"
    shutil.copy(fixture, path)
    before = sqlite3.connect(path).execute("SELECT * FROM account_metrics ORDER BY id").fetchall()
    store = open_store(path, tmp_path / "backups")
    try:
        with store.engine.connect() as conn:
            after = conn.exec_driver_sql("SELECT * FROM account_metrics ORDER BY id").fetchall()
            assert [tuple(r) for r in after] == before and before
            conn.exec_driver_sql(
                "INSERT INTO account_metrics (account_id, measured_at, followers, following, "
                "posts) VALUES (?, '2026-01-01 00:00:00.000000', NULL, NULL, NULL)",
                (before[0][1],),
            )
    finally:
        store.close()
