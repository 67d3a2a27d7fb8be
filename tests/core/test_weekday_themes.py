from datetime import date

import pytest

from smmdesk.core.weekday_themes import DEFAULT_THEMES, dump_themes, parse_themes, theme_for


def test_defaults_start_on_monday():
    assert DEFAULT_THEMES[0] == "Motivation Monday"
    assert DEFAULT_THEMES[6] == "Sunday Funday"
    assert theme_for(date(2026, 4, 13), DEFAULT_THEMES) == "Motivation Monday"  # a Monday


def test_round_trip_keeps_non_ascii():
    themes = {0: "Pirmdienas motivācija", 3: "ሐሙስ ትዝታ"}
    text = dump_themes(themes)
    assert "motivācija" in text
    assert parse_themes(text) == themes
    assert parse_themes(dump_themes(DEFAULT_THEMES)) == DEFAULT_THEMES


@pytest.mark.parametrize("junk", ["", "not json", "[1, 2]", "null", "42", '"x"', "{"])
def test_junk_gives_no_themes(junk):
    assert parse_themes(junk) == {}


def test_bad_entries_are_skipped():
    text = '{"0": "Mon", "7": "x", "a": "y", "2": "", "3": 5, "4": "  Fri  "}'
    assert parse_themes(text) == {0: "Mon", 4: "Fri"}


def test_day_without_theme():
    assert theme_for(date(2026, 4, 14), {0: "Mon"}) is None
    assert theme_for(date(2026, 4, 14), {1: "  "}) is None
    assert dump_themes({1: " ", 9: "x"}) == "{}"
