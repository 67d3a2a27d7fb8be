"""The GUI's one handle on background work: what to run, when, and what changed.

The coordinator owns the job engine and the network state, runs the periodic
account sync and the due-post publisher on timers, and turns job outcomes into
narrow change signals (``inbox_changed``, ``posts_changed``...), so each view
re-reads only what it shows. It lives on the GUI thread.
"""

from __future__ import annotations

import logging
from collections import deque
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy import or_, select

from smmdesk.core.vocabulary import AccountStatus, TargetStatus
from smmdesk.store.database import Store
from smmdesk.store.models import Account, PostTarget
from smmdesk.sync.account_jobs import SyncAccountJob, SyncResult
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.due_targets import DueWork, FindDueWorkJob, failed_target_count
from smmdesk.sync.handoff_jobs import (
    CheckHandOffJob,
    HandOffJob,
    HandOffResult,
)
from smmdesk.sync.jobs import Job, JobEngine, JobFailure
from smmdesk.sync.missed_posts import mark_missed, read_heartbeat, write_heartbeat
from smmdesk.sync.network_state import NetworkState
from smmdesk.sync.publish_job import AccountFacts, PublishResult, PublishTargetJob
from smmdesk.sync.published_post_jobs import (
    DeletePublishedJob,
    EditPublishedJob,
    RemoteChangeResult,
)
from smmdesk.sync.reply_job import SendReplyJob, queued_reply_ids
from smmdesk.sync.status import SyncStatus

log = logging.getLogger(__name__)


