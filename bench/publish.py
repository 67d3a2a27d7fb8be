"""Publishing benchmark: how long the GUI thread stalls while 10 accounts publish and sync.

    python bench/publish.py [--posts N] [--inbox N] [--tick-ms N] [--keep DIR]

The networks are the test fakes (``tests/fakes``: Telegram, Mastodon and
Bluesky), run on 127.0.0.1 in a child process of this script (``--serve``),
so that their request handling neither shares this process's GIL nor shows
up as a stall that the real, remote servers would never cause. The profile
has 4 clients and 10 accounts (4 Mastodon, 3 Telegram, 3 Bluesky), connected
through the real ``ConnectAccountJob`` and synced once while their inboxes
are empty (so each has its cursor, as in daily use). Then each account gets
``--inbox`` new comments or mentions waiting on its fake (200) and ``--posts``
posts due a minute ago (20, every fourth with an image of about 50 kB).

The real ``MainWindow`` (offscreen, 1280x820, the app's style sheet, built
as ``smmdesk.app`` builds it: paint from ``StoreReader`` first, then
``attach`` the store, vault and ``SyncCoordinator``) is on screen. A
``QTimer`` ticking every ``--tick-ms`` ms (2) on the GUI thread records the
gap between its ticks while the coordinator publishes every due post and
syncs every account (``publish_due()`` and ``sync_all()``, as its timers
would call them) until the job engine is idle; then the same timer runs for
the same length of time with nothing to do, as the noise floor of this
machine. Prints:

    metric publish_gui_stall_max_ms <n> ms        longest gap between ticks: the target
    metric publish_gui_stall_p99_ms <n> ms
    metric publish_total_s <n.n> s                 from the kick-off to an idle engine
    metric publish_gui_idle_stall_max_ms <n> ms    the same timer, idle, as long

and, before them, what was published and synced, checked against the fakes
(every post once, every inbox item stored), and the five longest stalls with
their time after the kick-off.

Target: publish_gui_stall_max_ms <= 50 ms.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import signal
import struct
import sys
import tempfile
import threading
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))  # tests.fakes

from bench.fake_child import FakeChild  # noqa: E402
from bench.gui_stall import StallMeter, wait  # noqa: E402

NETWORKS = (("mastodon", 4), ("telegram", 3), ("bluesky", 3))
CLIENTS = (
    ("Kafija Rīga", "Europe/Riga"),
    ("Addis Bloom", "Africa/Addis_Ababa"),
    ("Nordlys Studio", "Europe/Oslo"),
    ("Lisbon Surf", "Europe/Lisbon"),
)
BLUESKY_PASSWORD = "bench-pass-0000"
AUDIENCE = ("ann", "bob", "cai", "dee", "eli")
TIMEOUT_S = 300


# --- the fakes, in a child process -------------------------------------------------------


class FakeHost:
    """The three fakes and what the benchmark asks of them, one JSON line at a time."""

    def __init__(self) -> None:
        from tests.fakes.bluesky_fake import BlueskyFake
        from tests.fakes.mastodon_fake import MastodonFake
        from tests.fakes.telegram_fake import TelegramFake

        self.mastodon = MastodonFake()
        self.telegram = TelegramFake()
        self.bluesky = BlueskyFake()
        for fake in (self.mastodon, self.telegram, self.bluesky):
            fake.start()
        self.accounts: list[dict[str, Any]] = []
        self.telegram_worlds: list[Any] = []

    def setup(self) -> dict[str, Any]:
        from tests.fakes.telegram_fake import standard_world

        counts = dict(NETWORKS)
        people = [self.mastodon.add_account(n, domain="example.social") for n in AUDIENCE]
        self.mastodon_people = people
        self.bluesky_people = [self.bluesky.add_account(f"{n}.test", "x") for n in AUDIENCE]
        for n in range(counts["mastodon"]):
            account = self.mastodon.add_account(f"brand{n}", display_name=f"Brand {n}")
            token = self.mastodon.add_token(account, f"token-brand{n}")
            secret = {"access_token": token}
            self.accounts.append({"platform": "mastodon", "secret": secret, "id": account})
        for n in range(counts["telegram"]):
            world = standard_world(self.telegram, f"{700 + n}:AAEbench{n}xyzSECRETxyzSECRETxyz")
            secret = {"token": world.bot.token, "channel": f"@{world.channel.username}"}
            self.accounts.append({"platform": "telegram", "secret": secret, "id": n})
            self.telegram_worlds.append(world)
        for n in range(counts["bluesky"]):
            did = self.bluesky.add_account(f"brand{n}.test", BLUESKY_PASSWORD, f"Brand {n}")
            secret = {"identifier": f"brand{n}.test", "app_password": BLUESKY_PASSWORD}
            self.accounts.append({"platform": "bluesky", "secret": secret, "id": did})
        urls = {
            "mastodon": self.mastodon.base_url,
            "telegram": self.telegram.base_url,
            "bluesky": self.bluesky.base_url,
        }
        return {"urls": urls, "accounts": self.accounts}

    def seed_inbox(self, per_account: int) -> dict[str, Any]:
        """New comments and mentions for every account, as if the audience had been busy."""
        rng = random.Random(5)
        words = ("love", "the", "new", "menu", "when", "do", "you", "open", "vegan", "price")
        for account in self.accounts:
            platform, key = account["platform"], account["id"]
            if platform == "telegram":
                world = self.telegram_worlds[key]
                post = self.telegram.post_as_admin(world.channel, "Ask us anything today!")
                forward = self.telegram.forward_of(world.channel, post["message_id"])
            for n in range(per_account):
                text = " ".join(rng.choices(words, k=rng.randint(3, 12))) + f" ({n})"
                who = n % len(AUDIENCE)
                if platform == "mastodon":
                    handle = self.mastodon.s["accounts"][key]["acct"]
                    self.mastodon.post_as(self.mastodon_people[who], f"@{handle} {text}")
                elif platform == "telegram":
                    self.telegram.comment(
                        world.group, text, forward, 100 + who, AUDIENCE[who].title(), AUDIENCE[who]
                    )
                else:
                    self.bluesky.post_as(self.bluesky_people[who], text, mention=key)
        return {"ok": True}

    def report(self) -> dict[str, Any]:
        """Posts each of our accounts has on its network, by text."""
        texts: dict[str, int] = {}

        def count(text: str) -> None:
            texts[text] = texts.get(text, 0) + 1

        with self.mastodon.lock:
            ours = {a["id"] for a in self.accounts if a["platform"] == "mastodon"}
            for status in self.mastodon.s["statuses"].values():
                if status["account"] in ours and not status["deleted"]:
                    count(status["text"])
        with self.telegram.lock:
            for world in self.telegram_worlds:
                for message in world.channel.messages.values():
                    text = message.get("text") or message.get("caption") or ""
                    if text and text != "Ask us anything today!":
                        count(text)
        with self.bluesky.lock:
            ours = {a["id"] for a in self.accounts if a["platform"] == "bluesky"}
            for record in self.bluesky.records.values():
                if record.repo in ours and record.uri.split("/")[3] == "app.bsky.feed.post":
                    count(record.value.get("text", ""))
        return {"texts": texts}

    def serve(self) -> None:
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            request = json.loads(line)
            command = request.pop("cmd")
            if command == "quit":
                break
            answer = getattr(self, command)(**request)
            print(json.dumps(answer), flush=True)
        for fake in (self.mastodon, self.telegram, self.bluesky):
            fake.stop()


class Fakes(FakeChild):
    """The child process that runs this benchmark's fakes."""

    def __init__(self, errors: Path) -> None:
        super().__init__(__file__, errors)


