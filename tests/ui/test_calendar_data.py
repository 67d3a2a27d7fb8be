"""The calendar's view data: local days, filters, and the posting guard's screen.

Plain Python (the module has no Qt): the rules themselves are tested in
tests/core; here, that the calendar feeds them correctly.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from smmdesk.core.posting_guard import find_violations
from smmdesk.store.calendar_queries import ClientPlan, PlanEntry
from smmdesk.ui.calendar.calendar_data import (
    CalendarFilter,
    GuardMemo,
    analyse_entries,
    day_notes,
    guard_rule,
    week_of,
)

RIGA = ClientPlan(1, "Kafija", "#c0392b", "Europe/Riga", "LV", 2, 120, "{}", "{}")
ADDIS = ClientPlan(2, "Bloom", "#1b7f3b", "Africa/Addis_Ababa", "ET", 3, 60, "{}", "{}")
PLANS = {1: RIGA, 2: ADDIS}
ACCOUNTS = {1: (10, 11), 2: (20,)}


def entry(pid, client, when, accounts, status="scheduled", kind="photo"):
    plan = PLANS[client]
    return PlanEntry(
        pid, client, plan.colour, plan.timezone, f"post {pid}", status, kind, when, tuple(accounts)
    )


def label(account_id):
    return f"@{account_id}"


def test_posts_land_on_the_clients_local_day_in_wall_clock_order():
    late_riga = entry(1, 1, datetime(2026, 3, 10, 22, 30, tzinfo=UTC), (10,))  # 00:30 on 11 March
    addis = entry(2, 2, datetime(2026, 3, 11, 5, 0, tzinfo=UTC), (20,))  # 08:00 in Addis
    riga = entry(3, 1, datetime(2026, 3, 11, 5, 30, tzinfo=UTC), (10,))  # 07:30 in Riga
    posts = analyse_entries(
        [late_riga, addis, riga], CalendarFilter(), PLANS, GuardMemo(), label, mixed_zones=True
    ).posts
    assert list(posts) == [date(2026, 3, 11)]
    day = posts[date(2026, 3, 11)]
    assert [(local.strftime("%H:%M"), e.id) for local, e in day] == [
        ("00:30", 1),
        ("07:30", 3),
        ("08:00", 2),
    ]


def test_filters_narrow_the_posts_not_the_guard():
    day = datetime(2026, 3, 11, 6, 0, tzinfo=UTC)
    entries = [
        entry(1, 1, day, (10,), status="draft"),
        entry(2, 1, day + timedelta(minutes=30), (10,), kind="video"),
        entry(3, 1, day + timedelta(hours=4), (11,)),
    ]
    only_drafts = CalendarFilter(status="draft")
    posts, warnings, flagged = analyse_entries(entries, only_drafts, PLANS, GuardMemo(), label)
    assert [e.id for _l, e in posts[date(2026, 3, 11)]] == [1]
    assert any("@10" in text for text in warnings[date(2026, 3, 11)])  # 30 min apart
    assert flagged == {1, 2}
    videos, _, _ = analyse_entries(
        entries, CalendarFilter(content_type="video"), PLANS, GuardMemo(), label
    )
    assert [e.id for _l, e in videos[date(2026, 3, 11)]] == [2]
    account, account_warnings, _ = analyse_entries(
        entries, CalendarFilter(account_id=11), PLANS, GuardMemo(), label
    )
    assert [e.id for _l, e in account[date(2026, 3, 11)]] == [3]
    assert account_warnings == {}


def test_ideas_and_failed_posts_do_not_count_for_the_guard():
    day = datetime(2026, 3, 11, 6, 0, tzinfo=UTC)
    entries = [
        entry(1, 1, day, (10,)),
        entry(2, 1, day + timedelta(minutes=10), (10,), status="idea"),
        entry(3, 1, day + timedelta(minutes=20), (10,), status="failed"),
    ]
    analysis = analyse_entries(entries, CalendarFilter(), PLANS, GuardMemo(), label)
    assert analysis.warnings == {} and analysis.flagged == set()


def full_range_warnings(entries):
    """What the guard says when given each account's whole list at once."""
    per_account = defaultdict(list)
    client_of = {}
    for e in entries:
        if e.status in ("idea", "failed"):
            continue
        for account in e.account_ids:
            per_account[account].append((e.id, e.scheduled_at))
            client_of[account] = e.client_id
    found = defaultdict(list)
    for account, posts in per_account.items():
        for v in find_violations(guard_rule(PLANS[client_of[account]]), posts):
            found[v.day].append(f"@{account}: {v.message}")
    return {day: sorted(texts) for day, texts in found.items()}


@st.composite
def month_of_posts(draw):
    start = datetime(2026, 3, 20, tzinfo=UTC)  # across the change to summer time
    count = draw(st.integers(0, 60))
    entries = []
    for pid in range(1, count + 1):
        client = draw(st.sampled_from((1, 2)))
        minutes = draw(st.integers(0, 14 * 24 * 4)) * 15
        accounts = draw(
            st.lists(st.sampled_from(ACCOUNTS[client]), min_size=1, max_size=2, unique=True)
        )
        status = draw(st.sampled_from(("scheduled", "draft", "published", "idea", "failed")))
        entries.append(entry(pid, client, start + timedelta(minutes=minutes), accounts, status))
    entries.sort(key=lambda e: (e.scheduled_at, e.id))
    return entries


@settings(max_examples=150, deadline=None)
@given(month_of_posts())
def test_the_screen_before_the_guard_changes_no_answer(entries):
    memo = GuardMemo()
    warnings = analyse_entries(entries, CalendarFilter(), PLANS, memo, label).warnings
    assert {day: sorted(texts) for day, texts in warnings.items()} == full_range_warnings(entries)
    again = analyse_entries(entries, CalendarFilter(), PLANS, memo, label).warnings
    assert again == warnings  # remembered answers are the same answers


def test_day_notes_hold_only_days_with_something_to_say():
    days = week_of(date(2026, 3, 25))
    assert days[0] == date(2026, 3, 23) and days[-1] == date(2026, 3, 29)
    notes = day_notes(
        days, {0: "Motivation Monday"}, {}, {days[2]: ["@1: too many"]}, {days[3]: [7]}
    )
    assert notes[days[0]].theme == "Motivation Monday"
    assert notes[days[2]].warnings == ("@1: too many",)
    assert notes[days[3]].gap_accounts == (7,)
    assert days[1] not in notes
