"""The reply clock counts only the client's working time, in its own zone."""

from __future__ import annotations

import time as timer
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smmdesk.core.client_rules import ClientSettings
from smmdesk.core.response_clock import (
    WorkingTime,
    deadline,
    format_time_left,
    is_public_holiday,
    working_minutes_between,
)

RIGA = ZoneInfo("Europe/Riga")
ADDIS = ZoneInfo("Africa/Addis_Ababa")
NEW_YORK = ZoneInfo("America/New_York")
OFFICE = WorkingTime("Europe/Riga", 9 * 60, 18 * 60, (0, 1, 2, 3, 4), "LV")


def riga(*args: int) -> datetime:
    return datetime(*args, tzinfo=RIGA)  # type: ignore[misc]


def in_riga(moment: datetime) -> datetime:
    return moment.astimezone(RIGA)


# --- deadlines on ordinary days ---------------------------------------------------------


def test_received_inside_hours_counts_from_arrival():
    due = deadline(riga(2026, 11, 10, 10, 0).astimezone(UTC), 6, OFFICE)  # a Tuesday
    assert due == riga(2026, 11, 10, 16, 0)
    assert due.tzinfo is UTC


def test_received_at_night_starts_at_next_opening():
    due = deadline(riga(2026, 11, 10, 23, 30).astimezone(UTC), 6, OFFICE)
    assert in_riga(due) == riga(2026, 11, 11, 15, 0)


def test_received_before_opening_starts_at_opening():
    due = deadline(riga(2026, 11, 11, 6, 45).astimezone(UTC), 0.5, OFFICE)
    assert in_riga(due) == riga(2026, 11, 11, 9, 30)


def test_friday_evening_runs_over_the_weekend():
    # one hour left on Friday, five more on Monday
    due = deadline(riga(2026, 11, 13, 17, 0).astimezone(UTC), 6, OFFICE)
    assert in_riga(due) == riga(2026, 11, 16, 14, 0)


def test_received_on_a_weekend():
    due = deadline(riga(2026, 11, 14, 12, 0).astimezone(UTC), 6, OFFICE)  # Saturday
    assert in_riga(due) == riga(2026, 11, 16, 15, 0)


def test_ending_exactly_at_closing_time_is_that_day():
    due = deadline(riga(2026, 11, 10, 9, 0).astimezone(UTC), 9, OFFICE)
    assert in_riga(due) == riga(2026, 11, 10, 18, 0)


def test_received_exactly_at_closing_time_waits_for_the_next_day():
    due = deadline(riga(2026, 11, 10, 18, 0).astimezone(UTC), 1, OFFICE)
    assert in_riga(due) == riga(2026, 11, 11, 10, 0)


# --- public holidays ---------------------------------------------------------------------


def test_latvian_proclamation_day_is_a_holiday():
    assert date(2026, 11, 18).weekday() == 2  # a Wednesday
    assert OFFICE.is_holiday(date(2026, 11, 18))
    assert not OFFICE.is_holiday(date(2026, 11, 17))
    assert is_public_holiday("lv", date(2026, 11, 18))  # case and spaces forgiven
    assert not is_public_holiday("", date(2026, 11, 18))
    assert not is_public_holiday("XX", date(2026, 11, 18))  # an unknown country has none


def test_the_clock_skips_a_public_holiday():
    # Tuesday 17:00: one hour on Tuesday, Wednesday 18 November is off, five on Thursday
    due = deadline(riga(2026, 11, 17, 17, 0).astimezone(UTC), 6, OFFICE)
    assert in_riga(due) == riga(2026, 11, 19, 14, 0)


def test_received_on_a_holiday_starts_the_next_working_day():
    due = deadline(riga(2026, 11, 18, 10, 0).astimezone(UTC), 6, OFFICE)
    assert in_riga(due) == riga(2026, 11, 19, 15, 0)


def test_without_a_country_the_holiday_is_a_working_day():
    hours = WorkingTime("Europe/Riga", 9 * 60, 18 * 60, (0, 1, 2, 3, 4))
    due = deadline(riga(2026, 11, 17, 17, 0).astimezone(UTC), 6, hours)
    assert in_riga(due) == riga(2026, 11, 18, 14, 0)


