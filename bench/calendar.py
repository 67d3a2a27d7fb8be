"""Calendar benchmark: switching month with 5,000 posts in the visible range.

    python bench/calendar.py [--switches N] [--posts N] [--keep DIR]

The profile is an agency's: 10 clients in their own time zones and countries
(public holidays), each with weekday themes, a target mix and a posting guard
(at most 6 posts a day, 2 hours apart), and 3 sandbox accounts each. Posts
fill ``--switches / 2 + 1`` consecutive months from January 2026 so that
every month's six visible weeks hold about ``--posts`` posts (5,000 by
default: about 4 a day per account), some 2.5 hours apart as a planner would
place them, with a few off that grid and some busier days (so the posting
guard has real warnings to show: about 120 in six weeks), one or two accounts
per post. The schema comes from ``open_store`` (the real migrations); rows go
in with SQLAlchemy Core through the ORM's column types, as in
``make_profile.py``.

Then it builds a ``CalendarTab`` in a real (offscreen) ``QApplication`` with
the app's style sheet, at 1280x820, on "All clients" (every post, every
account's posting guard), shows it with observances loaded, and switches
month ``--switches`` times: forward through months never shown before
("cold"), then back through the same months ("warm": text layouts and
posting-guard answers are remembered; the posts are read again). Each switch
is timed from the call to ``go()`` to the end of a forced synchronous repaint
of what a switch changes (``repaint()`` of the month grid with its header, of
the title and of the summary), and the grid must have received a paint event.
So the figure includes the query, the bucketing by local day, the posting
guard, the day notes, the chip texts and the painting. Prints:

    metric calendar_month_switch_median_ms <n> ms        all switches: the target
    metric calendar_month_switch_p90_ms <n> ms            (informative)
    metric calendar_month_switch_cold_median_ms <n> ms    (informative)
    metric calendar_month_switch_warm_median_ms <n> ms    (informative)
    metric calendar_month_switch_settled_median_ms <n> ms (informative)
    metric calendar_month_switch_whole_tab_median_ms <n> ms (informative)

"settled" adds what the switch leaves for the event loop's next idle moment
(freeing the previous month's rows, the garbage collector's turn); "whole
tab" times switches with ``tab.repaint()`` of the whole tab instead (side
panel and filters too, which a switch does not change).

Target: median <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# This file is called calendar.py: keep its folder off the import path, or it
# would stand in for the standard library's ``calendar`` module.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

FIRST_MONTH = (2026, 1)
CLIENTS = (
    ("Kafija Rīga", "#c0392b", "Europe/Riga", "LV"),
    ("Addis Bloom", "#1b7f3b", "Africa/Addis_Ababa", "ET"),
    ("Nordlys Studio", "#3d6df2", "Europe/Oslo", "NO"),
    ("Kyiv Books", "#8e44ad", "Europe/Kyiv", "UA"),
    ("Tallinn Tech", "#16a085", "Europe/Tallinn", "EE"),
    ("Almaty Eats", "#d35400", "Asia/Almaty", "KZ"),
    ("Vilnius Yoga", "#2c3e50", "Europe/Vilnius", "LT"),
    ("Nairobi Crafts", "#b7950b", "Africa/Nairobi", "KE"),
    ("Tbilisi Wine", "#7b241c", "Asia/Tbilisi", "GE"),
    ("Lisbon Surf", "#1f618d", "Europe/Lisbon", "PT"),
)
ACCOUNTS_PER_CLIENT = 3
MAX_PER_DAY, MIN_GAP = 6, 120
GRID = tuple(range(6 * 60, 22 * 60, 150))  # minutes after local midnight: 06:00 ... 21:00
STATUSES = ("draft", "in_review", "approved", "scheduled", "scheduled", "published", "idea")
CONTENT_TYPES = ("photo", "video", "text", "question", "link", "promotion", "event", "news")
THEMES = {"0": "Motivation Monday", "1": "Tuesday Tip", "3": "Throwback Thursday"}
TARGET_MIX = {"photo": 30, "question": 20, "video": 20, "text": 15, "promotion": 15}
WORDS = (
    "coffee",
    "latte",
    "flower",
    "delivery",
    "price",
    "opening",
    "hours",
    "thanks",
    "great",
    "love",
    "order",
    "discount",
    "weekend",
    "question",
    "menu",
    "bouquet",
    "roses",
    "address",
    "booking",
    "vegan",
    "gift",
    "card",
    "shipping",
)


def make_calendar_profile(
    folder: Path, months: int, posts_in_view: int = 5000, seed: int = 11
) -> int:
    """Create the profile in ``folder``; returns the number of posts written."""
    from sqlalchemy import insert

    from smmdesk.core.clock import local_to_utc, month_grid, shift_month
    from smmdesk.store.database import open_store
    from smmdesk.store.models import Account, Client, Post, PostTarget

    rng = random.Random(seed)
    start = month_grid(*FIRST_MONTH)[0] - timedelta(days=1)
    end = month_grid(*shift_month(*FIRST_MONTH, months - 1))[-1] + timedelta(days=2)
    accounts = len(CLIENTS) * ACCOUNTS_PER_CLIENT
    # Posts per account and day (a post to two accounts counts for both).
    chance = posts_in_view / 42 / accounts * 1.12 / len(GRID)
    store = open_store(folder / "smmdesk.sqlite3", folder / "backups")
    post_rows: list[dict[str, object]] = []
    target_rows: list[dict[str, object]] = []
    try:
        with store.engine.begin() as conn:
            conn.execute(
                insert(Client),
                [
                    {
                        "id": n,
                        "name": name,
                        "colour": colour,
                        "timezone": tz,
                        "country": country,
                        "max_posts_per_day": MAX_PER_DAY,
                        "min_gap_minutes": MIN_GAP,
                        "weekday_themes": json.dumps(THEMES),
                        "target_mix": json.dumps(TARGET_MIX),
                    }
                    for n, (name, colour, tz, country) in enumerate(CLIENTS, start=1)
                ],
            )
            account_rows = []
            for client_id in range(1, len(CLIENTS) + 1):
                for n in range(ACCOUNTS_PER_CLIENT):
                    account_id = len(account_rows) + 1
                    account_rows.append(
                        {
                            "id": account_id,
                            "client_id": client_id,
                            "platform": ("telegram", "mastodon", "bluesky")[n],
                            "handle": f"client{client_id}_{('tg', 'masto', 'bsky')[n]}",
                            "vault_key": f"bench-{account_id:04d}",
                        }
                    )
            conn.execute(insert(Account), account_rows)
            day = start
            while day < end:
                for client_id, (_name, _colour, tz, _country) in enumerate(CLIENTS, start=1):
                    first = (client_id - 1) * ACCOUNTS_PER_CLIENT + 1
                    ids = list(range(first, first + ACCOUNTS_PER_CLIENT))
                    busy = rng.random() < 0.04  # now and then a launch day: too many posts
                    for slot in GRID:
                        chosen = [a for a in ids if rng.random() < (chance * (1.6 if busy else 1))]
                        while chosen:
                            # One post to one or two of the accounts that post in this slot.
                            take = chosen[: rng.choice((1, 1, 1, 2))]
                            chosen = chosen[len(take) :]
                            minute = slot + rng.choice((0, 0, 15, 30))
                            if rng.random() < 0.03:
                                minute = rng.randrange(7 * 60, 21 * 60, 15)  # off the grid
                            when = local_to_utc(day, datetime.min.time(), tz) + timedelta(
                                minutes=minute
                            )
                            post_id = len(post_rows) + 1
                            words = rng.choices(WORDS, k=rng.randint(6, 24))
                            post_rows.append(
                                {
                                    "id": post_id,
                                    "client_id": client_id,
                                    "body": " ".join(words).capitalize() + ".",
                                    "content_type": rng.choice(CONTENT_TYPES),
                                    "status": rng.choice(STATUSES),
                                    "scheduled_at": when,
                                    "created_at": when - timedelta(days=3),
                                    "updated_at": when - timedelta(days=1),
                                }
                            )
                            target_rows += [
                                {"post_id": post_id, "account_id": a, "status": "pending"}
                                for a in take
                            ]
                day += timedelta(days=1)
            conn.execute(insert(Post), post_rows)
            conn.execute(insert(PostTarget), target_rows)
    finally:
        store.close()
    return len(post_rows)


def measure(folder: Path, switches: int) -> dict[str, list[float]]:
    """Milliseconds per switch, cold and warm, and for a repaint of the whole tab."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from smmdesk.store.queries import StoreReader
    from smmdesk.ui.calendar.calendar_tab import CalendarTab
    from smmdesk.ui.theme import style_sheet

    class PaintCounter(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setStyleSheet(style_sheet())
    reader = StoreReader(folder / "smmdesk.sqlite3")
    tab = CalendarTab(reader)
    tab.resize(1280, 820)
    tab.show_month(date(*FIRST_MONTH, 1))
    tab.show()
    app.processEvents()
    tab.load_observances()
    tab.repaint()
    app.processEvents()
    painted = PaintCounter()
    tab.grid.viewport().installEventFilter(painted)

    def repaint_view() -> None:
        # What a switch changes: the month grid (with its header) and the title row.
        tab.grid.repaint()
        tab.title.repaint()
        tab.summary.repaint()

    half = switches // 2
    timings: dict[str, list[float]] = {
        "cold": [],
        "warm": [],
        "settled": [],
        "whole tab": [],
        "shown": [],
    }
    for n in range(2 * half):
        forward = n < half
        before = painted.count
        started = time.perf_counter()
        tab.go(+1 if forward else -1)
        repaint_view()
        elapsed = (time.perf_counter() - started) * 1000
        if painted.count == before:
            raise RuntimeError("the month grid was not painted")
        timings["cold" if forward else "warm"].append(elapsed)
        timings["shown"].append(len(tab.posts_shown()))
        # Then the event loop runs what the switch left for idle time (freeing
        # the previous month, the garbage collector): timed on its own.
        app.processEvents()
        timings["settled"].append((time.perf_counter() - started) * 1000)
    for n in range(half):
        started = time.perf_counter()
        tab.go(+1 if n % 2 == 0 else -1)
        tab.repaint()
        timings["whole tab"].append((time.perf_counter() - started) * 1000)
        app.processEvents()
    tab.close()
    reader.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=40)
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="generate the profile here, or reuse it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="smmdesk-calendar-bench-"))
    try:
        if not (folder / "smmdesk.sqlite3").exists():
            folder.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            written = make_calendar_profile(folder, args.switches // 2 + 1, args.posts)
            print(f"profile: {written} posts in {time.perf_counter() - started:.1f} s")
        timings = measure(folder, args.switches)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    cold, warm, shown = timings["cold"], timings["warm"], timings["shown"]
    switches = sorted(cold + warm)
    p90 = switches[min(len(switches) - 1, round(0.9 * (len(switches) - 1)))]
    print(
        f"posts in the visible range: {min(shown):.0f} to {max(shown):.0f} "
        f"(median {statistics.median(shown):.0f})"
    )
    print(f"metric calendar_month_switch_median_ms {statistics.median(switches):.1f} ms")
    print(f"metric calendar_month_switch_p90_ms {p90:.1f} ms")
    print(f"metric calendar_month_switch_cold_median_ms {statistics.median(cold):.1f} ms")
    print(f"metric calendar_month_switch_warm_median_ms {statistics.median(warm):.1f} ms")
    settled = statistics.median(timings["settled"])
    print(f"metric calendar_month_switch_settled_median_ms {settled:.1f} ms")
    whole = statistics.median(timings["whole tab"])
    print(f"metric calendar_month_switch_whole_tab_median_ms {whole:.1f} ms")


if __name__ == "__main__":
    main()
