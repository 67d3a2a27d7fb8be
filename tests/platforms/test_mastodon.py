"""The Mastodon connector against a stateful fake server: connecting, limits,
publishing (with images and processing), idempotency, finding a post after a
crash, editing, deleting, stats and every way a request can fail."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from smmdesk.core.retry_policy import new_idempotency_key
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
)
from smmdesk.platforms.mastodon import MastodonConnector
from tests.fakes.http_fake import Failure
from tests.fakes.mastodon_fake import MastodonFake

LONG_URL = "https://example.com/a/rather/long/path/that/gets/shortened?x=1&y=2"


@pytest.fixture
def fake():
    with MastodonFake() as server:
        yield server


def make(fake: MastodonFake, token: str | None = None, **options: str) -> MastodonConnector:
    connector = MastodonConnector(
        ConnectorConfig(
            secret={"access_token": fake.token if token is None else token},
            base_url=fake.base_url,
            options=dict(options),
            timeout=1.0,
        )
    )
    connector.media_poll_seconds = 0.01
    return connector


@pytest.fixture
def connector(fake):
    connector = make(fake)
    yield connector
    connector.close()


@pytest.fixture
def image(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    return path


# --- declaration and connecting ---------------------------------------------------


def test_registered_and_declared():
    cls = connector_class("mastodon")
    assert cls is MastodonConnector
    caps = cls.capabilities
    assert caps.has_instances and caps.native_scheduling and caps.has_direct_messages
    assert caps.text_counting is TextCounting.CODEPOINTS and caps.url_length == 23
    assert caps.max_text_length == 500 and caps.max_images == 4
    assert [f.key for f in cls.credential_fields] == ["access_token"]
    assert cls.credential_fields[0].secret
    assert cls.browser_login is True


def test_validate_reads_the_account_and_the_instance_limits(fake, connector):
    fake.max_characters, fake.max_media = 5000, 6
    identity = connector.validate()
    assert identity.remote_id == fake.me and identity.display_name == "Me Myself"
    assert identity.handle == f"@me@{fake.domain}"
    settings = identity.settings
    assert settings["account_id"] == fake.me and settings["acct"] == "me"
    assert settings["max_characters"] == "5000" and settings["max_media_attachments"] == "6"
    assert settings["characters_reserved_per_url"] == "23"
    assert settings["image_size_limit"] == "16777216"
    assert settings["image_types"] == "image/jpeg,image/png,image/webp"  # no video
    assert fake.count("GET", "/api/v2/instance") == 1

    caps = make(fake, **settings).account_capabilities()
    assert caps.max_text_length == 5000 and caps.max_images == 6
    assert caps.image_types == ("image/jpeg", "image/png", "image/webp")
    assert caps.native_scheduling and caps.has_instances


def test_validate_falls_back_to_the_v1_instance(fake, connector):
    fake.v2_instance = False
    fake.max_characters = 1000
    settings = connector.validate().settings
    assert settings["max_characters"] == "1000" and settings["instance_version"] == "3.5.3"
    assert fake.count("GET", "/api/v1/instance") == 1


def test_fetch_settings_reads_the_limits_again(fake, connector):
    connector.validate()
    fake.max_characters = 11000
    assert connector.fetch_settings()["max_characters"] == "11000"


def test_capabilities_without_settings_are_the_defaults(fake):
    assert make(fake).account_capabilities().max_text_length == 500
    garbage = make(fake, max_characters="lots", max_media_attachments="-3").account_capabilities()
    assert garbage.max_text_length == 500 and garbage.max_images == 4


@pytest.mark.parametrize("token", ["wrong-token", ""])
def test_a_bad_token_is_an_auth_error_without_the_token(fake, token):
    with pytest.raises(AuthError) as caught:
        make(fake, token=token).validate()
    assert "Sign in" in str(caught.value)
    if token:
        assert token not in str(caught.value)


def test_a_revoked_token_is_an_auth_error(fake, connector):
    connector.validate()
    fake.revoke(fake.token)
    with pytest.raises(AuthError):
        connector.fetch_account_stats()


@pytest.mark.parametrize("typed", ["", "   ", "http://"])
def test_a_missing_server_address_is_explained(typed):
    connector = MastodonConnector(ConnectorConfig(secret={"access_token": "t"}, base_url=typed))
    with pytest.raises(PermanentError, match="address of your Mastodon server"):
        connector.validate()


# --- publishing -----------------------------------------------------------------------


def test_publish_text(fake, connector):
    key = new_idempotency_key()
    post = connector.publish(PublishRequest(f"Hello & welcome <3 {LONG_URL}", (), key))
    assert isinstance(post.remote_id, str) and post.remote_id.isdigit()
    assert post.url == f"https://{fake.domain}/@me/{post.remote_id}"
    assert abs((post.published_at - datetime.now(UTC)).total_seconds()) < 30
    sent = fake.requests_to("POST", "/api/v1/statuses")[0]
    assert sent.headers["idempotency-key"] == key
    assert fake.status(post.remote_id)["text"] == f"Hello & welcome <3 {LONG_URL}"


def test_publish_images_waits_for_processing(fake, connector, image, tmp_path):
    second = tmp_path / "second.jpg"
    second.write_bytes(b"\xff\xd8\xff" + b"\0" * 32)
    fake.media_processing_polls = 2
    post = connector.publish(PublishRequest("Two pictures", (image, second), new_idempotency_key()))
    assert len(fake.status(post.remote_id)["media_ids"]) == 2
    assert fake.count("POST", "/api/v2/media") == 2
    polls = [r for r in fake.log if r.path.startswith("/api/v1/media/")]
    assert len(polls) == 6  # 206, 206, 200 for each
    upload = fake.requests_to("POST", "/api/v2/media")[0]
    assert b'filename="photo.png"' in upload.body and b"image/png" in upload.body


def test_media_that_never_finishes_is_a_transient_error(fake, connector, image):
    fake.media_processing_polls = 10_000
    connector.media_wait_seconds = 0.2
    started = time.monotonic()
    with pytest.raises(TransientError, match="still processing"):
        connector.publish(PublishRequest("x", (image,), new_idempotency_key()))
    assert time.monotonic() - started < 2
    assert fake.count("POST", "/api/v1/statuses") == 0


def test_too_many_images_or_an_unreadable_file_is_refused(fake, connector, image, tmp_path):
    with pytest.raises(PermanentError, match="at most 4 images"):
        connector.publish(PublishRequest("x", (image,) * 5))
    with pytest.raises(PermanentError, match="cannot be read"):
        connector.publish(PublishRequest("x", (tmp_path / "gone.png",)))
    assert fake.count("POST", "/api/v1/statuses") == 0


def test_the_same_idempotency_key_publishes_once(fake, connector):
    key = new_idempotency_key()
    first = connector.publish(PublishRequest("Only once", (), key))
    again = make(fake).publish(PublishRequest("Only once", (), key))
    assert again.remote_id == first.remote_id
    assert fake.created_per_key == {key: 1} and fake.created_per_text == {"Only once": 1}
    assert fake.received_per_key == {key: 2}
    other = connector.publish(PublishRequest("Only once", (), new_idempotency_key()))
    assert other.remote_id != first.remote_id


def test_validation_errors_carry_mastodons_words(fake, connector):
    with pytest.raises(PermanentError, match="Text can't be blank"):
        connector.publish(PublishRequest("   "))
    with pytest.raises(PermanentError, match="character limit"):
        connector.publish(PublishRequest("x" * 501))


# --- finding a post after a crash ----------------------------------------------------------


def test_find_published_finds_the_post_by_its_text(fake, connector):
    key = new_idempotency_key()
    text = f"Crash test @friend@elsewhere.example #tag\n\n{LONG_URL}\nline two"
    fake.add_account("friend", "elsewhere.example")
    post = connector.publish(PublishRequest(text, (), key))
    for n in range(5):
        connector.publish(PublishRequest(f"later post {n}"))
    assert make(fake).find_published(key, text) == post


def test_find_published_answers_none_when_sure(fake, connector):
    connector.publish(PublishRequest("something else"))
    assert connector.find_published(new_idempotency_key(), "never sent") is None
    assert connector.find_published("not-a-uuid7-key", "never sent") is None


def test_find_published_ignores_the_same_text_from_before_the_attempt(fake, connector):
    old = connector.publish(PublishRequest("Good morning!"))
    fake.s["statuses"][old.remote_id]["created_at"] -= 3 * 3600
    key = new_idempotency_key()
    assert connector.find_published(key, "Good morning!") is None


def test_find_published_pages_back_to_the_attempt(fake, connector):
    key = new_idempotency_key()
    target = connector.publish(PublishRequest("needle", (), key))
    for n in range(45):
        fake.post_as(fake.me, f"hay {n}")
    assert connector.find_published(key, "needle") == target
    assert fake.count("GET", f"/api/v1/accounts/{fake.me}/statuses") == 2


def test_find_published_says_when_it_cannot_tell(fake, connector):
    key = new_idempotency_key(time.time() - 3 * 3600)  # an attempt three hours ago
    for n in range(5 * 40 + 1):
        fake.post_as(fake.me, f"busy {n}")
    with pytest.raises(PermanentError, match="cannot tell"):
        connector.find_published(key, "lost in the crowd")


# --- editing, deleting, stats ----------------------------------------------------------


def test_edit_keeps_the_images(fake, connector, image):
    post = connector.publish(PublishRequest("typo hre", (image,)))
    media = fake.status(post.remote_id)["media_ids"]
    connector.edit_post(post.remote_id, PublishRequest("typo here"))
    status = fake.status(post.remote_id)
    assert status["text"] == "typo here" and status["media_ids"] == media
    assert status["edited_at"] is not None


def test_edit_of_a_missing_post_is_permanent(connector):
    with pytest.raises(PermanentError, match="cannot find"):
        connector.edit_post("999", PublishRequest("x"))


def test_delete_and_delete_again(fake, connector):
    post = connector.publish(PublishRequest("bye"))
    connector.delete_post(post.remote_id)
    assert fake.status(post.remote_id)["deleted"]
    connector.delete_post(post.remote_id)  # 404: already gone, fine


def test_someone_elses_post_cannot_be_deleted(fake, connector):
    other = fake.post_as(fake.add_account("other"), "theirs")
    with pytest.raises(PermanentError, match="does not allow"):
        connector.delete_post(other)


def test_account_stats(fake, connector):
    fake.s["accounts"][fake.me]["followers_count"] = 1234
    connector.publish(PublishRequest("one"))
    stats = connector.fetch_account_stats()
    assert (stats.followers, stats.following, stats.posts) == (1234, 3, 1)
    assert stats.measured_at is not None and stats.measured_at.tzinfo is not None


@pytest.mark.parametrize("batch", [True, False])
def test_post_stats_in_batches_or_one_by_one(fake, connector, batch):
    fake.batch_statuses = batch
    ids = [connector.publish(PublishRequest(f"post {n}")).remote_id for n in range(23)]
    fake.set_counts(ids[0], favourites=7, reblogs=2)
    fake.add_reply("me", ids[0], "self reply")  # counts as a reply all the same
    connector.delete_post(ids[-1])
    stats = connector.fetch_post_stats([*ids, "404404"])
    assert set(stats) == set(ids[:-1])
    assert (stats[ids[0]].likes, stats[ids[0]].reposts, stats[ids[0]].replies) == (7, 2, 1)
    assert stats[ids[0]].views is None
    batches = fake.count("GET", "/api/v1/statuses")
    assert batches == (2 if batch else 1)


# --- failure modes --------------------------------------------------------------------------


def test_rate_limit_uses_the_reset_time(fake, connector):
    reset = (datetime.now(UTC) + timedelta(seconds=120)).isoformat().replace("+00:00", "Z")
    fake.fail_next(Failure.rate_limited(headers={"X-RateLimit-Reset": reset}))
    with pytest.raises(RateLimited) as caught:
        connector.publish(PublishRequest("x"))
    assert 100 < caught.value.retry_after <= 121


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (Failure.server_error(503), TransientError),
        (Failure.server_error(500), TransientError),
        (Failure.html(502), TransientError),
        (Failure.slow(delay=1.5), TransientError),
        (Failure.truncated(), TransientError),
        (Failure.garbage(), BadResponse),
        (Failure.drop(), TransientError),
        (Failure.status(200, ["not", "an", "object"]), BadResponse),
        (Failure.status(200, {"no": "id"}), BadResponse),
        (Failure.status(403, {"error": "This action is outside the authorized scopes"}), AuthError),
        (Failure.status(403, {"error": "Your login is currently disabled"}), AuthError),
        (Failure.status(403, {"error": "This action is not allowed"}), PermanentError),
        (Failure.status(301, {}), PermanentError),
        (Failure.status(418, {"error": "teapot"}), PermanentError),
    ],
)
def test_failures_become_connector_errors(fake, connector, failure, error):
    fake.fail_next(failure, path_prefix="/api/v1/statuses")
    with pytest.raises(error) as caught:
        connector.publish(PublishRequest("x"))
    assert fake.token not in str(caught.value)


def test_an_html_page_with_200_is_a_bad_response(fake, connector):
    fake.fail_next(Failure("reply", Failure.html(200).reply))
    with pytest.raises(BadResponse, match="web page"):
        connector.validate()


def test_a_server_that_is_not_there_is_unreachable(fake):
    connector = make(fake)
    fake.stop()
    with pytest.raises(NetworkUnreachable):
        connector.validate()


def test_no_message_ever_holds_the_token(fake):
    secret = "s3cr3t-T0ken-value"
    fake.add_token(fake.me, secret)
    connector = make(fake, token=secret)
    messages = []
    for failure in [
        Failure.status(401, {"error": f"token {secret} is invalid"}),
        Failure.status(422, {"error": f"Validation failed: {secret}"}),
        Failure.status(403, {"error": f"{secret} scope"}),
    ]:
        fake.fail_next(failure)
        with pytest.raises(ConnectorError) as caught:
            connector.publish(PublishRequest("x"))
        messages.append(str(caught.value))
    assert all(secret not in m for m in messages), messages


# --- the fake as its own process (the engine's crash test uses it so) ----------------------


def _start_fake(state: Path):
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.mastodon_fake", "--port", "0", "--state", str(state)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def test_the_fake_outlives_a_killed_client_and_restarts_from_its_state(tmp_path):
    import json

    state = tmp_path / "mastodon.json"
    process, url = _start_fake(state)
    try:
        assert url.startswith("http://127.0.0.1:")
        connector = MastodonConnector(
            ConnectorConfig(secret={"access_token": "token-me"}, base_url=url, timeout=2.0)
        )
        key = new_idempotency_key()
        post = connector.publish(PublishRequest("survives", (), key))
    finally:
        process.kill()
        process.wait(5)
    saved = json.loads(state.read_text())
    assert saved["created_per_key"] == {key: 1}

    process, url = _start_fake(state)
    try:
        connector = MastodonConnector(
            ConnectorConfig(secret={"access_token": "token-me"}, base_url=url, timeout=2.0)
        )
        assert connector.find_published(key, "survives").remote_id == post.remote_id
        assert connector.publish(PublishRequest("survives", (), key)).remote_id == post.remote_id
    finally:
        process.terminate()
        process.wait(5)
    assert json.loads(state.read_text())["created_per_text"] == {"survives": 1}