def test_a_long_target_spans_several_days_and_a_holiday():
    # Mon 9 h, Tue 9 h, Wed holiday, Thu 9 h, Fri 9 h = 36 h; 4 more on the next Monday
    due = deadline(riga(2026, 11, 16, 9, 0).astimezone(UTC), 40, OFFICE)
    assert in_riga(due) == riga(2026, 11, 23, 13, 0)


def test_a_week_of_working_hours():
    due = deadline(riga(2026, 11, 2, 9, 0).astimezone(UTC), 168, OFFICE)
    # 168 h = 18 days of 9 h + 6 h; 18 November is off
    assert in_riga(due) == riga(2026, 11, 27, 15, 0)
    assert working_minutes_between(riga(2026, 11, 2, 9, 0), due, OFFICE) == 168 * 60


# --- daylight saving time in Riga ------------------------------------------------------


def test_spring_forward_over_a_weekend_keeps_wall_clock_hours():
    # Friday 27 March 17:00 EET (+2); Monday 30 March is already EEST (+3)
    due = deadline(riga(2026, 3, 27, 17, 0).astimezone(UTC), 2, OFFICE)
    assert in_riga(due) == riga(2026, 3, 30, 10, 0)
    assert due == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_hours_that_span_the_spring_change_are_one_hour_shorter():
    night = WorkingTime("Europe/Riga", 1 * 60, 6 * 60, tuple(range(7)))
    opens, closes = riga(2026, 3, 29, 1, 0), riga(2026, 3, 29, 6, 0)
    assert working_minutes_between(opens, closes, night) == 4 * 60  # 03:00 never happened
    assert in_riga(deadline(opens.astimezone(UTC), 4, night)) == closes
    # the fifth hour runs into the next night's opening
    assert in_riga(deadline(opens.astimezone(UTC), 5, night)) == riga(2026, 3, 30, 2, 0)


def test_hours_that_span_the_autumn_change_are_one_hour_longer():
    night = WorkingTime("Europe/Riga", 1 * 60, 6 * 60, tuple(range(7)))
    opens, closes = riga(2026, 10, 25, 1, 0), riga(2026, 10, 25, 6, 0)
    assert working_minutes_between(opens, closes, night) == 6 * 60  # 03:00-04:00 twice
    assert in_riga(deadline(opens.astimezone(UTC), 6, night)) == closes
    assert deadline(opens.astimezone(UTC), 2, night) == datetime(2026, 10, 25, 0, 0, tzinfo=UTC)


def test_office_days_around_the_autumn_change():
    # Friday 23 October 17:00 EEST (+3) + 2 h -> Monday 26 October 10:00 EET (+2)
    due = deadline(riga(2026, 10, 23, 17, 0).astimezone(UTC), 2, OFFICE)
    assert due == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


# --- other zones ------------------------------------------------------------------------


def test_addis_ababa_and_ethiopian_new_year():
    hours = WorkingTime("Africa/Addis_Ababa", 8 * 60 + 30, 17 * 60 + 30, (0, 1, 2, 3, 4), "ET")
    assert hours.is_holiday(date(2026, 9, 11))  # Enkutatash, a Friday
    # Thursday 17:00: 30 min, Friday off, Monday 08:30 + 5 h 30 min
    received = datetime(2026, 9, 10, 17, 0, tzinfo=ADDIS)
    due = deadline(received.astimezone(UTC), 6, hours)
    assert due == datetime(2026, 9, 14, 11, 0, tzinfo=UTC)  # 14:00 in Addis Ababa (+3)


def test_new_york_observed_independence_day():
    hours = WorkingTime("America/New_York", 9 * 60, 17 * 60, (0, 1, 2, 3, 4), "US")
    received = datetime(2026, 7, 2, 16, 0, tzinfo=NEW_YORK)  # Thursday; Friday 3 July is off
    due = deadline(received.astimezone(UTC), 6, hours)
    assert due.astimezone(NEW_YORK) == datetime(2026, 7, 6, 14, 0, tzinfo=NEW_YORK)
    assert due == datetime(2026, 7, 6, 18, 0, tzinfo=UTC)


