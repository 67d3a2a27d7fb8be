"""A network without account totals syncs fine and stores "not available"."""

from __future__ import annotations

from sqlalchemy import select

from smmdesk.platforms.base import Unsupported
from smmdesk.store.models import AccountMetric
from smmdesk.sync.account_jobs import SyncAccountJob
from tests.sync.test_publishing_engine import account_id, network, run

__all__ = ["account_id", "network"]  # fixtures used by name


def test_no_totals_is_stored_as_not_available(store, account_id, network, factory):
    network.script["fetch_account_stats"].append(Unsupported("No follower count here."))
    result = run(SyncAccountJob(store, factory, account_id))
    assert result.followers is None
    with store.session() as session:
        row = session.scalar(select(AccountMetric).where(AccountMetric.account_id == account_id))
        assert (row.followers, row.following, row.posts) == (None, None, None)
