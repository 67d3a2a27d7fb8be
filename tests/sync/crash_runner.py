"""The app's publishing engine in a process of its own, for the crash test to kill.

    python -m tests.sync.crash_runner --profile DIR --keyring FILE \\
        --base-url mastodon=http://127.0.0.1:PORT [--tick-ms 20] [--exit-when-done] \\
        [--wait-for-go]

It wires the engine the way ``smmdesk.app`` does (``open_store`` on the
profile, a ``Vault``, a ``ConnectorFactory``, a ``SyncCoordinator``) without
a window, points the networks at the fakes, starts the coordinator and calls
``publish_due`` on a fast timer (the app's own timer ticks every 30 s; a kill
test cannot wait that long). It prints ``ready`` once the coordinator has
started, so the test can time its SIGKILL from there, and with
``--exit-when-done`` it exits 0 once no target is left to publish (``done``
and the counts of target states on stdout). With ``--wait-for-go`` it
imports everything, prints ``warm`` and waits for a line on stdin before it
opens the profile: the test starts the next run while the current one is
still publishing, so the kills come about as fast as the random delays say.

The vault sits on ``tests.fakes.file_keyring.FileKeyring``: a plaintext JSON
file in the test's temporary folder, so the token survives the kills. That
backend is for tests only and lives under ``tests/``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smmdesk.store.database import Store

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", required=True, type=Path)
    parser.add_argument("--keyring", required=True, type=Path)
    parser.add_argument(
        "--base-url",
        action="append",
        default=[],
        metavar="NETWORK=URL",
        help="point a network at a fake server (repeatable)",
    )
    parser.add_argument("--tick-ms", type=int, default=20, help="publish_due interval")
    parser.add_argument("--exit-when-done", action="store_true")
    parser.add_argument(
        "--wait-for-go",
        action="store_true",
        help="import everything, print 'warm', and touch the profile only after a line on stdin",
    )
    parser.add_argument("--log", type=Path, help="append the engine's log here")
    return parser.parse_args(argv)


def target_states(store: Store) -> Counter[str]:
    from sqlalchemy import func, select

    from smmdesk.store.models import PostTarget

    with store.session() as session:
        rows = session.execute(
            select(PostTarget.status, func.count(PostTarget.id)).group_by(PostTarget.status)
        )
        return Counter({str(status): int(count) for status, count in rows})


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.log:
        logging.basicConfig(
            filename=args.log,
            level=logging.INFO,
            format=f"%(asctime)s pid={os.getpid()} %(threadName)s %(name)s: %(message)s",
        )

    from PySide6.QtCore import QCoreApplication, QTimer

    from smmdesk.paths import custom_profile
    from smmdesk.platforms import connector_class
    from smmdesk.store.database import open_store
    from smmdesk.sync.connectors import ConnectorFactory
    from smmdesk.sync.coordinator import SyncCoordinator
    from smmdesk.vault import Vault
    from tests.fakes.file_keyring import FileKeyring

    base_urls = dict(item.split("=", 1) for item in args.base_url)
    for network in base_urls:
        connector_class(network)  # import the connector now, not in the first job
    if "vk" in base_urls:  # the VK fake has no per-second limit: pacing would only stretch runs
        from smmdesk.platforms.vk_api import VkApi

        VkApi.user_interval = VkApi.group_interval = 0.0
    if args.wait_for_go:
        # The test starts the next process while it lets this one's predecessor
        # run, so that the kills are not spaced by Python's start-up time.
        print("warm", flush=True)
        if not sys.stdin.readline():
            return 0  # the test ended first
    app = QCoreApplication(sys.argv[:1])
    paths = custom_profile(args.profile).ensure()
    store = open_store(paths.database, paths.backups)
    vault = Vault(FileKeyring(args.keyring))
    factory = ConnectorFactory(paths, vault, base_urls=base_urls)
    coordinator = SyncCoordinator(
        store, factory, sync_interval_s=3600, publish_interval_s=1, parent=app
    )
    coordinator.start()

    tick = QTimer(app)
    tick.setInterval(max(1, args.tick_ms))
    tick.timeout.connect(coordinator.publish_due)
    tick.start()

    if args.exit_when_done:
        check = QTimer(app)
        check.setInterval(100)

        def finish_if_done() -> None:
            states = target_states(store)
            if states["pending"] or states["sending"]:
                return
            check.stop()
            tick.stop()
            coordinator.stop(5000)
            counts = " ".join(f"{name}={count}" for name, count in sorted(states.items()))
            print(f"done {counts}", flush=True)
            app.exit(0)

        check.timeout.connect(finish_if_done)
        check.start()

    print("ready", flush=True)
    code = int(app.exec())
    store.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
