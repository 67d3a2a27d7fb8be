"""Telegram connector: connecting, publishing, deleting, editing, errors, stats."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from smmdesk.platforms import connector_class
from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    ConnectorConfig,
    ConnectorError,
    NetworkUnreachable,
    PermanentError,
    PublishRequest,
    RateLimited,
    TextCounting,
    TransientError,
    Unsupported,
)
from smmdesk.platforms.telegram import TelegramConnector
from smmdesk.platforms.telegram_setup import channel_ref
from tests.fakes.http_fake import Failure
from tests.fakes.telegram_fake import TelegramFake, World, new_token, standard_world, telegram_error


@pytest.fixture(scope="module")
def server() -> Iterator[TelegramFake]:
    with TelegramFake() as running:
        yield running


@pytest.fixture
def fake(server: TelegramFake) -> Iterator[TelegramFake]:
    """One server per module (stopping one takes 0.5 s); every test builds its own world."""
    server.now = float(int(time.time()))
    yield server
    with server.lock:
        server._pending.clear()


def make(world: World, channel: str = "", **options: str) -> TelegramConnector:
    config = ConnectorConfig(
        secret={"token": world.bot.token, "channel": channel or f"@{world.channel.username}"},
        base_url=world.fake.base_url,
        options=dict(options),
        timeout=1.0,
    )
    return TelegramConnector(config)


def connected(world: World, channel: str = "") -> TelegramConnector:
    """A connector for an account that was validated, with its settings as options."""
    identity = make(world, channel).validate()
    return make(world, channel, **identity.settings)


def image(tmp_path: Path, name: str = "bun.jpg", size: int = 2048) -> Path:
    path = tmp_path / name
    path.write_bytes(b"\xff\xd8\xff" + b"x" * size)
    return path


# --- declarations --------------------------------------------------------------------


def test_registered_with_telegram_limits() -> None:
    cls = connector_class("telegram")
    assert cls is TelegramConnector
    caps = cls.capabilities
    assert caps.max_text_length == 4096 and caps.max_text_length_with_media == 1024
    assert caps.text_counting is TextCounting.UTF16
    assert caps.max_images == 10 and caps.max_image_bytes == 10 * 1024 * 1024
    assert not caps.native_scheduling and not caps.can_delete_comments
    assert not caps.has_direct_messages
    fields = {f.key: f for f in cls.credential_fields}
    assert fields["token"].secret and not fields["channel"].secret


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("@rigabakery", "@rigabakery"),
        ("rigabakery", "@rigabakery"),
        ("https://t.me/rigabakery", "@rigabakery"),
        ("t.me/rigabakery/42", "@rigabakery"),
        ("-1001234567890", -1001234567890),
        ("1234567890", -1001234567890),
        ("https://t.me/c/1234567890/5", -1001234567890),
    ],
)
def test_channel_as_typed(typed: str, expected: object) -> None:
    assert channel_ref(typed) == expected


@pytest.mark.parametrize("typed", ["", "@a", "https://t.me/+AbCdEf", "my channel"])
def test_channel_that_names_nothing(typed: str) -> None:
    with pytest.raises(AuthError):
        channel_ref(typed)


# --- validation ----------------------------------------------------------------------


def test_validate_good_setup(fake: TelegramFake) -> None:
    world = standard_world(fake)
    identity = make(world).validate()
    assert identity.remote_id == str(world.channel.id)
    assert identity.handle == f"@{world.channel.username}"
    assert identity.display_name == "Riga Bakery"
    assert identity.url == f"https://t.me/{world.channel.username}"
    assert world.group is not None
    assert identity.settings["discussion_group_id"] == str(world.group.id)
    assert identity.settings["bot_id"] == str(world.bot.id)
    assert identity.settings["bot_username"] == "desk_bot"
    assert identity.settings["comments"] == "ok"
    assert identity.settings["warning"] == ""
    # the numeric id works as well as the name
    assert make(world, str(world.channel.id)).validate().remote_id == str(world.channel.id)


def test_validate_bad_token(fake: TelegramFake) -> None:
    world = standard_world(fake)
    config = ConnectorConfig(
        secret={"token": new_token(), "channel": "@rigabakery"}, base_url=fake.base_url
    )
    with pytest.raises(AuthError, match="did not accept this bot token"):
        TelegramConnector(config).validate()
    # a malformed token never goes out at all
    bad = ConnectorConfig(secret={"token": "12/../x?y", "channel": "@x"}, base_url=fake.base_url)
    before = len(fake.log)
    with pytest.raises(AuthError, match="did not accept"):
        TelegramConnector(bad).validate()
    assert len(fake.log) == before
    assert world.bot.token


def test_validate_unknown_channel(fake: TelegramFake) -> None:
    world = standard_world(fake)
    with pytest.raises(AuthError, match="add the bot @desk_bot to the channel as an admin"):
        make(world, "@nosuchchannel").validate()


def test_validate_bot_not_admin(fake: TelegramFake) -> None:
    world = standard_world(fake)
    fake.set_member(world.channel, world.bot, "member")
    with pytest.raises(AuthError, match=r"not an admin of Riga Bakery.*Post messages"):
        make(world).validate()
    fake.make_admin(world.channel, world.bot, can_post=False)
    with pytest.raises(AuthError, match="right to post"):
        make(world).validate()


def test_validate_refuses_a_group(fake: TelegramFake) -> None:
    world = standard_world(fake)
    assert world.group is not None
    with pytest.raises(AuthError, match="not a channel"):
        make(world, str(world.group.id)).validate()


def test_validate_without_discussion_group_warns(fake: TelegramFake) -> None:
    world = standard_world(fake, with_group=False)
    identity = make(world).validate()
    assert identity.settings["comments"] == "no_group"
    assert identity.settings["discussion_group_id"] == ""
    assert "no discussion group" in identity.settings["warning"]


def test_validate_bot_not_in_group_warns(fake: TelegramFake) -> None:
    world = standard_world(fake, bot_in_group=False)
    identity = make(world).validate()
    assert identity.settings["comments"] == "not_in_group"
    assert (
        "Add @desk_bot to the discussion group of Riga Bakery as an admin"
        in (identity.settings["warning"])
    )
    assert world.group is not None
    fake.set_member(world.group, world.bot, "member")
    settings = make(world).validate().settings
    assert settings["comments"] == "cannot_read" and "privacy mode" in settings["warning"]
    world.bot.privacy = False
    assert make(world).validate().settings["comments"] == "ok"


def test_validate_mentions_a_webhook(fake: TelegramFake) -> None:
    world = standard_world(fake)
    world.bot.webhook_url = "https://example.invalid/hook"
    assert "webhook" in make(world).validate().settings["warning"]


# --- publishing ----------------------------------------------------------------------


def test_publish_text(fake: TelegramFake) -> None:
    world = standard_world(fake)
    post = connected(world).publish(PublishRequest("Fresh rye bread today 🍞"))
    message = world.channel.messages[int(post.remote_id)]
    assert message["text"] == "Fresh rye bread today 🍞"
    assert post.url == f"https://t.me/{world.channel.username}/{post.remote_id}"
    assert post.published_at.tzinfo is not None
    assert abs(post.published_at.timestamp() - fake.now) < 2
    sent = fake.requests_to("POST", f"/bot{world.bot.token}/sendMessage")[0].json()
    assert "parse_mode" not in sent


def test_publish_photo_with_caption(fake: TelegramFake, tmp_path: Path) -> None:
    world = standard_world(fake)
    post = connected(world).publish(PublishRequest("Buns!", [image(tmp_path)]))
    message = world.channel.messages[int(post.remote_id)]
    assert message["caption"] == "Buns!" and message["photo"][0]["file_size"] == 2051


def test_publish_album(fake: TelegramFake, tmp_path: Path) -> None:
    world = standard_world(fake)
    paths = [image(tmp_path, f"p{i}.jpg", 100 + i) for i in range(3)]
    post = connected(world).publish(PublishRequest("Our week", paths))
    ids = [int(i) for i in post.remote_id.split(",")]
    assert len(ids) == 3
    messages = [world.channel.messages[i] for i in ids]
    assert messages[0]["caption"] == "Our week" and "caption" not in messages[1]
    assert len({m["media_group_id"] for m in messages}) == 1
    assert [m["photo"][0]["file_size"] for m in messages] == [103, 104, 105]
    assert post.url == f"https://t.me/{world.channel.username}/{ids[0]}"


def test_private_channel_url(fake: TelegramFake) -> None:
    world = standard_world(fake, username="")
    post = connected(world, str(world.channel.id)).publish(PublishRequest("hi"))
    short = str(-world.channel.id)[3:]
    assert post.url == f"https://t.me/c/{short}/{post.remote_id}"


def test_publish_refuses_what_telegram_would(fake: TelegramFake, tmp_path: Path) -> None:
    world = standard_world(fake)
    connector = connected(world)
    before = len(fake.log)
    with pytest.raises(PermanentError, match="at most 1024"):
        connector.publish(PublishRequest("x" * 1025, [image(tmp_path)]))
    with pytest.raises(PermanentError, match="at most 4096"):
        connector.publish(PublishRequest("😀" * 2049))  # 4098 UTF-16 units
    with pytest.raises(PermanentError, match="at most 10"):
        connector.publish(PublishRequest("x", [image(tmp_path)] * 11))
    with pytest.raises(PermanentError, match="empty"):
        connector.publish(PublishRequest("  "))
    big = tmp_path / "big.png"
    big.write_bytes(b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(PermanentError, match="10 MB"):
        connector.publish(PublishRequest("x", [big]))
    with pytest.raises(PermanentError, match=r"cannot read the image gone\.jpg"):
        connector.publish(PublishRequest("x", [tmp_path / "gone.jpg"]))
    assert len(fake.log) == before  # nothing was sent
    # exactly at the limits is fine
    connector.publish(PublishRequest("😀" * 2048))
    connector.publish(PublishRequest("x" * 1024, [image(tmp_path)]))


def test_publish_after_losing_rights(fake: TelegramFake) -> None:
    world = standard_world(fake)
    connector = connected(world)
    del world.channel.members[world.bot.id]
    with pytest.raises(AuthError, match="removed from the channel or lost its rights"):
        connector.publish(PublishRequest("hello"))


# --- delete and edit -------------------------------------------------------------------


def test_delete_post_and_album(fake: TelegramFake, tmp_path: Path) -> None:
    world = standard_world(fake)
    connector = connected(world)
    text = connector.publish(PublishRequest("bye"))
    album = connector.publish(PublishRequest("two", [image(tmp_path), image(tmp_path)]))
    connector.delete_post(text.remote_id)
    connector.delete_post(album.remote_id)
    assert int(text.remote_id) not in world.channel.messages
    for message_id in album.remote_id.split(","):
        assert int(message_id) not in world.channel.messages
    connector.delete_post(text.remote_id)  # already gone: nothing to do
    with pytest.raises(PermanentError):
        connector.delete_post("not-an-id")


def test_delete_after_48_hours(fake: TelegramFake) -> None:
    world = standard_world(fake)
    connector = connected(world)
    post = connector.publish(PublishRequest("old news"))
    fake.advance(48 * 3600 + 1)
    with pytest.raises(Unsupported, match="only within 48 hours; delete it in the Telegram app"):
        connector.delete_post(post.remote_id)
    assert int(post.remote_id) in world.channel.messages


def test_edit_text_caption_and_album(fake: TelegramFake, tmp_path: Path) -> None:
    world = standard_world(fake)
    connector = connected(world)
    text = connector.publish(PublishRequest("typo"))
    connector.edit_post(text.remote_id, PublishRequest("fixed"))
    assert world.channel.messages[int(text.remote_id)]["text"] == "fixed"
    connector.edit_post(text.remote_id, PublishRequest("fixed"))  # not modified: fine
    photo = connector.publish(PublishRequest("cap", [image(tmp_path)]))
    # the request does not say the post has a photo: Telegram's answer switches method
    connector.edit_post(photo.remote_id, PublishRequest("new cap"))
    assert world.channel.messages[int(photo.remote_id)]["caption"] == "new cap"
    album = connector.publish(PublishRequest("a", [image(tmp_path), image(tmp_path)]))
    connector.edit_post(album.remote_id, PublishRequest("album caption"))
    first = int(album.remote_id.split(",")[0])
    assert world.channel.messages[first]["caption"] == "album caption"
    with pytest.raises(PermanentError, match="at most 1024"):
        connector.edit_post(album.remote_id, PublishRequest("x" * 2000))
    connector.delete_post(text.remote_id)
    with pytest.raises(PermanentError, match="no longer in the channel"):
        connector.edit_post(text.remote_id, PublishRequest("again"))


# --- stats ---------------------------------------------------------------------------


def test_account_stats(fake: TelegramFake) -> None:
    world = standard_world(fake)
    stats = connected(world).fetch_account_stats()
    assert stats.followers == 1234 and stats.measured_at is not None


def test_post_stats_without_cursor_are_empty(fake: TelegramFake) -> None:
    world = standard_world(fake)
    assert connected(world).fetch_post_stats(["1", "2"]) == {}


# --- errors on the wire ----------------------------------------------------------------


def test_rate_limit_uses_retry_after(fake: TelegramFake) -> None:
    world = standard_world(fake)
    connector = connected(world)
    fake.fail_next(
        telegram_error(429, "Too Many Requests: retry after 35", retry_after=35),
        path_prefix=f"/bot{world.bot.token}/sendMessage",
    )
    with pytest.raises(RateLimited) as caught:
        connector.publish(PublishRequest("hi"))
    assert caught.value.retry_after == 35
    fake.fail_next(Failure.html(429))
    with pytest.raises(RateLimited):
        connector.fetch_account_stats()


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (Failure.server_error(502), TransientError),
        (Failure.html(502), TransientError),
        (Failure.html(200), BadResponse),
        (Failure.garbage(), BadResponse),
        (Failure.truncated(), TransientError),
        (Failure.slow(1.5), TransientError),
        (Failure.drop(), TransientError),
        (Failure.status(200, {"ok": False}), BadResponse),
        (Failure.status(200, {"ok": True}), BadResponse),
        (Failure.status(200, {"ok": True, "result": "many"}), BadResponse),
        (telegram_error(400, "Bad Request: chat not found"), PermanentError),
        (telegram_error(401, "Unauthorized"), AuthError),
        (telegram_error(403, "Forbidden: bot was kicked from the channel chat"), AuthError),
    ],
)
def test_wire_failures(fake: TelegramFake, failure: Failure, error: type[Exception]) -> None:
    world = standard_world(fake)
    connector = connected(world)
    fake.fail_next(failure)
    with pytest.raises(error):
        connector.fetch_account_stats()


def test_error_quotes_telegram(fake: TelegramFake) -> None:
    world = standard_world(fake)
    connector = connected(world)
    fake.fail_next(telegram_error(400, "Bad Request: PHOTO_INVALID_DIMENSIONS"))
    with pytest.raises(PermanentError, match="PHOTO_INVALID_DIMENSIONS"):
        connector.publish(PublishRequest("x"))


def test_unreachable_server() -> None:
    config = ConnectorConfig(
        secret={"token": new_token(), "channel": "@x"}, base_url="http://127.0.0.1:9", timeout=1.0
    )
    with pytest.raises(NetworkUnreachable):
        TelegramConnector(config).validate()


def test_secrets_never_in_errors(fake: TelegramFake) -> None:
    world = standard_world(fake)
    token = world.bot.token
    secret_half = token.split(":")[1]
    connector = connected(world)
    failures = [
        telegram_error(400, f"Bad Request: token {token} is odd"),
        telegram_error(403, f"Forbidden: {secret_half}"),
        Failure.slow(1.5),
        Failure.drop(),
        Failure.html(502),
    ]
    for failure in failures:
        fake.fail_next(failure)
        with pytest.raises(ConnectorError) as caught:
            connector.fetch_account_stats()
        assert secret_half not in str(caught.value)
        # nothing chained that a traceback would print with the URL in it
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
    config = ConnectorConfig(
        secret={"token": token, "channel": "@x"}, base_url="http://127.0.0.1:9", timeout=1.0
    )
    with pytest.raises(ConnectorError) as caught:
        TelegramConnector(config).validate()
    assert secret_half not in str(caught.value)
    assert caught.value.__cause__ is None
