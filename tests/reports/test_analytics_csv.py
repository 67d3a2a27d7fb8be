"""The report's CSV files: the app's conventions, "not available", one client only."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from smmdesk.reports.analytics_csv import (
    NUMBER_COLUMNS,
    POST_COLUMNS,
    export_posts_csv,
    numbers_csv,
    posts_csv,
)
from smmdesk.reports.client_report import gather_report
from smmdesk.store.models import Post
from tests.reports.test_client_report import NOW, OURS, PERIOD, THEIRS, seed_client


@pytest.fixture
def db(store):
    connection = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    yield connection
    connection.close()


def rows_of(data: bytes, delimiter: str = ",") -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_numbers_file(store, db):
    ours = seed_client(store, OURS, "ZELTENE")
    seed_client(store, THEIRS, "QUOKKA")
    data = gather_report(db, ours.client_id, PERIOD, now=NOW)
    rows = rows_of(numbers_csv(data))
    assert tuple(rows[0]) == NUMBER_COLUMNS
    by_measure = {row[1]: row for row in rows[1:]}
    posts = by_measure["Posts published"]
    assert posts[2] == str(len(data.posts))
    followers = by_measure["Followers (all accounts)"]
    assert int(followers[2]) == data.key.followers.current
    assert int(followers[4]) == data.key.followers.delta
    assert "Followers Sandbox (practice) @zeltene_0" in "\n".join(by_measure)
    assert "QUOKKA" not in numbers_csv(data).decode("utf-8-sig").upper()
    # A figure the period cannot have is written as such, never as 0.
    rival = next(row for row in rows if row[0] == "Competitors")
    assert rival[1].startswith("Followers @ZELTENE_rival")


def test_semicolons_write_decimal_commas(store, db):
    ours = seed_client(store, OURS, "ZELTENE")
    data = gather_report(db, ours.client_id, PERIOD, now=NOW)
    rows = rows_of(numbers_csv(data, ";"), ";")
    rate = next(row for row in rows if row[1] == "Engagement rate %")
    assert "," in rate[2] and "." not in rate[2]
    float(rate[2].replace(",", "."))


def test_post_list(store, db, tmp_path):
    ours = seed_client(store, OURS, "ZELTENE", metrics=False)
    seed_client(store, THEIRS, "QUOKKA")
    with store.transaction() as s:
        post = (
            s.query(Post).filter(Post.client_id == ours.client_id).order_by(Post.id)[8]
        )  # 10 September
        post.body = '=HYPERLINK("http://evil.invalid")'
    data = gather_report(db, ours.client_id, PERIOD, now=NOW)
    rows = rows_of(posts_csv(data))
    assert tuple(rows[0]) == POST_COLUMNS
    assert len(rows) - 1 == sum(len(p.targets) for p in data.posts) > 0
    for row in rows[1:]:
        assert row[0].startswith("2026-09-")  # the client's wall clock
        assert row[5] == "not available"  # never measured: not 0
        assert row[9] == "not available"
        assert "QUOKKA" not in ",".join(row)
    texts = [row[13] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.invalid")' in texts  # never run as a formula
    path = tmp_path / "posts.csv"
    assert export_posts_csv(path, data) == len(rows) - 1
    assert path.read_bytes() == posts_csv(data)
