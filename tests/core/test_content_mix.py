import pytest

from smmdesk.core.content_mix import analyse_mix, label_for, parse_target_mix


def test_parse_target_mix():
    assert parse_target_mix('{"photo": 30, "question": 20}') == {"photo": 30.0, "question": 20.0}
    assert parse_target_mix('{"photo": 0.5}') == {"photo": 0.5}


@pytest.mark.parametrize(
    "bad",
    ["", "nope", "[]", '{"photo": -1}', '{"photo": "30"}', '{"photo": true}', '{"p": NaN}', "{"],
)
def test_parse_target_mix_never_raises(bad):
    assert parse_target_mix(bad) == {}


def test_labels():
    assert label_for("faq") == "FAQ"
    assert label_for("promotion") == "Promotion / discount"
    assert label_for("behind_the_scenes") == "Behind the scenes"


def test_half_promotions_against_a_ten_percent_plan():
    report = analyse_mix(
        {"promotion": 2, "photo": 2}, {"promotion": 10, "photo": 70, "question": 20}
    )
    assert report.counts == {"promotion": 2, "photo": 2, "question": 0}
    assert report.shares["promotion"] == 0.5
    assert report.target == pytest.approx({"promotion": 0.1, "photo": 0.7, "question": 0.2})
    assert report.dominant is None  # half is not more than half
    assert report.warnings == [
        "Half of this week's posts are promotions; the plan says 10%.",
        "No questions this week; the plan asks for 20%.",
    ]


def test_dominant_type():
    report = analyse_mix({"photo": 3, "video": 1}, {})
    assert report.dominant == "photo"
    assert report.warnings == ["3 of this week's 4 posts are photos (75%); vary the content types."]
    report = analyse_mix({"photo": 4}, {"photo": 50, "video": 50})
    assert report.dominant == "photo"
    assert report.warnings[0] == "All of this week's posts are photos; the plan says 50%."
    assert report.warnings[1] == "No videos this week; the plan asks for 50%."


def test_too_few_posts_are_not_judged():
    report = analyse_mix({"photo": 3}, {"question": 1})
    assert report.dominant is None
    assert report.warnings == []
    assert report.shares == {"photo": 1.0, "question": 0.0}


def test_on_plan_gives_no_warnings():
    report = analyse_mix(
        {"photo": 3, "question": 2, "video": 1}, {"photo": 3, "question": 2, "video": 1}
    )
    assert report.dominant is None  # exactly half is not "more than half"
    assert report.warnings == []
    # a type without a target, but not dominant and no plan overshoot: quiet
    assert (
        analyse_mix({"photo": 2, "question": 2, "video": 2}, {"photo": 1, "question": 1}).warnings
        == []
    )


def test_empty_week():
    report = analyse_mix({}, {"photo": 1})
    assert report.counts == {"photo": 0}
    assert report.shares == {"photo": 0.0}
    assert report.dominant is None and report.warnings == []


def test_unknown_type_in_words():
    report = analyse_mix({"meme": 5}, {"photo": 1})
    assert report.warnings[0] == "All of this week's posts are “Meme” posts; the plan has none."
