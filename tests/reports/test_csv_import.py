"""Planned posts from CSV: every row accepted or refused with a reason; all or nothing."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from smmdesk.platforms.base import TextCounting
from smmdesk.reports.csv_import import (
    CsvImportError,
    ImportRefused,
    apply_import,
    preview_import,
    text_length,
)
from smmdesk.store.models import Account, Media, Post, PostMedia, PostTarget

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x03\x08\x02\x00\x00\x00"
    b"\x12\x16\xf1M\x00\x00\x00\x12IDATx\x9cc\xf8\xcf\xc0\xc0\xf0\x9f\x81\x81\x81\x01\x00\x1f"
    b"\xf2\x03\xfd\x9a\xa5\x8e\xc4\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def accounts(store, client_id):
    with store.transaction() as s:
        riga = Account(
            client_id=client_id, platform="sandbox", handle="@kafija.riga", vault_key="k1"
        )
        events = Account(
            client_id=client_id, platform="sandbox", handle="@kafija_events", vault_key="k2"
        )
        old = Account(
            client_id=client_id,
            platform="sandbox",
            handle="@kafija_old",
            vault_key="k3",
            archived_at=NOW,
        )
        s.add_all([riga, events, old])
        s.flush()
        return riga.id, events.id


def write(tmp_path, text, name="plan.csv", bom=False):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def preview(store, client_id, path):
    with store.session() as s:
        return preview_import(s, client_id, path, now=NOW)


def count(store, model):
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_accepted_rows(store, client_id, accounts, tmp_path):
    riga, events = accounts
    path = write(
        tmp_path,
        "Date,Time,Accounts,Text,Type\n"
        '2026-03-10,10:00,"@kafija.riga @kafija_events",Pumpkin latte is back,photo\n'
        "10.03.2026,9:05,kafija.riga,Promotion time,Promotion / discount\n"
        '2026-03-11,18:30,"KAFIJA_EVENTS, @kafija.riga","Line one\nline two",\n',
    )
    rows = preview(store, client_id, path)
    assert [r.accepted for r in rows] == [True, True, True]
    assert all(r.reason == "" for r in rows)
    first, second, third = rows
    assert first.line == 2 and first.account_ids == (riga, events)
    assert first.scheduled_at == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)  # Riga is UTC+2
    assert first.content_type == "photo" and first.image is None
    assert second.scheduled_at == datetime(2026, 3, 10, 7, 5, tzinfo=UTC)
    assert second.content_type == "promotion" and second.account_ids == (riga,)
    assert third.text == "Line one\nline two" and third.content_type == "text"
    assert third.account_ids == (events, riga)


def test_each_refusal_says_why(store, client_id, accounts, tmp_path):
    (tmp_path / "notes.jpg").write_text("not a picture")
    path = write(
        tmp_path,
        "date,time,accounts,text,type,image\n"
        "2026-03-10,10:00,@foo,Hello,,\n"  # 2
        "31.02.2026,10:00,@kafija.riga,Hello,,\n"  # 3
        "2026-03-10,25:00,@kafija.riga,Hello,,\n"  # 4
        "2026-03-10,10:00,@kafija.riga,   ,,\n"  # 5
        "2026-03-10,10:00,@kafija.riga,Hello,,photos/x.jpg\n"  # 6
        "2026-02-20,10:00,@kafija.riga,Hello,,\n"  # 7
        "2026-03-10,10:00,@kafija.riga,Hello,reel,\n"  # 8
        "2026-03-10,10:00,@kafija.riga,Hello,,notes.jpg\n"  # 9
        "2026-03-10,10:00,@kafija_old,Hello,,\n"  # 10: archived
        f"2026-03-10,10:00,@kafija.riga,{'x' * 501},,\n"  # 11: sandbox allows 500
        "2026-03-10,10:00,,Hello,,\n"  # 12
        "2026/03/10,10:00,@kafija.riga,Hello,,\n",  # 13
    )
    rows = preview(store, client_id, path)
    assert not any(r.accepted for r in rows)
    reasons = {r.line: r.reason for r in rows}
    assert reasons[2] == "line 2: no account @foo for Kafija Rīga"
    assert reasons[3] == "line 3: 31.02.2026 is not a date"
    assert reasons[4].startswith("line 4: 25:00 is not a time")
    assert reasons[5] == "line 5: text is empty"
    assert reasons[6] == "line 6: image not found: photos/x.jpg"
    assert reasons[7] == "line 7: the time is in the past"
    assert reasons[8].startswith("line 8: “reel” is not a content type")
    assert reasons[9] == "line 9: notes.jpg is not a PNG, JPEG, GIF or WebP image"
    assert reasons[10] == "line 10: no account @kafija_old for Kafija Rīga"
    assert reasons[11] == (
        "line 11: text is 501 characters; Sandbox (practice) (@kafija.riga) allows 500"
    )
    assert reasons[12] == "line 12: no accounts given"
    assert reasons[13].startswith("line 13: 2026/03/10 is not a date")


def test_several_problems_in_one_row_are_all_named(store, client_id, accounts, tmp_path):
    path = write(tmp_path, "date,time,accounts,text\n31.02.2026,10:00,@nobody,\n")
    (row,) = preview(store, client_id, path)
    assert row.reason == (
        "line 2: 31.02.2026 is not a date; no account @nobody for Kafija Rīga; text is empty"
    )


def test_bom_semicolons_and_line_numbers_of_multiline_text(store, client_id, accounts, tmp_path):
    path = write(
        tmp_path,
        'DATE;TIME;ACCOUNTS;TEXT\r\n2026-03-10;10:00;@kafija.riga;"Hello; world\r\nsecond line"'
        "\r\n\r\n2026-03-12;11:00;@kafija_events;\r\n",
        bom=True,
    )
    rows = preview(store, client_id, path)
    assert [(r.line, r.accepted) for r in rows] == [(2, True), (5, False)]
    assert rows[0].text == "Hello; world\r\nsecond line"
    assert rows[1].reason == "line 5: text is empty"


def test_times_are_the_clients_wall_clock_across_dst(store, client_id, accounts, tmp_path):
    # Riga moves from UTC+2 to UTC+3 at 03:00 on Sunday 29 March 2026, and back
    # at 04:00 on Sunday 25 October 2026.
    path = write(
        tmp_path,
        "date,time,accounts,text\n"
        "28.03.2026,10:00,@kafija.riga,Saturday\n"
        "29.03.2026,10:00,@kafija.riga,Sunday\n"
        "29.03.2026,03:30,@kafija.riga,Skipped hour\n"
        "25.10.2026,03:30,@kafija.riga,Twice\n",
    )
    saturday, sunday, skipped, twice = preview(store, client_id, path)
    assert saturday.scheduled_at == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    assert sunday.scheduled_at == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    assert not skipped.accepted
    assert skipped.reason == (
        "line 4: 29.03.2026 03:30 does not exist in Europe/Riga (the clocks go forward that night)"
    )
    assert twice.accepted and twice.scheduled_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_whole_file_problems(store, client_id, accounts, tmp_path):
    with pytest.raises(CsvImportError, match="Unknown column “imgae”"):
        preview(store, client_id, write(tmp_path, "date,time,accounts,text,imgae\n"))
    with pytest.raises(CsvImportError, match="no time column"):
        preview(store, client_id, write(tmp_path, "date,accounts,text\n"))
    with pytest.raises(CsvImportError, match="empty"):
        preview(store, client_id, write(tmp_path, ""))
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(b"date,time,accounts,text\n2026-03-10,10:00,@kafija.riga,Caf\xe9\n")
    with pytest.raises(CsvImportError, match="not UTF-8"):
        preview(store, client_id, latin1)
    assert preview(store, client_id, write(tmp_path, "date,time,accounts,text\n\n")) == []


def test_too_many_values_in_a_row(store, client_id, accounts, tmp_path):
    path = write(tmp_path, "date,time,accounts,text\n2026-03-10,10:00,@kafija.riga,Hi, there\n")
    (row,) = preview(store, client_id, path)
    assert not row.accepted and "more value(s) than the header has columns" in row.reason


def test_images_are_checked_stored_once_and_linked(store, client_id, accounts, profile, tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "cup.png").write_bytes(PNG)
    (tmp_path / "same-cup.png").write_bytes(PNG)
    path = write(
        tmp_path,
        "date,time,accounts,text,type,image\n"
        "2026-03-10,10:00,@kafija.riga,Cup one,photo,photos/cup.png\n"
        "2026-03-11,10:00,@kafija_events,Cup two,photo,same-cup.png\n",
    )
    rows = preview(store, client_id, path)
    assert all(r.accepted for r in rows), [r.reason for r in rows]
    assert rows[0].image == photos / "cup.png"
    with store.transaction() as s:
        ids = apply_import(s, client_id, rows, profile.media)
    digest = hashlib.sha256(PNG).hexdigest()
    assert [p.name for p in profile.media.iterdir()] == [f"{digest}.png"]
    with store.session() as s:
        media = s.scalars(select(Media)).one()
        assert (media.sha256, media.relative_path, media.mime_type) == (
            digest,
            f"{digest}.png",
            "image/png",
        )
        assert (media.width, media.height, media.size_bytes) == (2, 3, len(PNG))
        links = s.scalars(select(PostMedia).order_by(PostMedia.post_id)).all()
        assert [(link.post_id, link.media_id) for link in links] == [(i, media.id) for i in ids]

    # A later import of the same picture reuses the stored file and row.
    later = write(
        tmp_path,
        "date,time,accounts,text,image\n2026-03-12,10:00,@kafija.riga,Again,photos/cup.png\n",
        name="later.csv",
    )
    with store.transaction() as s:
        apply_import(s, client_id, preview(store, client_id, later), profile.media)
    assert count(store, Media) == 1 and len(list(profile.media.iterdir())) == 1
    assert count(store, PostMedia) == 3


def test_apply_creates_scheduled_posts_with_targets(store, client_id, accounts, profile, tmp_path):
    riga, events = accounts
    path = write(
        tmp_path,
        "date,time,accounts,text,type\n"
        "2026-03-10,10:00,@kafija.riga @kafija_events,Both,question\n"
        "2026-03-11,12:00,@kafija_events,One,\n",
    )
    rows = preview(store, client_id, path)
    with store.transaction() as s:
        ids = apply_import(s, client_id, rows, profile.media)
    with store.session() as s:
        posts = [s.get(Post, i) for i in ids]
        assert [(p.status, p.body, p.content_type) for p in posts] == [
            ("scheduled", "Both", "question"),
            ("scheduled", "One", "text"),
        ]
        assert posts[0].scheduled_at == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
        assert sorted(t.account_id for t in posts[0].targets) == [riga, events]
        assert [t.status for t in posts[1].targets] == ["pending"]


def test_apply_refuses_unless_every_row_is_accepted(store, client_id, accounts, profile, tmp_path):
    (tmp_path / "cup.png").write_bytes(PNG)
    path = write(
        tmp_path,
        "date,time,accounts,text,image\n"
        "2026-03-10,10:00,@kafija.riga,Fine,cup.png\n"
        "2026-03-11,10:00,@foo,Refused,\n",
    )
    rows = preview(store, client_id, path)
    assert [r.accepted for r in rows] == [True, False]
    with pytest.raises(ImportRefused, match="line 3: no account @foo"), store.transaction() as s:
        apply_import(s, client_id, rows, profile.media)
    assert count(store, Post) == 0 and count(store, PostTarget) == 0 and count(store, Media) == 0
    assert list(profile.media.iterdir()) == []


def test_nothing_is_written_when_the_transaction_fails(
    store, client_id, accounts, profile, tmp_path
):
    (tmp_path / "cup.png").write_bytes(PNG)
    path = write(
        tmp_path,
        "date,time,accounts,text,image\n"
        "2026-03-10,10:00,@kafija.riga,One,cup.png\n"
        "2026-03-11,10:00,@kafija.riga,Two,\n",
    )
    rows = preview(store, client_id, path)
    with pytest.raises(RuntimeError), store.transaction() as s:
        assert len(apply_import(s, client_id, rows, profile.media)) == 2
        raise RuntimeError("disk full, say")
    assert count(store, Post) == 0 and count(store, Media) == 0 and count(store, PostMedia) == 0
    assert list(profile.media.iterdir()) == []  # the copied picture was removed again


def test_an_account_archived_after_the_preview_stops_the_import(
    store, client_id, accounts, profile, tmp_path
):
    riga, _events = accounts
    path = write(tmp_path, "date,time,accounts,text\n2026-03-10,10:00,@kafija.riga,One\n")
    rows = preview(store, client_id, path)
    with store.transaction() as s:
        s.get(Account, riga).archived_at = NOW
    with pytest.raises(ImportRefused, match="archived"), store.transaction() as s:
        apply_import(s, client_id, rows, profile.media)
    assert count(store, Post) == 0


def test_same_handle_on_two_networks_must_be_named(store, client_id, tmp_path):
    with store.transaction() as s:
        s.add_all(
            [
                Account(client_id=client_id, platform="sandbox", handle="@twin", vault_key="a"),
                Account(client_id=client_id, platform="other", handle="@twin", vault_key="b"),
            ]
        )
    path = write(
        tmp_path,
        "date,time,accounts,text\n2026-03-10,10:00,@twin,Hi\n2026-03-10,11:00,sandbox:@twin,Hi\n",
    )
    ambiguous, named = preview(store, client_id, path)
    assert "@twin is on several networks: write sandbox:@twin or other:@twin" in ambiguous.reason
    assert named.accepted and len(named.account_ids) == 1


def test_lengths_are_counted_as_each_network_counts():
    family = "👨‍👩‍👧"
    assert text_length(family, TextCounting.GRAPHEMES) == 1
    assert text_length(family, TextCounting.CODEPOINTS) == 5
    assert text_length(family, TextCounting.UTF16) == 8
    assert (
        text_length("see https://example.com/a/very/long/path", TextCounting.CODEPOINTS, 23) == 27
    )