class SyncCoordinator(QObject):
    status_changed = Signal(object)  # SyncStatus
    inbox_changed = Signal(int)  # account id
    metrics_changed = Signal(int)  # account id
    accounts_changed = Signal()
    posts_changed = Signal()
    job_failed = Signal(str)  # a message worth showing once
    publish_failed = Signal(int, str)  # target id, message: once per post that failed for good
    missed_posts_found = Signal(list)  # [MissedPost]: fell due while the app was closed

    def __init__(
        self,
        store: Store,
        factory: ConnectorFactory,
        engine: JobEngine | None = None,
        network: NetworkState | None = None,
        sync_interval_s: int = 15 * 60,
        publish_interval_s: int = 30,
        handoff_debounce_ms: int = 4000,
        batch_ms: int = 400,
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
        self._last_tick: datetime | None = None
        self._error_accounts = 0
        self._failed_posts = 0
        self._target_jobs: set[tuple[str, int]] = set()
        self._sending_replies: set[int] = set()
        self._queued: dict[int, deque[tuple[int, AccountFacts]]] = {}
        self._queued_ids: set[int] = set()
        self._publishing_accounts: set[int] = set()
        self._finding_due = False
        self._notified: set[tuple[str, object]] = set()

        self.network.online_changed.connect(self.engine.set_online)
        self.network.online_changed.connect(self._on_online_changed)
        # Two hundred jobs queued at once must not redraw the status bar 200 times.
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(100)
        self._status_timer.timeout.connect(self._status_settled)
        self._status_pending = False
        self.engine.activity_changed.connect(self._on_activity)

        self._sync_timer = QTimer(self)
        self._sync_timer.setInterval(sync_interval_s * 1000)
        self._sync_timer.timeout.connect(self.sync_all)
        self._publish_timer = QTimer(self)
        self._publish_timer.setInterval(publish_interval_s * 1000)
        self._publish_timer.timeout.connect(self._tick)
        self._changed_posts: set[int] = set()
        self._dirty_posts = self._dirty_accounts = False
        self._dirty_inbox: set[int] = set()
        self._dirty_metrics: set[int] = set()
        self._batch_timer = QTimer(self)
        self._batch_timer.setSingleShot(True)
        self._batch_timer.setInterval(batch_ms)
        self._batch_timer.timeout.connect(self._flush_batch)
        self._handoff_debounce = QTimer(self)
        self._handoff_debounce.setSingleShot(True)
        self._handoff_debounce.setInterval(handoff_debounce_ms)
        self._handoff_debounce.timeout.connect(self._flush_changed_posts)

    def start(self) -> None:
        """Begin periodic work; the first sync runs once the window is up."""
        self.check_missed(since=read_heartbeat(self.factory.paths.root))
        self._refresh_error_count()
        self._sync_timer.start()
        self._publish_timer.start()
        QTimer.singleShot(1500, self.sync_all)
        QTimer.singleShot(2000, self._tick)
        self._emit_status()

    def stop(self, timeout_ms: int = 3000) -> bool:
        for timer in (
            self._sync_timer,
            self._publish_timer,
            self._batch_timer,
            self._status_timer,
            self._handoff_debounce,
        ):
            timer.stop()
        return self.engine.shutdown(timeout_ms)

    def _on_activity(self) -> None:
        """Show the first change at once, then at most one update per 100 ms."""
        if self._status_timer.isActive():
            self._status_pending = True
            return
        self._emit_status()
        self._status_timer.start()

    def _status_settled(self) -> None:
        if self._status_pending:
            self._status_pending = False
            self._emit_status()

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
        now = datetime.now(UTC)
        with self.store.session() as session:
            rows = session.execute(
                select(Account.id, Account.handle, Account.platform).where(
                    Account.archived_at.is_(None),
                    Account.status != AccountStatus.NEEDS_REAUTH,
                    or_(Account.paused_until.is_(None), Account.paused_until <= now),
                )
            ).all()
        for account_id, handle, platform in rows:
            self.sync_account(account_id, (handle, platform))

    def sync_account(
        self, account_id: int, handle_and_platform: tuple[str, str] | None = None
    ) -> None:
        if account_id in self._syncing_accounts:
            return
        job = SyncAccountJob(self.store, self.factory, account_id, handle_and_platform)
        self._syncing_accounts.add(account_id)

        def done(result: SyncResult) -> None:
            self._syncing_accounts.discard(account_id)
            self._last_sync = datetime.now(UTC)
            if job.needs_network:
                self.network.report_reachable()
            self._later(
                accounts=True,
                inbox=account_id if result.new_items or result.updated_items else None,
                metrics=account_id,
            )

        def failed(failure: JobFailure) -> None:
            self._syncing_accounts.discard(account_id)
            self._later(accounts=True)

        self.submit(job, done, failed)

    # --- publishing ---------------------------------------------------------------

    def _tick(self) -> None:
        """The publisher's heartbeat: notice a sleep, then publish and hand off."""
        now = datetime.now(UTC)
        last = self._last_tick
        self._last_tick = now
        gap = self._publish_timer.interval() / 1000 * 3 + 60
        if last is not None and (now - last).total_seconds() > gap:
            log.info("woke after %s: checking for missed posts", now - last)
            self.check_missed(since=last)
        write_heartbeat(self.factory.paths.root, now)
        self.publish_due()

    def check_missed(self, since: datetime | None) -> None:
        """Mark posts that fell due while the app was not running and are too late."""
        with self.store.transaction() as session:
            missed = mark_missed(session, datetime.now(UTC), since)
        if missed:
            self.missed_posts_found.emit(missed)
            self.posts_changed.emit()
            self._refresh_error_count()

    def publish_due(self) -> None:
        """Find, off the GUI thread, what needs a job now; then start those jobs."""
        if self._finding_due:
            return
        self._finding_due = True

        def found(work: DueWork) -> None:
            self._finding_due = False
            self._start_due_work(work)

        def failed(_failure: JobFailure) -> None:
            self._finding_due = False

        self.engine.submit(FindDueWorkJob(self.store, self.factory), found, failed)

    def _start_due_work(self, work: DueWork) -> None:
        # One job per account at a time, the next queued when it ends: 200 due
        # posts do not become 200 jobs built on the GUI thread at once.
        for target_id, facts in work.publish:
            if target_id in self._publishing_targets or target_id in self._queued_ids:
                continue
            self._queued.setdefault(facts.account_id, deque()).append((target_id, facts))
            self._queued_ids.add(target_id)
        for account_id in list(self._queued):
            self._start_next(account_id)
        for target_id in work.handoffs:
            self._run_target_job(HandOffJob, target_id)
        for target_id in work.checks:
            self._run_target_job(CheckHandOffJob, target_id)
        self.send_replies(work.replies)

    def send_replies(self, reply_ids: list[int] | None = None) -> None:
        """Send the answers written while offline (or just now), oldest first."""
        if reply_ids is None:
            reply_ids = queued_reply_ids(self.store)
        for reply_id in reply_ids:
            if reply_id in self._sending_replies:
                continue
            try:
                job = SendReplyJob(self.store, self.factory, reply_id)
            except ValueError:
                continue
            self._sending_replies.add(reply_id)

            def finished(
                _outcome: object, reply_id: int = reply_id, account_id: int = job.account_id
            ) -> None:
                self._sending_replies.discard(reply_id)
                self._later(inbox=account_id)

            self.submit(job, finished, finished)

    def _start_next(self, account_id: int) -> None:
        if account_id in self._publishing_accounts:
            return
        queue = self._queued.get(account_id)
        if not queue:
            self._queued.pop(account_id, None)
            return
        target_id, facts = queue.popleft()
        self._queued_ids.discard(target_id)
        self._publishing_accounts.add(account_id)
        try:
            self.publish_target(target_id, facts)
        except ValueError:  # deleted meanwhile
            self._publishing_accounts.discard(account_id)
            self._start_next(account_id)

    def _account_done(self, account_id: int, failure: JobFailure | None) -> None:
        self._publishing_accounts.discard(account_id)
        if failure is not None and failure.kind in ("auth", "rate_limited", "offline", "vault"):
            # The account cannot publish now: the rest waits for a later tick.
            for target_id, _facts in self._queued.pop(account_id, deque()):
                self._queued_ids.discard(target_id)
            return
        self._start_next(account_id)

    def publish_target(self, target_id: int, facts: AccountFacts | None = None) -> None:
        if target_id in self._publishing_targets:
            return
        job = PublishTargetJob(self.store, self.factory, target_id, facts)
        self._publishing_targets.add(target_id)

        def done(result: PublishResult) -> None:
            self._publishing_targets.discard(target_id)
            if not result.skipped:
                self._later(posts=True)
            self._account_done(job.account_id, None)

        def failed(failure: JobFailure) -> None:
            self._publishing_targets.discard(target_id)
            self._after_target_failure(target_id, failure)
            self._account_done(job.account_id, failure)

        self.submit(job, done, failed)

    def post_changed(self, post_id: int) -> None:
        """The user saved or moved a post: keep any network-held copy in step.

        The composer saves a second after each pause in typing; the network
        hears of the change once the user has stopped for a few seconds.
        """
        if post_id <= 0:
            return
        self._changed_posts.add(post_id)
        self._handoff_debounce.start()

    def _flush_changed_posts(self) -> None:
        posts, self._changed_posts = self._changed_posts, set()
        for post_id in posts:
            self._sync_handoffs(post_id)

    def _sync_handoffs(self, post_id: int) -> None:
        with self.store.session() as session:
            targets = list(
                session.scalars(
                    select(PostTarget.id).where(
                        PostTarget.post_id == post_id,
                        (PostTarget.handoff.is_(True))
                        | (PostTarget.status == TargetStatus.SCHEDULED_REMOTE),
                    )
                )
            )
        for target_id in targets:
            self._run_target_job(HandOffJob, target_id)

    def edit_published(self, post_id: int, on_done=None) -> int:  # type: ignore[no-untyped-def]
        """Send a published post's new text to the networks that allow edits."""
        return self._remote_change(EditPublishedJob(self.store, self.factory, post_id), on_done)

    def delete_published(self, post_id: int, on_done=None) -> int:  # type: ignore[no-untyped-def]
        """Delete a published post from its networks, then from the app."""
        return self._remote_change(DeletePublishedJob(self.store, self.factory, post_id), on_done)

    def _remote_change(self, job: Job, on_done) -> int:  # type: ignore[no-untyped-def, type-arg]
        def done(result: RemoteChangeResult) -> None:
            self.posts_changed.emit()
            if on_done is not None:
                on_done(result, None)

        def failed(failure: JobFailure) -> None:
            if on_done is not None:
                on_done(None, failure)

        return self.submit(job, done, failed)

    def _run_target_job(self, job_class, target_id: int) -> None:  # type: ignore[no-untyped-def]
        key = (job_class.__name__, target_id)
        if key in self._target_jobs:
            return
        self._target_jobs.add(key)

        def done(result: HandOffResult) -> None:
            self._target_jobs.discard(key)
            if result.action not in ("none", "waiting"):
                self._later(posts=True)
            if result.action == "gone":
                self._notify_failed_target(target_id)

        def failed(failure: JobFailure) -> None:
            self._target_jobs.discard(key)
            self._after_target_failure(target_id, failure)

        try:
            job = job_class(self.store, self.factory, target_id)
        except ValueError:
            self._target_jobs.discard(key)
            return
        self.submit(job, done, failed)

    def _after_target_failure(self, target_id: int, failure: JobFailure) -> None:
        self._later(posts=True, accounts=True)
        self._notify_failed_target(target_id)
        if failure.kind == "auth":
            self._notify_once(("auth", failure.message), failure.message)

    def _notify_failed_target(self, target_id: int) -> None:
        """Say once that a post failed for good (not for a retry that will follow)."""
        with self.store.session() as session:
            target = session.get(PostTarget, target_id)
            if target is None or target.status != TargetStatus.FAILED:
                return
            account = session.get(Account, target.account_id)
            handle = account.handle if account is not None else "an account"
            message = f"A post to {handle} failed: {target.error}"
        if ("target", target_id) not in self._notified:
            self._notified.add(("target", target_id))
            self.publish_failed.emit(target_id, message)

    def _notify_once(self, key: tuple[str, str], message: str) -> None:
        if key not in self._notified:
            self._notified.add(key)
            self.job_failed.emit(message)

    def _later(
        self,
        posts: bool = False,
        accounts: bool = False,
        inbox: int | None = None,
        metrics: int | None = None,
    ) -> None:
        """Collect what changed and tell the views once per batch.

        A burst of finished jobs arrives on the GUI thread back to back; a
        calendar reload per job stalled the window for hundreds of ms
        (bench/publish.py). One signal per kind per batch keeps it responsive.
        """
        self._dirty_posts |= posts
        self._dirty_accounts |= accounts
        if inbox is not None:
            self._dirty_inbox.add(inbox)
        if metrics is not None:
            self._dirty_metrics.add(metrics)
        if not self._batch_timer.isActive():
            self._batch_timer.start()

    def _flush_batch(self) -> None:
        posts, self._dirty_posts = self._dirty_posts, False
        accounts, self._dirty_accounts = self._dirty_accounts, False
        inbox, self._dirty_inbox = self._dirty_inbox, set()
        metrics, self._dirty_metrics = self._dirty_metrics, set()
        self._refresh_error_count()
        if posts:
            self.posts_changed.emit()
        if accounts:
            self.accounts_changed.emit()
        for account_id in sorted(inbox):
            self.inbox_changed.emit(account_id)
        for account_id in sorted(metrics):
            self.metrics_changed.emit(account_id)

    # --- status ---------------------------------------------------------------------

    def status(self) -> SyncStatus:
        return SyncStatus(
            online=self.network.online,
            running=len(self.engine.visible_titles()),
            waiting=self.engine.waiting_for_network(),
            accounts_with_errors=self._error_accounts,
            failed_posts=self._failed_posts,
            last_sync=self._last_sync,
            current_titles=tuple(self.engine.visible_titles()),
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
            self._failed_posts = failed_target_count(session)
        self._emit_status()

    def _on_online_changed(self, online: bool) -> None:
        if online:
            QTimer.singleShot(0, self.publish_due)
        self._emit_status()

    def _emit_status(self) -> None:
        self.status_changed.emit(self.status())
