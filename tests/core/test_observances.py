import json
from datetime import date
from importlib import resources

from smmdesk.core.observances import (
    FUN,
    HOLIDAY,
    fixed_days,
    observances_between,
    parse_fixed_days,
)


def raw_entries():
    text = resources.files("smmdesk.resources").joinpath("observances.json").read_text("utf-8")
    data = json.loads(text)
    assert data["about"]
    return data["entries"]


def test_data_file_is_complete_and_clean():
    entries = raw_entries()
    assert len(entries) >= 150
    keys = set()
    for entry in entries:
        date(2000, entry["month"], entry["day"])  # raises if not a real day
        assert entry["name"].strip() and entry["source"].strip(), entry
        key = (entry["month"], entry["day"], entry["name"])
        assert key not in keys, key
        keys.add(key)
    assert len(fixed_days()) == len(entries)  # the loader drops nothing


def test_octopus_day():
    found = observances_between(date(2026, 10, 8), date(2026, 10, 9))
    names = [o.name for o in found[date(2026, 10, 8)]]
    assert "Octopus Day" in names
    assert all(o.kind == FUN for o in found[date(2026, 10, 8)])


def test_latvian_proclamation_day():
    found = observances_between(date(2026, 11, 1), date(2026, 12, 1), "LV")
    holidays = [o for o in found[date(2026, 11, 18)] if o.kind == HOLIDAY]
    assert holidays and "Proclamation" in holidays[0].name
    assert holidays[0].source == "holidays package (LV)"
    assert found[date(2026, 11, 18)][0].kind == HOLIDAY  # holidays first


def test_ethiopian_meskel():
    for year in (2026, 2027):
        found = observances_between(date(year, 9, 26), date(year, 9, 30), "et")
        meskel = [
            o.day
            for day in found.values()
            for o in day
            if o.kind == HOLIDAY and o.day in (date(year, 9, 27), date(year, 9, 28))
        ]
        assert len(meskel) == 1


def test_unknown_or_empty_country_has_no_holidays():
    for country in ("", "XX", "not a country"):
        found = observances_between(date(2026, 1, 1), date(2027, 1, 1), country)
        assert all(o.kind == FUN for day in found.values() for o in day)
        assert found  # the fun days are still there


def test_range_across_the_year_boundary():
    found = observances_between(date(2026, 12, 30), date(2027, 1, 3), "LV")
    assert min(found) >= date(2026, 12, 30) and max(found) < date(2027, 1, 3)
    assert any(o.kind == HOLIDAY for o in found[date(2027, 1, 1)])  # New Year's Day
    assert any(o.name == "Public Domain Day" for o in found[date(2027, 1, 1)])
    assert any(o.kind == HOLIDAY for o in found[date(2026, 12, 31)])  # LV: New Year's Eve
    assert list(found) == sorted(found)


def test_end_is_exclusive_and_empty_ranges():
    assert date(2026, 10, 8) not in observances_between(date(2026, 10, 1), date(2026, 10, 8))
    assert observances_between(date(2026, 10, 8), date(2026, 10, 8)) == {}
    assert observances_between(date(2026, 10, 9), date(2026, 10, 8)) == {}


def test_parser_skips_bad_entries():
    text = json.dumps(
        {
            "entries": [
                {"month": 2, "day": 30, "name": "No such day", "source": "x"},
                {"month": 1, "day": 1, "name": "No source", "source": ""},
                {"rule": "last-friday-of-july", "name": "Sysadmin Day", "source": "x"},
                "junk",
                {"month": 2, "day": 29, "name": "Leap day", "source": "x"},
            ]
        }
    )
    assert [d.name for d in parse_fixed_days(text)] == ["Leap day"]
    assert parse_fixed_days("not json") == ()
    assert parse_fixed_days("[]") == ()
