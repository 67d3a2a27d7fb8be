"""Invariant 3: a process killed while typing loses at most the last second.

A child process types into the composer without pausing; it is killed with
SIGKILL; the profile is reopened and the saved text must hold everything
typed until about a second before the kill.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from smmdesk.store.database import open_store
from smmdesk.store.models import Post

CHILD = Path(__file__).with_name("typing_child.py")
ALLOWED_LOSS_S = 1.0
SCHEDULING_SLACK_S = 0.4  # a loaded CI machine delays timers a little


def test_killed_while_typing_keeps_all_but_the_last_second(profile, store, client_id):
    store.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(profile.root), str(client_id)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    typed: list[tuple[float, int]] = []
    post_id = None
    started = time.monotonic()
    try:
        for line in child.stdout:
            if line.startswith("post "):
                post_id = int(line.split()[1])
            elif line.startswith("typed "):
                typed.append((time.monotonic(), int(line.split()[1])))
            if typed and typed[-1][0] - typed[0][0] > 3.0:
                break
            assert time.monotonic() - started < 60, "the child never typed"
        killed_at = time.monotonic()
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert post_id is not None

    reopened = open_store(profile.database, profile.backups)
    with reopened.session() as session:
        saved = session.get(Post, post_id).body
    reopened.close()
    deadline = killed_at - ALLOWED_LOSS_S - SCHEDULING_SLACK_S
    must_have = max((n for at, n in typed if at <= deadline), default=0)
    assert must_have > 0
    assert len(saved) >= must_have, f"saved {len(saved)} chars, typed {must_have} by then"
    assert saved == ("Kafija ar kardamonu. " * 100)[: len(saved)]
