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


def report(item: RemoteInboxItem) -> tuple[str, bool, bool]:
    """An item is reported once as written, and again if edited or removed."""
    return item.remote_id, item.edited, item.removed


def current(items: list[RemoteInboxItem]) -> dict[str, RemoteInboxItem]:
    """The items as they stand after all their reports."""
    return {i.remote_id: i for i in items}


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


SOME_COMMENT = RemoteInboxItem("x", InboxKind.COMMENT, "sbx:a", "A", "hi", START, "p1")
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
    "hide_item": lambda c: c.hide_item(SOME_COMMENT),
    "unhide_item": lambda c: c.unhide_item(SOME_COMMENT),
    "fetch_thread": lambda c: c.fetch_thread(SOME_COMMENT),
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
    comments = {i.remote_id: i for i in drain(sandbox)[0] if i.kind == InboxKind.COMMENT}
    counts = Counter(i.post_remote_id for i in comments.values())
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
    assert len({report(i) for i in paged}) == len(paged)
    assert sandbox.fetch_inbox(cursor).items == []
    keys = [(i.created_at, i.remote_id) for i in paged if not (i.edited or i.removed)]
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
    assert rest and not {report(i) for i in rest} & {report(i) for i in page.items}


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


def test_hidden_comments_stay_but_stop_counting(
    tmp_path: Path, sandbox: SandboxConnector, clock: Clock
) -> None:
    post = sandbox.record_post("Thoughts?", clock.now - timedelta(days=3))
    items = drain(sandbox)[0]
    now = current(items)
    comment = next(i for i in now.values() if i.post_remote_id == post.remote_id and not i.removed)
    before = sandbox.fetch_post_stats([post.remote_id])[post.remote_id].replies
    sandbox.hide_item(comment)
    sandbox.hide_item(comment)  # twice is harmless
    assert sandbox.fetch_post_stats([post.remote_id])[post.remote_id].replies == before - 1
    assert comment in drain(sandbox)[0]  # the owner still sees it
    again = make(tmp_path / "world.json", clock)  # the state file keeps it hidden
    assert again.fetch_post_stats([post.remote_id])[post.remote_id].replies == before - 1
    again.unhide_item(comment)
    assert sandbox.fetch_post_stats([post.remote_id])[post.remote_id].replies == before
    sandbox.unhide_item(comment)  # showing a visible comment changes nothing
    assert sandbox.fetch_post_stats([post.remote_id])[post.remote_id].replies == before
    message = next(i for i in items if i.kind == InboxKind.DIRECT_MESSAGE)
    for act in (sandbox.hide_item, sandbox.unhide_item):
        with pytest.raises(PermanentError):
            act(message)
        with pytest.raises(PermanentError):
            act(RemoteInboxItem("nope", InboxKind.COMMENT, "sbx:a", "A", "hi", START))


# --- edits and removals ----------------------------------------------------------------


def test_the_audience_edits_and_removes_some_comments(
    sandbox: SandboxConnector, clock: Clock
) -> None:
    for n in range(40):
        sandbox.record_post(f"Post {n}?", clock.now - timedelta(days=9, hours=n))
    reports = drain(sandbox)[0]
    first = {}
    for i in reports:
        first.setdefault(i.remote_id, i)
    edited = [i for i in reports if i.edited]
    removed = [i for i in reports if i.removed]
    assert edited and removed
    assert len(edited) + len(removed) < len(first) / 4  # now and then, not always
    for change in edited + removed:
        original = first[change.remote_id]
        assert original is not change and not (original.edited or original.removed)
        assert change.kind in (InboxKind.COMMENT, InboxKind.REPLY)
        assert change.created_at == original.created_at
        assert (change.author_id, change.post_remote_id, change.parent_remote_id) == (
            original.author_id,
            original.post_remote_id,
            original.parent_remote_id,
        )
    for change in edited:
        original = first[change.remote_id]
        assert change.text != original.text and change.text.startswith(original.text)
        assert not change.removed
    for change in removed:
        assert change.text == first[change.remote_id].text and not change.edited
    assert len({report(i) for i in reports}) == len(reports)
    # most spam is taken down
    spam = [i for i in first.values() if "BTC" in i.text or "$" in i.text or "₽" in i.text]
    taken = sum(1 for i in spam if current(reports)[i.remote_id].removed)
    assert spam and taken >= len(spam) / 10


def test_an_edit_is_reported_when_it_happens(tmp_path: Path) -> None:
    clock = Clock()
    sandbox = make(tmp_path / "w.json", clock)
    for n in range(12):
        sandbox.publish(PublishRequest(f"Post {n}?"))
    seen: list[RemoteInboxItem] = []
    cursor: str | None = None
    for _ in range(60):
        clock.advance(hours=2)
        new, cursor = drain(sandbox, cursor)
        for item in new:
            if item.edited or item.removed:
                # reported after the original, never before
                assert item.remote_id in {i.remote_id for i in seen}
            seen.append(item)
    assert any(i.edited for i in seen) and any(i.removed for i in seen)
    # a fresh fetch of everything tells the same story
    sandbox.inbox_window = timedelta(days=60)
    assert drain(sandbox)[0] == seen


def test_changes_are_deterministic(tmp_path: Path) -> None:
    def run(name: str, seed: str) -> list[RemoteInboxItem]:
        clock = Clock()
        connector = make(tmp_path / name, clock, seed=seed)
        with_history(connector, clock, days=13)
        return [i for i in drain(connector)[0] if i.edited or i.removed]

    first = run("a.json", "alpha")
    assert first and first == run("b.json", "alpha")
    assert run("c.json", "beta") != first


