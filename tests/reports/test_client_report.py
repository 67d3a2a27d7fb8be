"""The client report PDF: its pages, one client's data only, "not available", the job."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument

from smmdesk.core.analytics import Change, Period
from smmdesk.core.client_rules import ClientSettings
from smmdesk.reports.client_report import export_client_report, gather_report
from smmdesk.reports.client_report_charts import nice_ticks
from smmdesk.reports.client_report_words import change_words, minutes_words
from smmdesk.store.clients import save_client
from smmdesk.store.models import (
    Account,
    AccountMetric,
    Competitor,
    CompetitorMetric,
    InboxItem,
    Post,
    PostMetric,
    PostTarget,
)

PERIOD = Period(date(2026, 9, 1), date(2026, 9, 30))
NOW = datetime(2026, 10, 2, 12, 0, tzinfo=UTC)
OURS, THEIRS = "Zeltene Bakery", "Quokka Surf Club"


@dataclass
class Seeded:
    client_id: int
    account_ids: list[int]


def seed_client(
    store,
    name: str,
    tag: str,
    *,
    posts: int = 12,
    days: int = 60,
    platforms: tuple[str, ...] = ("sandbox", "mastodon"),
    metrics: bool = True,
    start: datetime = datetime(2026, 8, 1, 6, 0, tzinfo=UTC),
    colour: str = "#c0392b",
) -> Seeded:
    """A client with accounts, follower history, published posts with counts, an inbox
    and a competitor; every text carries ``tag`` so a leak shows in the PDF's text."""
    with store.transaction() as s:
        client_id = save_client(
            s,
            ClientSettings(
                name=name,
                colour=colour,
                timezone="Europe/Riga",
                country="LV",
                target_mix={"photo": 50, "question": 50},
            ),
        )
        accounts = []
        for n, platform in enumerate(platforms):
            account = Account(
                client_id=client_id,
                platform=platform,
                handle=f"@{tag.lower()}_{n}",
                vault_key=f"{tag}-{n}",
                remote_id=f"{tag}-self-{n}",
            )
            s.add(account)
            s.flush()
            accounts.append(account.id)
            for day in range(days + 1):
                s.add(
                    AccountMetric(
                        account_id=account.id,
                        measured_at=start + timedelta(days=day, hours=16),
                        followers=1000 + 100 * n + 7 * day,
                    )
                )
        step = timedelta(days=days) / max(posts, 1)
        for i in range(posts):
            when = start + step * i + timedelta(hours=i % 9)
            post = Post(
                client_id=client_id,
                body=f"{tag} post number {i}: fresh bread and coffee " * (1 + i % 4),
                content_type=("photo", "question", "video")[i % 3],
                status="published",
                scheduled_at=when,
            )
            for n, account_id in enumerate(accounts):
                if n and i % 2:
                    continue
                post.targets.append(
                    PostTarget(
                        account_id=account_id,
                        status="published",
                        published_at=when,
                        remote_id=f"{tag}-{i}-{n}",
                        remote_url=f"https://example.invalid/{tag}/{i}",
                    )
                )
            s.add(post)
            s.flush()
            if metrics:
                for target in post.targets:
                    s.add(
                        PostMetric(
                            target_id=target.id,
                            measured_at=when + timedelta(days=1),
                            likes=10 + i * 3,
                            reposts=None if target.account_id == accounts[0] else i,
                            replies=i % 5,
                            views=None,
                        )
                    )
        for i in range(40):
            created = start + timedelta(days=i * 1.5, hours=7)
            answered = i % 4 != 3
            s.add(
                InboxItem(
                    account_id=accounts[i % len(accounts)],
                    kind=("comment", "direct_message")[i % 2],
                    remote_id=f"{tag}-in-{i}",
                    author_id=f"{tag}-fan-{i % 6}",
                    author_name=f"{tag} Fan {i % 6}",
                    body=f"{tag} question {i}",
                    created_at=created,
                    first_response_at=created + timedelta(hours=1 + i % 8) if answered else None,
                    status="replied" if answered else "new",
                    category="question",
                    due_at=created + timedelta(hours=6),
                )
            )
        rival = Competitor(client_id=client_id, platform="mastodon", handle=f"@{tag}_rival")
        s.add(rival)
        s.flush()
        for day in range(0, days, 7):
            s.add(
                CompetitorMetric(
                    competitor_id=rival.id,
                    measured_at=start + timedelta(days=day),
                    followers=5000 + day,
                )
            )
    return Seeded(client_id, accounts)


def pdf_pages(path: Path) -> list[tuple[str, QImage]]:
    """Every page's text and a rendering of it, through Qt's own PDF reader."""
    doc = QPdfDocument()
    assert doc.load(str(path)) == QPdfDocument.Error.None_
    pages = []
    for n in range(doc.pageCount()):
        size = doc.pagePointSize(n).toSize()
        image = doc.render(n, QSize(size.width(), size.height()))
        pages.append((doc.getAllText(n).text(), image))
    doc.close()
    return pages


def not_blank(image: QImage) -> bool:
    small = image.scaled(60, 85)
    colours = {small.pixel(x, y) for x in range(small.width()) for y in range(small.height())}
    return len(colours) > 3


@pytest.fixture
def two_clients(store):
    ours = seed_client(store, OURS, "ZELTENE")
    theirs = seed_client(store, THEIRS, "QUOKKA", colour="#1f618d")
    return ours, theirs


@pytest.fixture
def db(store):
    connection = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    yield connection
    connection.close()


