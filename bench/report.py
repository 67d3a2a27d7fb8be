"""Client report benchmark: a 90-day PDF report with 500 posts, against a blank PDF.

    python bench/report.py [--posts N] [--days N] [--runs N] [--keep DIR]

The profile (fixed seed) has two clients in their own zones, the first with
3 accounts (sandbox, Mastodon, Bluesky) and the second with 2: a follower
count per account and day for 180 days, ``--posts`` published posts (500)
over the report's ``--days`` (90) for the first client, most on one or two
networks, each target with a like/repost/reply count snapshot a day for its
first week (about 5,000 ``post_metrics`` rows; Telegram-like targets with no
reposts, None), 3,000 inbox items over the period in the client's working
hours with first responses, 120 authors, two competitors with weekly
counts, and the manager's notes. The second client has the same shape and
is there so the client-scoped queries have something to leave out. The
schema comes from ``open_store`` (the real migrations); rows go in with
SQLAlchemy Core, as in ``make_profile.py``.

Timed, in one process with a ``QGuiApplication`` (offscreen): the whole
``export_client_report`` (reading every number through
``store.analytics_queries``, laying out and drawing the A4 pages, writing
the file atomically) and, for scale, a blank one-page A4 PDF made the same
way (``QPdfWriter`` at the report's resolution, one ``QPainter`` pass, the
same atomic write). One unrecorded warm-up of each, then ``--runs`` (5)
alternating runs; medians:

    metric report_build_s <n.nn> s         target < 10
    metric report_blank_pdf_s <n.nnn> s
    metric report_pages <n> pages           (informative)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# bench/ holds a calendar.py: keep the folder off the import path, or it would
# stand in for the standard library's ``calendar`` module.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

TODAY = date(2026, 11, 20)
CLIENTS = (
    ("Kafija Rīga", "#c0392b", "Europe/Riga", "LV", ("sandbox", "mastodon", "bluesky")),
    ("Addis Bloom", "#1b7f3b", "Africa/Addis_Ababa", "ET", ("telegram", "mastodon")),
)
WORDS = (
    "coffee", "latte", "flower", "delivery", "price", "opening", "hours", "thanks", "great",
    "love", "order", "discount", "weekend", "question", "menu", "bouquet", "roses", "address",
    "booking", "vegan", "gift", "card", "shipping",
)  # fmt: skip
TYPES = ("photo", "question", "video", "text", "event")
KINDS = ("comment", "direct_message")


def make_report_profile(folder: Path, posts: int, days: int, seed: int = 5) -> None:
    from sqlalchemy import insert

    from smmdesk.core.clock import local_to_utc
    from smmdesk.store.database import open_store
    from smmdesk.store.models import (
        Account,
        AccountMetric,
        Client,
        Competitor,
        CompetitorMetric,
        InboxItem,
        Post,
        PostMetric,
        PostTarget,
        ReportNote,
    )

    rng = random.Random(seed)
    first_day = TODAY - timedelta(days=days - 1)
    midnight = datetime.min.time()
    store = open_store(folder / "smmdesk.sqlite3", folder / "backups")
    try:
        with store.engine.begin() as conn:
            Rows = list[dict[str, object]]
            account_rows: Rows = []
            post_rows: Rows = []
            target_rows: Rows = []
            metric_rows: Rows = []
            inbox_rows: Rows = []
            follower_rows: Rows = []
            comp_rows: Rows = []
            comp_metric_rows: Rows = []
            for client_id, (name, colour, tz, country, platforms) in enumerate(CLIENTS, 1):
                conn.execute(
                    insert(Client),
                    [{"id": client_id, "name": name, "colour": colour, "timezone": tz,
                      "country": country,
                      "target_mix": json.dumps({"photo": 40, "question": 30, "video": 30})}],
                )  # fmt: skip
                ids = []
                for n, platform in enumerate(platforms):
                    account_id = len(account_rows) + 1
                    ids.append(account_id)
                    account_rows.append(
                        {"id": account_id, "client_id": client_id, "platform": platform,
                         "handle": f"@client{client_id}_{platform}",
                         "vault_key": f"bench-{account_id}", "remote_id": f"self-{account_id}"}
                    )  # fmt: skip
                    for d in range(-180 + days, days + 1):
                        moment = local_to_utc(first_day + timedelta(days=d - 1), midnight, tz)
                        follower_rows.append(
                            {"account_id": account_id, "measured_at": moment + timedelta(hours=23),
                             "followers": 2000 + 800 * n + 9 * d + rng.randint(-5, 5)}
                        )  # fmt: skip
                for c in range(2):
                    comp_id = len(comp_rows) + 1
                    comp_rows.append(
                        {"id": comp_id, "client_id": client_id, "platform": "mastodon",
                         "handle": f"@rival{comp_id}", "label": f"Rival {comp_id}",
                         "created_at": datetime.now(UTC)}
                    )  # fmt: skip
                    for week in range(0, days + 14, 7):
                        comp_metric_rows.append(
                            {"competitor_id": comp_id, "followers": 3000 + 40 * week + 900 * c,
                             "measured_at": local_to_utc(first_day, datetime.min.time(), tz)
                             + timedelta(days=week - 7)}
                        )  # fmt: skip
                for _n in range(posts):
                    post_id = len(post_rows) + 1
                    day = first_day + timedelta(days=rng.randrange(days))
                    when = local_to_utc(day, datetime.min.time(), tz) + timedelta(
                        minutes=rng.randrange(7 * 60, 21 * 60, 15)
                    )
                    body = " ".join(rng.choices(WORDS, k=rng.randint(6, 60))).capitalize() + "."
                    post_rows.append(
                        {"id": post_id, "client_id": client_id, "body": body,
                         "content_type": rng.choice(TYPES),
                         "status": "published", "scheduled_at": when,
                         "created_at": when - timedelta(days=2), "updated_at": when}
                    )  # fmt: skip
                    for account_id in rng.sample(ids, rng.choice((1, 1, 2))):
                        target_id = len(target_rows) + 1
                        target_rows.append(
                            {"id": target_id, "post_id": post_id, "account_id": account_id,
                             "status": "published", "published_at": when,
                             "remote_id": f"r{target_id}", "remote_url": f"https://example.invalid/{target_id}"}
                        )  # fmt: skip
                        no_reposts = account_rows[account_id - 1]["platform"] == "telegram"
                        base = rng.randint(5, 300)
                        for k in range(7):
                            measured = when + timedelta(days=k, hours=2)
                            if measured.date() > TODAY:
                                break
                            metric_rows.append(
                                {"target_id": target_id, "measured_at": measured,
                                 "likes": base + 4 * k, "replies": base // 10 + k,
                                 "reposts": None if no_reposts else base // 6 + k,
                                 "views": None}
                            )  # fmt: skip
                for i in range(3000):
                    day = first_day + timedelta(days=rng.randrange(days))
                    created = local_to_utc(day, datetime.min.time(), tz) + timedelta(
                        minutes=rng.randrange(8 * 60, 20 * 60)
                    )
                    answered = rng.random() < 0.85
                    inbox_rows.append(
                        {"account_id": rng.choice(ids), "kind": rng.choice(KINDS),
                         "remote_id": f"in-{client_id}-{i}", "author_id": f"a{rng.randrange(120)}",
                         "author_name": f"Fan {rng.randrange(120)}", "body": "Hello?",
                         "created_at": created, "fetched_at": created,
                         "first_response_at": created + timedelta(minutes=rng.randrange(5, 900))
                         if answered else None,
                         "status": "replied" if answered else "new", "category": "question",
                         "due_at": created + timedelta(hours=6)}
                    )  # fmt: skip
            conn.execute(insert(Account), account_rows)
            conn.execute(insert(AccountMetric), follower_rows)
            conn.execute(insert(Post), post_rows)
            conn.execute(insert(PostTarget), target_rows)
            conn.execute(insert(PostMetric), metric_rows)
            conn.execute(insert(InboxItem), inbox_rows)
            conn.execute(insert(Competitor), comp_rows)
            conn.execute(insert(CompetitorMetric), comp_metric_rows)
            conn.execute(
                insert(ReportNote),
                [{"client_id": 1, "period_start": first_day, "period_end": TODAY,
                  "body": "Questions on Tuesdays worked.\n\nNext: more video.",
                  "updated_at": datetime.now(UTC)}],
            )  # fmt: skip
    finally:
        store.close()
    print(
        f"profile: {len(post_rows)} posts, {len(target_rows)} targets, {len(metric_rows)} "
        f"post metrics, {len(inbox_rows)} inbox items, {len(follower_rows)} follower counts"
    )


def blank_pdf(path: Path) -> None:
    """A one-page A4 PDF with nothing on it, made and written as the report is."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

    from smmdesk.reports.files import write_atomically
    from smmdesk.reports.review_pack_pages import DPI

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    painter = QPainter()
    painter.begin(writer)
    painter.end()
    del writer
    buffer.close()
    write_atomically(path, bytes(QByteArray(buffer.data()).data()))


