from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smmdesk.core.clock import as_utc, local_to_utc, month_grid, shift_month, to_local, zone


def test_unknown_zone_falls_back_to_utc():
    assert zone("Mars/Olympus") == zone("UTC")
    assert zone("") == zone("UTC")


def test_local_to_utc_and_back_in_riga_across_dst():
    # 29 March 2026: Riga moves from UTC+2 to UTC+3.
    before = local_to_utc(date(2026, 3, 28), time(9, 0), "Europe/Riga")
    after = local_to_utc(date(2026, 3, 30), time(9, 0), "Europe/Riga")
    assert before == datetime(2026, 3, 28, 7, 0, tzinfo=UTC)
    assert after == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    assert to_local(after, "Europe/Riga").hour == 9


def test_as_utc_converts_aware_times_and_refuses_naive_ones():
    riga = to_local(datetime(2026, 3, 2, 7, 0, tzinfo=UTC), "Europe/Riga")
    assert as_utc(riga, "start") == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    assert as_utc(riga, "start").tzinfo is UTC
    with pytest.raises(ValueError, match="start must be an aware datetime"):
        as_utc(datetime(2026, 3, 2, 9, 0), "start")


def test_month_grid_starts_on_monday_and_covers_the_month():
    days = month_grid(2026, 11)
    assert len(days) == 42
    assert days[0].weekday() == 0
    assert date(2026, 11, 1) in days and date(2026, 11, 30) in days


@given(st.integers(1970, 2100), st.integers(1, 12), st.integers(-30, 30))
def test_shift_month_round_trips(year, month, delta):
    y, m = shift_month(year, month, delta)
    assert 1 <= m <= 12
    assert shift_month(y, m, -delta) == (year, month)
