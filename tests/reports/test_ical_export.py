"""The schedule as an iCalendar file, read back with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from smmdesk.core.client_rules import ClientSettings
from smmdesk.reports.ical_export import export_schedule
from smmdesk.store.clients import save_client, set_client_archived
from smmdesk.store.models import Account, Post, PostTarget

START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
END = datetime(2026, 3, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
def plan(store, client_id):
    """Posts of two clients around the week [START, END); returns their ids by name."""
    with store.transaction() as s:
        other = save_client(s, ClientSettings(name="Addis Bloom", timezone="Africa/Addis_Ababa"))
        kafija = Account(client_id=client_id, platform="sandbox", handle="@kafija", vault_key="k1")
        events = Account(
            client_id=client_id, platform="sandbox", handle="@kafija_events", vault_key="k2"
        )
        bloom = Account(client_id=other, platform="sandbox", handle="@bloom", vault_key="k3")
        s.add_all([kafija, events, bloom])
        s.flush()

        def post(cid, body, status, when, *accounts):
            p = Post(client_id=cid, body=body, status=status, scheduled_at=when)
            p.content_type = "photo"
            for a in accounts:
                p.targets.append(PostTarget(account_id=a.id))
            s.add(p)
            s.flush()
            return p.id

        return {
            "first": post(
                client_id,
                "Pumpkin latte is back!\nCome to Tērbatas iela.",
                "scheduled",
                START,
                kafija,
                events,
            ),
            "draft": post(client_id, "Question of the week", "draft", START + timedelta(days=2)),
            "published": post(
                client_id, "Old news", "published", START + timedelta(days=1), kafija
            ),
            "idea": post(client_id, "An idea", "idea", START + timedelta(days=3)),
            "failed": post(client_id, "Broken", "failed", START + timedelta(days=3), kafija),
            "at_end": post(client_id, "Next week", "scheduled", END, kafija),
            "before": post(
                client_id, "Last week", "scheduled", START - timedelta(minutes=1), kafija
            ),
            "other": post(other, "Bloom post", "approved", START + timedelta(hours=5), bloom),
            "other_id": other,
        }


def read(path):
    cal = Calendar.from_ical(path.read_bytes())
    return cal, {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_one_event_per_post_in_range_with_stable_uids(store, client_id, plan, tmp_path):
    path = tmp_path / "kafija.ics"
    with store.session() as s:
        count = export_schedule(s, path, client_id, START, END)
    cal, events = read(path)
    assert count == 3
    assert set(events) == {
        f"post-{plan['first']}@smmdesk",
        f"post-{plan['draft']}@smmdesk",
        f"post-{plan['published']}@smmdesk",
    }
    assert str(cal["X-WR-CALNAME"]) == "Kafija Rīga — posting schedule"
    assert str(cal["VERSION"]) == "2.0"

    first = events[f"post-{plan['first']}@smmdesk"]
    assert str(first["SUMMARY"]) == "[Kafija Rīga] Pumpkin latte is back!"
    assert first.decoded("DTSTART") == START
    assert first.decoded("DTSTART").utcoffset() == timedelta(0)
    assert first.decoded("DTEND") - first.decoded("DTSTART") == timedelta(minutes=15)
    assert first.decoded("DTSTAMP").tzinfo is not None
    description = str(first["DESCRIPTION"])
    assert "Pumpkin latte is back!\nCome to Tērbatas iela." in description
    assert "Sandbox (practice): @kafija" in description
    assert "@kafija_events" in description
    assert "Status: Scheduled" in description
    assert "2026-03-02 02:00 (Europe/Riga)" in description  # the client's wall clock
    assert f"P-{plan['first']}" in description
    assert str(first["STATUS"]) == "CONFIRMED"
    assert str(events[f"post-{plan['draft']}@smmdesk"]["STATUS"]) == "TENTATIVE"


def test_range_is_start_inclusive_end_exclusive(store, client_id, plan, tmp_path):
    path = tmp_path / "narrow.ics"
    with store.session() as s:
        assert export_schedule(s, path, client_id, START, START + timedelta(days=1)) == 1
        _cal, events = read(path)
        assert set(events) == {f"post-{plan['first']}@smmdesk"}
        assert export_schedule(s, path, client_id, END, END + timedelta(days=1)) == 1
        _cal, events = read(path)
        assert set(events) == {f"post-{plan['at_end']}@smmdesk"}


def test_all_clients_and_client_filter(store, client_id, plan, tmp_path):
    path = tmp_path / "all.ics"
    with store.session() as s:
        assert export_schedule(s, path, None, START, END) == 4
    cal, events = read(path)
    assert f"post-{plan['other']}@smmdesk" in events
    assert str(events[f"post-{plan['other']}@smmdesk"]["SUMMARY"]) == "[Addis Bloom] Bloom post"
    assert "All clients" in str(cal["X-WR-CALNAME"])

    with store.session() as s:
        assert export_schedule(s, path, plan["other_id"], START, END) == 1

    with store.transaction() as s:
        set_client_archived(s, plan["other_id"], True)
    with store.session() as s:
        assert export_schedule(s, path, None, START, END) == 3  # archived clients are left out


def test_written_atomically_without_secrets(store, client_id, plan, tmp_path):
    path = tmp_path / "out" / "schedule.ics"
    path.parent.mkdir()
    path.write_text("old content")
    with store.session() as s:
        export_schedule(s, path, client_id, START, END)
    assert sorted(p.name for p in path.parent.iterdir()) == ["schedule.ics"]
    data = path.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR")
    assert b"k1" not in data and b"k2" not in data  # vault keys never leave the store


def test_empty_range_writes_an_empty_calendar(store, client_id, plan, tmp_path):
    path = tmp_path / "empty.ics"
    with store.session() as s:
        assert (
            export_schedule(s, path, client_id, END + timedelta(days=30), END + timedelta(days=31))
            == 0
        )
    _cal, events = read(path)
    assert events == {}


def test_naive_times_are_refused(store, client_id, tmp_path):
    with store.session() as s, pytest.raises(ValueError):
        export_schedule(s, tmp_path / "x.ics", client_id, datetime(2026, 3, 1), END)
