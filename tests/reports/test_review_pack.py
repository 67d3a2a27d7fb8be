"""Review packs: the PDF, and decisions recorded back with an audit trail."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from smmdesk.reports.review_pack import (
    decision_history,
    export_review_pack,
    format_range,
    parse_reference,
    record_decision,
    review_items,
)
from smmdesk.store.models import Account, Media, Post, PostMedia, PostTarget, ReviewDecision

START = datetime(2026, 3, 1, 22, 0, tzinfo=UTC)  # 2 March 00:00 in Riga
END = datetime(2026, 3, 15, 22, 0, tzinfo=UTC)  # 16 March 00:00 in Riga
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.fixture
def accounts(store, client_id):
    with store.transaction() as s:
        riga = Account(
            client_id=client_id, platform="sandbox", handle="@kafija.riga", vault_key="k1"
        )
        events = Account(
            client_id=client_id, platform="sandbox", handle="@kafija_events", vault_key="k2"
        )
        s.add_all([riga, events])
        s.flush()
        return riga.id, events.id


def add_post(store, client_id, body, status, when, account_ids, **target_fields):
    with store.transaction() as s:
        post = Post(client_id=client_id, body=body, status=status, scheduled_at=when)
        for account_id in account_ids:
            post.targets.append(PostTarget(account_id=account_id, **target_fields))
        s.add(post)
        s.flush()
        return post.id


def test_pdf_has_one_block_per_upcoming_post(qapp, store, client_id, accounts, profile, tmp_path):
    riga, events = accounts
    statuses = ["draft", "in_review", "approved", "scheduled"] * 2
    for i, status in enumerate(statuses):
        add_post(
            store,
            client_id,
            f"Post {i}: <b>not bold</b> & friends",
            status,
            START + timedelta(days=i, hours=9),
            [riga, events] if i % 2 else [riga],
        )
    for status in ("published", "idea", "failed"):
        add_post(store, client_id, "left out", status, START + timedelta(days=1), [riga])
    add_post(store, client_id, "after the range", "scheduled", END, [riga])

    path = tmp_path / "out" / "pack.pdf"
    with store.session() as s:
        count = export_review_pack(s, path, client_id, START, END, media_dir=profile.media)
    assert count == 8
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert 2 <= page_count(pdf) <= 5  # a few posts per page, never one page each
    assert sorted(p.name for p in path.parent.iterdir()) == ["pack.pdf"]  # no temporary left


def test_an_empty_period_still_gives_a_one_page_pdf(qapp, store, client_id, tmp_path):
    path = tmp_path / "empty.pdf"
    with store.session() as s:
        assert export_review_pack(s, path, client_id, START, END) == 0
    assert page_count(path.read_bytes()) == 1


def test_a_very_long_post_continues_on_the_next_page(qapp, store, client_id, accounts, tmp_path):
    riga, _ = accounts
    add_post(store, client_id, ("A long paragraph. " * 60 + "\n\n") * 8, "draft", START, [riga])
    path = tmp_path / "long.pdf"
    with store.session() as s:
        assert export_review_pack(s, path, client_id, START, END) == 1
    assert page_count(path.read_bytes()) >= 2


def test_previews_use_variants_limits_and_pictures(
    qapp, store, client_id, accounts, profile, tmp_path
):
    riga, events = accounts
    post_id = add_post(store, client_id, "x" * 520, "draft", START + timedelta(hours=10), [riga])
    with store.transaction() as s:
        post = s.get(Post, post_id)
        post.targets.append(PostTarget(account_id=events, variant_body="Short 🎃 variant"))
        media = Media(
            sha256="a" * 64,
            relative_path="cup.png",
            mime_type="image/png",
            size_bytes=len(PNG),
            width=1,
            height=1,
        )
        s.add(media)
        s.flush()
        post.media.append(PostMedia(media_id=media.id))
    (profile.media / "cup.png").write_bytes(PNG)

    with store.session() as s:
        (item,) = review_items(s, client_id, START, END, profile.media)
    assert item.code == f"P-{post_id}"
    assert item.local_time.hour == 10 and str(item.local_time.tzinfo) == "Europe/Riga"
    assert item.images == (profile.media / "cup.png",)
    by_handle = {t.handle: t for t in item.targets}
    long, short = by_handle["@kafija.riga"], by_handle["@kafija_events"]
    assert (long.length, long.limit, long.unit, long.too_long) == (520, 500, "graphemes", True)
    assert (short.text, short.is_variant, short.length) == ("Short 🎃 variant", True, 15)
    assert long.network == "Sandbox (practice)"

    path = tmp_path / "pack.pdf"
    with store.session() as s:
        assert export_review_pack(s, path, client_id, START, END, media_dir=profile.media) == 1
    assert path.read_bytes().startswith(b"%PDF")


def test_other_clients_posts_are_not_in_the_pack(qapp, store, client_id, accounts, tmp_path):
    from smmdesk.core.client_rules import ClientSettings
    from smmdesk.store.clients import save_client

    with store.transaction() as s:
        other = save_client(s, ClientSettings(name="Addis Bloom"))
    add_post(store, other, "Bloom", "draft", START + timedelta(days=1), [])
    add_post(store, client_id, "Kafija", "draft", START + timedelta(days=1), [])
    with store.session() as s:
        assert [i.body for i in review_items(s, client_id, START, END)] == ["Kafija"]


# --- decisions -------------------------------------------------------------------

DECIDED = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)


def status_of(store, post_id):
    with store.session() as s:
        return s.get(Post, post_id).status


def test_decisions_move_posts_and_keep_an_audit_trail(store, client_id, accounts):
    riga, _ = accounts
    post_id = add_post(store, client_id, "Hello", "in_review", START, [riga])

    with store.transaction() as s:
        record_decision(s, post_id, "changes_requested", " Say 'autumn' ", "Anna Bērziņa", DECIDED)
    assert status_of(store, post_id) == "draft"

    with store.transaction() as s:
        record_decision(s, post_id, "approved", "", "Anna Bērziņa", DECIDED + timedelta(days=1))
    assert status_of(store, post_id) == "approved"

    with store.session() as s:
        history = decision_history(s, post_id)
    assert [(h.decision, h.label, h.comment, h.decided_by) for h in history] == [
        ("changes_requested", "Change requested", "Say 'autumn'", "Anna Bērziņa"),
        ("approved", "Approved", "", "Anna Bērziņa"),
    ]
    assert history[0].decided_at == DECIDED
    assert all(h.recorded_at.tzinfo is not None for h in history)


def test_approving_a_scheduled_post_keeps_it_scheduled(store, client_id, accounts):
    post_id = add_post(store, client_id, "Hello", "scheduled", START, [accounts[0]])
    with store.transaction() as s:
        record_decision(s, post_id, "approved", "", "Anna", DECIDED)
    assert status_of(store, post_id) == "scheduled"
    with store.transaction() as s:
        record_decision(s, post_id, "changes_requested", "Later please", "Anna", DECIDED)
    assert status_of(store, post_id) == "draft"  # no longer goes out as it is


def test_a_published_post_is_not_moved_but_the_decision_is_kept(store, client_id, accounts):
    riga, _events = accounts
    published = add_post(store, client_id, "Out", "published", START, [riga])
    partly = add_post(store, client_id, "Half out", "scheduled", START, [riga])
    with store.transaction() as s:
        s.get(Post, partly).targets[0].status = "published"
    with store.transaction() as s:
        record_decision(s, published, "changes_requested", "Too late", "Anna", DECIDED)
        record_decision(s, partly, "changes_requested", "Too late", "Anna", DECIDED)
    assert status_of(store, published) == "published"
    assert status_of(store, partly) == "scheduled"
    with store.session() as s:
        assert len(s.scalars(select(ReviewDecision)).all()) == 2


def test_bad_decisions_are_refused_and_nothing_is_recorded(store, client_id, accounts):
    post_id = add_post(store, client_id, "Hello", "draft", START, [accounts[0]])
    with store.transaction() as s:
        with pytest.raises(ValueError):
            record_decision(s, post_id, "maybe", "", "Anna", DECIDED)
        with pytest.raises(ValueError):
            record_decision(s, post_id, "approved", "", "  ", DECIDED)
        with pytest.raises(ValueError):
            record_decision(s, post_id, "approved", "", "Anna", datetime(2026, 3, 3))
        with pytest.raises(KeyError):
            record_decision(s, 9999, "approved", "", "Anna", DECIDED)
    with store.session() as s:
        assert decision_history(s, post_id) == []
    assert status_of(store, post_id) == "draft"


def test_reference_codes_and_ranges():
    assert parse_reference("P-12") == 12
    assert parse_reference(" p12 ") == 12
    assert parse_reference("12") == 12
    assert parse_reference("Q-12") is None
    assert format_range(date(2026, 3, 2), date(2026, 3, 15)) == "2–15 March 2026"
    assert format_range(date(2026, 2, 28), date(2026, 3, 15)) == "28 February – 15 March 2026"
    assert format_range(date(2025, 12, 29), date(2026, 1, 4)) == "29 December 2025 – 4 January 2026"
    assert format_range(date(2026, 3, 2), date(2026, 3, 2)) == "2 March 2026"
