"""The Bluesky connector against the stateful XRPC fake: sessions, publishing, deleting."""

from __future__ import annotations

import struct
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from smmdesk.platforms import connector_class
from smmdesk.platforms.base import (
    AuthError,
    ConnectorConfig,
    PermanentError,
    PublishRequest,
    RateLimited,
    TransientError,
    Unsupported,
)
from smmdesk.platforms.bluesky import BlueskyConnector, tid_from_key
from smmdesk.platforms.bluesky_session import forget_sessions
from tests.fakes.bluesky_fake import BlueskyFake
from tests.fakes.http_fake import Failure

PASSWORD = "abcd-efgh-ijkl-mnop"
KEY = "0190f3a2b4c57d8e9f0a1b2c3d4e5f60"  # a UUIDv7 as the engine makes them
CREATE_SESSION = "/xrpc/com.atproto.server.createSession"
REFRESH = "/xrpc/com.atproto.server.refreshSession"
CREATE_RECORD = "/xrpc/com.atproto.repo.createRecord"


@pytest.fixture
def fake() -> Iterator[BlueskyFake]:
    with BlueskyFake() as server:
        server.add_account("brand.test", PASSWORD, display_name="Brand Café")
        server.add_account("ann.test", "ann-pass", display_name="Ann")
        yield server


class Vault:
    """What the engine does with on_secret_changed: keep the whole mapping."""

    def __init__(self, secret: dict[str, str]) -> None:
        self.secret = dict(secret)
        self.saves = 0
        self.lock = threading.Lock()

    def save(self, secret: object) -> None:
        with self.lock:
            self.secret = dict(secret)  # type: ignore[call-overload]
            self.saves += 1


def make(fake: BlueskyFake, vault: Vault | None = None, **secret: str) -> BlueskyConnector:
    vault = vault or Vault({"identifier": "brand.test", "app_password": PASSWORD, **secret})
    config = ConnectorConfig(
        secret=dict(vault.secret),
        base_url=fake.base_url,
        timeout=1.0,
        on_secret_changed=vault.save,
    )
    return BlueskyConnector(config)


def png(width: int = 40, height: int = 30) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\x00" * 3 * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))


# --- registry and declarations ----------------------------------------------------------


def test_registered_with_bluesky_limits() -> None:
    cls = connector_class("bluesky")
    assert cls is BlueskyConnector
    caps = cls.capabilities
    assert (caps.max_text_length, caps.max_text_bytes, caps.max_images) == (300, 3000, 4)
    assert caps.native_scheduling is False and caps.has_direct_messages is False
    fields = {f.key: f for f in cls.credential_fields}
    assert fields["app_password"].secret and not fields["identifier"].secret
    assert fields["pds_url"].required is False and not fields["pds_url"].secret


# --- sessions -----------------------------------------------------------------------------


def test_validate_logs_in_once_and_saves_the_session(fake: BlueskyFake) -> None:
    vault = Vault({"identifier": "brand.test", "app_password": PASSWORD})
    identity = make(fake, vault).validate()
    assert identity.remote_id == fake.did_of("brand.test")
    assert identity.handle == "@brand.test"
    assert identity.display_name == "Brand Café"
    assert identity.url == "https://bsky.app/profile/brand.test"
    assert identity.settings == {"did": identity.remote_id, "pds_url": fake.base_url}
    assert {"access_jwt", "refresh_jwt", "did", "app_password"} <= set(vault.secret)
    assert fake.count("POST", CREATE_SESSION) == 1


def test_many_connectors_and_threads_share_one_login(fake: BlueskyFake) -> None:
    vault = Vault({"identifier": "brand.test", "app_password": PASSWORD})
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(3):
                make(fake, vault).fetch_account_stats()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    assert fake.count("POST", CREATE_SESSION) == 1


def test_a_stored_session_is_used_without_logging_in(fake: BlueskyFake) -> None:
    vault = Vault({"identifier": "brand.test", "app_password": PASSWORD})
    make(fake, vault).validate()
    forget_sessions()  # as after a restart of the app: only the vault remembers
    make(fake, vault).fetch_account_stats()
    assert fake.count("POST", CREATE_SESSION) == 1


def test_expired_access_token_is_refreshed_and_the_rotation_saved(fake: BlueskyFake) -> None:
    vault = Vault({"identifier": "brand.test", "app_password": PASSWORD})
    make(fake, vault).validate()
    first_refresh = vault.secret["refresh_jwt"]
    fake.expire_access_tokens()
    stats = make(fake, vault).fetch_account_stats()
    assert stats.followers == 0
    assert fake.count("POST", REFRESH) == 1
    assert fake.count("POST", CREATE_SESSION) == 1
    assert vault.secret["refresh_jwt"] != first_refresh
    assert vault.secret["refresh_jwt"] in fake.live_refresh_tokens()
    # After a restart the saved (rotated) session still works without a login.
    forget_sessions()
    fake.expire_access_tokens()
    make(fake, vault).fetch_account_stats()
    assert fake.count("POST", CREATE_SESSION) == 1
    assert fake.count("POST", REFRESH) == 2


def test_concurrent_expiry_refreshes_once(fake: BlueskyFake) -> None:
    vault = Vault({"identifier": "brand.test", "app_password": PASSWORD})
    make(fake, vault).validate()
    fake.expire_access_tokens()
    barrier = threading.Barrier(5)
    errors: list[BaseException] = []

    def work() -> None:
        connector = make(fake, vault)
        barrier.wait(5)
        try:
            connector.fetch_account_stats()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    assert fake.count("POST", REFRESH) == 1
    assert fake.count("POST", CREATE_SESSION) == 1


