"""The daily metrics snapshot: accounts, their recent posts, and competitors.

Once a day (and when the user asks) every account's totals are measured, and
so are the posts it published in the last 30 days and the public followers
of the client's competitors. Rows are only ever added: the history is never
thinned without the user asking.

"Not available" is explicit. A network that has no such number either raises
``Unsupported`` (nothing to measure at all: the snapshot row is stored with
NULL counts, so the chart says "not available" for that day) or leaves the
field None in ``AccountStats``/``PostStats`` (stored as NULL). A post the
network said nothing about gets no row (its last known counts stand), never
a row of zeros. A competitor whose network cannot be asked gets a NULL row;
a failure that may pass (offline, rate limited) records nothing, because a
gap in the history is honest and a "not available" would not be.

``MetricsScheduler`` runs the jobs from the GUI thread through the
coordinator and tells the views through ``coordinator.metrics_changed``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from smmdesk.core.vocabulary import AccountStatus
from smmdesk.platforms.base import AccountStats, Connector, ConnectorError, Unsupported
from smmdesk.store.competitors import record_competitor_followers
from smmdesk.store.database import Store
from smmdesk.store.metric_writes import recent_targets, record_account_stats
from smmdesk.store.models import (
    Account,
    AccountMetric,
    Competitor,
    CompetitorMetric,
    PostMetric,
)
from smmdesk.sync.account_jobs import record_account_error
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.coordinator import SyncCoordinator
from smmdesk.sync.jobs import Job, JobContext, JobFailure

log = logging.getLogger(__name__)

#: An account or competitor measured more recently than this is not due.
SNAPSHOT_EVERY = timedelta(days=1)


# --- accounts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSnapshot:
    """What one account's snapshot stored.

    ``followers`` None: the network gives no follower count.
    ``not_available``: the names of the numbers the network did not give
    ("followers", "following", "posts", "likes", "reposts", "replies",
    "views", "post counts").
    """

    account_id: int
    followers: int | None
    posts_measured: int
    not_available: tuple[str, ...]


class AccountSnapshotJob(Job[AccountSnapshot]):
    """Measure one account and its posts of the last 30 days."""

    def __init__(self, store: Store, factory: ConnectorFactory, account_id: int) -> None:
        self.store, self.factory, self.account_id = store, factory, account_id
        self.serial_key = ("account", account_id)
        with store.session() as session:
            account = session.get(Account, account_id)
            if account is None:
                raise ValueError(f"no account {account_id}")
            handle, platform = account.handle, account.platform
        self.title = f"Measuring {handle}"
        self.needs_network = not factory.is_local(platform)
        self.quiet = True

    def run(self, ctx: JobContext) -> AccountSnapshot:
        with self.store.session() as session:
            account = session.get(Account, self.account_id)
            assert account is not None
            session.expunge(account)
        connector = self.factory.for_account(account)
        try:
            return self._measure(ctx, connector)
        except ConnectorError as exc:
            record_account_error(self.store, self.account_id, exc)
            raise
        finally:
            connector.close()

    def _measure(self, ctx: JobContext, connector: Connector) -> AccountSnapshot:
        now = datetime.now(UTC)
        missing: list[str] = []
        try:
            stats: AccountStats | None = connector.fetch_account_stats()
        except Unsupported:
            stats = None
            missing += ["followers", "following", "posts"]
        else:
            assert stats is not None
            missing += [n for n in ("following", "posts") if getattr(stats, n) is None]
        ctx.check_cancelled()
        with self.store.session() as session:
            targets = recent_targets(session, self.account_id, now)
        post_stats = {}
        if targets:
            try:
                post_stats = connector.fetch_post_stats(list(targets))
            except Unsupported:
                missing.append("post counts")
        ctx.check_cancelled()
        with self.store.transaction() as session:
            record_account_stats(session, self.account_id, stats, now)
            for remote_id, values in post_stats.items():
                if remote_id not in targets:
                    continue
                session.add(
                    PostMetric(
                        target_id=targets[remote_id],
                        measured_at=now,
                        likes=values.likes,
                        reposts=values.reposts,
                        replies=values.replies,
                        views=values.views,
                    )
                )
        for name in ("likes", "reposts", "replies", "views"):
            if post_stats and all(getattr(v, name) is None for v in post_stats.values()):
                missing.append(name)
        return AccountSnapshot(
            self.account_id,
            stats.followers if stats else None,
            sum(1 for r in post_stats if r in targets),
            tuple(missing),
        )


# --- competitors -------------------------------------------------------------------------


@dataclass(frozen=True)
class CompetitorSnapshot:
    """``measured``: competitor ids with a count stored; ``not_available``: ids
    whose network cannot tell (NULL stored); ``failed``: plain messages for the
    ones that could not be asked now (nothing stored). ``client_ids``: whose
    competitors were measured."""

    measured: tuple[int, ...]
    not_available: tuple[int, ...]
    failed: tuple[str, ...]
    client_ids: tuple[int, ...]


def _reader_account(session: Session, client_id: int, platform: str) -> Account | None:
    """An account to ask a network with: the client's own first, else any."""
    candidates = session.scalars(
        select(Account)
        .where(
            Account.platform == platform,
            Account.archived_at.is_(None),
            Account.status != AccountStatus.NEEDS_REAUTH,
        )
        .order_by((Account.client_id != client_id), Account.id)
    ).all()
    return candidates[0] if candidates else None