def test_removed_comments_cannot_be_answered_or_hidden_and_stop_counting(
    sandbox: SandboxConnector, clock: Clock
) -> None:
    posts = [sandbox.record_post(f"Post {n}?", clock.now - timedelta(days=6)) for n in range(30)]
    items = current(drain(sandbox)[0])
    gone = next(i for i in items.values() if i.removed and i.kind == InboxKind.COMMENT)
    with pytest.raises(PermanentError, match="removed"):
        sandbox.reply(gone, "Thanks!")
    with pytest.raises(PermanentError, match="removed"):
        sandbox.hide_item(gone)
    stats = sandbox.fetch_post_stats([p.remote_id for p in posts])
    visible = Counter(
        i.post_remote_id
        for i in items.values()
        if i.kind in (InboxKind.COMMENT, InboxKind.REPLY) and not i.removed
    )
    assert {k: v.replies for k, v in stats.items()} == {
        p.remote_id: visible[p.remote_id] for p in posts
    }


# --- conversations -----------------------------------------------------------------------


def test_fetch_thread_gives_the_post_and_its_conversation(
    sandbox: SandboxConnector, clock: Clock
) -> None:
    texts = [f"Post {n}: what do you think?" for n in range(20)]
    posts = [sandbox.record_post(t, clock.now - timedelta(days=4)) for t in texts]
    items = current(drain(sandbox)[0])
    post = next(
        p
        for p in posts
        if any(i.post_remote_id == p.remote_id and i.edited for i in items.values())
    )
    on_post = [
        i
        for i in items.values()
        if i.post_remote_id == post.remote_id and i.kind in (InboxKind.COMMENT, InboxKind.REPLY)
    ]
    comment = min((i for i in on_post if not i.removed), key=lambda i: i.created_at)
    answer = sandbox.reply(comment, "Thank you!")
    clock.advance(minutes=5)
    thread = sandbox.fetch_thread(comment)
    assert thread.post_text == texts[posts.index(post)] and thread.post_url == post.url
    ours = [i for i in thread.items if i.remote_id == answer]
    assert len(ours) == 1 and ours[0].text == "Thank you!"
    assert ours[0].author_handle == "@riga_bakery" and ours[0].parent_remote_id == comment.remote_id
    theirs = {i.remote_id: i for i in thread.items if i.remote_id != answer}
    assert theirs == {i.remote_id: i for i in on_post}  # edits applied, removals marked
    times = [(i.created_at, i.remote_id) for i in thread.items]
    assert times == sorted(times)
    # the same thread, whichever item of it is asked about
    reply = next((i for i in on_post if i.kind == InboxKind.REPLY), comment)
    assert sandbox.fetch_thread(reply) == thread


def test_fetch_thread_of_a_message_and_of_a_mention(
    sandbox: SandboxConnector, clock: Clock
) -> None:
    with_history(sandbox, clock, days=13)
    items = current(drain(sandbox)[0])
    message = next(i for i in items.values() if i.kind == InboxKind.DIRECT_MESSAGE)
    sandbox.reply(message, "Hello!")
    clock.advance(minutes=1)
    thread = sandbox.fetch_thread(message)
    assert thread.post_text == "" and thread.post_url == ""
    assert message in thread.items
    assert {i.author_id for i in thread.items} == {message.author_id, "sbx:riga_bakery"}
    assert "Hello!" in [i.text for i in thread.items]
    mention = next(i for i in items.values() if i.kind == InboxKind.MENTION)
    sandbox.reply(mention, "Thanks for the shout-out!")
    clock.advance(hours=3)
    thread = sandbox.fetch_thread(mention)
    assert thread.post_text == ""
    assert thread.items[0] == mention
    assert thread.items[1].text == "Thanks for the shout-out!"
    assert all(i.parent_remote_id for i in thread.items[1:])


def test_fetch_thread_of_an_unknown_item_or_a_deleted_post(
    sandbox: SandboxConnector, clock: Clock
) -> None:
    post = sandbox.record_post("Thoughts?", clock.now - timedelta(days=3))
    comment = next(i for i in drain(sandbox)[0] if i.post_remote_id == post.remote_id)
    sandbox.delete_post(post.remote_id)
    with pytest.raises(PermanentError):
        sandbox.fetch_thread(comment)
    with pytest.raises(PermanentError):
        sandbox.fetch_thread(RemoteInboxItem("nope", InboxKind.COMMENT, "sbx:a", "A", "", START))


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
    for field in ("likes", "reposts", "views"):  # replies drop when a comment is removed
        values = [getattr(s, field) for s in stats]
        assert values == sorted(values), field
    assert stats[0].views is not None and stats[-1].views is not None
    assert stats[-1].views > stats[0].views > 0
    assert stats[-1].likes > stats[0].likes
    visible = [
        i
        for i in current(drain(sandbox)[0]).values()
        if i.post_remote_id == post.remote_id
        and i.kind in (InboxKind.COMMENT, InboxKind.REPLY)
        and not i.removed
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
            for item in [i for i in items if not i.removed][:replies]:
                connector.reply(item, "Thanks!")
            if minutes % 3 == 0:
                connector.publish(PublishRequest(f"Post at {clock.now:%H:%M}?"))
            clock.advance(minutes=minutes)
        items, cursor = drain(connector, cursor)
        seen.extend(items)
        connector.page_size = 10_000
        assert [report(i) for i in seen] == [report(i) for i in drain(connector)[0]]
