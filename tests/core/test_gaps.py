from datetime import date, timedelta

from smmdesk.core.gaps import Gap, find_gaps

TODAY = date(2026, 4, 13)


def test_days_without_posts_per_account_sorted_by_day_then_account():
    scheduled = {
        2: [TODAY + timedelta(days=d) for d in range(7) if d != 3],
        1: [TODAY + timedelta(days=d) for d in range(7) if d not in (0, 3)],
    }
    assert find_gaps(TODAY, scheduled) == [
        Gap(1, TODAY),
        Gap(1, TODAY + timedelta(days=3)),
        Gap(2, TODAY + timedelta(days=3)),
    ]


def test_account_with_nothing_planned_has_every_day():
    assert len(find_gaps(TODAY, {5: []})) == 7
    assert find_gaps(TODAY, {5: set()}, days=2) == [Gap(5, TODAY), Gap(5, TODAY + timedelta(1))]


def test_days_outside_the_window_do_not_count():
    scheduled = {1: [TODAY - timedelta(days=1), TODAY + timedelta(days=7)]}
    gaps = find_gaps(TODAY, scheduled)
    assert [g.day for g in gaps] == [TODAY + timedelta(days=d) for d in range(7)]


def test_no_accounts_or_no_days():
    assert find_gaps(TODAY, {}) == []
    assert find_gaps(TODAY, {1: []}, days=0) == []
