"""Periods, changes, engagement, the best-time heat map, response times and
goal projection, checked against numbers worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from smmdesk.core.analytics import (
    Period,
    ResponseItem,
    change,
    engagement,
    engagement_rate,
    heat_map,
    local_slot,
    project_goal,
    response_stats,
)
from smmdesk.core.response_clock import WorkingTime

RIGA = ZoneInfo("Europe/Riga")


def riga(*args: int) -> datetime:
    return datetime(*args, tzinfo=RIGA).astimezone(UTC)


# --- periods -------------------------------------------------------------------------------


def test_presets_and_their_previous_periods():
    today = date(2026, 3, 18)  # a Wednesday
    week = Period.this_week(today)
    assert (week.start, week.end, week.days) == (date(2026, 3, 16), date(2026, 3, 22), 7)
    assert week.previous() == Period(date(2026, 3, 9), date(2026, 3, 15))

    last30 = Period.last_30_days(today)
    assert (last30.start, last30.end, last30.days) == (date(2026, 2, 17), today, 30)
    assert last30.previous() == Period(date(2026, 1, 18), date(2026, 2, 16))

    march = Period.month(2026, 3)
    assert (march.start, march.end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert march.previous() == Period.month(2026, 2)  # all of February, not 31 days
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.month(2026, 12).end == date(2026, 12, 31)

    custom = Period.custom(date(2026, 3, 10), date(2026, 3, 12))
    assert custom.previous() == Period(date(2026, 3, 7), date(2026, 3, 9))
    with pytest.raises(ValueError):
        Period(date(2026, 3, 2), date(2026, 3, 1))


def test_utc_bounds_are_local_midnights_and_follow_dst():
    begin, end = Period.month(2026, 3).utc_bounds("Europe/Riga")
    assert begin == datetime(2026, 2, 28, 22, 0, tzinfo=UTC)  # 00:00 EET
    assert end == datetime(2026, 3, 31, 21, 0, tzinfo=UTC)  # 00:00 EEST
    assert end - begin == timedelta(hours=31 * 24 - 1)
    begin, end = Period.month(2026, 10).utc_bounds("Europe/Riga")
    assert end - begin == timedelta(hours=31 * 24 + 1)
    assert Period.month(2026, 3).label() == "March 2026"


# --- change and engagement ---------------------------------------------------------------


def test_change_never_divides_by_zero_nor_invents_a_number():
    assert change(120, 100).delta == 20 and change(120, 100).percent == pytest.approx(20.0)
    assert change(80, 100).percent == pytest.approx(-20.0)
    growth_from_nothing = change(5, 0)
    assert growth_from_nothing.delta == 5 and growth_from_nothing.percent is None
    assert change(None, 100).delta is None and change(3, None).percent is None
    assert change(-2.0, -4.0).percent == pytest.approx(50.0)


def test_engagement_leaves_out_counts_the_network_does_not_give():
    assert engagement(10, 2, 3) == 15
    assert engagement(10, None, 3) == 13  # Telegram: no reposts
    assert engagement(None, None, None) is None
    assert engagement(0, 0, 0) == 0  # a real zero stays a zero
    assert engagement_rate(15, 500) == pytest.approx(0.03)
    assert engagement_rate(None, 500) is None
    assert engagement_rate(15, None) is None and engagement_rate(15, 0) is None


# --- heat map -----------------------------------------------------------------------------


def test_heat_map_uses_the_local_wall_clock_across_the_spring_change():
    # Riga moves 03:00 -> 04:00 on Sunday 2026-03-29 (UTC+2 -> UTC+3).
    saturday = riga(2026, 3, 28, 9, 30)  # 07:30 UTC
    sunday = riga(2026, 3, 29, 9, 30)  # 06:30 UTC
    assert (saturday.hour, sunday.hour) == (7, 6)
    grid = heat_map(
        [(saturday, 10.0), (sunday, 20.0), (riga(2026, 3, 30, 9, 5), None)], "Europe/Riga"
    )
    assert grid.cell(5, 9).posts == 1 and grid.cell(6, 9).posts == 1
    assert grid.cell(6, 9).mean_engagement == 20.0
    monday = grid.cell(0, 9)
    assert (monday.posts, monday.measured, monday.mean_engagement) == (1, 0, None)
    assert grid.total_posts == 3
    # 01:30 UTC is 04:30 EEST: the skipped hour 03 gets nothing.
    assert local_slot(datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Europe/Riga") == (6, 4)
    assert local_slot(datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Europe/Riga") == (6, 2)


def test_heat_map_collects_both_halves_of_the_repeated_autumn_hour():
    # 2026-10-25 04:00 EEST -> 03:00 EET: 00:30 and 01:30 UTC are both 03:30 in Riga.
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    grid = heat_map([(first, 4.0), (second, 8.0)], "Europe/Riga")
    cell = grid.cell(6, 3)
    assert (cell.posts, cell.measured, cell.mean_engagement) == (2, 2, 6.0)
    # The same instants for a New York client are Saturday evening.
    ny = heat_map([(first, 4.0), (second, 8.0)], "America/New_York")
    assert ny.cell(5, 20).posts == 1 and ny.cell(5, 21).posts == 1


def test_best_cell_needs_enough_posts():
    posts = [(riga(2026, 3, 2, 9, 0), 50.0)] + [
        (riga(2026, 3, 3 + 7 * k, 18, 0), 10.0 + k) for k in range(3)
    ]
    grid = heat_map(posts, "Europe/Riga")
    best = grid.best(min_posts=2)
    assert best is not None and (best.weekday, best.hour) == (1, 18)  # not the lone 50
    assert grid.best(min_posts=4) is None
    with pytest.raises(ValueError):
        heat_map([(datetime(2026, 3, 2, 9), 1.0)], "UTC")


# --- response times ------------------------------------------------------------------------

HOURS = WorkingTime("Europe/Riga", 9 * 60, 18 * 60, (0, 1, 2, 3, 4))


def test_response_stats_against_hand_computed_cases():
    now = riga(2026, 3, 20, 12, 0)
    items = [
        # Friday 17:00 -> Monday 10:00 across the DST weekend: 60 + 60 minutes.
        ResponseItem(riga(2026, 3, 27, 17, 0), riga(2026, 3, 30, 10, 0), "replied"),
        # Tuesday 10:00 -> 10:30: 30 minutes.
        ResponseItem(riga(2026, 3, 17, 10, 0), riga(2026, 3, 17, 10, 30), "replied"),
        # Saturday noon -> Monday 09:45: only Monday's 45 minutes count.
        ResponseItem(riga(2026, 3, 14, 12, 0), riga(2026, 3, 16, 9, 45), "done"),
        # Exactly at the one-hour target: counts as within.
        ResponseItem(riga(2026, 3, 18, 9, 0), riga(2026, 3, 18, 10, 0), "replied"),
        # Unanswered, due an hour ago: overdue now.
        ResponseItem(riga(2026, 3, 20, 9, 0), None, "new", due_at=riga(2026, 3, 20, 11, 0)),
        # Unanswered, not yet due; and an escalated one.
        ResponseItem(riga(2026, 3, 20, 11, 0), None, "new", due_at=riga(2026, 3, 20, 17, 0)),
        ResponseItem(
            riga(2026, 3, 19, 9, 0), None, "escalated", escalated_at=riga(2026, 3, 19, 9, 5)
        ),
    ]
    stats = response_stats(items, HOURS, target_hours=1.0, now=now)
    assert (stats.received, stats.answered) == (7, 4)
    assert stats.median_minutes == pytest.approx((45 + 60) / 2)  # of 120, 30, 45, 60
    assert stats.within_target == 3 and stats.share_within_target == pytest.approx(0.75)
    assert (stats.overdue_now, stats.escalated) == (1, 1)


def test_response_stats_of_nothing_answered_are_not_zero():
    stats = response_stats(
        [ResponseItem(riga(2026, 3, 17, 10, 0), None)], HOURS, 6.0, riga(2026, 3, 17, 11)
    )
    assert stats.median_minutes is None and stats.share_within_target is None
    assert response_stats([], HOURS, 6.0, riga(2026, 3, 17, 11)).received == 0


# --- goals ------------------------------------------------------------------------------------


def test_goal_projection_is_a_straight_line_from_today():
    start = riga(2026, 3, 1, 12)
    points = [(start + timedelta(days=d), 1000 + 10 * d) for d in range(11)]  # 1000..1100
    # 2026-03-31 ends at 2026-04-01 00:00 Riga: 20.5 days after the last point (03-11
    # 12:00), less the hour the clocks skip on 03-29.
    days = 20.5 - 1 / 24
    on_track = project_goal(points, 1250, date(2026, 3, 31), "Europe/Riga")
    assert on_track.per_day == pytest.approx(10.0)
    assert on_track.projected == pytest.approx(1100 + 10 * days)
    assert on_track.on_track is True and on_track.current == 1100
    assert on_track.needed_per_day == pytest.approx(150 / days)
    behind = project_goal(points, 1400, date(2026, 3, 31), "Europe/Riga")
    assert behind.on_track is False


def test_goal_projection_with_too_little_history_says_it_cannot_tell():
    one = [(riga(2026, 3, 1, 12), 900)]
    assert project_goal(one, 1000, date(2026, 4, 1)).on_track is None
    assert project_goal([], 1000, date(2026, 4, 1)).current is None
    reached = project_goal([(riga(2026, 3, 1, 12), 1200)], 1000, date(2026, 4, 1))
    assert reached.on_track is True
