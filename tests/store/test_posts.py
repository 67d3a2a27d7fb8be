"""Saving posts from the composer, text history, and the media store."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from smmdesk.store import posts as post_store
from smmdesk.store.models import Account, Media, PostTarget
from smmdesk.store.posts import MediaError, PostDraft, load_post, save_post, store_media

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAYAAAC56t6BAAAAEklEQVR4nGP4z8DwHwyBDAYGAJ7rCPgO5vLfAAAAAElFTkSuQmCC"
)


@pytest.fixture
def accounts(store, client_id):
    with store.transaction() as session:
        rows = [
            Account(client_id=client_id, platform="sandbox", handle=f"@a{n}", vault_key=f"k{n}")
            for n in range(2)
        ]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


def test_save_and_load_round_trip(store, client_id, accounts):
    when = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    draft = PostDraft(
        client_id=client_id,
        body="Labrīt! ☕",
        content_type="testimonial",
        status="approved",
        scheduled_at=when,
        targets={accounts[0]: None, accounts[1]: "Short variant"},
        testimonial_by="Ilze B.",
        testimonial_permission_at=when - timedelta(days=3),
    )
    with store.transaction() as session:
        post_id = save_post(session, draft)
    with store.session() as session:
        loaded = load_post(session, post_id)
    assert loaded == draft


def test_removing_a_target_keeps_ones_already_sent(store, client_id, accounts):
    with store.transaction() as session:
        post_id = save_post(session, PostDraft(client_id, "x", targets=dict.fromkeys(accounts)))
        sent = session.scalars(select(PostTarget).where(PostTarget.account_id == accounts[1])).one()
        sent.status = "published"
    with store.transaction() as session:
        save_post(session, PostDraft(client_id, "x", targets={}), post_id)
    with store.session() as session:
        assert set(load_post(session, post_id).targets) == {accounts[1]}


def test_versions_one_per_editing_burst(store, client_id, monkeypatch):
    clock = [datetime(2026, 1, 1, 9, 0, tzinfo=UTC)]
    monkeypatch.setattr(post_store, "utcnow", lambda: clock[0])
    with store.transaction() as session:
        post_id = save_post(session, PostDraft(client_id, "H"))
    for text in ("He", "Hel", "Hello"):
        clock[0] += timedelta(seconds=1)
        with store.transaction() as session:
            save_post(session, PostDraft(client_id, text), post_id)
    clock[0] += timedelta(minutes=10)
    with store.transaction() as session:
        save_post(session, PostDraft(client_id, "Hello, Rīga"), post_id)
    with store.session() as session:
        versions = post_store.list_versions(session, post_id)
    assert [v.body for v in versions] == ["Hello, Rīga", "Hello"]


def test_media_stored_once_by_content(store, client_id, tmp_path, profile):
    first, second = tmp_path / "a.png", tmp_path / "copy.png"
    first.write_bytes(PNG)
    second.write_bytes(PNG)
    with store.transaction() as session:
        a = store_media(session, profile.media, first)
        b = store_media(session, profile.media, second)
        assert a == b
        assert session.scalar(select(func.count(Media.id))) == 1
        media = session.get(Media, a)
        assert (media.width, media.height) == (2, 3)
    assert len(list(profile.media.iterdir())) == 1


def test_not_an_image_is_refused_clearly(store, tmp_path, profile):
    fake = tmp_path / "notes.png"
    fake.write_text("hello")
    with pytest.raises(MediaError, match="not a PNG"), store.transaction() as session:
        store_media(session, profile.media, fake)
    with pytest.raises(MediaError, match="cannot be read"), store.transaction() as session:
        store_media(session, profile.media, tmp_path / "missing.jpg")