def test_every_page_carries_the_client_and_never_the_other(qapp, two_clients, db, tmp_path):
    ours, theirs = two_clients
    path = tmp_path / "out" / "report.pdf"
    outcome = export_client_report(
        db, path, ours.client_id, PERIOD, notes="Bread sold out twice.", now=NOW,
        prepared_by="Ilze Bērziņa",
    )  # fmt: skip
    assert outcome.pages > 3
    pages = pdf_pages(path)
    assert len(pages) == outcome.pages
    everything = "\n".join(text for text, _image in pages)
    for n, (text, image) in enumerate(pages, start=1):
        assert OURS in text, f"page {n} does not name the client"
        assert f"Page {n} of {len(pages)}" in text
        assert THEIRS not in text and "QUOKKA" not in text.upper(), f"page {n} leaks"
        assert not image.isNull() and not_blank(image)
    assert "ZELTENE post number" in everything  # previews of the top posts
    assert "ZELTENE Fan" in everything  # audience leaders
    assert "@ZELTENE_rival" in everything  # competitors
    assert "Sandbox (practice) @zeltene_0" in everything  # the accounts
    assert "Bread sold out twice." in everything
    assert "Prepared by Ilze Bērziņa" in everything
    assert "1–30 September 2026" in everything
    # The other client's report is just as clean the other way round.
    other = tmp_path / "other.pdf"
    export_client_report(db, other, theirs.client_id, PERIOD, now=NOW)
    for text, _image in pdf_pages(other):
        assert THEIRS in text and OURS not in text and "ZELTENE" not in text.upper()


def test_missing_numbers_say_not_available_never_zero(qapp, store, db, tmp_path):
    seeded = seed_client(store, OURS, "ZELTENE", metrics=False, days=20)
    data = gather_report(db, seeded.client_id, PERIOD, now=NOW)
    assert data.key.engagement_rate.current is None
    path = tmp_path / "report.pdf"
    export_client_report(db, path, seeded.client_id, PERIOD, now=NOW)
    summary = pdf_pages(path)[1][0]
    assert "Engagement rate" in summary
    assert "not available" in summary
    assert "0.00%" not in summary


def test_long_texts_are_wrapped_and_clipped(qapp, store, db, tmp_path):
    seeded = seed_client(store, OURS, "ZELTENE", posts=3)
    with store.transaction() as s:
        for post in s.query(Post).filter(Post.client_id == seeded.client_id):
            post.body = "x" * 5000 + " <b>not bold</b>"
    notes = "\n".join(f"Line {i} of the notes." for i in range(150))
    path = tmp_path / "report.pdf"
    outcome = export_client_report(db, path, seeded.client_id, PERIOD, notes=notes, now=NOW)
    pages = pdf_pages(path)
    assert outcome.pages == len(pages) <= 10
    text = "\n".join(t for t, _i in pages)
    assert "Line 149 of the notes." in text  # the notes continue on the next page
    assert "Notes (continued)" in text


def test_empty_period_still_makes_a_report(qapp, store, db, tmp_path):
    with store.transaction() as s:
        client_id = save_client(s, ClientSettings(name=OURS, timezone="Asia/Almaty"))
    path = tmp_path / "report.pdf"
    outcome = export_client_report(db, path, client_id, PERIOD, now=NOW)
    pages = pdf_pages(path)
    assert outcome.posts == 0 and len(pages) > 3
    assert all(OURS in text for text, _image in pages)


def test_words_for_numbers():
    assert minutes_words(None) == "not available"
    assert minutes_words(45) == "45 min"
    assert minutes_words(125) == "2 h 05 min"
    assert change_words(Change(None, 3, None, None), "count") == ("", None)
    assert change_words(Change(5, None, None, None), "count")[1] is None
    assert change_words(Change(120, 100, 20, 20.0), "count") == ("+20 (+20.0%)", 1)
    assert change_words(Change(0.034, 0.03, 0.004, 13.3), "points") == ("+0.4 pp", 1)
    assert change_words(Change(30, 90, -60, -66.7), "minutes") == ("−1 h 00 min", -1)
    assert nice_ticks(0, 1180) == [0, 500, 1000, 1500]
    assert nice_ticks(4540, 5420) == [4500, 4750, 5000, 5250, 5500]


def test_the_job_reports_progress_and_can_be_stopped(qtbot, two_clients, store, tmp_path):
    from smmdesk.sync.jobs import JobEngine
    from smmdesk.sync.report_job import ClientReportJob, csv_paths

    ours, _theirs = two_clients
    engine = JobEngine(max_threads=1)
    seen: list[tuple[int, int, str]] = []
    engine.progress.connect(lambda _id, done, total, text: seen.append((done, total, text)))
    path = tmp_path / "report.pdf"
    results: list[object] = []
    job = ClientReportJob(store.path, ours.client_id, PERIOD, path, csv_delimiter=";", now=NOW)
    engine.submit(job, results.append, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=20000)
    outcome = results[0]
    assert getattr(outcome, "pages", 0) > 3, outcome
    assert path.read_bytes().startswith(b"%PDF")
    assert all(p.exists() for p in csv_paths(path))
    qtbot.waitUntil(lambda: any(text == "Saved" for _d, _t, text in seen))
    assert any("Drawing" in text for _d, _t, text in seen)

    stopped = tmp_path / "stopped.pdf"
    results.clear()
    job_id = engine.submit(
        ClientReportJob(store.path, ours.client_id, PERIOD, stopped, now=NOW),
        results.append,
        results.append,
    )
    engine.cancel(job_id)
    qtbot.waitUntil(lambda: bool(results), timeout=20000)
    assert getattr(results[0], "kind", "") == "cancelled"
    assert not stopped.exists()
    engine.shutdown()
