"""The winner draw: eligibility rules and a draw anyone can repeat."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smmdesk.core.contest_draw import (
    Entrant,
    draw,
    eligible,
    entrants_from_json,
    entrants_to_json,
    new_seed,
)

START = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def entrant(item_id: int, author: str, text: str = "I'm in #win", minutes: int = 0) -> Entrant:
    return Entrant(item_id, author, author.title(), text, START + timedelta(minutes=minutes))


def crowd(size: int) -> list[Entrant]:
    return [entrant(i, f"user{i}", minutes=i) for i in range(1, size + 1)]


# --- who takes part ---------------------------------------------------------------------


def test_keyword_is_a_whole_word_or_phrase_in_any_case():
    comments = [
        entrant(1, "a", "Count me IN! #Giveaway"),
        entrant(2, "b", "#giveaways are fun"),
        entrant(3, "c", "I want the red mug please"),
        entrant(4, "d", "I want the   RED MUG"),
        entrant(5, "e", "redmug"),
    ]
    assert [e.item_id for e in eligible(comments, keyword="#giveaway")] == [1]
    assert [e.item_id for e in eligible(comments, keyword="red mug")] == [3, 4]
    assert [e.item_id for e in eligible(comments, keyword="  ")] == [1, 2, 3, 4, 5]


def test_one_per_person_keeps_the_earliest_matching_comment():
    comments = [
        entrant(10, "anna", "hello", minutes=0),  # does not match: not an entry
        entrant(11, "anna", "yes please", minutes=5),
        entrant(12, "anna", "yes please again", minutes=9),
        entrant(13, "bob", "yes please", minutes=7),
    ]
    result = eligible(comments, keyword="yes")
    assert [(e.author_id, e.item_id) for e in result] == [("anna", 11), ("bob", 13)]
    every = eligible(comments, keyword="yes", one_per_person=False)
    assert [e.item_id for e in every] == [11, 13, 12]


def test_brand_accounts_and_late_comments_are_excluded():
    comments = [
        entrant(1, "brand", minutes=1),
        entrant(2, "fan", minutes=2),
        entrant(3, "late", minutes=61),
        entrant(4, "on_time", minutes=60),
    ]
    result = eligible(comments, excluded_author_ids={"brand"}, closes_at=START + timedelta(hours=1))
    assert [e.author_id for e in result] == ["fan", "on_time"]


def test_eligible_is_sorted_and_ignores_input_order_and_duplicates():
    comments = crowd(20)
    shuffled = list(reversed(comments)) + comments[:3]
    assert eligible(shuffled) == eligible(comments) == comments
    same_time = [entrant(9, "x"), entrant(3, "y"), entrant(5, "z")]
    assert [e.item_id for e in eligible(same_time)] == [3, 5, 9]


# --- the draw -----------------------------------------------------------------------------


def test_same_inputs_same_winners():
    pool = crowd(50)
    first = draw(pool, 3, "c0ffee")
    assert len(first) == 3 and len(set(first)) == 3
    assert draw(pool, 3, "c0ffee") == first
    assert draw(list(reversed(pool)), 3, "c0ffee") == first  # the given order does not matter


def test_known_answer_so_a_later_python_cannot_change_a_stored_draw():
    winners = [e.item_id for e in draw(crowd(100), 5, "0123456789abcdef")]
    assert winners == KNOWN_WINNERS


def test_a_different_seed_gives_a_different_order():
    pool = crowd(200)
    orders = {tuple(e.item_id for e in draw(pool, 10, seed)) for seed in ("a", "b", "c", "d")}
    assert len(orders) == 4


def test_more_winners_than_entrants_returns_everyone_shuffled():
    pool = crowd(30)
    result = draw(pool, 100, "seed")
    assert sorted(e.item_id for e in result) == [e.item_id for e in pool]
    assert result != pool
    assert draw(pool, 0, "seed") == [] and draw(pool, -2, "seed") == []
    assert draw([], 3, "seed") == []


def test_the_draw_repeats_in_a_fresh_process():
    """No hash randomisation: another interpreter with another PYTHONHASHSEED agrees."""
    pool = crowd(40)
    saved = entrants_to_json(pool)
    script = (
        "import sys, json\n"
        "from smmdesk.core.contest_draw import draw, entrants_from_json\n"
        "pool = entrants_from_json(sys.stdin.read())\n"
        "print(json.dumps([e.item_id for e in draw(pool, 4, 'feedbeef')]))\n"
    )
    answers = set()
    for hash_seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", script],
            input=saved,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
            timeout=60,
        )
        answers.add(tuple(json.loads(done.stdout)))
    assert answers == {tuple(e.item_id for e in draw(pool, 4, "feedbeef"))}


@settings(max_examples=100, deadline=None)
@given(size=st.integers(0, 60), winners=st.integers(0, 70), seed=st.text(max_size=20))
def test_winners_are_distinct_entrants(size: int, winners: int, seed: str):
    pool = crowd(size)
    result = draw(pool, winners, seed)
    assert len(result) == min(winners, size)
    assert len({e.item_id for e in result}) == len(result)
    assert set(result) <= set(pool)


def test_every_entrant_can_win():
    pool = crowd(5)
    firsts = {draw(pool, 1, str(n))[0].item_id for n in range(200)}
    assert firsts == {1, 2, 3, 4, 5}


def test_new_seed_is_64_bits_of_hex():
    seeds = {new_seed() for _ in range(50)}
    assert len(seeds) == 50
    assert all(len(seed) == 16 and int(seed, 16) >= 0 for seed in seeds)


# --- storing and repeating ----------------------------------------------------------------


def test_a_stored_draw_repeats_from_its_saved_entrants():
    comments = [entrant(i, f"u{i % 7}", "yes 🎉 «ok»", minutes=i) for i in range(1, 40)]
    entrants = eligible(comments, keyword="yes")
    seed = new_seed()
    winners = draw(entrants, 3, seed)
    saved = entrants_to_json(entrants)
    assert "🎉" in saved
    again = entrants_from_json(saved)
    assert again == entrants
    assert draw(again, 3, seed) == winners


def test_stored_times_are_utc_and_naive_ones_read_as_utc():
    riga = datetime(2026, 5, 1, 15, 0, tzinfo=UTC).astimezone()
    saved = entrants_to_json([Entrant(1, "a", "A", "x", riga)])
    assert json.loads(saved)[0]["created_at"] == "2026-05-01T15:00:00+00:00"
    naive = (
        '[{"item_id": 1, "author_id": "a", "author_name": "A", "text": "x", '
        '"created_at": "2026-05-01T15:00:00"}]'
    )
    assert entrants_from_json(naive)[0].created_at == datetime(2026, 5, 1, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "{}",
        "[1]",
        '[{"item_id": "1", "author_id": "a", "author_name": "A", "text": "", '
        '"created_at": "2026-05-01T15:00:00+00:00"}]',
        '[{"item_id": 1, "author_id": "a", "author_name": "A", "text": "", "created_at": "soon"}]',
        '[{"item_id": 1, "author_id": null, "author_name": "A", "text": "", '
        '"created_at": "2026-05-01T15:00:00+00:00"}]',
    ],
)
def test_a_damaged_entrant_list_is_refused(text: str):
    with pytest.raises(ValueError, match="stored list"):
        entrants_from_json(text)


#: Computed once (CPython 3.11); Random(int).random() is guaranteed the same on later
#: versions, so a stored draw must name these forever.
KNOWN_WINNERS = [9, 49, 52, 100, 32]
