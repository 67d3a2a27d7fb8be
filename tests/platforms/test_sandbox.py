"""The sandbox network: a deterministic, local, simulated audience."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smmdesk.platforms import connector_class
from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    ConnectorConfig,
    InboxKind,
    PermanentError,
    PublishRequest,
    RateLimited,
    RemoteInboxItem,
    TextCounting,
    TransientError,
)
from smmdesk.platforms.sandbox import SandboxConnector
from smmdesk.platforms.sandbox_world import count_graphemes

START = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def make(
    state: Path | None,
    clock: Clock,
    *,
    token: str = "sandbox-test",
    handle: str = "riga_bakery",
    seed: str = "test-seed",
) -> SandboxConnector:
    options = {"seed": seed}
    if state is not None:
        options["state_file"] = str(state)
    config = ConnectorConfig(secret={"token": token, "handle": handle}, options=options)
    return SandboxConnector(config, clock=clock)


def drain(
    connector: SandboxConnector, cursor: str | None = None
) -> tuple[list[RemoteInboxItem], str | None]:
    """Page through the inbox until a page comes back empty."""
    items: list[RemoteInboxItem] = []
    for _ in range(10_000):
        page = connector.fetch_inbox(cursor)
        cursor = page.cursor
        if not page.items:
            return items, cursor
        items.extend(page.items)
    raise AssertionError("paging never ended")


def with_history(connector: SandboxConnector, clock: Clock, days: int = 10) -> None:
    for day in range(days, 0, -1):
        text = f"Post of day {day}" + (" — what do you think?" if day % 3 == 0 else "")
        connector.record_post(text, clock.now - timedelta(days=day, hours=day % 7))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(tmp_path: Path, clock: Clock) -> SandboxConnector:
    return make(tmp_path / "world.json", clock)


# --- declaration and credentials -------------------------------------------------


def test_registry_and_declarations() -> None:
    assert connector_class("sandbox") is SandboxConnector
    assert SandboxConnector.platform == "sandbox"
    assert SandboxConnector.display_name == "Sandbox (practice)"
    caps = SandboxConnector.capabilities
    assert (caps.max_text_length, caps.text_counting, caps.max_images) == (
        500,
        TextCounting.GRAPHEMES,
        4,
    )
    assert not caps.native_scheduling and not caps.can_delete_comments
    assert caps.can_hide_comments and caps.has_direct_messages
    token, handle = SandboxConnector.credential_fields
    assert (token.key, token.label, token.secret) == ("token", "Practice token", True)
    assert token.placeholder == "sandbox-…" and "sandbox-" in token.help_text
    assert "computer" in token.help_text
    assert (handle.key, handle.label, handle.secret) == ("handle", "Account name", False)


def test_validate_returns_the_identity(sandbox: SandboxConnector) -> None:
    identity = sandbox.validate()
    assert identity.remote_id == "sbx:riga_bakery"
    assert identity.handle == "@riga_bakery"
    assert identity.display_name == "Riga Bakery"
    assert identity.url == "sandbox://riga_bakery"


def test_validate_takes_the_handle_from_the_config(clock: Clock) -> None:
    config = ConnectorConfig(secret={"token": "sandbox-x"}, handle="@Coffee.To_Go")
    identity = SandboxConnector(config, clock=clock).validate()
    assert identity.handle == "@coffee.to_go"
    assert identity.display_name == "Coffee To Go"


@pytest.mark.parametrize("token", ["", "abc", "Sandbox-x", "real-token-sandbox-"])
def test_validate_rejects_other_tokens(tmp_path: Path, clock: Clock, token: str) -> None:
    with pytest.raises(AuthError, match="start with 'sandbox-'"):
        make(tmp_path / "w.json", clock, token=token).validate()


def test_validate_rejects_a_missing_token(clock: Clock) -> None:
    config = ConnectorConfig(secret={"handle": "riga_bakery"})
    with pytest.raises(AuthError):
        SandboxConnector(config, clock=clock).validate()


@pytest.mark.parametrize("handle", ["", "a", "x" * 31, "two words", "émile", "a/b", "@"])
def test_validate_rejects_bad_handles(tmp_path: Path, clock: Clock, handle: str) -> None:
    with pytest.raises(PermanentError):
        make(tmp_path / "w.json", clock, handle=handle).validate()


SPECIAL_TOKENS = [
    ("sandbox-demo-ratelimited", RateLimited),
    ("sandbox-offline", TransientError),
    ("sandbox-x-revoked", AuthError),
]
CALLS = {
    "validate": lambda c: c.validate(),
    "publish": lambda c: c.publish(PublishRequest("hello")),
    "delete_post": lambda c: c.delete_post("p1"),
    "find_published": lambda c: c.find_published("key", "hello"),
    "fetch_inbox": lambda c: c.fetch_inbox(None),
    "reply": lambda c: c.reply(
        RemoteInboxItem("x", InboxKind.COMMENT, "sbx:a", "A", "hi", START), "thanks"
    ),
    "fetch_account_stats": lambda c: c.fetch_account_stats(),
    "fetch_post_stats": lambda c: c.fetch_post_stats(["p1"]),
}


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize(("token", "error"), SPECIAL_TOKENS)
def test_special_tokens_fail_every_call(
    tmp_path: Path, clock: Clock, token: str, error: type[Exception], call: str
) -> None:
    connector = make(tmp_path / "w.json", clock, token=token)
    with pytest.raises(error) as caught:
        CALLS[call](connector)
    if isinstance(caught.value, RateLimited):
        assert caught.value.retry_after == 30
    if isinstance(caught.value, TransientError):
        assert str(caught.value) == "Sandbox network unreachable"
    assert token not in str(caught.value)
    assert not (tmp_path / "w.json").exists()


# --- text length ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("", 0),
        ("hello", 5),
        ("👍🏽", 1),
        ("🇱🇻", 1),
        ("🇱🇻🇪🇹", 2),
        ("ሰላም", 3),
        ("Jānis Bērziņš", 13),
        ("e\u0301", 1),
        ("👨‍👩‍👧", 1),
        ("❤️", 1),
        ("1️⃣", 1),
        ("a\r\nb", 3),
        ("Привет", 6),
    ],
)
def test_count_graphemes(text: str, length: int) -> None:
    assert count_graphemes(text) == length


@pytest.mark.parametrize("unit", ["👍🏽", "🇱🇻", "ሰ", "ā", "x"])
def test_publish_limits_text_in_graphemes(sandbox: SandboxConnector, unit: str) -> None:
    sandbox.publish(PublishRequest(unit * 500))
    with pytest.raises(PermanentError, match="501"):
        sandbox.publish(PublishRequest(unit * 501))


def test_publish_checks_images(sandbox: SandboxConnector, tmp_path: Path) -> None:
    images = []
    for n in range(5):
        image = tmp_path / f"photo{n}.png"
        image.write_bytes(b"\x89PNG\r\n\x1a\n")
        images.append(image)
    post = sandbox.publish(PublishRequest("four photos", images=images[:4]))
    assert post.url.startswith("sandbox://riga_bakery/posts/")
    with pytest.raises(PermanentError, match="at most 4"):
        sandbox.publish(PublishRequest("five photos", images=images))
    with pytest.raises(PermanentError, match="not found"):
        sandbox.publish(PublishRequest("lost", images=[tmp_path / "missing.jpg"]))
    with pytest.raises(PermanentError):
        sandbox.publish(PublishRequest("   "))


# --- publishing --------------------------------------------------------------------


def test_publish_returns_a_post_at_the_clock(sandbox: SandboxConnector, clock: Clock) -> None:
    post = sandbox.publish(PublishRequest("Fresh bread today"))
    assert post.published_at == START
    assert post.url == f"sandbox://riga_bakery/posts/{post.remote_id}"
    again = sandbox.publish(PublishRequest("Fresh bread today"))
    assert again.remote_id != post.remote_id  # no key: a second post


def test_idempotency_key_returns_the_same_post(sandbox: SandboxConnector, clock: Clock) -> None:
    before = sandbox.fetch_account_stats().posts
    first = sandbox.publish(PublishRequest("Opening at 8", idempotency_key="attempt-1"))
    clock.advance(minutes=5)
    second = sandbox.publish(PublishRequest("Opening at 8", idempotency_key="attempt-1"))
    assert second == first
    assert sandbox.fetch_account_stats().posts == before + 1
    assert sandbox.find_published("attempt-1", "anything") == first


def test_find_published_falls_back_to_recent_identical_text(
    sandbox: SandboxConnector, clock: Clock
) -> None:
    post = sandbox.publish(PublishRequest("Sale ends Sunday"))
    assert sandbox.find_published("", "Sale ends Sunday") == post
    assert sandbox.find_published("other-key", "Sale ends Sunday") == post
    assert sandbox.find_published("other-key", "Sale ends Monday") is None
    clock.advance(hours=25)
    assert sandbox.find_published("", "Sale ends Sunday") is None


def test_a_new_connector_sees_the_saved_world(tmp_path: Path, clock: Clock) -> None:
    state = tmp_path / "profile" / "world.json"
    post = make(state, clock).publish(PublishRequest("Saved", idempotency_key="k"))
    assert json.loads(state.read_text(encoding="utf-8"))["format"] == "smmdesk-sandbox"
    assert [p.name for p in state.parent.iterdir()] == ["world.json"]  # no temp files left
    assert make(state, clock).find_published("k", "") == post


def test_accounts_sharing_a_file_stay_apart(tmp_path: Path, clock: Clock) -> None:
    state = tmp_path / "world.json"
    bakery, cafe = make(state, clock), make(state, clock, handle="cafe_riga")
    post = bakery.publish(PublishRequest("Bread", idempotency_key="k"))
    assert cafe.find_published("k", "Bread") is None
    other = cafe.publish(PublishRequest("Coffee", idempotency_key="k"))
    assert other.remote_id != post.remote_id
    assert bakery.find_published("k", "") == post


def test_delete_post_deletes_only_our_posts(sandbox: SandboxConnector, clock: Clock) -> None:
    post = sandbox.record_post("A question?", clock.now - timedelta(days=2))
    comments = [i for i in drain(sandbox)[0] if i.post_remote_id == post.remote_id]
    assert comments
    with pytest.raises(PermanentError, match="never audience comments"):
        sandbox.delete_post(comments[0].remote_id)
    with pytest.raises(PermanentError):
        sandbox.delete_post("p-unknown")
    sandbox.delete_post(post.remote_id)
    sandbox.delete_post(post.remote_id)  # a retry is harmless
    assert all(i.post_remote_id != post.remote_id for i in drain(sandbox)[0])
    assert sandbox.find_published("", "A question?") is None
    assert sandbox.fetch_post_stats([post.remote_id]) == {}


# --- the state file ------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        '{"format": "something else"}',
        '{"format": "smmdesk-sandbox", "accounts": {"x": {"counter": "many"}}}',
        '{"format": "smmdesk-sandbox", "accounts": {"x": {"counter": 1, "posts": [{}],'
        ' "replies": [], "deleted": [], "hidden": []}}}',
    ],
)
def test_a_damaged_state_file_is_reported_and_left_alone(
    tmp_path: Path, clock: Clock, content: str
) -> None:
    state = tmp_path / "world.json"
    state.write_text(content, encoding="utf-8")
    connector = make(state, clock)
    for call in (
        lambda: connector.publish(PublishRequest("hello")),
        lambda: connector.fetch_inbox(None),
        lambda: connector.fetch_account_stats(),
        lambda: connector.record_post("old", START - timedelta(days=1)),
    ):
        with pytest.raises(BadResponse, match=r"world\.json"):
            call()
    assert state.read_text(encoding="utf-8") == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["world.json"]


def test_without_a_state_file_the_world_lives_in_memory(clock: Clock) -> None:
    connector = make(None, clock)
    post = connector.publish(PublishRequest("hi", idempotency_key="k"))
    assert connector.find_published("k", "") == post


# --- the audience ----------------------------------------------------------------------


def test_same_seed_and_clock_give_the_same_audience(tmp_path: Path) -> None:
    def run(seed: str, name: str) -> list[RemoteInboxItem]:
        clock = Clock()
        connector = make(tmp_path / name, clock, seed=seed)
        with_history(connector, clock)
        connector.publish(PublishRequest("New menu?"))
        clock.advance(hours=20)
        return drain(connector)[0]

    first, second = run("alpha", "a.json"), run("alpha", "b.json")
    assert first and first == second
    assert run("beta", "c.json") != first


def test_the_audience_is_varied_and_multilingual(sandbox: SandboxConnector, clock: Clock) -> None:
    with_history(sandbox, clock, days=13)
    items = drain(sandbox)[0]
    kinds = Counter(i.kind for i in items)
    assert set(kinds) == set(InboxKind)
    for item in items:
        if item.kind == InboxKind.COMMENT:
            assert item.post_remote_id and not item.parent_remote_id
        elif item.kind == InboxKind.REPLY:
            assert item.parent_remote_id
        else:
            assert not item.post_remote_id
        assert item.author_id.startswith("sbx:") and item.author_name and item.text
        assert item.created_at.tzinfo is not None
    names = " ".join(i.author_name for i in items)
    assert any("\u0400" <= ch <= "\u04ff" for ch in names)  # Cyrillic
    assert any("\u1200" <= ch <= "\u137f" for ch in names)  # Ge'ez
    assert any(ch in "āēīūļņšžķģč" for ch in names.lower())  # Latvian
    assert any("$" in i.text or "BTC" in i.text or "₽" in i.text for i in items)  # spam
    messages_per_day = kinds[InboxKind.DIRECT_MESSAGE] / 13
    assert 0.4 <= messages_per_day <= 2


def test_questions_draw_more_comments(sandbox: SandboxConnector, clock: Clock) -> None:
    asked = [sandbox.record_post(f"Q{n}?", clock.now - timedelta(days=4)) for n in range(15)]
    told = [sandbox.record_post(f"S{n}.", clock.now - timedelta(days=4)) for n in range(15)]
    counts = Counter(i.post_remote_id for i in drain(sandbox)[0] if i.kind == InboxKind.COMMENT)
    assert all(counts[p.remote_id] <= 12 for p in asked + told)
    assert sum(counts[p.remote_id] for p in asked) > sum(counts[p.remote_id] for p in told)


def test_events_exist_only_up_to_the_clock(sandbox: SandboxConnector, clock: Clock) -> None:
    post = sandbox.publish(PublishRequest("Just opened! Any questions?"))
    items, cursor = drain(sandbox)
    assert items == []
    seen: list[RemoteInboxItem] = []
    for _ in range(8):
        clock.advance(hours=10)
        new, cursor = drain(sandbox, cursor)
        assert all(i.created_at <= clock.now for i in new)
        seen.extend(new)
    assert any(i.post_remote_id == post.remote_id for i in seen)
    # Early hours are the busy ones.
    comments = [i for i in seen if i.kind == InboxKind.COMMENT]
    early = [i for i in comments if i.created_at - post.published_at < timedelta(hours=24)]
    assert len(early) >= len(comments) / 2


def test_paging_never_duplicates_and_ends(sandbox: SandboxConnector, clock: Clock) -> None:
    with_history(sandbox, clock, days=13)
    everything = drain(sandbox)[0]
    sandbox.page_size = 7
    paged, cursor = drain(sandbox)
    assert paged == everything
    assert len({i.remote_id for i in paged}) == len(paged)
    assert sandbox.fetch_inbox(cursor).items == []
    keys = [(i.created_at, i.remote_id) for i in paged]
    assert keys == sorted(keys)


def test_first_fetch_covers_the_inbox_window_only(sandbox: SandboxConnector, clock: Clock) -> None:
    window = SandboxConnector.inbox_window
    sandbox.record_post("Long ago?", clock.now - window - timedelta(days=10))
    sandbox.record_post("Recently?", clock.now - timedelta(days=3))
    items = drain(sandbox)[0]
    assert items
    assert all(i.created_at > clock.now - window for i in items)


def test_a_page_holds_at_most_200_items(sandbox: SandboxConnector, clock: Clock) -> None:
    for n in range(60):
        sandbox.record_post(f"Post {n}?", clock.now - timedelta(days=5, minutes=n))
    page = sandbox.fetch_inbox(None)
    assert len(page.items) == 200
    rest = drain(sandbox, page.cursor)[0]
    assert rest and not {i.remote_id for i in rest} & {i.remote_id for i in page.items}


def test_an_unreadable_cursor_counts_as_none(sandbox: SandboxConnector, clock: Clock) -> None:
    with_history(sandbox, clock, days=3)
    assert sandbox.fetch_inbox("garbage") == sandbox.fetch_inbox(None)


def test_record_post_in_the_past_has_comments_now(sandbox: SandboxConnector, clock: Clock) -> None:
    post = sandbox.record_post(
        "How do you like our new croissants?", clock.now - timedelta(days=3), "old-1"
    )
    assert post.published_at == clock.now - timedelta(days=3)
    items = drain(sandbox)[0]
    assert any(i.post_remote_id == post.remote_id for i in items)
    assert sandbox.find_published("old-1", "") == post
    with pytest.raises(ValueError):
        sandbox.record_post("tomorrow", clock.now + timedelta(days=1))
    with pytest.raises(ValueError):
        sandbox.record_post("naive", datetime(2025, 1, 1))


def test_replies_are_recorded_and_some_authors_answer_back(
    sandbox: SandboxConnector, clock: Clock
) -> None:
    with_history(sandbox, clock, days=5)
    items, cursor = drain(sandbox)
    with pytest.raises(PermanentError):
        sandbox.reply(items[0], "   ")
    with pytest.raises(PermanentError):
        sandbox.reply(items[0], "x" * 501)
    sent = {sandbox.reply(item, "Thank you, we will check!"): item for item in items[:20]}
    assert len(sent) == 20
    clock.advance(minutes=59)
    early, cursor = drain(sandbox, cursor)
    assert not [i for i in early if i.parent_remote_id in sent]  # nobody answers that fast
    clock.advance(hours=2)
    follow_ups = [i for i in drain(sandbox, cursor)[0] if i.parent_remote_id in sent]
    assert follow_ups
    for answer in follow_ups:
        original = sent[answer.parent_remote_id]
        assert answer.author_id == original.author_id
        dm = original.kind == InboxKind.DIRECT_MESSAGE
        assert answer.kind == (InboxKind.DIRECT_MESSAGE if dm else InboxKind.REPLY)


def test_hidden_comments_stay_but_stop_counting(sandbox: SandboxConnector, clock: Clock) -> None:
    post = sandbox.record_post("Thoughts?", clock.now - timedelta(days=3))
    items = drain(sandbox)[0]
    comment = next(i for i in items if i.post_remote_id == post.remote_id)
    before = sandbox.fetch_post_stats([post.remote_id])[post.remote_id].replies
    sandbox.hide_item(comment.remote_id)
    assert sandbox.fetch_post_stats([post.remote_id])[post.remote_id].replies == before - 1
    assert comment in drain(sandbox)[0]
    message = next(i for i in items if i.kind == InboxKind.DIRECT_MESSAGE)
    with pytest.raises(PermanentError):
        sandbox.hide_item(message.remote_id)


# --- numbers -----------------------------------------------------------------------------


def test_followers_are_deterministic_and_drift(tmp_path: Path, clock: Clock) -> None:
    one, two = make(tmp_path / "a.json", clock), make(tmp_path / "b.json", clock)
    days = [START + timedelta(days=n) for n in range(120)]
    series = [one.followers_at("riga_bakery", d) for d in days]
    assert series == [two.followers_at("@riga_bakery", d) for d in days]
    assert all(300 <= f <= 20_000 for f in series)
    assert len(set(series)) > 30  # it moves
    assert sum(series[-20:]) > sum(series[:20])  # and grows over four months
    other = make(tmp_path / "c.json", clock, seed="other")
    assert [other.followers_at("riga_bakery", d) for d in days] != series
    stats = one.fetch_account_stats()
    assert stats.measured_at == START
    assert stats.followers == one.followers_at("riga_bakery", START)
    assert stats.following > 0 and stats.posts > 0


def test_a_post_brings_followers(sandbox: SandboxConnector, clock: Clock) -> None:
    later = START + timedelta(days=1)
    without = sandbox.followers_at("riga_bakery", later)
    posts = sandbox.fetch_account_stats().posts
    sandbox.publish(PublishRequest("Big news!"))
    assert sandbox.followers_at("riga_bakery", later) > without
    assert sandbox.fetch_account_stats().posts == posts + 1


def test_post_stats_grow_with_age(sandbox: SandboxConnector, clock: Clock) -> None:
    post = sandbox.publish(PublishRequest("Our new shop! What should we bake first?"))
    history = []
    for _ in range(12):
        clock.advance(hours=6)
        history.append(sandbox.fetch_post_stats([post.remote_id, "p-unknown"]))
    assert all(set(h) == {post.remote_id} for h in history)
    stats = [h[post.remote_id] for h in history]
    for field in ("likes", "reposts", "replies", "views"):
        values = [getattr(s, field) for s in stats]
        assert values == sorted(values), field
    assert stats[0].views is not None and stats[-1].views is not None
    assert stats[-1].views > stats[0].views > 0
    assert stats[-1].likes > stats[0].likes
    visible = [
        i
        for i in drain(sandbox)[0]
        if i.post_remote_id == post.remote_id and i.kind in (InboxKind.COMMENT, InboxKind.REPLY)
    ]
    assert stats[-1].replies == len(visible)
    assert sandbox.fetch_post_stats([post.remote_id]) == history[-1]  # deterministic


# --- a property --------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    page_size=st.integers(min_value=1, max_value=40),
    steps=st.lists(st.integers(min_value=1, max_value=30 * 60), min_size=1, max_size=6),
    replies=st.integers(min_value=0, max_value=5),
)
def test_paging_neither_duplicates_nor_misses(
    page_size: int, steps: list[int], replies: int
) -> None:
    """Whatever the page size and however the clock moves, paging sees each item once."""
    clock = Clock()
    with tempfile.TemporaryDirectory() as folder:
        connector = make(Path(folder) / "w.json", clock)
        with_history(connector, clock, days=3)
        connector.page_size = page_size
        seen: list[RemoteInboxItem] = []
        cursor: str | None = None
        for minutes in steps:
            items, cursor = drain(connector, cursor)
            seen.extend(items)
            for item in items[:replies]:
                connector.reply(item, "Thanks!")
            if minutes % 3 == 0:
                connector.publish(PublishRequest(f"Post at {clock.now:%H:%M}?"))
            clock.advance(minutes=minutes)
        items, cursor = drain(connector, cursor)
        seen.extend(items)
        connector.page_size = 10_000
        assert [i.remote_id for i in seen] == [i.remote_id for i in drain(connector)[0]]
