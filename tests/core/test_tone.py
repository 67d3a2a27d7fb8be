"""Tone check for replies to negative comments: shouting, exclamation runs, flagged words."""

from __future__ import annotations

import pytest

from smmdesk.core.tone import (
    EXCLAMATIONS,
    FLAGGED_WORD,
    SHOUTING,
    ToneIssue,
    check_tone,
    parse_word_list,
)


def kinds(text: str, flagged: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(issue.kind, issue.excerpt) for issue in check_tone(text, flagged)]


def test_a_calm_reply_has_no_issues():
    text = "We are sorry to hear that. Please send us your order number and we will fix it."
    assert check_tone(text, ("stupid",)) == []
    assert check_tone("") == []


def test_a_run_of_capital_words_is_shouting():
    issues = check_tone("We will NEVER AGAIN send a parcel like that.")
    assert issues == [
        ToneIssue(
            SHOUTING,
            "NEVER AGAIN",
            "“NEVER AGAIN” reads as shouting; write it in normal case.",
        )
    ]


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("We are SO SORRY about this", "SO SORRY"),
        ("WE HEAR YOU and we are fixing it now", "WE HEAR YOU"),
        ("Please, I AM SO TIRED of this", "I AM SO TIRED"),
        (
            "Мы ОЧЕНЬ СОЖАЛЕЕМ, что заказ пришёл поздно",
            "ОЧЕНЬ СОЖАЛЕЕМ",
        ),  # Cyrillic capitals shout too
    ],
)
def test_shouting_runs(text: str, excerpt: str):
    assert kinds(text) == [(SHOUTING, excerpt)]


def test_a_mostly_capital_text_is_shouting():
    issues = check_tone("THIS IS NOT our fault")
    assert [issue.kind for issue in issues] == [SHOUTING]
    assert "Most of the reply" in issues[0].message
    assert [i.kind for i in check_tone("МЫ ВСЁ ИСПРАВИМ ЗАВТРА")] == [SHOUTING]


@pytest.mark.parametrize(
    "text",
    [
        "OK, we will check it.",
        "Please read our FAQ first.",
        "We ship to the USA and the UK.",
        "Prices include EU VAT.",
        "Write to us in DM, we answer within a day.",
        "Our company SIA Kafija answers every message.",
        "Спасибо, мы ООО «Ромашка» и ответим завтра.",
        "በጣም እናዝናለን፣ ችግሩን እንፈታለን",  # Amharic has no capitals
        "I will check it.",
    ],
)
def test_acronyms_and_caseless_scripts_are_not_shouting(text: str):
    assert check_tone(text) == []


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("Sorry!! We will fix it.", "Sorry!!"),
        ("We will fix it!!!", "it!!!"),
        ("Are you serious!?!", "serious!?!"),
        ("Done‼", "Done‼"),
        ("Готово!!!", "Готово!!!"),
        ("Hello！！", "Hello！！"),
    ],
)
def test_exclamation_runs(text: str, excerpt: str):
    assert kinds(text) == [(EXCLAMATIONS, excerpt)]


def test_a_single_exclamation_or_question_is_fine():
    assert check_tone("Thank you! Really?! What?? We will call you.") == []


def test_flagged_words_are_whole_words_any_case_with_stems():
    flagged = ("stupid", "idiot*", "not our fault", "вина*")
    found = kinds("You IDIOTS, this is Not Our Fault and stupidity is no excuse", flagged)
    assert found == [
        (FLAGGED_WORD, "IDIOTS"),
        (FLAGGED_WORD, "Not Our Fault"),
    ]  # "stupidity" is not the word "stupid"
    assert kinds("это не наша вина", flagged) == [(FLAGGED_WORD, "вина")]
    message = check_tone("stupid", flagged)[0].message
    assert message == "“stupid” is on this client's list of words to avoid in replies."


def test_issues_come_in_text_order_and_repeats_once():
    text = "Calm down!! It is NOT OUR problem, calm down, CALM DOWN"
    found = kinds(text, ("calm down",))
    assert found == [
        (FLAGGED_WORD, "Calm down"),
        (EXCLAMATIONS, "down!!"),
        (SHOUTING, "NOT OUR"),
        (SHOUTING, "CALM DOWN"),
    ]


def test_odd_flagged_entries_are_ignored():
    assert check_tone("fine text", ("", "*", "   ")) == []


def test_long_and_hostile_replies_do_not_break_the_check():
    assert len(check_tone("!!" * 100_000)) > 0
    assert check_tone("\u202e\x00 hello \u200b") == []


def test_parse_word_list():
    text = " stupid, idiot*\n\nNot our fault\nSTUPID,  ,вина*\n"
    assert parse_word_list(text) == ["stupid", "idiot*", "Not our fault", "вина*"]
    assert parse_word_list("") == []
