"""Contests in the store: rules kept with the post, draws recorded and repeatable."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from smmdesk.core.contest_draw import draw, eligible, new_seed
from smmdesk.store.contests import (
    contest_post,
    list_draws,
    load_draw,
    post_entries,
    record_draw,
    repeat_draw,
    set_contest_rules,
)
from smmdesk.store.inbox_queries import own_author_ids
from smmdesk.store.models import Account, InboxItem, Post, PostTarget

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def contest(store, client_id):
    """A published post with comments from fans, a repeat fan, the brand, and noise."""
    with store.transaction() as s:
        account = Account(
            client_id=client_id,
            platform="sandbox",
            handle="@kafija",
            vault_key="k",
            remote_id="brand",
        )
        s.add(account)
        s.flush()
        post = Post(client_id=client_id, body="Win a bag of beans!", status="published")
        post.targets.append(PostTarget(account_id=account.id, remote_id="p1", status="published"))
        s.add(post)
        s.flush()
        comments = [
            ("c1", "ana", "Ana", "BEANS please", "comment", 1, False),
            ("c2", "ana", "Ana", "beans again", "comment", 2, False),
            ("c3", "juris", "Juris", "I want beans", "reply", 3, False),
            ("c4", "ilze", "Ilze", "nice photo", "comment", 4, False),
            ("c5", "brand", "Kafija", "beans for everyone who comments", "reply", 5, False),
            ("c6", "gone", "Gone", "beans", "comment", 6, True),  # removed on the network
            ("c7", "marta", "Marta", "beans", "mention", 7, False),  # not a comment
            ("c8", "late", "Late", "beans", "comment", 48, False),
        ]
        for remote_id, author, name, body, kind, hours, removed in comments:
            s.add(
                InboxItem(
                    account_id=account.id,
                    kind=kind,
                    remote_id=remote_id,
                    post_remote_id="p1",
                    author_id=author,
                    author_name=name,
                    body=body,
                    created_at=T0 + timedelta(hours=hours),
                    removed_at=T0 if removed else None,
                )
            )
        other = Post(client_id=client_id, body="Another post")
        s.add(other)
        s.flush()
        return post.id, other.id


@pytest.fixture
def db(store, profile):
    connection = sqlite3.connect(f"file:{profile.database}?mode=ro", uri=True)
    yield connection
    connection.close()


def test_entries_are_the_posts_live_comments_and_replies(db, contest):
    post_id, other_id = contest
    entries = post_entries(db, post_id)
    assert [e.author_id for e in entries] == ["ana", "ana", "juris", "ilze", "brand", "late"]
    assert entries[0].text == "BEANS please"
    assert entries[0].created_at == T0 + timedelta(hours=1)
    assert post_entries(db, other_id) == []


def test_keyword_one_per_person_and_the_brand_left_out(db, contest, client_id):
    entries = post_entries(db, contest[0])
    own = own_author_ids(db, client_id)
    assert own == {"brand"}
    chosen = eligible(entries, "beans", True, own, T0 + timedelta(hours=24))
    assert sorted(e.author_id for e in chosen) == ["ana", "juris"]
    everyone = eligible(entries, "", False, own, None)
    assert sorted(e.author_id for e in everyone) == ["ana", "ana", "ilze", "juris", "late"]


def test_a_recorded_draw_repeats_to_the_same_winners(store, db, contest, client_id):
    post_id = contest[0]
    entrants = eligible(post_entries(db, post_id), "", True, own_author_ids(db, client_id), None)
    seed = new_seed()
    winners = draw(entrants, 2, seed)
    closes = T0 + timedelta(days=1)
    with store.transaction() as s:
        draw_id = record_draw(
            s, post_id, "", 2, True, closes, seed, entrants, winners, "One entry per person."
        )
    stored = load_draw(db, draw_id)
    assert stored.seed == seed
    assert stored.closes_at == closes
    assert stored.rules == "One entry per person."
    assert stored.entrants == entrants
    assert stored.winners == winners
    assert repeat_draw(stored) == winners
    # The same through a session, for background jobs.
    with store.session() as s:
        assert load_draw(s, draw_id) == stored


def test_draws_are_listed_newest_first_and_never_replaced(store, db, contest):
    post_id = contest[0]
    entrants = post_entries(db, post_id)
    ids = []
    for n in range(2):
        seed = f"seed-{n}"
        with store.transaction() as s:
            ids.append(
                record_draw(
                    s, post_id, "beans", 1, False, None, seed, entrants,
                    draw(entrants, 1, seed), "",
                )
            )  # fmt: skip
    listed = list_draws(db, post_id)
    assert [d.id for d in listed] == ids[::-1]
    assert [d.seed for d in listed] == ["seed-1", "seed-0"]
    assert listed[0].keyword == "beans" and listed[0].closes_at is None
    assert list_draws(db, contest[1]) == []


def test_a_changed_draw_does_not_repeat(store, db, contest):
    post_id = contest[0]
    entrants = post_entries(db, post_id)
    honest = draw(entrants, 1, "fixed")
    wrong = [e for e in entrants if e.item_id != honest[0].item_id][:1]
    with store.transaction() as s:
        draw_id = record_draw(s, post_id, "", 1, False, None, "fixed", entrants, wrong, "")
    assert repeat_draw(load_draw(db, draw_id)) != wrong


def test_rules_are_kept_with_the_post(store, db, contest):
    post_id = contest[0]
    with store.transaction() as s:
        set_contest_rules(s, post_id, "Comment by Sunday 20:00.\nOne entry per person.")
    assert contest_post(db, post_id).rules == "Comment by Sunday 20:00.\nOne entry per person."
    assert contest_post(db, post_id).timezone == "Europe/Riga"
    with pytest.raises(LookupError), store.transaction() as s:
        set_contest_rules(s, 9999, "x")
    with pytest.raises(LookupError):
        contest_post(db, 9999)


def test_a_draw_needs_a_winner_and_a_post(store, contest):
    with pytest.raises(ValueError), store.transaction() as s:
        record_draw(s, contest[0], "", 0, True, None, "s", [], [], "")
    with pytest.raises(LookupError), store.transaction() as s:
        record_draw(s, 9999, "", 1, True, None, "s", [], [], "")