class CompetitorSnapshotJob(Job[CompetitorSnapshot]):
    """Public follower counts of the competitors (of one client, or of all)."""

    title = "Measuring competitors"
    quiet = True

    def __init__(
        self,
        store: Store,
        factory: ConnectorFactory,
        client_id: int | None = None,
        competitor_ids: tuple[int, ...] | None = None,
    ) -> None:
        self.store, self.factory = store, factory
        self.client_id, self.competitor_ids = client_id, competitor_ids
        self.serial_key = ("competitors",)
        with store.session() as session:
            platforms = set(session.scalars(select(Competitor.platform).distinct()))
        self.needs_network = any(not _is_local(factory, p) for p in platforms)

    def run(self, ctx: JobContext) -> CompetitorSnapshot:
        with self.store.session() as session:
            query = select(
                Competitor.id, Competitor.client_id, Competitor.platform, Competitor.handle
            ).where(Competitor.archived_at.is_(None))
            if self.client_id is not None:
                query = query.where(Competitor.client_id == self.client_id)
            if self.competitor_ids is not None:
                query = query.where(Competitor.id.in_(self.competitor_ids))
            rows = session.execute(query.order_by(Competitor.id)).all()
        measured: list[int] = []
        unavailable: list[int] = []
        failed: list[str] = []
        connectors: dict[tuple[int, str], Connector | None] = {}
        try:
            for done, (cid, client_id, platform, handle) in enumerate(rows, 1):
                ctx.check_cancelled()
                ctx.progress(done, len(rows), handle)
                connector = self._connector(connectors, client_id, platform)
                now = datetime.now(UTC)
                try:
                    if connector is None:
                        raise Unsupported("No account on this network to ask with.")
                    followers = connector.fetch_public_followers(handle)
                except Unsupported:
                    followers = None
                except ConnectorError as exc:
                    failed.append(f"{handle}: {exc}")
                    continue
                with self.store.transaction() as session:
                    record_competitor_followers(session, cid, followers, now)
                (measured if followers is not None else unavailable).append(cid)
        finally:
            for item in connectors.values():
                if item is not None:
                    item.close()
        return CompetitorSnapshot(
            tuple(measured),
            tuple(unavailable),
            tuple(failed),
            tuple(sorted({r[1] for r in rows})),
        )

    def _connector(
        self, cache: dict[tuple[int, str], Connector | None], client_id: int, platform: str
    ) -> Connector | None:
        key = (client_id, platform)
        if key not in cache:
            with self.store.session() as session:
                account = _reader_account(session, client_id, platform)
                if account is not None:
                    session.expunge(account)
            try:
                cache[key] = self.factory.for_account(account) if account else None
            except Exception as exc:  # a missing secret: ask nobody, store nothing
                log.info("no connector for competitors on %s: %s", platform, exc)
                cache[key] = None
        return cache[key]


def _is_local(factory: ConnectorFactory, platform: str) -> bool:
    try:
        return factory.is_local(platform)
    except KeyError:
        return True  # an unknown network is never asked


# --- what is due ----------------------------------------------------------------------------


def due_accounts(session: Session, now: datetime, every: timedelta = SNAPSHOT_EVERY) -> list[int]:
    """Active accounts whose last measurement is older than ``every`` (or none)."""
    last = (
        select(AccountMetric.account_id, func.max(AccountMetric.measured_at).label("at"))
        .group_by(AccountMetric.account_id)
        .subquery()
    )
    rows = session.execute(
        select(Account.id)
        .outerjoin(last, last.c.account_id == Account.id)
        .where(
            Account.archived_at.is_(None),
            Account.status != AccountStatus.NEEDS_REAUTH,
            or_(Account.paused_until.is_(None), Account.paused_until <= now),
            or_(last.c.at.is_(None), last.c.at < now - every),
        )
        .order_by(Account.id)
    )
    return [r[0] for r in rows]


def competitors_due(session: Session, now: datetime, every: timedelta = SNAPSHOT_EVERY) -> bool:
    """Whether any active competitor was not measured within ``every``."""
    last = (
        select(CompetitorMetric.competitor_id, func.max(CompetitorMetric.measured_at).label("at"))
        .group_by(CompetitorMetric.competitor_id)
        .subquery()
    )
    row = session.execute(
        select(Competitor.id)
        .outerjoin(last, last.c.competitor_id == Competitor.id)
        .where(Competitor.archived_at.is_(None), or_(last.c.at.is_(None), last.c.at < now - every))
        .limit(1)
    ).first()
    return row is not None


