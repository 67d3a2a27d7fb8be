"""Inbox benchmark: filtering and searching 100,000 items, and syncing 10,000.

    python bench/inbox.py [--items N] [--ingest N] [--only {search,ingest,stall}]
                          [--explain] [--cprofile] [--events] [--keep DIR]

1. Search and filter. A generated profile: 5 clients in their own time zones,
   3 accounts each (Telegram, Mastodon, Bluesky), ``--items`` inbox items
   (100,000) over the last year, most of them recent, in English, Latvian,
   Russian and Amharic by about 6,000 authors with names in those languages,
   of every kind, status and category, with response deadlines on the new
   ones (some overdue), a few removed or hidden, and the full-text index built
   with ``index_new_items``. Rows go in with SQLAlchemy Core through the
   ORM's column types, as in ``make_profile.py``. Then the real
   ``InboxTableModel`` takes a fixed list of filter changes (client, account,
   network, kind, status, category, overdue, combinations) and of searches
   as typed ("c", "co", "cof", ..., Cyrillic, Latvian, Amharic, an author's
   name, a word nothing contains, two words); each change is ``set_filter``
   (the model drops its pages and counts) followed by what a view's first
   paint asks of 40 rows: ``row_at`` and ``data`` of every column in the
   roles a delegate reads. One unrecorded pass warms SQLite's cache, then 3
   recorded passes; a change's time is the median of its 3.

2. Ingest. The Mastodon fake (``tests/fakes``, notifications paged 80 at a
   time as documented) runs in a child process (``--serve``, lower CPU
   priority). One account is connected through the real ``ConnectAccountJob``
   and synced while its inbox is empty (so it has its cursor), then gets
   ``--ingest`` mentions, replies and private messages (10,000) in the four
   languages. Timed: ``SyncAccountJob.run`` (fetching, classifying, deadlines,
   storing, indexing). The baseline, in the same run: the same GET requests
   (recorded by the fake) with plain ``requests`` and ``.json()``, then the
   same rows inserted into a copy of the same database taken just before the
   sync, with plain ``sqlite3`` ``executemany``, one transaction per page as
   the job's pages were (the full-text index is the job's extra work). Best
   of 3 for both, each with a fresh fake and profile. Checked: exactly
   ``--ingest`` items stored, and a second sync adds none.

3. GUI stall. The same set-up with the real ``MainWindow`` (offscreen,
   1280x820, the app's style sheet, ``StoreReader`` first then ``attach``, as
   ``smmdesk.app`` does) showing the Inbox tab. A 2 ms ``QTimer`` on the GUI
   thread records the gaps between its ticks from ``sync_all()`` until the
   engine is idle and a second after the window took ``inbox_changed``;
   then the same timer runs as long with nothing to do (the noise floor).

Prints the five slowest changes of each kind, then:

    metric inbox_search_median_ms <n> ms     target <= 30
    metric inbox_search_worst_ms <n> ms      target <= 100
    metric inbox_filter_median_ms <n> ms
    metric inbox_filter_worst_ms <n> ms
    metric inbox_ingest_s <n.nn> s
    metric inbox_ingest_baseline_s <n.nn> s
    metric inbox_ingest_ratio <x.xx> x       target <= 1.5
    metric inbox_gui_stall_max_ms <n> ms     target <= 50
    metric inbox_gui_stall_p99_ms <n.n> ms
    metric inbox_gui_idle_stall_max_ms <n> ms

``--explain`` adds, for the five slowest changes, each SQL statement they ran
with its own time and ``EXPLAIN QUERY PLAN``; ``--cprofile`` the top of a
cProfile of the slowest search and filter, of one sync job and of the GUI
thread during the stall run; ``--events`` the GUI events over 10 ms then.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import random
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))  # tests.fakes

from bench.fake_child import FakeChild  # noqa: E402
from bench.gui_stall import StallMeter, wait  # noqa: E402

REPEATS = 3
SCREENFUL = 40
TIMEOUT_S = 300

# --- text in four languages -----------------------------------------------------------------

CONTENT = {
    "en": "coffee latte cappuccino flowers delivery price opening hours thanks great love order "
    "discount weekend question when where much menu bouquet roses please address parking "
    "booking vegan gluten free gift card shipping late broken cold rude amazing help refund "
    "table tomorrow today birthday wedding",
    "lv": "paldies kafija ziedi cena cik maksā kad atvērts piegāde lūdzu garšīgs brīnišķīgi "
    "nedēļas nogalē pasūtījums kavējas salauzts dāvanu karte rozes pušķis adrese rīt šodien "
    "galdiņu rezervēt vegānisks auksts lieliski mīlu",
    "ru": "спасибо кофе цветы доставка цена сколько стоит когда открыты пожалуйста вкусно "
    "отлично заказ опоздал сломан подарок карта розы букет адрес скидка выходные спасли "
    "завтра сегодня столик холодный грубо люблю помогите возврат",
    "am": "አመሰግናለሁ ቡና አበባ ዋጋ ስንት መቼ ክፍት እባክዎ ጣፋጭ በጣም ጥሩ ትዕዛዝ ዘግይቷል ስጦታ "
    "አድራሻ ቅናሽ ነገ ዛሬ ወድጄዋለሁ ማድረስ ጽጌረዳ ሰላም",
}
FUNCTION = {
    "en": "the and you your is are we it for to at on my this a of in with can do have",
    "lv": "un ir es jūs jums mēs ar uz par vai kā tas šis man bet",
    "ru": "и в на не я вы мы это что с по у как а но",
    "am": "እና ነው ላይ ውስጥ ግን እኔ እናንተ ይህ ምን ከ",
}
NAMES = {
    "en": (
        "Anna James Olivia Liam Emma Noah Sofia Lucas Mia Ethan",
        "Smith Brown Taylor Wilson Evans Walker Hughes Clarke Turner Price",
    ),
    "lv": (
        "Jānis Līga Ilze Andris Kristīne Mārtiņš Inese Edgars Zane Raivis",
        "Bērziņa Kalniņš Ozoliņa Jansons Liepiņa Krūmiņš Vītola Eglītis Zariņa Pētersons",
    ),
    "ru": (
        "Иван Мария Алексей Ольга Дмитрий Анна Сергей Екатерина Никита Татьяна",
        "Петров Смирнова Иванов Кузнецова Соколов Попова Лебедев Новикова Морозов Волкова",
    ),
    "am": (
        "አበበ ሰላም ዮሐንስ ማርታ ተስፋዬ ሔለን ዳዊት መሠረት ብርሃኑ ትዕግሥት",
        "ከበደ ተሰማ ገብሩ ወልዴ ኃይሌ በቀለ ደስታ አለሙ ታደሰ መኮንን",
    ),
}


def _vocabulary(lang: str) -> tuple[list[str], list[int]]:
    """Words and their cumulative weights: everyday words five times as likely."""
    content, function = CONTENT[lang].split(), FUNCTION[lang].split()
    return content + function, list(accumulate([1] * len(content) + [5] * len(function)))


_WORDS = {lang: _vocabulary(lang) for lang in CONTENT}


def message(rng: random.Random, lang: str, low: int = 3, high: int = 25) -> str:
    """A comment of ``low`` to ``high`` words, mostly everyday words and a few topical ones."""
    words, cumulative = _WORDS[lang]
    text = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(low, high)))
    end = "።" if lang == "am" else rng.choice((".", "!", "?", "", "!!", " :)"))
    return text[0].upper() + text[1:] + end


def author_name(rng: random.Random, lang: str) -> str:
    first, last = NAMES[lang]
    return f"{rng.choice(first.split())} {rng.choice(last.split())}"


# --- 1. search and filter ----------------------------------------------------------------

CLIENTS = (  # name, colour, zone, country, languages (repeated = more often)
    ("Kafija Rīga", "#c0392b", "Europe/Riga", "LV", ("lv", "lv", "ru", "en")),
    ("Addis Bloom", "#1b7f3b", "Africa/Addis_Ababa", "ET", ("am", "am", "en")),
    ("Nordlys Studio", "#3d6df2", "Europe/Oslo", "NO", ("en",)),
    ("Kyiv Books", "#8e44ad", "Europe/Kyiv", "UA", ("ru", "ru", "en")),
    ("Lisbon Surf", "#1f618d", "Europe/Lisbon", "PT", ("en", "en", "lv")),
)
NETWORKS = ("telegram", "mastodon", "bluesky")
KINDS = (("comment", 45), ("reply", 20), ("mention", 20), ("direct_message", 15))
CATEGORIES = (
    ("unsorted", 10),
    ("question", 30),
    ("complaint", 12),
    ("praise", 25),
    ("spam", 5),
    ("other", 18),
)


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _status(rng: random.Random, age_days: float) -> str:
    """Recent items are mostly still new; older ones mostly answered or done."""
    if age_days < 2:
        weights = (70, 15, 10, 5)
    elif age_days < 14:
        weights = (15, 35, 45, 5)
    else:
        weights = (2, 38, 58, 2)
    return rng.choices(("new", "replied", "done", "escalated"), weights=weights)[0]


def make_search_profile(db: Path, items: int, seed: int = 5) -> None:
    """The profile for the search benchmark, in ``db`` (which must not exist)."""
    from sqlalchemy import insert

    from smmdesk.store.database import open_store
    from smmdesk.store.inbox_search import index_new_items
    from smmdesk.store.models import Account, Client, InboxItem

    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    authors = {
        lang: [(f"{lang}{n}", author_name(rng, lang), f"{lang}_fan_{n}") for n in range(1500)]
        for lang in CONTENT
    }
    store = open_store(db, db.parent / "backups")
    try:
        with store.engine.begin() as conn:
            conn.execute(
                insert(Client),
                [
                    {"id": n, "name": name, "colour": colour, "timezone": zone, "country": country}
                    for n, (name, colour, zone, country, _langs) in enumerate(CLIENTS, start=1)
                ],
            )
            accounts = []  # (account id, languages)
            account_rows = []
            for client_id, client in enumerate(CLIENTS, start=1):
                for network in NETWORKS:
                    account_id = len(accounts) + 1
                    accounts.append((account_id, client[4]))
                    account_rows.append(
                        {
                            "id": account_id,
                            "client_id": client_id,
                            "platform": network,
                            "handle": f"@{client[0].split()[0].lower()}_{network}",
                            "remote_id": f"{network}-{account_id}",
                            "vault_key": f"bench-{account_id:04d}",
                        }
                    )
            conn.execute(insert(Account), account_rows)
            rows = []
            for n in range(items):
                account_id, langs = rng.choice(accounts)
                lang = rng.choice(langs)
                author_id, name, handle = rng.choice(authors[lang])
                age_days = rng.random() ** 2 * 365
                created = now - timedelta(days=age_days)
                status = _status(rng, age_days)
                category = _weighted(rng, CATEGORIES)
                waits = status == "new" and category != "spam"
                odd = rng.random()
                rows.append(
                    {
                        "account_id": account_id,
                        "kind": _weighted(rng, KINDS),
                        "remote_id": f"r{n:07d}",
                        "post_remote_id": f"p{rng.randint(1, 3000)}",
                        "author_id": author_id,
                        "author_name": name,
                        "author_handle": handle,
                        "body": message(rng, lang),
                        "created_at": created,
                        "fetched_at": created + timedelta(minutes=5),
                        "category": category,
                        "language": lang,
                        "status": status,
                        "due_at": created + timedelta(hours=rng.randint(6, 60)) if waits else None,
                        "escalated_at": created + timedelta(hours=2)
                        if status == "escalated"
                        else None,
                        "removed_at": now if odd < 0.005 else None,
                        "hidden_at": now if 0.005 <= odd < 0.01 else None,
                        "edited_at": now if 0.01 <= odd < 0.02 else None,
                    }
                )
            conn.execute(insert(InboxItem), rows)
        with store.transaction() as session:
            index_new_items(session)
        with store.engine.begin() as conn:
            # The planner's statistics, as a profile in use has them (the app
            # refreshes them with PRAGMA optimize at close); without them some
            # filters sort a whole client's items (bench/README.md).
            conn.exec_driver_sql("ANALYZE")
    finally:
        store.close()


def same_schema(db: Path, scratch: Path) -> bool:
    """Whether a kept profile has the schema the app's migrations make today."""
    from smmdesk.store.database import open_store

    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    open_store(scratch / "empty.sqlite3", scratch / "backups").close()
    shapes = []
    for path in (db, scratch / "empty.sqlite3"):
        connection = sqlite3.connect(path)
        shape = set(connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
        for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            if not table.startswith("sqlite_stat"):  # the order of constraints may differ
                columns = connection.execute(f"PRAGMA table_info('{table}')").fetchall()
                shape.add((table, repr(sorted(columns))))
        shapes.append(shape)
        connection.close()
    shutil.rmtree(scratch)
    return shapes[0] == shapes[1]


def filter_changes() -> list[tuple[str, Any]]:
    from smmdesk.store.inbox_queries import InboxFilter as F

    return [
        ("everything", F()),
        ("client 1", F(client_id=1)),
        ("client 2", F(client_id=2)),
        ("client 4", F(client_id=4)),
        ("account 5", F(client_id=2, account_id=5)),
        ("account 13", F(client_id=5, account_id=13)),
        ("network mastodon", F(platform="mastodon")),
        ("network telegram, client 3", F(client_id=3, platform="telegram")),
        ("kind direct_message", F(kind="direct_message")),
        ("kind mention", F(kind="mention")),
        ("status new", F(status="new")),
        ("status escalated", F(status="escalated")),
        ("status done", F(status="done")),
        ("category complaint", F(category="complaint")),
        ("category spam", F(category="spam")),
        ("overdue", F(overdue_only=True)),
        ("client 1, overdue", F(client_id=1, overdue_only=True)),
        ("account 7, overdue", F(client_id=3, account_id=7, overdue_only=True)),
        ("client 1, new", F(client_id=1, status="new")),
        ("client 2, comment, question", F(client_id=2, kind="comment", category="question")),
        ("telegram, new, complaint", F(platform="telegram", status="new", category="complaint")),
        ("message, escalated", F(kind="direct_message", status="escalated")),
        ("account 2, reply, escalated, spam", F(account_id=2, kind="reply", status="escalated")),
    ]


def searches() -> list[tuple[str, Any]]:
    from smmdesk.store.inbox_queries import InboxFilter as F

    typed = (
        "c",
        "co",
        "cof",
        "coff",
        "coffee",
        "спас",
        "спасибо",
        "pald",
        "paldies",
        "አመሰግ",
        "ቡና",
        "Ozoliņa",  # an author's surname (and "ozolina": diacritics are folded)
        "Ilze Ozol",
        "zzqxjv",  # nothing has it
        "coffee price",
        "late delivery",
        "кофе доставка",
    )
    return [
        *((f"search {q!r}", F(search=q)) for q in typed),
        ("search 'coffee', client 1", F(client_id=1, search="coffee")),
        ("search 'спас', client 4", F(client_id=4, search="спас")),
        ("search 'price', new", F(status="new", search="price")),
        ("search 'c', overdue", F(overdue_only=True, search="c")),
    ]


def first_paint(model: Any) -> None:
    """What a table view's first paint asks of the model: 40 rows, every column."""
    from PySide6.QtCore import Qt

    roles = (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.CheckStateRole,
    )
    columns = model.columnCount()
    for row in range(min(SCREENFUL, model.rowCount())):
        model.row_at(row)
        for column in range(columns):
            index = model.index(row, column)
            for role in roles:
                model.data(index, role)


def measure_search(db: Path, args: argparse.Namespace) -> dict[str, Any]:
    from smmdesk.store.queries import StoreReader
    from smmdesk.ui.inbox.inbox_model import InboxTableModel

    app()
    reader = StoreReader(db)
    model = InboxTableModel(reader)
    changes = [("filter", *c) for c in filter_changes()] + [("search", *c) for c in searches()]

    def change(flt: Any) -> float:
        started = time.perf_counter()
        model.set_filter(flt)
        first_paint(model)
        return (time.perf_counter() - started) * 1000

    for _kind, _label, flt in changes:  # warm-up: SQLite's cache, Qt's fonts and icons
        change(flt)
    times: dict[str, list[float]] = {label: [] for _kind, label, _flt in changes}
    counts: dict[str, int] = {}
    for _ in range(REPEATS):
        for _kind, label, flt in changes:
            times[label].append(change(flt))
            counts[label] = model.rowCount()
    result: dict[str, Any] = {}
    for kind in ("filter", "search"):
        mine = sorted(
            (
                (statistics.median(times[label]), label, flt)
                for k, label, flt in changes
                if k == kind
            ),
            key=lambda t: t[0],
            reverse=True,
        )
        for ms, label, flt in mine[:5]:
            print(f"slow {kind}: {ms:6.1f} ms  {label}  ({counts[label]} items)")
            if args.explain:
                explain(reader.db, lambda flt=flt: change(flt))
        result[kind] = [ms for ms, _label, _flt in mine]
        result[f"{kind}_slowest"] = mine[0]
    if args.cprofile:
        for kind in ("search", "filter"):
            _ms, label, flt = result[f"{kind}_slowest"]
            print(f"cProfile of the slowest {kind}, {label}:")
            profiled(lambda flt=flt: change(flt))
    reader.close()
    return result


def explain(db: sqlite3.Connection, run: Callable[[], Any]) -> None:
    """Each statement a change runs, timed alone, with its query plan."""
    statements: list[str] = []
    db.set_trace_callback(statements.append)
    try:
        run()
    finally:
        db.set_trace_callback(None)
    quick = 0
    for sql in dict.fromkeys(s for s in statements if s.lstrip().upper().startswith("SELECT")):
        started = time.perf_counter()
        db.execute(sql).fetchall()
        ms = (time.perf_counter() - started) * 1000
        if ms < 1:
            quick += 1
            continue
        print(f"    {ms:6.1f} ms  {' '.join(sql.split())}")
        for _id, _parent, _unused, detail in db.execute(f"EXPLAIN QUERY PLAN {sql}"):
            print(f"              {detail}")
    print(f"    and {quick} statements under 1 ms")


def profiled(run: Callable[[], Any], lines: int = 15) -> None:
    """The functions with the most time of their own, then our code by cumulative time."""
    profile = cProfile.Profile()
    profile.enable()
    run()
    profile.disable()
    stats = pstats.Stats(profile, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats("smmdesk/", lines)


# --- the Mastodon fake, in a child process -------------------------------------------------

BRAND = "kafija"


class FakeHost:
    """The Mastodon fake and what the benchmark asks of it, one JSON line at a time."""

    def __init__(self) -> None:
        from tests.fakes.mastodon_fake import MastodonFake

        self.fake = MastodonFake()
        self.fake.start()
        self.people: list[str] = []
        self.own_posts: list[str] = []

    def setup(self) -> dict[str, Any]:
        fake = self.fake
        rng = random.Random(3)
        brand = fake.add_account(BRAND, display_name="Kafija Rīga")
        token = fake.add_token(brand, "token-kafija-bench")
        for n in range(80):
            lang = ("en", "lv", "ru", "am")[n % 4]
            domain = ("example.social", "mastodon.lv", "mstdn.ru", "ethio.social")[n % 4]
            name = author_name(rng, lang)
            self.people.append(fake.add_account(f"fan{n}", domain=domain, display_name=name))
        self.own_posts = [fake.post_as(brand, f"Today's menu, part {n}") for n in range(10)]
        return {"url": fake.base_url, "token": token}

    def seed(self, n: int) -> dict[str, Any]:
        """Mentions, replies to the brand's posts and private messages, as after a busy day."""
        rng = random.Random(17)
        for i in range(n):
            person = self.people[i % len(self.people)]
            text = f"@{BRAND} {message(rng, ('en', 'lv', 'ru', 'am')[i % 4], 3, 40)}"
            roll = rng.random()
            if roll < 0.2:
                self.fake.post_as(person, text, in_reply_to_id=rng.choice(self.own_posts))
            elif roll < 0.3:
                self.fake.post_as(person, text, visibility="direct")
            else:
                self.fake.post_as(person, text)
        return {"ok": True}

    def clear_log(self) -> dict[str, Any]:
        with self.fake.lock:
            self.fake.log.clear()
        return {"ok": True}

    def log(self) -> list[dict[str, Any]]:
        """The GET requests since ``clear_log``, to be sent again by the baseline."""
        with self.fake.lock:
            return [
                {
                    "path": r.path,
                    "query": [[k, v] for k, values in r.query.items() for v in values],
                    "auth": r.headers.get("authorization", ""),
                }
                for r in self.fake.log
                if r.method == "GET"
            ]

    def serve(self) -> None:
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            request = json.loads(line)
            command = request.pop("cmd")
            if command == "quit":
                break
            print(json.dumps(getattr(self, command)(**request)), flush=True)
        self.fake.stop()


class Fakes(FakeChild):
    """The child process that runs this benchmark's fakes."""

    def __init__(self, errors: Path) -> None:
        super().__init__(__file__, errors)


# --- 2. ingest ---------------------------------------------------------------------------


class Synced:
    """A profile with one Mastodon account connected and synced while its inbox was empty."""

    def __init__(self, folder: Path, fakes: Fakes) -> None:
        from smmdesk.core.client_rules import ClientSettings
        from smmdesk.memory_keyring import MemoryKeyring
        from smmdesk.paths import custom_profile
        from smmdesk.store.clients import save_client
        from smmdesk.store.database import open_store
        from smmdesk.sync.account_jobs import ConnectAccountJob, SyncAccountJob
        from smmdesk.sync.connectors import ConnectorFactory
        from smmdesk.sync.jobs import JobContext
        from smmdesk.vault import Vault

        world = fakes.ask("setup")
        self.paths = custom_profile(folder).ensure()
        self.store = open_store(self.paths.database, self.paths.backups)
        self.vault = Vault(MemoryKeyring())
        self.factory = ConnectorFactory(
            self.paths, self.vault, base_urls={"mastodon": world["url"]}
        )
        with self.store.transaction() as session:
            client = save_client(
                session, ClientSettings(name="Kafija Rīga", timezone="Europe/Riga", country="LV")
            )
        secret = {"access_token": world["token"]}
        job = ConnectAccountJob(
            self.store, self.vault, self.factory, client, "mastodon", secret, world["url"]
        )
        self.account_id = job.run(JobContext(0)).account_id
        SyncAccountJob(self.store, self.factory, self.account_id).run(JobContext(0))
        self.base_url = world["url"]

    def sync(self) -> Any:
        from smmdesk.sync.account_jobs import SyncAccountJob
        from smmdesk.sync.jobs import JobContext

        return SyncAccountJob(self.store, self.factory, self.account_id).run(JobContext(1))

    def count(self) -> int:
        db = sqlite3.connect(self.paths.database)
        try:
            return int(db.execute("SELECT count(*) FROM inbox_items").fetchone()[0])
        finally:
            db.close()

    def close(self) -> None:
        self.store.close()


def baseline(
    base_url: str, requests_log: list[dict[str, Any]], source: Path, copy: Path
) -> tuple[float, float]:
    """(fetch s, insert s): the job's requests with plain requests, its rows with executemany."""
    import requests

    db = sqlite3.connect(source)
    columns = [r[1] for r in db.execute("PRAGMA table_info(inbox_items)") if r[1] != "id"]
    rows = db.execute(f"SELECT {', '.join(columns)} FROM inbox_items ORDER BY id").fetchall()
    pages: dict[Any, list[tuple[Any, ...]]] = {}
    at = columns.index("fetched_at")  # one value per page the job stored
    for row in rows:
        pages.setdefault(row[at], []).append(row)
    db.close()

    session = requests.Session()
    started = time.perf_counter()
    for entry in requests_log:
        answer = session.get(
            base_url + entry["path"],
            params=entry["query"],
            headers={"Authorization": entry["auth"]},
            timeout=30,
        )
        answer.json()
    fetch_s = time.perf_counter() - started
    session.close()

    db = sqlite3.connect(copy, isolation_level=None)
    for pragma in (
        "journal_mode=WAL",
        "busy_timeout=5000",
        "foreign_keys=ON",
        "synchronous=NORMAL",
    ):
        db.execute(f"PRAGMA {pragma}")  # as the app's engine connects
    insert = (
        f"INSERT INTO inbox_items ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    )
    started = time.perf_counter()
    for page in pages.values():
        db.execute("BEGIN")
        db.executemany(insert, page)
        db.execute("COMMIT")
    insert_s = time.perf_counter() - started
    db.close()
    return fetch_s, insert_s


def copy_database(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()


def measure_ingest(folder: Path, args: argparse.Namespace) -> tuple[dict[str, float], bool]:
    job_runs, fetches, inserts, ok = [], [], [], True
    for run in range(REPEATS):
        where = folder / f"ingest{run}"
        shutil.rmtree(where, ignore_errors=True)
        where.mkdir(parents=True)
        fakes = Fakes(where / "fake.err")
        try:
            profile = Synced(where / "profile", fakes)
            fakes.ask("seed", n=args.ingest)
            copy_database(profile.paths.database, where / "baseline.sqlite3")
            fakes.ask("clear_log")
            profile_it = args.cprofile and run == 0
            gc.collect()
            started = time.perf_counter()
            if profile_it:
                print("cProfile of the sync job (its thread only: not the inbox-fetch thread):")
                result: list[Any] = []
                profiled(lambda p=profile, r=result: r.append(p.sync()), 20)
                first = result[0]
            else:
                first = profile.sync()
            job_runs.append(time.perf_counter() - started)
            log = fakes.ask("log")
            stored = profile.count()
            second = profile.sync().new_items
            fetch_s, insert_s = baseline(
                profile.base_url, log, profile.paths.database, where / "baseline.sqlite3"
            )
            fetches.append(fetch_s)
            inserts.append(insert_s)
            good = first.new_items == stored == args.ingest and second == 0
            ok &= good
            print(
                f"ingest run {run + 1}: job {job_runs[-1]:.2f} s, baseline {fetch_s:.2f} s "
                f"fetching + {insert_s:.2f} s inserting "
                f"({job_runs[-1] / (fetch_s + insert_s):.2f} x); {len(log)} requests; "
                f"stored {stored} "
                f"(job said {first.new_items}), second sync added {second}"
                + ("" if good else "  <-- WRONG")
            )
            profile.close()
        finally:
            fakes.close()
        if not args.keep:
            shutil.rmtree(where, ignore_errors=True)
    totals = [f + i for f, i in zip(fetches, inserts, strict=True)]
    return {
        "job": min(job_runs),
        "baseline": min(totals),
        "fetch": min(fetches),
        "insert": min(inserts),
    }, ok


# --- 3. the GUI thread during the ingest ---------------------------------------------------


#: (perf_counter at its start, ms, event, receiver) of slow GUI events, with --events.
SLOW_EVENTS: list[tuple[float, float, str, str]] | None = None


def app() -> Any:
    from PySide6.QtWidgets import QApplication

    from smmdesk.ui.theme import style_sheet

    existing = QApplication.instance()
    if existing is not None:
        return existing
    slow = SLOW_EVENTS

    class TimedApplication(QApplication):
        """Notes every event that takes over 10 ms (a Python call per event: slower)."""

        def notify(self, receiver: Any, event: Any) -> bool:
            started = time.perf_counter()
            try:
                return super().notify(receiver, event)
            finally:
                ms = (time.perf_counter() - started) * 1000
                if ms > 10 and slow is not None:
                    name = f"{type(receiver).__name__} {receiver.objectName()}".strip()
                    parent = receiver.parent() if hasattr(receiver, "parent") else None
                    if parent is not None:
                        name += f" in {type(parent).__name__}"
                    slow.append((started, ms, event.type().name, name))

    created = (QApplication if slow is None else TimedApplication)(sys.argv[:1])
    created.setStyleSheet(style_sheet())
    return created


def measure_stall(folder: Path, args: argparse.Namespace) -> tuple[dict[str, float], bool]:
    from PySide6.QtCore import QEventLoop, QTimer

    from smmdesk.store.queries import StoreReader
    from smmdesk.sync.coordinator import SyncCoordinator
    from smmdesk.ui.main_window import MainWindow

    where = folder / "stall"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    fakes = Fakes(where / "fake.err")
    try:
        profile = Synced(where / "profile", fakes)
        fakes.ask("seed", n=args.ingest)
        app()
        reader = StoreReader(profile.paths.database)
        window = MainWindow(reader, profile_label="Bench", offer_demo=False)
        window.show()
        wait(0.5)  # first paint
        coordinator = SyncCoordinator(
            profile.store, profile.factory, sync_interval_s=3600, publish_interval_s=3600
        )
        window.attach(profile.store, profile.vault, coordinator)
        window.show_tab(1)
        wait(0.5)
        if window.tabs.currentIndex() != 1:
            raise RuntimeError("the Inbox tab is not showing")
        gc.freeze()  # as smmdesk.app does once the engine has started

        meter = StallMeter(2)
        loop = QEventLoop()
        engine = coordinator.engine
        state = {"kicked": False, "told": False, "done": False}
        marks: dict[str, float] = {}

        def idle() -> None:
            busy = engine.pending_count() or engine.active_titles()
            if state["kicked"] and not busy and "idle" not in marks:
                marks["idle"] = time.perf_counter() - meter.started
            if state["told"] and "idle" in marks and not state["done"]:
                state["done"] = True
                QTimer.singleShot(1000, loop.quit)  # the window's reaction, painted

        def told(_account_id: int) -> None:
            marks["inbox_changed"] = time.perf_counter() - meter.started
            state["told"] = True
            idle()

        def kick() -> None:
            coordinator.sync_all()
            state["kicked"] = True

        engine.activity_changed.connect(idle)
        coordinator.inbox_changed.connect(told)
        QTimer.singleShot(TIMEOUT_S * 1000, loop.quit)
        gui_profile = cProfile.Profile() if args.cprofile else None
        meter.start()
        QTimer.singleShot(0, kick)
        if gui_profile is not None:
            gui_profile.enable()  # this thread only: what the GUI thread spends its time on
        loop.exec()
        busy_s = meter.stop()
        if gui_profile is not None:
            gui_profile.disable()
            print("cProfile of the GUI thread during the sync (stalls inflated by it):")
            pstats.Stats(gui_profile, stream=sys.stdout).sort_stats("tottime").print_stats(25)
        busy = (meter.max_ms(), meter.p99_ms(), meter.worst())
        busy_started = meter.started
        engine.activity_changed.disconnect(idle)

        meter.start()
        wait(busy_s)
        meter.stop()
        idle_max = meter.max_ms()

        stored = profile.count()
        shown = window.inbox_tab.content.model.rowCount()  # type: ignore[union-attr]
        coordinator.stop(5000)
        window.close()
        reader.close()
        profile.close()
        gc.unfreeze()
    finally:
        fakes.close()
    if not args.keep:
        shutil.rmtree(where, ignore_errors=True)
    ok = stored == args.ingest == shown
    print(
        f"stall: {stored} items stored, {shown} in the Inbox tab's list, {busy_s:.1f} s"
        + ("" if ok else "  <-- WRONG")
    )
    print(", ".join(f"{name} at {at:.2f} s" for name, at in marks.items()))
    for started, ms, event, receiver in SLOW_EVENTS or ():
        at = started - busy_started
        if 0 <= at <= busy_s:
            print(f"event {event} to {receiver}: {ms:.0f} ms at {at:.2f} s")
    for at, gap in busy[2]:
        print(f"stall {gap * 1000:.0f} ms at {at:.2f} s")
    return {"max": busy[0], "p99": busy[1], "idle": idle_max, "total": busy_s}, ok


# --- main ----------------------------------------------------------------------------------


def run(args: argparse.Namespace, folder: Path) -> int:
    ok = True
    lines: list[str] = []
    if args.only in (None, "search"):
        db = folder / "search" / "smmdesk.sqlite3"
        if db.exists() and not same_schema(db, folder / "schema"):
            print("the kept profile's schema is not the app's: generating it again")
            shutil.rmtree(db.parent)
        if not db.exists():
            db.parent.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            make_search_profile(db, args.items)
            print(f"profile: {args.items} inbox items in {time.perf_counter() - started:.1f} s")
        found = measure_search(db, args)
        for kind in ("search", "filter"):
            times = found[kind]
            lines.append(f"metric inbox_{kind}_median_ms {statistics.median(times):.1f} ms")
            lines.append(f"metric inbox_{kind}_worst_ms {max(times):.1f} ms")
    if args.only in (None, "ingest"):
        ingest, good = measure_ingest(folder, args)
        ok &= good
        lines.append(
            f"metric inbox_ingest_s {ingest['job']:.2f} s\n"
            f"metric inbox_ingest_baseline_s {ingest['baseline']:.2f} s\n"
            f"metric inbox_ingest_ratio {ingest['job'] / ingest['baseline']:.2f} x"
        )
        print(
            f"ingest best of {REPEATS}: job {ingest['job']:.2f} s; baseline fetching "
            f"{ingest['fetch']:.2f} s, inserting {ingest['insert']:.2f} s"
        )
    if args.only in (None, "stall"):
        stall, good = measure_stall(folder, args)
        ok &= good
        lines.append(
            f"metric inbox_gui_stall_max_ms {stall['max']:.0f} ms\n"
            f"metric inbox_gui_stall_p99_ms {stall['p99']:.1f} ms\n"
            f"metric inbox_gui_idle_stall_max_ms {stall['idle']:.0f} ms"
        )
    print("\n".join(lines))
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000, help="items to search (100,000)")
    parser.add_argument("--ingest", type=int, default=10_000, help="items to sync (10,000)")
    parser.add_argument("--only", choices=("search", "ingest", "stall"))
    parser.add_argument("--explain", action="store_true", help="plans of the slowest changes")
    parser.add_argument("--cprofile", action="store_true", help="profile the slowest parts")
    parser.add_argument("--events", action="store_true", help="GUI events over 10 ms (stall)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep it")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        FakeHost().serve()
        return 0
    if args.events:
        global SLOW_EVENTS
        SLOW_EVENTS = []
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args, args.keep.resolve())
    with tempfile.TemporaryDirectory(prefix="smmdesk-bench-inbox-") as scratch:
        return run(args, Path(scratch))


if __name__ == "__main__":
    threading.current_thread().name = "gui"
    sys.exit(main())
