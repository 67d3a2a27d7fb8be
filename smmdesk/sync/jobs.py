"""The one typed API for background work.

A ``Job`` does its work in ``run(ctx)`` on a thread of a ``QThreadPool``. It
reports progress through its context, checks ``ctx.cancelled`` between steps,
and ends in exactly one of success (its return value) or failure (a
``JobFailure``), both delivered on the GUI thread by a queued signal carrying
the job id and small values, never ORM objects.

Jobs that share a ``serial_key`` (one per account: jobs that write for one
account) run one at a time in submission order; jobs with different keys run
in parallel. Jobs that need the network wait while the app is offline and
start when it is back. Patterned on Anki's QueryOp and Vorta's per-repository
job queues.
"""

from __future__ import annotations

import itertools
import logging
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from smmdesk.logs import redact
from smmdesk.platforms.base import (
    AuthError,
    ConnectorError,
    NetworkUnreachable,
    RateLimited,
    TransientError,
)
from smmdesk.vault import SecretMissing, VaultUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")


class JobCancelled(Exception):
    """Raised by ``JobContext.check_cancelled``; ends the job as a failure."""


@dataclass(frozen=True)
class JobFailure:
    """Why a job failed, in a form the GUI can show and act on."""

    kind: str  # "cancelled", "auth", "rate_limited", "offline", "transient", "vault", "error"
    message: str
    retry_after: float | None = None

    @classmethod
    def from_exception(cls, exc: BaseException) -> JobFailure:
        message = redact(str(exc)) or type(exc).__name__
        if isinstance(exc, JobCancelled):
            return cls("cancelled", "Cancelled")
        if isinstance(exc, RateLimited):
            return cls("rate_limited", message, exc.retry_after)
        if isinstance(exc, AuthError):
            return cls("auth", message)
        if isinstance(exc, NetworkUnreachable):
            return cls("offline", message)
        if isinstance(exc, TransientError):
            return cls("transient", message)
        if isinstance(exc, ConnectorError):
            return cls("error", message)
        if isinstance(exc, VaultUnavailable | SecretMissing):
            return cls("vault", message)
        return cls("error", f"Unexpected error: {message}")


_EXPECTED = (JobCancelled, ConnectorError, VaultUnavailable, SecretMissing)


class JobContext:
    """What a running job may touch: its cancel flag and its progress."""

    def __init__(
        self, job_id: int, on_progress: Callable[[int, int, int, str], None] | None = None
    ) -> None:
        self.job_id = job_id
        self._on_progress = on_progress
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise JobCancelled()

    def progress(self, done: int, total: int, text: str = "") -> None:
        """Report progress; ``total`` 0 means "unknown" (a busy indicator)."""
        if self._on_progress is not None:
            self._on_progress(self.job_id, done, total, text)


class Job(ABC, Generic[T]):
    """Subclass and implement ``run``. Attributes say how the job is scheduled."""

    #: Shown in the status bar while the job runs.
    title: str = "Working"
    #: Jobs with the same key run one at a time (use the account id).
    serial_key: Hashable | None = None
    #: Held back while offline.
    needs_network: bool = False
    #: Bookkeeping the user need not see (not named in the status bar).
    quiet: bool = False

    @abstractmethod
    def run(self, ctx: JobContext) -> T:
        """Do the work off the GUI thread; return a small value or raise."""


OnSuccess = Callable[[Any], None]
OnFailure = Callable[[JobFailure], None]


@dataclass
class _Entry:
    job_id: int
    job: Job[Any]
    ctx: JobContext
    on_success: OnSuccess | None
    on_failure: OnFailure | None


class _Runnable(QRunnable):
    def __init__(self, entry: _Entry, engine: JobEngine) -> None:
        super().__init__()
        self._entry: _Entry | None = entry
        self._engine = engine
        self.setAutoDelete(True)

    def run(self) -> None:
        # Keep only what the work needs: the entry holds the GUI's callbacks,
        # and if this thread dropped the last reference to them, a dialog they
        # capture would be destroyed here, off the GUI thread (a crash).
        entry, self._entry = self._entry, None
        assert entry is not None
        job_id, job, ctx = entry.job_id, entry.job, entry.ctx
        del entry
        try:
            ctx.check_cancelled()
            result = job.run(ctx)
        except BaseException as exc:
            if not isinstance(exc, _EXPECTED):
                log.exception("job %s (%s) failed", job_id, job.title)
            self._engine._finished.emit(job_id, False, JobFailure.from_exception(exc))
        else:
            self._engine._finished.emit(job_id, True, result)


