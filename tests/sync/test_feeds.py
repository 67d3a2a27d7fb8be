"""Feed polling end to end against a fake feed server on 127.0.0.1."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from smmdesk import __version__
from smmdesk.platforms.base import ConnectorError, NetworkUnreachable
from smmdesk.store import ideas
from smmdesk.store.models import Idea, IdeaSource
from smmdesk.sync.feeds import FeedPoller, PollFeedJob, html_to_text, parse_feed
from smmdesk.sync.jobs import JobContext
from tests.fakes.feed_server import HTML_PAGE, FeedServer, atom, item, rss

T0 = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)

ENTRIES = [
    item(
        "Cardamom & coffee",
        guid="post-1",
        link="https://kafija.example/1",
        summary="<p>Why <b>cardamom</b> works &amp; how</p><script>alert(1)</script>",
        published=T0,
    ),
    item("Octopus Day is coming", guid="post-2", link="https://kafija.example/2"),
    item("No guid here", link="https://kafija.example/3", summary="Plain text"),
]


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    with FeedServer() as server:
        yield server


def add_source(store, client_id, url, title=""):
    with store.transaction() as session:
        return ideas.add_source(session, client_id, url, title)


def poll(store, source_id, timeout=5.0):
    return PollFeedJob(store, source_id, timeout=timeout).run(JobContext(1))


def source(store, source_id) -> IdeaSource:
    with store.session() as session:
        row = session.get(IdeaSource, source_id)
        session.expunge(row)
        return row


def idea_rows(store):
    with store.session() as session:
        rows = session.scalars(select(Idea).order_by(Idea.id)).all()
        for row in rows:
            session.expunge(row)
        return rows


def test_poll_stores_each_entry_once_as_a_plain_text_idea(store, client_id, server):
    url = server.route("/feed.xml", rss("Coffee news", ENTRIES))
    source_id = add_source(store, client_id, url)

    first = poll(store, source_id)
    again = poll(store, source_id)

    assert (first.new_ideas, again.new_ideas) == (3, 0)
    assert first.client_id == client_id
    rows = idea_rows(store)
    assert [r.title for r in rows] == [
        "Cardamom & coffee",
        "Octopus Day is coming",
        "No guid here",
    ]
    cardamom = rows[0]
    assert cardamom.body == "Why cardamom works & how"
    assert cardamom.link == "https://kafija.example/1"
    assert cardamom.published_at == T0
    assert cardamom.entry_id == "post-1" and cardamom.source_id == source_id
    assert rows[2].entry_id == "https://kafija.example/3"  # no guid: the link
    state = source(store, source_id)
    assert state.title == "Coffee news"  # taken from the feed
    assert state.error == "" and state.failures == 0
    assert state.last_fetched_at is not None
    assert state.next_poll_at > datetime.now(UTC) + timedelta(minutes=20)
    request = server.requests_to("/feed.xml")[0]
    assert request.headers["user-agent"] == f"SMM Desk/{__version__}"


def test_new_entries_are_added_on_the_next_poll(store, client_id, server):
    url = server.route("/feed.xml", rss("Coffee news", ENTRIES[:1]))
    source_id = add_source(store, client_id, url)
    assert poll(store, source_id).new_ideas == 1
    server.route("/feed.xml", rss("Coffee news", ENTRIES))
    assert poll(store, source_id).new_ideas == 2


def test_atom_feeds_work_too(store, client_id, server):
    url = server.route(
        "/atom.xml", atom("Roastery", ENTRIES[:2]), content_type="application/atom+xml"
    )
    source_id = add_source(store, client_id, url, "My title")
    assert poll(store, source_id).new_ideas == 2
    rows = idea_rows(store)
    assert rows[0].body == "Why cardamom works & how"
    assert rows[0].published_at == T0
    assert source(store, source_id).title == "My title"  # the user's title is kept


def test_etag_and_last_modified_make_a_conditional_get(store, client_id, server):
    url = server.route(
        "/feed.xml",
        rss("Coffee news", ENTRIES),
        etag='"v1"',
        last_modified="Tue, 04 Mar 2025 09:30:00 GMT",
    )
    source_id = add_source(store, client_id, url)
    assert poll(store, source_id).new_ideas == 3
    stored = source(store, source_id)
    assert (stored.etag, stored.modified) == ('"v1"', "Tue, 04 Mar 2025 09:30:00 GMT")

    result = poll(store, source_id)

    assert result.not_modified and result.new_ideas == 0
    second = server.requests_to("/feed.xml")[1]
    assert second.headers["if-none-match"] == '"v1"'
    assert second.headers["if-modified-since"] == "Tue, 04 Mar 2025 09:30:00 GMT"
    assert second.status == 304
    assert source(store, source_id).etag == '"v1"'  # kept for the next poll


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ({"status": 404, "content_type": "text/plain"}, "The feed answered 404 Not Found"),
        (
            {"status": 500, "content_type": "text/plain"},
            "The feed answered 500 Internal Server Error",
        ),
        (
            {"body": b"<!doctype html><p>Hi</p>", "content_type": "text/html"},
            "This address is not an RSS or Atom feed",
        ),
        ({"body": b"just some text", "content_type": "text/plain"}, "not an RSS or Atom feed"),
        ({"truncate": 600}, "The feed's XML is broken"),
        ({"truncate": 60}, "The feed's XML is broken"),
        ({"body": b""}, "empty"),
        ({"delay": 1.5}, "did not answer within 0.5 seconds"),
    ],
)
def test_a_failing_feed_keeps_a_clear_error_backs_off_and_recovers(
    store, client_id, server, route, message
):
    good = rss("Coffee news", ENTRIES)
    options = {"body": good, **route}
    url = server.route("/feed.xml", **options)
    source_id = add_source(store, client_id, url)

    before = datetime.now(UTC)
    with pytest.raises(ConnectorError, match=r"feed|address"):
        poll(store, source_id, timeout=0.5)
    failed = source(store, source_id)
    assert message in failed.error
    assert failed.failures == 1
    assert before + timedelta(minutes=14) < failed.next_poll_at < before + timedelta(minutes=16)

    with pytest.raises(ConnectorError):
        poll(store, source_id, timeout=0.5)
    twice = source(store, source_id)
    assert twice.failures == 2
    assert twice.next_poll_at > before + timedelta(minutes=29)
    assert idea_rows(store) == []

    server.route("/feed.xml", good)
    assert poll(store, source_id).new_ideas == 3
    recovered = source(store, source_id)
    assert recovered.error == "" and recovered.failures == 0


def test_a_web_page_points_to_its_feed(store, client_id, server):
    url = server.route("/", HTML_PAGE, content_type="text/html")
    source_id = add_source(store, client_id, url)
    with pytest.raises(ConnectorError):
        poll(store, source_id)
    error = source(store, source_id).error
    assert "not an RSS or Atom feed: it is a web page" in error
    assert server.url("/blog/feed.xml") in error


def test_rate_limits_wait_at_least_as_long_as_asked(store, client_id, server):
    url = server.route(
        "/feed.xml",
        b"slow down",
        status=429,
        content_type="text/plain",
        headers={"Retry-After": "7200"},
    )
    source_id = add_source(store, client_id, url)
    with pytest.raises(ConnectorError, match="429"):
        poll(store, source_id)
    assert source(store, source_id).next_poll_at > datetime.now(UTC) + timedelta(minutes=119)


def test_a_refused_connection_means_offline(store, client_id):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source_id = add_source(store, client_id, f"http://127.0.0.1:{port}/feed.xml")
    with pytest.raises(NetworkUnreachable):
        poll(store, source_id)
    state = source(store, source_id)
    assert "Could not connect to 127.0.0.1" in state.error
    assert state.failures == 1


def test_backoff_doubles_and_is_capped_at_a_day():
    delays = [ideas.retry_delay(n) for n in range(1, 10)]
    assert delays[:4] == [timedelta(minutes=m) for m in (15, 30, 60, 120)]
    assert delays[-1] == timedelta(hours=24)
    assert ideas.retry_delay(100) == timedelta(hours=24)


def test_html_to_text_keeps_paragraphs_and_drops_markup():
    text = html_to_text(
        "<h2>Menu</h2><p>Latte&nbsp;&amp; <i>flat white</i><br>today</p>"
        "<ul><li>one</li><li>two</li></ul><style>p{}</style><img src='x.png'>"
    )
    assert text == "Menu\n\nLatte & flat white\ntoday\n\n• one\n• two"


def test_feedparser_reads_only_the_bytes_it_is_given(monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("feedparser tried to fetch something")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    parsed = parse_feed(rss("x", ENTRIES), "http://127.0.0.1:9/feed.xml")
    assert len(parsed.entries) == 3


def test_poller_polls_due_sources_and_reports_changes(qtbot, store, factory, client_id, server):
    from smmdesk.sync.coordinator import SyncCoordinator

    coordinator = SyncCoordinator(store, factory)
    poller = FeedPoller(coordinator, timeout=5.0)
    due = add_source(store, client_id, server.route("/a.xml", rss("A", ENTRIES[:2])))
    later = add_source(store, client_id, server.route("/b.xml", rss("B", ENTRIES)))
    with store.transaction() as session:
        session.get(IdeaSource, later).next_poll_at = datetime.now(UTC) + timedelta(hours=1)
    changed = []
    poller.ideas_changed.connect(changed.append)
    try:
        with qtbot.waitSignal(poller.ideas_changed, timeout=5000):
            assert poller.poll_due() == 1
        assert poller.poll_due() == 0  # polled: not due for a while
        assert changed == [client_id]
        assert len(server.requests_to("/a.xml")) == 1
        assert server.requests_to("/b.xml") == []

        with qtbot.waitSignal(poller.ideas_changed, timeout=5000):
            assert poller.poll_now(later)
        with store.session() as session:
            assert session.scalar(select(func.count(Idea.id))) == 5  # each feed its own
        assert not poller.is_polling(due) and not poller.is_polling(later)
    finally:
        poller.stop()
        coordinator.stop(2000)


def test_poller_tells_the_app_it_is_offline(qtbot, store, factory, client_id):
    from smmdesk.sync.coordinator import SyncCoordinator

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source_id = add_source(store, client_id, f"http://127.0.0.1:{port}/feed.xml")
    coordinator = SyncCoordinator(store, factory)
    poller = FeedPoller(coordinator)
    try:
        with qtbot.waitSignal(coordinator.network.online_changed, timeout=5000) as blocker:
            poller.poll_now(source_id)
        assert blocker.args == [False]
        qtbot.waitUntil(lambda: not poller.is_polling(source_id))
    finally:
        poller.stop()
        coordinator.stop(2000)
