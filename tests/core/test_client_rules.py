from smmdesk.core.client_rules import (
    ClientSettings,
    format_work_days,
    parse_work_days,
    validate,
)


def test_defaults_are_valid_and_reply_target_is_six_hours():
    settings = ClientSettings(name="Kafija Rīga", timezone="Europe/Riga", country="LV")
    assert validate(settings) == []
    assert settings.reply_target_hours == 6.0


def test_every_problem_is_reported_in_words():
    settings = ClientSettings(
        name=" ",
        colour="red",
        timezone="Europe/Atlantis",
        country="latvia",
        work_start_minute=18 * 60,
        work_end_minute=9 * 60,
        work_days=(),
        reply_target_hours=0,
        max_posts_per_day=0,
        min_gap_minutes=-5,
    )
    problems = validate(settings)
    assert len(problems) == 9
    assert any("Europe/Atlantis" in p for p in problems)


def test_work_days_round_trip_and_ignore_junk():
    assert parse_work_days("0,1, 2,x,9,4") == (0, 1, 2, 4)
    assert format_work_days((4, 0, 0, 2)) == "0,2,4"