class JobEngine(QObject):
    """Runs jobs on a thread pool and delivers their outcome on the GUI thread."""

    succeeded = Signal(int, object)  # job id, result
    failed = Signal(int, object)  # job id, JobFailure
    progress = Signal(int, int, int, str)  # job id, done, total, text
    activity_changed = Signal()  # the set of running or waiting jobs changed

    _finished = Signal(int, bool, object)
    _progress = Signal(int, int, int, str)

    def __init__(self, max_threads: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self._entries: dict[int, _Entry] = {}
        self._running: set[int] = set()
        self._busy_keys: set[Hashable] = set()
        self._queued: dict[Hashable, deque[int]] = {}
        self._waiting_for_network: list[int] = []
        self._online = True
        self._closing = False
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._progress.connect(self.progress, Qt.ConnectionType.QueuedConnection)

    # --- public API -----------------------------------------------------------

    def submit(
        self,
        job: Job[Any],
        on_success: OnSuccess | None = None,
        on_failure: OnFailure | None = None,
    ) -> int:
        """Queue a job; returns its id. Callbacks run on the GUI thread."""
        job_id = next(self._ids)
        entry = _Entry(job_id, job, JobContext(job_id, self._progress.emit), on_success, on_failure)
        self._entries[job_id] = entry
        if self._closing:
            self._finish(entry, False, JobFailure("cancelled", "The app is closing"))
            return job_id
        self._dispatch(job_id)
        self.activity_changed.emit()
        return job_id

    def cancel(self, job_id: int) -> None:
        entry = self._entries.get(job_id)
        if entry is None:
            return
        entry.ctx._cancel.set()
        if job_id not in self._running:
            self._drop_waiting(job_id)
            self._finish(entry, False, JobFailure("cancelled", "Cancelled"))

    def set_online(self, online: bool) -> None:
        if online == self._online:
            return
        self._online = online
        log.info("network %s", "back" if online else "gone: network jobs wait")
        if online:
            waiting, self._waiting_for_network = self._waiting_for_network, []
            for job_id in waiting:
                self._dispatch(job_id)
        self.activity_changed.emit()

    @property
    def online(self) -> bool:
        return self._online

    def active_titles(self) -> list[str]:
        """Titles of the jobs running now."""
        return [self._entries[i].job.title for i in sorted(self._running)]

    def visible_titles(self) -> list[str]:
        """Titles of the running jobs worth naming in the status bar."""
        return [
            self._entries[i].job.title
            for i in sorted(self._running)
            if not self._entries[i].job.quiet
        ]

    def pending_count(self) -> int:
        return len(self._entries) - len(self._running)

    def waiting_for_network(self) -> int:
        return len(self._waiting_for_network)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Cancel everything and wait a bounded time; True if all jobs ended."""
        self._closing = True
        for job_id in list(self._entries):
            self.cancel(job_id)
        done = self._pool.waitForDone(timeout_ms)
        if not done:
            log.warning("quit with %d background jobs still running", len(self._running))
        return bool(done)

    # --- internals ------------------------------------------------------------

    def _dispatch(self, job_id: int) -> None:
        entry = self._entries[job_id]
        job = entry.job
        if job.needs_network and not self._online:
            self._waiting_for_network.append(job_id)
            return
        key = job.serial_key
        if key is not None and key in self._busy_keys:
            self._queued.setdefault(key, deque()).append(job_id)
            return
        if key is not None:
            self._busy_keys.add(key)
        self._running.add(job_id)
        self._pool.start(_Runnable(entry, self))

    def _drop_waiting(self, job_id: int) -> None:
        if job_id in self._waiting_for_network:
            self._waiting_for_network.remove(job_id)
        for queue in self._queued.values():
            if job_id in queue:
                queue.remove(job_id)

    @Slot(int, bool, object)
    def _on_finished(self, job_id: int, ok: bool, payload: object) -> None:
        entry = self._entries.get(job_id)
        self._running.discard(job_id)
        if entry is None:
            return
        key = entry.job.serial_key
        if key is not None:
            self._busy_keys.discard(key)
            queue = self._queued.get(key)
            if queue:
                self._dispatch(queue.popleft())
            elif queue is not None:
                del self._queued[key]
        self._finish(entry, ok, payload)

    def _finish(self, entry: _Entry, ok: bool, payload: Any) -> None:
        if self._entries.pop(entry.job_id, None) is None:
            return  # already delivered: exactly one outcome per job
        try:
            if ok:
                if entry.on_success is not None:
                    entry.on_success(payload)
                self.succeeded.emit(entry.job_id, payload)
            else:
                if entry.on_failure is not None:
                    entry.on_failure(payload)
                self.failed.emit(entry.job_id, payload)
        finally:
            self.activity_changed.emit()