def test_new_york_spring_forward_weekend():
    hours = WorkingTime("America/New_York", 9 * 60, 17 * 60, (0, 1, 2, 3, 4), "US")
    received = datetime(2026, 3, 6, 16, 30, tzinfo=NEW_YORK)  # Friday, EST (-5)
    due = deadline(received.astimezone(UTC), 1, hours)
    assert due == datetime(2026, 3, 9, 13, 30, tzinfo=UTC)  # Monday 09:30 EDT (-4)


def test_unknown_zone_counts_in_utc():
    hours = WorkingTime("Not/AZone", 9 * 60, 17 * 60, (0, 1, 2, 3, 4))
    due = deadline(datetime(2026, 11, 10, 8, 0, tzinfo=UTC), 1, hours)
    assert due == datetime(2026, 11, 10, 10, 0, tzinfo=UTC)


def test_working_hours_to_midnight():
    hours = WorkingTime("UTC", 20 * 60, 24 * 60, (0, 1, 2, 3, 4))
    due = deadline(datetime(2026, 11, 13, 23, 0, tzinfo=UTC), 2, hours)  # Friday night
    assert due == datetime(2026, 11, 16, 21, 0, tzinfo=UTC)


# --- settings, bad input ----------------------------------------------------------------


def test_from_settings():
    settings_ = ClientSettings(
        name="Café",
        timezone="Europe/Riga",
        country="LV",
        work_start_minute=600,
        work_end_minute=1080,
        work_days=(4, 0, 2),
    )
    assert WorkingTime.from_settings(settings_) == WorkingTime(
        "Europe/Riga", 600, 1080, (0, 2, 4), "LV"
    )


def test_no_working_day_is_a_clear_error_not_a_hang():
    with pytest.raises(ValueError, match="no working time"):
        deadline(datetime(2026, 1, 1, tzinfo=UTC), 6, WorkingTime("UTC", 540, 1080, ()))
    with pytest.raises(ValueError, match="no working time"):
        deadline(datetime(2026, 1, 1, tzinfo=UTC), 6, WorkingTime("UTC", 1080, 540, (0, 1)))


def test_naive_times_and_nonsense_targets_are_refused():
    with pytest.raises(ValueError, match="aware"):
        deadline(datetime(2026, 1, 1), 6, OFFICE)
    with pytest.raises(ValueError, match="aware"):
        working_minutes_between(datetime(2026, 1, 1), datetime(2026, 1, 2, tzinfo=UTC), OFFICE)
    with pytest.raises(ValueError):
        deadline(datetime(2026, 1, 1, tzinfo=UTC), float("nan"), OFFICE)
    with pytest.raises(ValueError):
        deadline(datetime(2026, 1, 1, tzinfo=UTC), float("inf"), OFFICE)


def test_zero_target_is_due_on_arrival():
    received = riga(2026, 11, 14, 3, 0)  # a Saturday night
    assert deadline(received, 0, OFFICE) == received


def test_deadline_near_the_end_of_the_calendar_is_an_error():
    with pytest.raises(ValueError):
        deadline(datetime(9999, 12, 30, tzinfo=UTC), 100, OFFICE)


# --- working minutes between two instants --------------------------------------------


def test_working_minutes_between_and_its_sign():
    start, end = riga(2026, 11, 13, 17, 0), riga(2026, 11, 16, 10, 30)  # Fri -> Mon
    assert working_minutes_between(start, end, OFFICE) == 60 + 90
    assert working_minutes_between(end, start, OFFICE) == -(60 + 90)
    assert working_minutes_between(start, start, OFFICE) == 0
    # a whole weekend is no working time at all
    assert working_minutes_between(riga(2026, 11, 14, 8), riga(2026, 11, 15, 20), OFFICE) == 0


