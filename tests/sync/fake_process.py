"""The Mastodon fake in a process of its own, tuned for the crash test.

    python -m tests.sync.fake_process --state FILE --token me:TOKEN \\
        [--post-delay 0.02,0.1] [--ignore-idempotency] [--seed N]

Prints its base URL on the first line of stdout and keeps its state in FILE
(written atomically after every change, by ``MastodonFake``), so it outlives
the app process the test keeps killing and the test reads the counts from
FILE at the end. Two knobs on top of ``tests.fakes.mastodon_fake``:

* ``--post-delay LO,HI``: every ``POST /api/v1/statuses`` that created a
  status is answered only after a random LO..HI seconds. The status is stored
  (and saved) first, so a kill in that window leaves the app with an attempt
  ``sending`` for a post that *is* on the network: the case invariant 2 is
  about.
* ``--ignore-idempotency``: the server forgets every ``Idempotency-Key``, as
  a server would after its hour (or one that never kept it). Then only the
  engine's ``find_published`` stands between a crash and a double post.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from pathlib import Path

from tests.fakes.http_fake import Reply, Request
from tests.fakes.mastodon_fake import MastodonFake, serve_until_signalled


class CrashTestMastodon(MastodonFake):
    def __init__(
        self,
        state_file: Path,
        post_delay: tuple[float, float] = (0.0, 0.0),
        ignore_idempotency: bool = False,
        seed: int = 0,
    ) -> None:
        super().__init__(0, state_file)
        self.post_delay = post_delay
        self.ignore_idempotency = ignore_idempotency
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()

    def _post_status(self, request: Request) -> Reply:
        key = request.headers.get("idempotency-key", "")
        if self.ignore_idempotency and key:
            account = self._auth(request)
            self.s["idempotency"].pop(f"{account}:{key}", None)
        return super()._post_status(request)

    def handle(self, request: Request) -> Reply:
        reply = super().handle(request)  # stores and saves the state under the lock
        if (
            request.method == "POST"
            and request.path == "/api/v1/statuses"
            and reply.status == 200
            and self.post_delay[1] > 0
        ):
            with self._rng_lock:
                delay = self._rng.uniform(*self.post_delay)
            time.sleep(delay)  # outside the lock: other requests go on meanwhile
        return reply


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", required=True, type=Path)
    parser.add_argument("--token", action="append", default=[], help="username:token")
    parser.add_argument("--post-delay", default="0,0", help="LO,HI seconds")
    parser.add_argument("--ignore-idempotency", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--network", default="mastodon", choices=["mastodon", "vk", "instagram", "facebook"]
    )
    args = parser.parse_args(argv)
    low, high = (float(x) for x in args.post_delay.split(","))
    if args.network == "facebook":  # no key on the wire: find_published alone guards it
        from tests.fakes.graph_fake import crash_fake as facebook_fake

        return facebook_fake(args.state, args.token, (low, high), args.seed)
    if args.network == "instagram":  # no key on the wire: find_published alone guards it
        from tests.fakes.instagram_fake import crash_fake as instagram_fake

        return instagram_fake(args.state, args.token, (low, high), args.seed)
    if args.network == "vk":  # VK's guid plays the Idempotency-Key's part
        from tests.fakes.vk_fake import crash_fake

        return crash_fake(args.state, args.token, (low, high), args.ignore_idempotency, args.seed)
    fake = CrashTestMastodon(args.state, (low, high), args.ignore_idempotency, args.seed)
    return serve_until_signalled(fake, args.token)


if __name__ == "__main__":
    sys.exit(main())
