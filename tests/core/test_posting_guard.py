from datetime import UTC, date, datetime, time

from smmdesk.core.clock import local_to_utc
from smmdesk.core.posting_guard import (
    NEW_POST_ID,
    GuardRule,
    check_slot,
    day_label,
    find_violations,
)

RIGA = "Europe/Riga"


def riga(day: date, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(day, time(hour, minute), RIGA)


def test_day_label_is_locale_free():
    assert day_label(date(2026, 4, 14)) == "Tue 14 Apr"


def test_per_day_limit_and_message():
    rule = GuardRule(max_per_day=2, min_gap_minutes=0, timezone=RIGA)
    day = date(2026, 4, 14)
    posts = [(1, riga(day, 9)), (2, riga(day, 12)), (3, riga(day, 18))]
    [violation] = find_violations(rule, posts)
    assert violation.kind == "per_day"
    assert violation.day == day
    assert violation.post_ids == (1, 2, 3)
    assert violation.message == "3 posts on Tue 14 Apr; the limit is 2 a day."
    assert find_violations(rule, posts[:2]) == []


def test_gap_message():
    rule = GuardRule(max_per_day=5, min_gap_minutes=120, timezone=RIGA)
    day = date(2026, 4, 14)
    [violation] = find_violations(rule, [(7, riga(day, 9, 40)), (5, riga(day, 9))])
    assert violation.kind == "gap"
    assert violation.post_ids == (5, 7)
    assert violation.message == "Posts at 09:00 and 09:40 are 40 minutes apart; keep at least 120."


def test_gap_exactly_the_minimum_is_fine():
    rule = GuardRule(max_per_day=5, min_gap_minutes=120, timezone=RIGA)
    day = date(2026, 4, 14)
    assert find_violations(rule, [(1, riga(day, 9)), (2, riga(day, 11))]) == []
    assert len(find_violations(rule, [(1, riga(day, 9)), (2, riga(day, 10, 59))])) == 1


def test_days_split_in_the_clients_zone():
    # 23:30 and 00:10 Riga time are two days for the audience, though in UTC
    # (20:30 and 21:10 in summer) they are the same day.
    rule = GuardRule(max_per_day=1, min_gap_minutes=0, timezone=RIGA)
    late = riga(date(2026, 6, 1), 23, 30)
    early = riga(date(2026, 6, 2), 0, 10)
    assert late.date() == early.date() == date(2026, 6, 1)  # same UTC day
    assert find_violations(rule, [(1, late), (2, early)]) == []
    # the same instants judged in UTC would be one day with two posts
    utc_rule = GuardRule(max_per_day=1, min_gap_minutes=0, timezone="UTC")
    assert [v.kind for v in find_violations(utc_rule, [(1, late), (2, early)])] == ["per_day"]


def test_gap_across_midnight():
    rule = GuardRule(max_per_day=3, min_gap_minutes=120, timezone=RIGA)
    late = riga(date(2026, 4, 13), 23, 30)
    early = riga(date(2026, 4, 14), 0, 10)
    [violation] = find_violations(rule, [(1, late), (2, early)])
    assert violation.kind == "gap"
    assert violation.day == date(2026, 4, 14)
    assert (
        violation.message
        == "Posts at Mon 23:30 and Tue 00:10 are 40 minutes apart; keep at least 120."
    )


def test_spring_forward_gap_is_real_time():
    # 29 March 2026: Riga clocks jump from 03:00 to 04:00.
    rule = GuardRule(max_per_day=5, min_gap_minutes=60, timezone=RIGA)
    before = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 02:30 EET
    after = datetime(2026, 3, 29, 1, 10, tzinfo=UTC)  # 04:10 EEST
    [violation] = find_violations(rule, [(1, before), (2, after)])
    assert "02:30 and 04:10 are 40 minutes apart" in violation.message
    assert violation.day == date(2026, 3, 29)


def test_fall_back_gap_is_real_time():
    # 25 October 2026: Riga clocks go back from 04:00 EEST to 03:00 EET.
    rule = GuardRule(max_per_day=5, min_gap_minutes=60, timezone=RIGA)
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 03:30 EEST
    second = datetime(2026, 10, 25, 1, 20, tzinfo=UTC)  # 03:20 EET, 50 minutes later
    [violation] = find_violations(rule, [(1, first), (2, second)])
    assert violation.post_ids == (1, 2)
    assert "03:30 and 03:20 are 50 minutes apart" in violation.message
    # wall clock says 3 h 10 min apart but 4 h 10 min really passed: fine
    rule_4h = GuardRule(max_per_day=5, min_gap_minutes=240, timezone=RIGA)
    early = riga(date(2026, 10, 25), 1, 0)
    late = riga(date(2026, 10, 25), 4, 10)
    assert (late - early).total_seconds() == 4 * 3600 + 600
    assert find_violations(rule_4h, [(1, early), (2, late)]) == []


def test_dst_days_are_counted_as_local_days():
    # The 25-hour day of 25 October 2026 in Riga: 00:05 and 23:55 are one day.
    rule = GuardRule(max_per_day=1, min_gap_minutes=0, timezone=RIGA)
    day = date(2026, 10, 25)
    [violation] = find_violations(rule, [(1, riga(day, 0, 5)), (2, riga(day, 23, 55))])
    assert violation.day == day
    spring = date(2026, 3, 29)
    previous = riga(date(2026, 3, 28), 23, 55)
    assert find_violations(rule, [(1, previous), (2, riga(spring, 0, 5))]) == []


def test_check_slot_for_a_new_post():
    rule = GuardRule(max_per_day=2, min_gap_minutes=120, timezone=RIGA)
    day = date(2026, 4, 14)
    posts = [(1, riga(day, 9)), (2, riga(day, 15))]
    result = check_slot(rule, posts, riga(day, 10))
    assert [v.kind for v in result] == ["per_day", "gap"]
    assert result[0].post_ids == (1, NEW_POST_ID, 2)
    assert result[1].post_ids == (1, NEW_POST_ID)
    assert check_slot(rule, posts, riga(date(2026, 4, 15), 9)) == []


def test_check_slot_ignores_the_moving_posts_old_time():
    rule = GuardRule(max_per_day=2, min_gap_minutes=120, timezone=RIGA)
    day = date(2026, 4, 14)
    posts = [(1, riga(day, 9)), (2, riga(day, 10)), (3, riga(date(2026, 4, 15), 9))]
    # moving post 2 to 13:00 clears the gap it had with post 1
    assert check_slot(rule, posts, riga(day, 13), moving_post_id=2) == []
    # moving it next to post 3 makes a gap with post 3, reported under its own id
    [violation] = check_slot(rule, posts, riga(date(2026, 4, 15), 8), moving_post_id=2)
    assert violation.kind == "gap" and violation.post_ids == (2, 3)


def test_check_slot_leaves_out_unrelated_violations():
    rule = GuardRule(max_per_day=1, min_gap_minutes=60, timezone=RIGA)
    day = date(2026, 4, 14)
    crowded = [(1, riga(day, 9)), (2, riga(day, 9, 30))]
    assert check_slot(rule, crowded, riga(date(2026, 4, 16), 12)) == []


def test_zero_switches_checks_off_and_naive_means_utc():
    rule = GuardRule(max_per_day=0, min_gap_minutes=0, timezone=RIGA)
    moment = datetime(2026, 4, 14, 9, 0)
    assert find_violations(rule, [(1, moment), (2, moment), (3, moment)]) == []
    strict = GuardRule(max_per_day=5, min_gap_minutes=10, timezone=RIGA)
    [violation] = find_violations(strict, [(1, moment), (2, moment.replace(tzinfo=UTC))])
    assert "0 minutes apart" in violation.message
