"""The GUI's one handle on background work: what to run, when, and what changed.

The coordinator owns the job engine and the network state, runs the periodic
account sync and the due-post publisher on timers, and turns job outcomes into
narrow change signals (``inbox_changed``, ``posts_changed``...), so each view
re-reads only what it shows. It lives on the GUI thread.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy import select

from smmdesk.core.vocabulary import AccountStatus, PostStatus, TargetStatus
from smmdesk.store.database import Store
from smmdesk.store.models import Account, Post, PostTarget
from smmdesk.sync.account_jobs import SyncAccountJob, SyncResult
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.jobs import Job, JobEngine, JobFailure
from smmdesk.sync.network_state import NetworkState
from smmdesk.sync.publish_job import PublishResult, PublishTargetJob
from smmdesk.sync.status import SyncStatus

log = logging.getLogger(__name__)


class SyncCoordinator(QObject):
    status_changed = Signal(object)  # SyncStatus
    inbox_changed = Signal(int)  # account id
    metrics_changed = Signal(int)  # account id
    accounts_changed = Signal()
    posts_changed = Signal()
    job_failed = Signal(str)  # a message worth showing once

    def __init__(
        self,
        store: Store,
        factory: ConnectorFactory,
        engine: JobEngine | None = None,
        network: NetworkState | None = None,
        sync_interval_s: int = 15 * 60,
        publish_interval_s: int = 30,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.factory = factory
        self.engine = engine or JobEngine(parent=self)
        self.network = network or NetworkState(parent=self)
        self._syncing_accounts: set[int] = set()
        self._publishing_targets: set[int] = set()
        self._last_sync: datetime | None = None
        self._error_accounts = 0

        self.network.online_changed.connect(self.engine.set_online)
        self.network.online_changed.connect(self._on_online_changed)
        self.engine.activity_changed.connect(self._emit_status)

        self._sync_timer = QTimer(self)
        self._sync_timer.setInterval(sync_interval_s * 1000)
        self._sync_timer.timeout.connect(self.sync_all)
        self._publish_timer = QTimer(self)
        self._publish_timer.setInterval(publish_interval_s * 1000)
        self._publish_timer.timeout.connect(self.publish_due)

    def start(self) -> None:
        """Begin periodic work; the first sync runs once the window is up."""
        self._refresh_error_count()
        self._sync_timer.start()
        self._publish_timer.start()
        QTimer.singleShot(1500, self.sync_all)
        QTimer.singleShot(2000, self.publish_due)
        self._emit_status()

    def stop(self, timeout_ms: int = 3000) -> bool:
        self._sync_timer.stop()
        self._publish_timer.stop()
        return self.engine.shutdown(timeout_ms)

    def submit(self, job: Job, on_success=None, on_failure=None) -> int:  # type: ignore[no-untyped-def, type-arg]
        """Run any job, reporting connectivity failures to the network state."""

        def failed(failure: JobFailure) -> None:
            if failure.kind == "offline":
                self.network.report_unreachable()
            if on_failure is not None:
                on_failure(failure)

        return self.engine.submit(job, on_success, failed)

    # --- account sync -----------------------------------------------------------

    def sync_all(self) -> None:
        with self.store.session() as session:
            ids = list(
                session.scalars(
                    select(Account.id).where(
                        Account.archived_at.is_(None),
                        Account.status != AccountStatus.NEEDS_REAUTH,
                    )
                )
            )
        for account_id in ids:
            self.sync_account(account_id)

    def sync_account(self, account_id: int) -> None:
        if account_id in self._syncing_accounts:
            return
        job = SyncAccountJob(self.store, self.factory, account_id)
        self._syncing_accounts.add(account_id)

        def done(result: SyncResult) -> None:
            self._syncing_accounts.discard(account_id)
            self._last_sync = datetime.now(UTC)
            if job.needs_network:
                self.network.report_reachable()
            if result.new_items:
                self.inbox_changed.emit(account_id)
            self.metrics_changed.emit(account_id)
            self._refresh_error_count()
            self.accounts_changed.emit()

        def failed(failure: JobFailure) -> None:
            self._syncing_accounts.discard(account_id)
            self._refresh_error_count()
            self.accounts_changed.emit()

        self.submit(job, done, failed)

    # --- publishing ---------------------------------------------------------------

    def publish_due(self) -> None:
        """Start a publish job for every target whose time has come."""
        now = datetime.now(UTC)
        with self.store.session() as session:
            due = list(
                session.scalars(
                    select(PostTarget.id)
                    .join(Post, Post.id == PostTarget.post_id)
                    .join(Account, Account.id == PostTarget.account_id)
                    .where(
                        Post.status == PostStatus.SCHEDULED,
                        Post.scheduled_at <= now,
                        PostTarget.status.in_([TargetStatus.PENDING, TargetStatus.SENDING]),
                        Account.archived_at.is_(None),
                        Account.status != AccountStatus.NEEDS_REAUTH,
                    )
                )
            )
        for target_id in due:
            self.publish_target(target_id)

    def publish_target(self, target_id: int) -> None:
        if target_id in self._publishing_targets:
            return
        self._publishing_targets.add(target_id)

        def done(result: PublishResult) -> None:
            self._publishing_targets.discard(target_id)
            self.posts_changed.emit()

        def failed(failure: JobFailure) -> None:
            self._publishing_targets.discard(target_id)
            self.posts_changed.emit()
            self._refresh_error_count()
            self.accounts_changed.emit()

        self.submit(PublishTargetJob(self.store, self.factory, target_id), done, failed)

    # --- status ---------------------------------------------------------------------

    def status(self) -> SyncStatus:
        return SyncStatus(
            online=self.network.online,
            running=len(self.engine.active_titles()),
            waiting=self.engine.waiting_for_network(),
            accounts_with_errors=self._error_accounts,
            last_sync=self._last_sync,
            current_titles=tuple(self.engine.active_titles()),
        )

    def _refresh_error_count(self) -> None:
        with self.store.session() as session:
            self._error_accounts = len(
                session.scalars(
                    select(Account.id).where(
                        Account.archived_at.is_(None), Account.status != AccountStatus.OK
                    )
                ).all()
            )
        self._emit_status()

    def _on_online_changed(self, online: bool) -> None:
        if online:
            QTimer.singleShot(0, self.publish_due)
        self._emit_status()

    def _emit_status(self) -> None:
        self.status_changed.emit(self.status())