# --- the profile ----------------------------------------------------------------------------


def noisy_png(path: Path, seed: int, size: int = 128) -> Path:
    """A PNG of about 50 kB that does not compress away (random pixels)."""
    rng = random.Random(seed)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + rng.randbytes(size * 3) for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    png = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + png)
    return path


def build_profile(folder: Path, fakes: Fakes, posts: int, inbox: int) -> tuple[Any, ...]:
    """Connect the accounts, sync their empty inboxes, then fill inboxes and the queue."""
    from smmdesk.core.client_rules import ClientSettings
    from smmdesk.core.vocabulary import PostStatus
    from smmdesk.memory_keyring import MemoryKeyring
    from smmdesk.paths import custom_profile
    from smmdesk.store.clients import save_client
    from smmdesk.store.database import open_store
    from smmdesk.store.models import Post, PostMedia, PostTarget
    from smmdesk.store.posts import store_media
    from smmdesk.sync.account_jobs import ConnectAccountJob, SyncAccountJob
    from smmdesk.sync.connectors import ConnectorFactory
    from smmdesk.sync.jobs import JobContext
    from smmdesk.vault import Vault

    world = fakes.ask("setup")
    paths = custom_profile(folder).ensure()
    store = open_store(paths.database, paths.backups)
    vault = Vault(MemoryKeyring())
    factory = ConnectorFactory(paths, vault, base_urls=world["urls"])
    with store.transaction() as session:
        clients = [
            save_client(session, ClientSettings(name=name, timezone=tz)) for name, tz in CLIENTS
        ]
    account_ids = []
    for n, account in enumerate(world["accounts"]):
        platform = account["platform"]
        instance = world["urls"][platform] if platform == "mastodon" else ""
        job = ConnectAccountJob(
            store, vault, factory, clients[n % len(clients)], platform, account["secret"], instance
        )
        account_id = job.run(JobContext(n)).account_id
        SyncAccountJob(store, factory, account_id).run(JobContext(n))
        account_ids.append((account_id, clients[n % len(clients)], platform))
    fakes.ask("seed_inbox", per_account=inbox)

    images = [noisy_png(folder / f"photo{n}.png", n) for n in range(5)]
    due = datetime.now(UTC) - timedelta(minutes=1)
    with store.transaction() as session:
        media = [store_media(session, paths.media, image) for image in images]
        for account_id, client_id, platform in account_ids:
            for n in range(posts):
                post = Post(
                    client_id=client_id,
                    body=f"{platform} account {account_id}, post {n}: fresh bread at 8, "
                    "cinnamon buns at 10. #bakery",
                    status=PostStatus.SCHEDULED,
                    scheduled_at=due + timedelta(seconds=n),
                )
                post.targets.append(PostTarget(account_id=account_id))
                if n % 4 == 1:
                    post.media.append(PostMedia(media_id=media[n % len(media)], position=0))
                session.add(post)
    return paths, store, vault, factory


