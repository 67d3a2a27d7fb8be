"""The posts of the shown range: read in one query, judged, and let go late.

``read`` makes one range query through the sqlite3 reader, and
``analyse_entries`` (calendar_data.py) turns the rows into each local day's
posts and the posting guard's warnings; the tab adds each day's note.

A month is some ten thousand small objects. While they are made the cyclic
garbage collector is paused (it would walk them again and again to find
nothing), and the previous range's objects are kept until the new one is
painted: ``replacing`` settles both as soon as the event loop is idle, so
the new month appears first.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime

from PySide6.QtCore import QTimer

from smmdesk.store.calendar_queries import ClientPlan, PlanEntry, plan_entries, post_statuses
from smmdesk.store.queries import StoreReader
from smmdesk.ui.calendar.calendar_data import (
    CalendarFilter,
    DayNote,
    DayPosts,
    GcPause,
    GuardMemo,
    analyse_entries,
)


class RangePosts:
    """The shown days, their posts (filtered, by local day), the guard's warnings,
    the posts those are about, and the days' notes."""

    def __init__(self, reader: StoreReader) -> None:
        self.reader = reader
        self.days: list[date] = []
        self.entries: list[PlanEntry] = []  # every post of the range, before the filter
        self.posts: dict[date, DayPosts] = {}
        self.warnings: dict[date, list[str]] = {}
        self.flagged: set[int] = set()
        self.notes: dict[date, DayNote] = {}
        self._guard_memo = GuardMemo()
        self._gc = GcPause()
        self._leftovers: object = None
        self._settle_pending = False
        self._status_filtered = False

    @contextmanager
    def replacing(self) -> Iterator[None]:
        """Around reading a new range and handing it to the views: the collector
        waits, and the previous range is kept, until the event loop is idle."""
        self._settle()
        self._gc.pause()
        try:
            self._leftovers = (self.entries, self.posts, self.warnings, self.notes)
            yield
        finally:
            self._settle_later()

    def read(
        self,
        days: list[date],
        bounds: tuple[datetime, datetime],
        client_id: int | None,
        flt: CalendarFilter,
        plans: Mapping[int, ClientPlan],
        account_label: Callable[[int], str],
        with_text: bool,
    ) -> None:
        """The posts between the UTC ``bounds`` (of ``client_id``, or everyone's),
        judged by the posting guard of ``plans`` (none: no warnings)."""
        self.days = days
        self._status_filtered = flt.status is not None
        start, end = bounds
        entries = plan_entries(self.reader, start, end, client_id, with_text=with_text)
        self.entries = entries
        self.posts, self.warnings, self.flagged = analyse_entries(
            entries,
            flt,
            plans,
            self._guard_memo,
            account_label,
            mixed_zones=client_id is None,
        )

    def update_statuses(self) -> bool | None:
        """Re-read only the statuses of the range's posts: what the engine changes.

        True if some changed (the views must be told), False if none did, None
        if that is not enough (a post is gone, or the filter is on statuses,
        so which posts show may change): then the range is read again.
        """
        if not self.entries:
            return False
        statuses = post_statuses(self.reader, (e.id for e in self.entries))
        if len(statuses) != len(self.entries):
            return None
        changed = {e.id for e in self.entries if statuses[e.id] != e.status}
        if not changed:
            return False
        if self._status_filtered:
            return None
        self.entries = [
            e._replace(status=statuses[e.id]) if e.id in changed else e for e in self.entries
        ]
        for day, pairs in self.posts.items():
            if any(entry.id in changed for _when, entry in pairs):
                self.posts[day] = [
                    (when, entry._replace(status=statuses[entry.id]))
                    if entry.id in changed
                    else (when, entry)
                    for when, entry in pairs
                ]
        return True

    def _settle_later(self) -> None:
        if self._settle_pending:
            return
        self._settle_pending = True
        posts, pause = weakref.ref(self), self._gc

        def settle() -> None:  # not bound to the tab: runs even if it is gone
            alive = posts()
            if alive is not None:
                alive._settle()
            pause.resume()

        QTimer.singleShot(0, settle)

    def _settle(self) -> None:
        """Free the previous range and let the garbage collector run again."""
        self._settle_pending = False
        self._leftovers = None
        self._gc.resume()

    def shown(self) -> list[tuple[datetime, PlanEntry]]:
        """The (local time, post) pairs of the shown days, after the filter, in order."""
        return [pair for day in self.days for pair in self.posts.get(day, ())]

    def entry(self, post_id: int) -> PlanEntry | None:
        """A post of the range by id, filtered out or not."""
        return next((e for e in self.entries if e.id == post_id), None)

    def note_on(self, day: date) -> DayNote:
        return self.notes.get(day, DayNote())
