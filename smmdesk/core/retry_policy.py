"""When to try a failed request again, and when to stop and say so.

Plain rules, no clock and no randomness of their own (both are passed in) so
they can be tested exactly. Networks that name a wait (a 429 with
``retry_after`` or a reset time) are obeyed to the second; everything else
(a timeout, a 5xx, an unreadable answer) backs off exponentially with jitter,
so that ten accounts coming back online do not hit a network in lock-step.
"""

from __future__ import annotations

import os
import random
import time

#: First wait after a transient failure, and the longest wait between tries.
BACKOFF_BASE_SECONDS = 30.0
BACKOFF_CEILING_SECONDS = 30 * 60.0
#: Spread of each wait, as a share of it (0.2 = ±20 %).
BACKOFF_JITTER = 0.2
#: After this many transient failures in a row a post is marked failed and
#: the user is told; with the ceiling above that is about three hours.
MAX_TRANSIENT_ATTEMPTS = 10


def backoff_seconds(attempt: int, rng: random.Random | None = None) -> float:
    """Wait before try number ``attempt + 1``; ``attempt`` counts failures so far (≥1)."""
    rng = rng or random.Random()
    exponent = max(0, attempt - 1)
    delay = min(BACKOFF_CEILING_SECONDS, BACKOFF_BASE_SECONDS * (2.0**exponent))
    return max(1.0, delay * (1.0 + rng.uniform(-BACKOFF_JITTER, BACKOFF_JITTER)))


def gives_up(attempt: int) -> bool:
    """True when ``attempt`` transient failures are enough to stop retrying."""
    return attempt >= MAX_TRANSIENT_ATTEMPTS


def new_idempotency_key(now: float | None = None) -> str:
    """A UUIDv7 as 32 hex digits: unique, and its first 12 digits are the Unix ms.

    Connectors rely on the time part: Bluesky derives a record key from it,
    Mastodon and Telegram look only at posts made after it.
    """
    ms = int((time.time() if now is None else now) * 1000) & ((1 << 48) - 1)
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms << 80) | (0x7 << 76) | (((rand >> 62) & 0xFFF) << 64)
    value |= (0b10 << 62) | (rand & ((1 << 62) - 1))
    return f"{value:032x}"


def key_time_ms(key: str) -> int | None:
    """The Unix ms a UUIDv7 key was made at; None for a key of another kind."""
    if len(key) != 32 or key[12] != "7":
        return None
    try:
        return int(key[:12], 16)
    except ValueError:
        return None