# --- the measurement ---------------------------------------------------------------------------


def run(args: argparse.Namespace, folder: Path) -> int:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    fakes = Fakes(folder / "fakes.err")
    try:
        started = time.perf_counter()
        paths, store, vault, factory = build_profile(
            folder / "profile", fakes, args.posts, args.inbox
        )
        print(
            f"profile: 10 accounts, {10 * args.posts} due posts, {10 * args.inbox} inbox items "
            f"waiting; ready in {time.perf_counter() - started:.1f} s"
        )

        from smmdesk.store.queries import StoreReader
        from smmdesk.sync.coordinator import SyncCoordinator
        from smmdesk.ui.main_window import MainWindow
        from smmdesk.ui.theme import style_sheet

        app = QApplication(sys.argv[:1])
        app.setStyleSheet(style_sheet())
        reader = StoreReader(paths.database)
        window = MainWindow(reader, profile_label="Bench", offer_demo=False)
        window.show()
        wait(0.5)  # first paint
        coordinator = SyncCoordinator(store, factory, sync_interval_s=3600, publish_interval_s=3600)
        window.attach(store, vault, coordinator)
        wait(0.5)
        gc.freeze()  # as smmdesk.app does once the engine has started

        meter = StallMeter(args.tick_ms)
        loop = QEventLoop()
        engine = coordinator.engine
        kicked = [False]

        def idle() -> None:
            if kicked[0] and engine.pending_count() == 0 and not engine.active_titles():
                loop.quit()

        def kick() -> None:
            # Two events, as the coordinator's own timers would deliver them.
            coordinator.publish_due()
            QTimer.singleShot(0, coordinator.sync_all)
            kicked[0] = True
            idle()

        engine.activity_changed.connect(idle)
        QTimer.singleShot(TIMEOUT_S * 1000, loop.quit)
        meter.start()
        QTimer.singleShot(0, kick)
        loop.exec()
        busy_s = meter.stop()
        busy = (meter.max_ms(), meter.p99_ms(), meter.worst())
        engine.activity_changed.disconnect(idle)

        meter.start()
        wait(busy_s)
        meter.stop()
        idle_max = meter.max_ms()

        ok = check(store, fakes, args)
        coordinator.stop(5000)
        window.close()
        reader.close()
        store.close()
    finally:
        fakes.close()

    for at, gap in busy[2]:
        print(f"stall {gap * 1000:.0f} ms at {at:.2f} s")
    print(f"metric publish_gui_stall_max_ms {busy[0]:.0f} ms")
    print(f"metric publish_gui_stall_p99_ms {busy[1]:.1f} ms")
    print(f"metric publish_total_s {busy_s:.1f} s")
    print(f"metric publish_gui_idle_stall_max_ms {idle_max:.0f} ms")
    return 0 if ok else 1


def check(store: Any, fakes: Fakes, args: argparse.Namespace) -> bool:
    """Everything published once and every inbox item stored, or say what is missing."""
    from collections import Counter

    from sqlalchemy import func, select

    from smmdesk.store.models import InboxItem, Post, PostTarget

    with store.session() as session:
        targets = Counter(s for (s,) in session.execute(select(PostTarget.status)))
        items = session.scalar(select(func.count(InboxItem.id))) or 0
        bodies = set(session.scalars(select(Post.body)))
        errors = Counter(
            e for (e,) in session.execute(select(PostTarget.error).where(PostTarget.error != ""))
        )
    on_network = fakes.ask("report")["texts"]
    twice = {t: n for t, n in on_network.items() if n > 1}
    missing = bodies - set(on_network)
    print(
        f"targets: {dict(targets)}; on the networks: {sum(on_network.values())} posts, "
        f"{len(twice)} twice, {len(missing)} missing; inbox items stored: {items}"
    )
    for error, count in errors.most_common(3):
        print(f"  {count} x {error}")
    expected_items = 10 * args.inbox
    return not twice and not missing and items >= expected_items


def main() -> int:
    parser = argparse.ArgumentParser(description="SMM Desk publishing benchmark")
    parser.add_argument("--posts", type=int, default=20, help="due posts per account (20)")
    parser.add_argument("--inbox", type=int, default=200, help="new inbox items per account")
    parser.add_argument("--tick-ms", type=int, default=2, help="the GUI timer's interval")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build the profile in DIR")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        FakeHost().serve()
        return 0
    if args.keep:
        if args.keep.exists():
            shutil.rmtree(args.keep)
        args.keep.mkdir(parents=True)
        return run(args, args.keep.resolve())
    with tempfile.TemporaryDirectory(prefix="smmdesk-bench-publish-") as scratch:
        return run(args, Path(scratch))


if __name__ == "__main__":
    threading.current_thread().name = "gui"
    sys.exit(main())