def test_time_left_and_overdue_through_the_clock():
    due = deadline(riga(2026, 11, 13, 17, 0).astimezone(UTC), 6, OFFICE)
    assert format_time_left(working_minutes_between(riga(2026, 11, 16, 11, 45), due, OFFICE)) == (
        "2 h 15 min left"
    )
    assert format_time_left(working_minutes_between(riga(2026, 11, 16, 15, 5), due, OFFICE)) == (
        "overdue by 1 h 5 min"
    )
    # overdue time is working time too: the night does not count
    late = working_minutes_between(riga(2026, 11, 17, 7, 0), due, OFFICE)
    assert format_time_left(late) == "overdue by 4 h"


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (135, "2 h 15 min left"),
        (45, "45 min left"),
        (44.2, "45 min left"),
        (120, "2 h left"),
        (0.4, "1 min left"),
        (0, "due now"),
        (-0.7, "due now"),
        (-65, "overdue by 1 h 5 min"),
        (-65.9, "overdue by 1 h 5 min"),
        (-3000, "overdue by 50 h"),
        (float("nan"), ""),
    ],
)
def test_format_time_left(minutes: float, text: str):
    assert format_time_left(minutes) == text


# --- properties ---------------------------------------------------------------------------

ZONES = ["Europe/Riga", "Africa/Addis_Ababa", "America/New_York", "Asia/Kolkata", "UTC"]
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)


@st.composite
def working_times(draw: st.DrawFn) -> WorkingTime:
    # at least an hour a day, so 168 working hours fit in a few years of walking
    start = draw(st.integers(0, 23 * 60))
    end = draw(st.integers(start + 60, 24 * 60))
    days = tuple(sorted(draw(st.sets(st.integers(0, 6), min_size=1))))
    country = draw(st.sampled_from(["", "LV", "ET", "US"]))
    return WorkingTime(draw(st.sampled_from(ZONES)), start, end, days, country)


@settings(max_examples=300, deadline=None)
@given(received=moments, target=st.floats(0.01, 168), hours=working_times())
def test_deadline_spends_exactly_the_target(received, target, hours):
    due = deadline(received, target, hours)
    assert due >= received
    assert due.tzinfo is UTC
    assert working_minutes_between(received, due, hours) == pytest.approx(target * 60, abs=1e-6)
    # and not a microsecond earlier would do
    before = due - timedelta(microseconds=1)
    assert working_minutes_between(received, before, hours) < target * 60


@settings(max_examples=200, deadline=None)
@given(a=moments, b=moments, c=moments, hours=working_times())
def test_working_minutes_are_antisymmetric_and_additive(a, b, c, hours):
    ab = working_minutes_between(a, b, hours)
    assert working_minutes_between(b, a, hours) == -ab
    bc = working_minutes_between(b, c, hours)
    assert ab + bc == pytest.approx(working_minutes_between(a, c, hours), abs=1e-6)
    assert abs(ab) <= abs((b - a).total_seconds()) / 60 + 1e-9


@settings(max_examples=100, deadline=None)
@given(received=moments, target=st.floats(0.5, 168), zone_name=st.sampled_from(ZONES))
def test_always_open_is_plain_elapsed_time_even_across_dst(received, target, zone_name):
    always = WorkingTime(zone_name, 0, 24 * 60, tuple(range(7)))
    due = deadline(received, target, always)
    assert due - received == timedelta(microseconds=round(target * 3_600_000_000))


def test_ten_thousand_deadlines_are_fast():
    base = datetime(2026, 1, 1, tzinfo=UTC)
    received = [base + timedelta(minutes=37 * i) for i in range(10_000)]
    started = timer.perf_counter()
    for moment in received:
        deadline(moment, 6, OFFICE)
    assert timer.perf_counter() - started < 1.0  # measured ~5 µs each


def test_a_target_that_would_take_decades_is_an_error():
    a_minute_a_week = WorkingTime("UTC", 9 * 60, 9 * 60 + 1, (0,))
    with pytest.raises(ValueError, match="too long"):
        deadline(datetime(2026, 1, 1, tzinfo=UTC), 168, a_minute_a_week)


def test_working_time_from_stored_columns_falls_back_to_weekdays():
    hours = WorkingTime.from_columns("", 540, 1080, "garbage", None)
    assert hours == WorkingTime("UTC", 540, 1080, (0, 1, 2, 3, 4), "")
    assert WorkingTime.from_columns("Europe/Riga", 480, 960, "5,6", "LV").work_days == (5, 6)
