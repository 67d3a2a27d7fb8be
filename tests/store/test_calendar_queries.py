"""The calendar's sqlite3 reads see what the ORM wrote; rescheduling writes through it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from smmdesk.store.calendar_queries import (
    account_post_times,
    client_plans,
    content_type_counts,
    plan_entries,
    post_brief,
    post_texts,
)
from smmdesk.store.models import Account, Client, Post, PostTarget
from smmdesk.store.queries import StoreReader
from smmdesk.store.scheduling import RescheduleError, reschedule

T0 = datetime(2026, 3, 29, 0, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def reader(store):
    reader = StoreReader(store.path)
    yield reader
    reader.close()


def seed(store, client_id):
    with store.transaction() as session:
        a = Account(client_id=client_id, platform="sandbox", handle="@a", vault_key="ka")
        b = Account(client_id=client_id, platform="telegram", handle="@b", vault_key="kb")
        session.add_all([a, b])
        session.flush()
        both = Post(
            client_id=client_id,
            body="Hello",
            status="scheduled",
            content_type="photo",
            scheduled_at=T0,
        )
        both.targets += [PostTarget(account_id=b.id), PostTarget(account_id=a.id)]
        later = Post(
            client_id=client_id,
            body="Later",
            status="draft",
            content_type="question",
            scheduled_at=T0 + timedelta(hours=5),
        )
        later.targets.append(PostTarget(account_id=a.id))
        idea = Post(
            client_id=client_id, body="Idea", status="idea", scheduled_at=T0 + timedelta(hours=6)
        )
        idea.targets.append(PostTarget(account_id=a.id))
        untargeted = Post(client_id=client_id, body=None, scheduled_at=T0 + timedelta(days=1))
        session.add_all([both, later, idea, untargeted])
        session.flush()
        return a.id, b.id, both.id, later.id, idea.id, untargeted.id


def test_plan_entries_match_the_orm_times_targets_and_bounds(store, client_id, reader):
    a, b, both, later, _idea, untargeted = seed(store, client_id)
    entries = plan_entries(reader, T0, T0 + timedelta(days=2))
    assert [e.id for e in entries] == [both, later, _idea, untargeted]
    first = entries[0]
    assert first.scheduled_at == T0 and first.scheduled_at.tzinfo is UTC
    assert sorted(first.account_ids) == sorted((a, b))
    assert (first.colour, first.timezone, first.client_id) == ("#3d6df2", "Europe/Riga", client_id)
    assert entries[-1].account_ids == () and entries[-1].body == ""
    assert plan_entries(reader.db, T0 + timedelta(microseconds=1), T0 + timedelta(hours=1)) == []
    assert plan_entries(reader, T0, T0 + timedelta(days=2), client_id + 1) == []
    assert len(plan_entries(reader, T0, T0 + timedelta(days=2), client_id)) == 4


def test_client_plans_carry_the_planning_settings(store, client_id, reader):
    with store.transaction() as session:
        client = session.get(Client, client_id)
        client.weekday_themes = json.dumps({"0": "Motivation Monday"})
        client.target_mix = json.dumps({"photo": 50, "question": 50})
        client.max_posts_per_day = 2
        client.min_gap_minutes = 90
    plan = client_plans(reader)[client_id]
    assert plan.country == "LV" and plan.timezone == "Europe/Riga"
    assert (plan.max_posts_per_day, plan.min_gap_minutes) == (2, 90)
    assert json.loads(plan.weekday_themes) == {"0": "Motivation Monday"}
    assert json.loads(plan.target_mix)["photo"] == 50


def test_account_post_times_leave_out_ideas_and_list_asked_accounts(store, client_id, reader):
    a, b, both, later, _idea, _untargeted = seed(store, client_id)
    times = account_post_times(reader, T0, T0 + timedelta(days=2), client_id)
    assert times == {a: [(both, T0), (later, T0 + timedelta(hours=5))], b: [(both, T0)]}
    asked = account_post_times(
        reader, T0 + timedelta(hours=1), T0 + timedelta(days=2), account_ids=[b]
    )
    assert asked == {b: []}
    assert account_post_times(reader, T0, T0 + timedelta(days=2), account_ids=[]) == {}


def test_content_type_counts_count_planned_posts_only(store, client_id, reader):
    seed(store, client_id)
    counts = content_type_counts(reader, T0, T0 + timedelta(days=2), client_id)
    assert counts == {"photo": 1, "question": 1, "text": 1}
    assert content_type_counts(reader, T0, T0 + timedelta(days=2), client_id + 1) == {}


def test_post_brief_reports_status_targets_and_publication(store, client_id, reader):
    a, b, both, _later, _idea, _untargeted = seed(store, client_id)
    brief = post_brief(reader, both)
    assert brief is not None
    assert brief.account_ids == tuple(sorted((a, b))) and brief.published_targets == 0
    assert brief.scheduled_at == T0
    with store.transaction() as session:
        session.get(Post, both).targets[0].status = "sending"
    assert post_brief(reader, both).published_targets == 1
    assert post_brief(reader, 999_999) is None


def test_reschedule_moves_the_time_and_returns_the_old_one(store, client_id, reader):
    _a, _b, both, _later, _idea, _untargeted = seed(store, client_id)
    target = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    with store.transaction() as session:
        assert reschedule(session, both, target) == T0
    assert plan_entries(reader, target, target + timedelta(minutes=1))[0].id == both
    with store.session() as session:
        assert session.get(Post, both).scheduled_at == target


def test_reschedule_refuses_published_posts_naive_times_and_missing_posts(store, client_id):
    _a, _b, both, later, _idea, _untargeted = seed(store, client_id)
    with store.transaction() as session:
        session.get(Post, later).status = "published"
        session.get(Post, both).targets[0].status = "published"
    moment = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    for post_id in (later, both, 999_999):
        with pytest.raises(RescheduleError), store.transaction() as session:
            reschedule(session, post_id, moment)
    with pytest.raises(ValueError), store.transaction() as session:
        reschedule(session, later, moment.replace(tzinfo=None))
    with store.session() as session:
        assert session.get(Post, later).scheduled_at == T0 + timedelta(hours=5)


def test_post_texts_and_entries_without_text(store, client_id, reader):
    _a, _b, both, later, _idea, untargeted = seed(store, client_id)
    assert post_texts(reader, [later, both, untargeted, 999_999]) == {
        both: "Hello",
        later: "Later",
        untargeted: "",
    }
    assert post_texts(reader, [both], chars=3) == {both: "Hel"}
    entries = plan_entries(reader, T0, T0 + timedelta(days=2), with_text=False)
    assert {e.body for e in entries} == {""}
