"""Jobs that connect and sync accounts: where connectors meet the store.

Each job opens its own short database sessions inside its worker thread and
returns a small frozen result; the GUI re-reads what changed. Connector
errors are written to the account's status (so the sidebar can say "needs
re-auth" or "rate limited, retrying at 14:05") and then re-raised, so the job
ends as a failure the status bar can count.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smmdesk.core.vocabulary import AccountStatus, TargetStatus
from smmdesk.logs import redact
from smmdesk.platforms.base import (
    AccountIdentity,
    AccountStats,
    AuthError,
    CaptchaRequired,
    Connector,
    ConnectorError,
    PostStats,
    RateLimited,
    Unsupported,
)
from smmdesk.store.captchas import ask_captcha, forget_captcha
from smmdesk.store.database import Store
from smmdesk.store.metric_writes import record_account_stats
from smmdesk.store.models import Account, PostMetric, PostTarget
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.inbox_ingest import IngestRules, ingest_page
from smmdesk.sync.jobs import Job, JobContext
from smmdesk.vault import Vault

log = logging.getLogger(__name__)

#: Post metrics are refreshed for posts published within this window.
POST_METRICS_WINDOW = timedelta(days=30)
#: A sync that brought more new items than this refreshes the planner's statistics.
OPTIMIZE_AFTER = 1000


def record_account_error(store: Store, account_id: int, exc: ConnectorError) -> None:
    """Put a connector error on the account, in words the user can act on."""
    if isinstance(exc, AuthError):
        status, message = AccountStatus.NEEDS_REAUTH, f"Reconnect this account: {exc}"
    elif isinstance(exc, RateLimited):
        at = datetime.now().astimezone() + timedelta(seconds=exc.retry_after)
        status, message = AccountStatus.ERROR, f"Rate limited; retrying after {at:%H:%M}"
    else:
        status, message = AccountStatus.ERROR, str(exc)
    with store.transaction() as session:
        account = session.get(Account, account_id)
        if account is not None and isinstance(exc, CaptchaRequired):
            ask_captcha(account, exc.sid, exc.image_url)
        elif account is not None:
            account.status = status
            account.status_message = redact(message)[:500]
            if isinstance(exc, RateLimited):
                # Every job of this account waits, not only the one refused.
                account.paused_until = datetime.now(UTC) + timedelta(seconds=exc.retry_after)


def record_post_stats(
    session: Session, account_id: int, post_stats: Mapping[str, PostStats]
) -> None:
    """Counts a network pushed with its updates, as post metrics of our targets."""
    rows = session.execute(
        select(PostTarget.remote_id, PostTarget.id).where(
            PostTarget.account_id == account_id, PostTarget.remote_id.in_(list(post_stats))
        )
    )
    now = datetime.now(UTC)
    for remote_id, target_id in rows:
        values = post_stats[remote_id]
        session.add(
            PostMetric(
                target_id=target_id,
                measured_at=now,
                likes=values.likes,
                reposts=values.reposts,
                replies=values.replies,
                views=values.views,
            )
        )


@dataclass(frozen=True)
class ConnectedAccount:
    account_id: int
    identity: AccountIdentity


class ConnectAccountJob(Job[ConnectedAccount]):
    """Validate a credential, keep it in the vault, and add the account."""

    title = "Connecting account"

    def __init__(
        self,
        store: Store,
        vault: Vault,
        factory: ConnectorFactory,
        client_id: int,
        platform: str,
        secret: Mapping[str, str],
        instance_url: str = "",
    ) -> None:
        self.store, self.vault, self.factory = store, vault, factory
        self.client_id, self.platform = client_id, platform
        self.secret = dict(secret)
        self.instance_url = instance_url
        self.needs_network = not factory.is_local(platform)

    def run(self, ctx: JobContext) -> ConnectedAccount:
        status = self.vault.status()
        if not status.available:
            from smmdesk.vault import VaultUnavailable

            raise VaultUnavailable(status.message)
        key = Vault.new_key()
        rotated: dict[str, str] = {}
        connector = self.factory.build(self.platform, self.secret, instance_url=self.instance_url)
        # A network that hands out a new credential while validating (a
        # Bluesky session) must have it kept: nothing is in the vault yet.
        connector.config.on_secret_changed = lambda secret: rotated.update(secret)
        try:
            identity = connector.validate()
        finally:
            connector.close()
        ctx.check_cancelled()
        self.vault.put(key, {**self.secret, **rotated})
        try:
            with self.store.transaction() as session:
                account = Account(
                    client_id=self.client_id,
                    platform=self.platform,
                    handle=identity.handle,
                    display_name=identity.display_name,
                    remote_id=identity.remote_id,
                    instance_url=self.instance_url,
                    vault_key=key,
                    status=AccountStatus.OK,
                    settings_json=json.dumps(dict(identity.settings), sort_keys=True),
                )
                session.add(account)
                session.flush()
                account_id = account.id
        except Exception:
            self.vault.delete(key)  # no orphaned secret for an account never saved
            raise
        log.info("connected %s account %s", self.platform, identity.handle)
        return ConnectedAccount(account_id, identity)


@dataclass(frozen=True)
class SyncResult:
    account_id: int
    new_items: int
    followers: int | None
    updated_items: int = 0  # edited or removed on the network since the last sync


class SyncAccountJob(Job[SyncResult]):
    """Fetch new inbox items and fresh metrics for one account."""

    def __init__(
        self,
        store: Store,
        factory: ConnectorFactory,
        account_id: int,
        handle_and_platform: tuple[str, str] | None = None,
    ) -> None:
        self.store, self.factory, self.account_id = store, factory, account_id
        self.serial_key = ("account", account_id)
        if handle_and_platform is None:
            with store.session() as session:
                account = session.get(Account, account_id)
                if account is None:
                    raise ValueError(f"no account {account_id}")
                handle_and_platform = (account.handle, account.platform)
        handle, platform = handle_and_platform
        self.title = f"Syncing {handle}"
        self.needs_network = not factory.is_local(platform)

    def run(self, ctx: JobContext) -> SyncResult:
        with self.store.session() as session:
            account = session.get(Account, self.account_id)
            assert account is not None
            session.expunge(account)
        connector = self.factory.for_account(account)
        try:
            new_items, updated = self._sync_inbox(ctx, connector, account.inbox_cursor)
            ctx.check_cancelled()
            followers = self._sync_metrics(connector)
        except ConnectorError as exc:
            record_account_error(self.store, self.account_id, exc)
            raise
        with self.store.transaction() as session:
            stored = session.get(Account, self.account_id)
            if stored is not None:
                stored.status = AccountStatus.OK
                stored.status_message = ""
                stored.paused_until = None
                stored.last_synced_at = datetime.now(UTC)
                forget_captcha(stored)
        if new_items > OPTIMIZE_AFTER:
            self.store.optimize()  # the inbox list's counts lean on fresh statistics
        return SyncResult(self.account_id, new_items, followers, updated)

    def _sync_inbox(
        self, ctx: JobContext, connector: Connector, cursor: str | None
    ) -> tuple[int, int]:
        """Fetch and store pages until the network has nothing newer.

        Where fetching is free of side effects (``inbox_prefetch_safe``), the
        next page is fetched while this one is stored, so the network's wait
        and the storing overlap; a network whose fetch acknowledges what came
        before (Telegram's offset) is read one page at a time, so nothing is
        acknowledged before it is stored.
        """
        added = updated = 0
        with self.store.session() as session:
            rules = IngestRules.for_account(session, self.account_id)
        prefetch = connector.inbox_prefetch_safe
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox-fetch") as fetcher:
            pending = fetcher.submit(connector.fetch_inbox, cursor) if prefetch else None
            for page_number in range(1, 1000):
                page = pending.result() if pending is not None else connector.fetch_inbox(cursor)
                pending = None
                ctx.check_cancelled()
                if not page.items:
                    if page.post_stats or page.cursor != cursor:
                        self._save_cursor_only(page.cursor, page.post_stats)
                    break
                if prefetch:
                    pending = fetcher.submit(connector.fetch_inbox, page.cursor)
                with self.store.transaction() as session:
                    count = ingest_page(session, self.account_id, page.items, rules)
                    added += count.added
                    updated += count.updated
                    account = session.get(Account, self.account_id)
                    assert account is not None
                    account.inbox_cursor = page.cursor
                    if page.post_stats:
                        record_post_stats(session, self.account_id, page.post_stats)
                cursor = page.cursor
                ctx.progress(page_number, 0, f"{added} new items")
            if pending is not None:
                pending.cancel()
        return added, updated

    def _save_cursor_only(self, cursor: str, post_stats: Mapping[str, PostStats]) -> None:
        """A page with no items can still move the cursor (Telegram's offset)."""
        with self.store.transaction() as session:
            account = session.get(Account, self.account_id)
            if account is not None:
                account.inbox_cursor = cursor
            if post_stats:
                record_post_stats(session, self.account_id, post_stats)

    def _sync_metrics(self, connector: Connector) -> int | None:
        try:
            stats: AccountStats | None = connector.fetch_account_stats()
        except Unsupported:
            stats = None  # the network has no totals: stored as "not available"
        now = datetime.now(UTC)
        since = now - POST_METRICS_WINDOW
        with self.store.session() as session:
            rows = session.execute(
                select(PostTarget.remote_id, PostTarget.id).where(
                    PostTarget.account_id == self.account_id,
                    PostTarget.status == TargetStatus.PUBLISHED,
                    PostTarget.published_at >= since,
                    PostTarget.remote_id != "",
                )
            )
            targets = {remote_id: target_id for remote_id, target_id in rows}
        post_stats = connector.fetch_post_stats(list(targets)) if targets else {}
        with self.store.transaction() as session:
            record_account_stats(session, self.account_id, stats, now)
            for remote_id, values in post_stats.items():
                if remote_id in targets:
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
        return stats.followers if stats is not None else None