# --- the scheduler --------------------------------------------------------------------------


class MetricsScheduler(QObject):
    """Runs the snapshot once a day and on demand, through the coordinator.

    Every ``check_interval_s`` (an hour) it measures the accounts and
    competitors whose last snapshot is older than a day; the first check
    runs ``first_delay_ms`` after ``start()``, so an app opened after a day
    away measures soon. ``snapshot_now()`` measures everything at once.
    Finished account snapshots go out as ``coordinator.metrics_changed``
    (batched by the coordinator); competitor counts as
    ``competitors_changed(client_id)`` and metrics_changed for that client's
    accounts.
    """

    competitors_changed = Signal(int)  # client id
    snapshot_failed = Signal(str)  # a plain message

    def __init__(
        self,
        coordinator: SyncCoordinator,
        check_interval_s: int = 3600,
        first_delay_ms: int = 20_000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or coordinator)
        self.coordinator = coordinator
        self.store: Store = coordinator.store
        self.factory: ConnectorFactory = coordinator.factory
        self.first_delay_ms = first_delay_ms
        self._running: set[object] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(check_interval_s * 1000)
        self._timer.timeout.connect(self.run_due)

    def start(self) -> None:
        self._timer.start()
        QTimer.singleShot(self.first_delay_ms, self.run_due)

    def stop(self) -> None:
        self._timer.stop()

    def run_due(self) -> None:
        """Measure what was not measured within a day."""
        now = datetime.now(UTC)
        with self.store.session() as session:
            accounts = due_accounts(session, now)
            competitors = competitors_due(session, now)
        self._submit(accounts, competitors)

    def snapshot_now(self, account_ids: list[int] | None = None) -> None:
        """Measure now (the user asked): the given accounts, or every active one
        and all competitors."""
        if account_ids is None:
            with self.store.session() as session:
                account_ids = due_accounts(session, datetime.now(UTC), timedelta(0))
            self._submit(account_ids, True)
        else:
            self._submit(account_ids, False)

    def measure_competitors(self, client_id: int | None = None) -> None:
        """Measure competitors now (e.g. right after one is added)."""
        self._submit([], True, client_id)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def _submit(
        self, account_ids: list[int], competitors: bool, client_id: int | None = None
    ) -> None:
        submit = self.coordinator.submit
        for account_id in account_ids:
            key = ("account", account_id)
            if key in self._running:
                continue
            try:
                job = AccountSnapshotJob(self.store, self.factory, account_id)
            except ValueError:
                continue
            self._running.add(key)
            submit(job, self._account_done(key), self._failed(key))
        if competitors and ("competitors",) not in self._running:
            key2 = ("competitors",)
            self._running.add(key2)
            submit(
                CompetitorSnapshotJob(self.store, self.factory, client_id),
                self._competitors_done(key2),
                self._failed(key2),
            )

    def _account_done(self, key: object) -> Callable[[AccountSnapshot], None]:
        def done(result: AccountSnapshot) -> None:
            self._running.discard(key)
            self.coordinator._later(metrics=result.account_id)

        return done

    def _competitors_done(self, key: object) -> Callable[[CompetitorSnapshot], None]:
        def done(result: CompetitorSnapshot) -> None:
            self._running.discard(key)
            with self.store.session() as session:
                for client_id in result.client_ids:
                    first = session.scalars(
                        select(Account.id).where(Account.client_id == client_id).limit(1)
                    ).first()
                    if first is not None:
                        self.coordinator._later(metrics=first)
            for client_id in result.client_ids:
                self.competitors_changed.emit(client_id)
            if result.failed:
                self.snapshot_failed.emit(
                    "Some competitors could not be measured: " + "; ".join(result.failed[:3])
                )

        return done

    def _failed(self, key: object) -> Callable[[JobFailure], None]:
        def failed(failure: JobFailure) -> None:
            self._running.discard(key)
            if failure.kind not in ("cancelled", "offline"):
                self.snapshot_failed.emit(failure.message)

        return failed


def start_metrics_scheduler(
    coordinator: SyncCoordinator, first_delay_ms: int = 20_000
) -> MetricsScheduler:
    """Create the daily snapshot for the app's coordinator and start it.

    main_window calls this once after ``coordinator.start()`` and keeps the
    result (it is parented to the coordinator); a menu action "Measure now"
    calls ``scheduler.snapshot_now()``.
    """
    scheduler = MetricsScheduler(coordinator, first_delay_ms=first_delay_ms)
    scheduler.start()
    return scheduler