def test_expired_refresh_token_falls_back_to_a_login(fake: BlueskyFake) -> None:
    vault = Vault({"identifier": "brand.test", "app_password": PASSWORD})
    make(fake, vault).validate()
    fake.expire_access_tokens()
    fake.expire_refresh_tokens()
    make(fake, vault).fetch_account_stats()
    assert fake.count("POST", CREATE_SESSION) == 2
    assert vault.secret["refresh_jwt"] in fake.live_refresh_tokens()


def test_wrong_app_password_is_an_auth_error_without_the_secret(fake: BlueskyFake) -> None:
    vault = Vault({"identifier": "brand.test", "app_password": "wrong-pass-word"})
    with pytest.raises(AuthError) as caught:
        make(fake, vault).validate()
    assert "app password" in str(caught.value)
    assert "wrong-pass-word" not in str(caught.value)


def test_main_password_with_email_code_explains_app_passwords(fake: BlueskyFake) -> None:
    fake.add_account("strict.test", "main-password", needs_email_code=True)
    vault = Vault({"identifier": "strict.test", "app_password": "main-password"})
    with pytest.raises(AuthError, match="sign-in code") as caught:
        make(fake, vault).validate()
    assert "App passwords" in str(caught.value)


def test_taken_down_account(fake: BlueskyFake) -> None:
    fake.add_account("gone.test", "pw-gone-1", taken_down=True)
    vault = Vault({"identifier": "gone.test", "app_password": "pw-gone-1"})
    with pytest.raises(AuthError, match="taken this account down"):
        make(fake, vault).validate()


def test_login_rate_limit_is_reported_with_the_wait(fake: BlueskyFake) -> None:
    reset = str(int(time.time()) + 120)
    fake.fail_next(
        Failure.rate_limited(
            {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            headers={"RateLimit-Reset": reset, "RateLimit-Remaining": "0"},
        ),
        path_prefix=CREATE_SESSION,
    )
    with pytest.raises(RateLimited) as caught:
        make(fake).validate()
    assert 100 < caught.value.retry_after <= 120


# --- publishing ------------------------------------------------------------------------


def test_publish_with_image_facets_and_deterministic_rkey(
    fake: BlueskyFake, tmp_path: Path
) -> None:
    image = tmp_path / "a.png"
    image.write_bytes(png(40, 30))
    connector = make(fake)
    text = "Sveiki, Ģirts 👋🏽! See https://example.lv/a. cc @ann.test #Rīga"
    post = connector.publish(PublishRequest(text, [image], idempotency_key=KEY))
    rkey = tid_from_key(KEY)
    did = fake.did_of("brand.test")
    assert post.remote_id == f"at://{did}/app.bsky.feed.post/{rkey}"
    assert post.url == f"https://bsky.app/profile/brand.test/post/{rkey}"
    record = fake.records[post.remote_id].value
    assert record["text"] == text
    image_embed = record["embed"]["images"][0]
    assert image_embed["alt"] == ""
    assert image_embed["aspectRatio"] == {"width": 40, "height": 30}
    assert (
        fake.requests_to("POST", "/xrpc/com.atproto.repo.uploadBlob")[0].headers["content-type"]
        == "image/png"
    )
    data = text.encode()
    spans = {
        f["features"][0]["$type"].rsplit("#", 1)[1]: data[
            f["index"]["byteStart"] : f["index"]["byteEnd"]
        ].decode()
        for f in record["facets"]
    }
    assert spans == {"link": "https://example.lv/a", "mention": "@ann.test", "tag": "#Rīga"}


def test_retried_publish_never_makes_a_second_post(fake: BlueskyFake) -> None:
    connector = make(fake)
    first = connector.publish(PublishRequest("Once only", idempotency_key=KEY))
    again = make(fake).publish(PublishRequest("Once only", idempotency_key=KEY))
    assert again.remote_id == first.remote_id
    posts = [r for r in fake.records.values() if r.value.get("text") == "Once only"]
    assert len(posts) == 1


def test_lost_answer_is_resolved_by_the_key(fake: BlueskyFake) -> None:
    connector = make(fake)
    connector.validate()
    fake.fail_next(Failure.slow(1.5), path_prefix=CREATE_RECORD)
    with pytest.raises(TransientError):
        connector.publish(PublishRequest("Slow one", idempotency_key=KEY))
    # The server wrote it after all (once its delay is over); the engine asks
    # before any retry.
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not any(
        r.value.get("text") == "Slow one" for r in fake.records.values()
    ):
        time.sleep(0.02)
    found = make(fake).find_published(KEY, "Slow one")
    assert found is not None and found.remote_id.endswith(tid_from_key(KEY))


def test_find_published_is_sure_when_nothing_was_written(fake: BlueskyFake) -> None:
    assert make(fake).find_published(KEY, "never sent") is None


def test_delete_and_delete_again(fake: BlueskyFake) -> None:
    connector = make(fake)
    post = connector.publish(PublishRequest("Short-lived", idempotency_key=KEY))
    connector.delete_post(post.remote_id)
    assert post.remote_id not in fake.records
    connector.delete_post(post.remote_id)  # already gone is fine


def test_edit_is_unsupported_with_advice(fake: BlueskyFake) -> None:
    with pytest.raises(Unsupported, match="delete it and post again"):
        make(fake).edit_post("at://did:plc:x/app.bsky.feed.post/3k", PublishRequest("x"))


def test_too_long_text_is_refused_before_sending(fake: BlueskyFake) -> None:
    with pytest.raises(PermanentError, match="300"):
        make(fake).publish(PublishRequest("ā" * 301))
    assert fake.count("POST", CREATE_RECORD) == 0
