"""What the status bar shows, as a plain value (no Qt, no SQL: cheap to import)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows."""

    online: bool
    running: int  # jobs running now
    waiting: int  # jobs held back until the network is back
    accounts_with_errors: int
    last_sync: datetime | None
    current_titles: tuple[str, ...] = ()
    failed_posts: int = 0  # targets failed for good or missed: the user must decide
