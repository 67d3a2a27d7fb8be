"""The daily metrics snapshot: history over syncs, networks without a number,
competitors, what is due, the scheduler, and Mastodon's public lookup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from smmdesk.core.analytics import Period
from smmdesk.core.vocabulary import AccountStatus, PostStatus, TargetStatus
from smmdesk.platforms.base import (
    AccountStats,
    AuthError,
    BadResponse,
    ConnectorConfig,
    ConnectorError,
    PermanentError,
    PostStats,
    TransientError,
    Unsupported,
)
from smmdesk.platforms.mastodon import MastodonConnector
from smmdesk.platforms.sandbox import SandboxConnector
from smmdesk.store import analytics_queries as aq
from smmdesk.store.competitors import add_competitor
from smmdesk.store.models import (
    Account,
    AccountMetric,
    CompetitorMetric,
    Post,
    PostMetric,
    PostTarget,
)
from smmdesk.store.queries import StoreReader
from smmdesk.sync.account_jobs import ConnectAccountJob, SyncAccountJob
from smmdesk.sync.coordinator import SyncCoordinator
from smmdesk.sync.jobs import JobContext
from smmdesk.sync.metrics_jobs import (
    AccountSnapshotJob,
    CompetitorSnapshotJob,
    MetricsScheduler,
    competitors_due,
    due_accounts,
)
from tests.fakes.http_fake import Failure, FakeServer, Reply, Request


def connect(store, vault, factory, client_id, handle="kafija"):
    job = ConnectAccountJob(
        store, vault, factory, client_id, "sandbox", {"token": "sandbox-x", "handle": handle}
    )
    return job.run(JobContext(1)).account_id


def published(store, factory, client_id, account_id, days_ago):
    """A post published on the sandbox ``days_ago`` days ago, as the store knows it."""
    with store.session() as session:
        account = session.get(Account, account_id)
        session.expunge(account)
    when = datetime.now(UTC) - timedelta(days=days_ago)
    remote = factory.for_account(account).record_post(f"Post {days_ago}", when)
    with store.transaction() as session:
        post = Post(client_id=client_id, body=f"Post {days_ago}", status=PostStatus.PUBLISHED)
        post.targets.append(
            PostTarget(
                account_id=account_id,
                status=TargetStatus.PUBLISHED,
                remote_id=remote.remote_id,
                published_at=remote.published_at,
            )
        )
        session.add(post)
        session.flush()
        return post.targets[0].id


def count(store, column, *where):
    with store.session() as session:
        return session.scalar(select(func.count(column)).where(*where))


class NoCounts(SandboxConnector):
    """A network that has no totals at all and no reposts or views."""

    def fetch_account_stats(self):
        raise Unsupported("This network shows no totals.")

    def fetch_post_stats(self, remote_ids):
        return {rid: PostStats(likes=3, replies=1) for rid in remote_ids}


class FollowersOnly(SandboxConnector):
    """Telegram-like: a subscriber count, nothing about "following" or posts."""

    def fetch_account_stats(self):
        return AccountStats(followers=321)


def use_connector(monkeypatch, factory, cls):
    original = factory.for_account
    monkeypatch.setattr(factory, "for_account", lambda account: cls(original(account).config))


# --- accounts -------------------------------------------------------------------------------


def test_history_grows_over_syncs_and_snapshots(store, vault, factory, client_id):
    account_id = connect(store, vault, factory, client_id)
    recent = published(store, factory, client_id, account_id, 3)
    old = published(store, factory, client_id, account_id, 45)

    first = AccountSnapshotJob(store, factory, account_id).run(JobContext(1))
    SyncAccountJob(store, factory, account_id).run(JobContext(2))
    AccountSnapshotJob(store, factory, account_id).run(JobContext(3))

    assert first.followers is not None and first.posts_measured == 1
    assert first.not_available == ()
    assert count(store, AccountMetric.id) == 3  # never thinned
    assert count(store, PostMetric.id, PostMetric.target_id == recent) == 3
    assert count(store, PostMetric.id, PostMetric.target_id == old) == 0  # older than 30 days
    with store.session() as session:
        row = session.scalars(select(AccountMetric)).first()
        assert row.following is not None and row.posts is not None


def test_a_network_without_the_number_stores_null_and_reads_as_not_available(
    store, vault, factory, client_id, profile, monkeypatch
):
    account_id = connect(store, vault, factory, client_id)
    target = published(store, factory, client_id, account_id, 2)
    use_connector(monkeypatch, factory, NoCounts)

    result = AccountSnapshotJob(store, factory, account_id).run(JobContext(1))

    assert result.followers is None
    assert {"followers", "following", "posts", "reposts", "views"} <= set(result.not_available)
    with store.session() as session:
        metric = session.scalars(select(AccountMetric)).one()
        assert (metric.followers, metric.following, metric.posts) == (None, None, None)
        post = session.scalars(select(PostMetric).where(PostMetric.target_id == target)).one()
        assert (post.likes, post.reposts, post.replies, post.views) == (3, None, 1, None)
    reader = StoreReader(profile.database)
    try:
        today = datetime.now(UTC).date()
        period = Period(today - timedelta(days=6), today)
        (series,) = aq.follower_series(reader.db, client_id, period)
        assert series.available is False and series.points == ()
        (summary,) = aq.account_summaries(reader.db, client_id, period)
        assert summary.followers is None
        (post_row,) = aq.posts_in_period(reader.db, client_id, period)
        assert post_row.targets[0].reposts is None and post_row.engagement == 4
    finally:
        reader.close()


def test_followers_only_network_keeps_the_rest_null(store, vault, factory, client_id, monkeypatch):
    account_id = connect(store, vault, factory, client_id)
    use_connector(monkeypatch, factory, FollowersOnly)
    result = AccountSnapshotJob(store, factory, account_id).run(JobContext(1))
    assert result.followers == 321 and result.not_available == ("following", "posts")
    with store.session() as session:
        metric = session.scalars(select(AccountMetric)).one()
        assert (metric.followers, metric.following, metric.posts) == (321, None, None)


def test_a_revoked_account_is_marked_and_nothing_is_stored(store, vault, factory, client_id):
    account_id = connect(store, vault, factory, client_id)
    with store.session() as session:
        key = session.get(Account, account_id).vault_key
    vault.put(key, {"token": "wrong", "handle": "kafija"})
    with pytest.raises(AuthError):
        AccountSnapshotJob(store, factory, account_id).run(JobContext(1))
    with store.session() as session:
        assert session.get(Account, account_id).status == AccountStatus.NEEDS_REAUTH
    assert count(store, AccountMetric.id) == 0


def test_due_accounts_are_those_not_measured_for_a_day(store, vault, factory, client_id):
    fresh = connect(store, vault, factory, client_id, "fresh")
    stale = connect(store, vault, factory, client_id, "stale")
    never = connect(store, vault, factory, client_id, "never")
    archived = connect(store, vault, factory, client_id, "archived")
    now = datetime.now(UTC)
    with store.transaction() as session:
        session.add(AccountMetric(account_id=fresh, measured_at=now - timedelta(hours=3)))
        session.add(AccountMetric(account_id=stale, measured_at=now - timedelta(hours=25)))
        session.get(Account, archived).archived_at = now
    with store.session() as session:
        assert due_accounts(session, now) == [stale, never]
        assert due_accounts(session, now, timedelta(0)) == [fresh, stale, never]


# --- competitors -----------------------------------------------------------------------------


def test_competitors_measured_where_the_network_allows(
    store, vault, factory, client_id, monkeypatch
):
    connect(store, vault, factory, client_id)
    with store.transaction() as session:
        rival = add_competitor(session, client_id, "sandbox", "@rival_brand", "Rival")
        telegram = add_competitor(session, client_id, "telegram", "@channel")
        flaky = add_competitor(session, client_id, "sandbox", "flaky")
    with store.session() as session:
        assert competitors_due(session, datetime.now(UTC))

    real = SandboxConnector.fetch_public_followers

    def sometimes(self, handle):
        if handle == "flaky":
            raise TransientError("The sandbox is busy.")
        return real(self, handle)

    monkeypatch.setattr(SandboxConnector, "fetch_public_followers", sometimes)
    result = CompetitorSnapshotJob(store, factory).run(JobContext(1))

    assert result.measured == (rival,) and result.not_available == (telegram,)
    assert len(result.failed) == 1 and "flaky" in result.failed[0]
    assert result.client_ids == (client_id,)
    with store.session() as session:
        rows = {r.competitor_id: r.followers for r in session.scalars(select(CompetitorMetric))}
        assert rows[telegram] is None and rows[rival] > 0 and flaky not in rows
        assert competitors_due(session, datetime.now(UTC))  # flaky is still due


def test_sandbox_public_followers_refuse_a_bad_name(store, vault, factory, client_id):
    account_id = connect(store, vault, factory, client_id)
    with store.session() as session:
        account = session.get(Account, account_id)
        session.expunge(account)
    connector = factory.for_account(account)
    assert connector.fetch_public_followers("@someone") == connector.fetch_public_followers(
        "someone"
    )
    with pytest.raises(PermanentError):
        connector.fetch_public_followers("not a name!")


# --- the scheduler ---------------------------------------------------------------------------


def test_scheduler_measures_what_is_due_and_on_demand(qtbot, store, vault, factory, client_id):
    account_id = connect(store, vault, factory, client_id)
    with store.transaction() as session:
        add_competitor(session, client_id, "sandbox", "rival")
    coordinator = SyncCoordinator(store, factory, batch_ms=10)
    scheduler = MetricsScheduler(coordinator, first_delay_ms=0)
    changed: list[int] = []
    coordinator.metrics_changed.connect(changed.append)
    with qtbot.waitSignal(scheduler.competitors_changed, timeout=5000):
        scheduler.start()
    qtbot.waitUntil(lambda: not scheduler.busy and account_id in changed, timeout=5000)
    assert count(store, AccountMetric.id) == 1 and count(store, CompetitorMetric.id) == 1

    scheduler.run_due()  # measured a moment ago: nothing is due
    qtbot.wait(100)
    assert not scheduler.busy and count(store, AccountMetric.id) == 1

    with qtbot.waitSignal(scheduler.competitors_changed, timeout=5000):
        scheduler.snapshot_now()
    qtbot.waitUntil(lambda: not scheduler.busy, timeout=5000)
    assert count(store, AccountMetric.id) == 2 and count(store, CompetitorMetric.id) == 2
    scheduler.stop()
    coordinator.stop(2000)


# --- Mastodon's public lookup ------------------------------------------------------------------


class LookupFake(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.accounts = {"brand@example.social": 1234, "hidden": -1}

    def handle(self, request: Request) -> Reply:
        if request.path != "/api/v1/accounts/lookup":
            return Reply.json({"error": "Record not found"}, 404)
        acct = request.arg("acct")
        if acct not in self.accounts:
            return Reply.json({"error": "Record not found"}, 404)
        return Reply.json({"id": "7", "acct": acct, "followers_count": self.accounts[acct]})


def test_mastodon_reads_a_public_follower_count():
    with LookupFake() as fake:
        connector = MastodonConnector(
            ConnectorConfig(secret={"access_token": "t"}, base_url=fake.base_url, timeout=1.0)
        )
        assert connector.fetch_public_followers("@brand@example.social") == 1234
        assert fake.requests_to("GET", "/api/v1/accounts/lookup")[0].query == {
            "acct": ["brand@example.social"]
        }
        assert connector.fetch_public_followers("hidden") is None  # hidden, not zero
        with pytest.raises(PermanentError, match="no Mastodon account"):
            connector.fetch_public_followers("@nobody@example.social")
        with pytest.raises(PermanentError):
            connector.fetch_public_followers("two words")
        fake.fail_next(Failure.html())
        with pytest.raises((BadResponse, TransientError)):
            connector.fetch_public_followers("brand@example.social")
        fake.fail_next(Failure.slow(delay=1.5))
        with pytest.raises(TransientError):
            connector.fetch_public_followers("brand@example.social")


def test_networks_without_a_public_count_say_so(store, vault, factory, client_id):
    from smmdesk.platforms.base import Connector

    assert "fetch_public_followers" in Connector.__dict__
    with pytest.raises(Unsupported):
        Connector.fetch_public_followers(FollowersOnly(ConnectorConfig(secret={})), "x")


class AnyAnswer(FakeServer):
    """Answers the lookup with whatever the test sets."""

    def __init__(self) -> None:
        super().__init__()
        self.reply = Reply.json({})

    def handle(self, request: Request) -> Reply:
        return self.reply


_json = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        st.text(max_size=20),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)


@pytest.fixture(scope="module")
def any_answer():
    with AnyAnswer() as fake:
        yield fake


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    status=st.sampled_from([200, 200, 200, 400, 401, 403, 404, 410, 422, 429, 500, 503]),
    body=st.one_of(
        _json,
        st.fixed_dictionaries({"id": st.text(max_size=5), "followers_count": _json}),
    ),
)
def test_mastodon_lookup_fuzz_gives_a_count_none_or_a_connector_error(any_answer, status, body):
    any_answer.reply = Reply.json(body, status)
    connector = MastodonConnector(
        ConnectorConfig(secret={"access_token": "t"}, base_url=any_answer.base_url, timeout=1.0)
    )
    try:
        count = connector.fetch_public_followers("@brand@example.social")
    except ConnectorError:
        return
    assert count is None or (isinstance(count, int) and count >= 0)