def measure(folder: Path, days: int, runs: int) -> tuple[list[float], list[float], int]:
    from PySide6.QtGui import QGuiApplication

    from smmdesk.core.analytics import Period
    from smmdesk.reports.client_report import export_client_report

    app = QGuiApplication.instance() or QGuiApplication([])
    assert app is not None
    period = Period(TODAY - timedelta(days=days - 1), TODAY)
    now = datetime.combine(TODAY + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    out = folder / "out"
    builds, blanks, pages = [], [], 0
    for run in range(runs + 1):
        db = sqlite3.connect(f"file:{folder / 'smmdesk.sqlite3'}?mode=ro", uri=True)
        started = time.perf_counter()
        outcome = export_client_report(db, out / "report.pdf", 1, period, now=now)
        build = time.perf_counter() - started
        db.close()
        started = time.perf_counter()
        blank_pdf(out / "blank.pdf")
        blank = time.perf_counter() - started
        pages = outcome.pages
        if run:  # the first of each is a warm-up
            builds.append(build)
            blanks.append(blank)
    return builds, blanks, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate the profile here, or reuse it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="smmdesk-report-bench-"))
    try:
        if not (folder / "smmdesk.sqlite3").exists():
            folder.mkdir(parents=True, exist_ok=True)
            make_report_profile(folder, args.posts, args.days)
        builds, blanks, pages = measure(folder, args.days, args.runs)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"builds: {', '.join(f'{b:.2f}' for b in builds)} s")
    print(f"metric report_build_s {statistics.median(builds):.2f} s")
    print(f"metric report_blank_pdf_s {statistics.median(blanks):.3f} s")
    print(f"metric report_pages {pages} pages")


if __name__ == "__main__":
    main()
