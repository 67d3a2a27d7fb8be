"""How the Bluesky connector fails: each failure a ConnectorError with plain words, no secrets."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    ConnectorConfig,
    ConnectorError,
    NetworkUnreachable,
    PermanentError,
    PublishRequest,
    RateLimited,
    TransientError,
)
from smmdesk.platforms.bluesky import BlueskyConnector
from smmdesk.platforms.bluesky_session import DEFAULT_PDS, normalise_pds_url
from tests.fakes.bluesky_fake import BlueskyFake
from tests.fakes.http_fake import Failure, FakeServer
from tests.platforms.test_bluesky import png

PASSWORD = "secret-app-pass-9876"
PROFILE = "/xrpc/app.bsky.actor.getProfile"


@pytest.fixture
def fake() -> Iterator[BlueskyFake]:
    with BlueskyFake() as server:
        server.add_account("brand.test", PASSWORD)
        yield server


def make(base_url: str, **secret: str) -> BlueskyConnector:
    config = ConnectorConfig(
        secret={"identifier": "brand.test", "app_password": PASSWORD, **secret},
        base_url=base_url,
        timeout=1.0,
    )
    return BlueskyConnector(config)


def logged_in(fake: BlueskyFake) -> BlueskyConnector:
    connector = make(fake.base_url)
    connector.validate()
    return connector


def assert_no_secret(exc: BaseException, fake: BlueskyFake) -> None:
    text = str(exc)
    assert PASSWORD not in text
    for token in fake.tokens:
        assert token not in text


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (Failure.server_error(503), TransientError),
        (
            Failure.status(502, {"error": "UpstreamFailure", "message": "Upstream Failure"}),
            TransientError,
        ),
        (Failure.html(502), TransientError),
        (Failure.html(200), BadResponse),
        (Failure.garbage(), BadResponse),
        (Failure.slow(1.5), TransientError),
        (Failure.drop(), TransientError),
        (Failure.truncated(), ConnectorError),
        (
            Failure.status(400, {"error": "InvalidRequest", "message": "Profile not found"}),
            PermanentError,
        ),
        (Failure.status(403, {"error": "Forbidden", "message": "nope"}), AuthError),
        (Failure.status(404, {"error": "XRPCNotSupported", "message": "x"}), PermanentError),
        (Failure.status(200, ["not", "an", "object"]), BadResponse),
        (Failure.status(302, {}), BadResponse),
    ],
)
def test_wire_failures_map_to_connector_errors(
    fake: BlueskyFake, failure: Failure, expected: type[ConnectorError]
) -> None:
    connector = logged_in(fake)
    fake.fail_next(failure, path_prefix=PROFILE)
    with pytest.raises(expected) as caught:
        connector.fetch_account_stats()
    assert_no_secret(caught.value, fake)


def test_network_message_is_shown(fake: BlueskyFake) -> None:
    connector = logged_in(fake)
    fake.fail_next(
        Failure.status(400, {"error": "InvalidRequest", "message": "Profile not found"}),
        path_prefix=PROFILE,
    )
    with pytest.raises(PermanentError, match="Profile not found"):
        connector.fetch_account_stats()


def test_rate_limit_waits_until_the_reset(fake: BlueskyFake) -> None:
    connector = logged_in(fake)
    reset = int(time.time()) + 300
    fake.fail_next(
        Failure.rate_limited(
            {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            headers={
                "RateLimit-Limit": "3000",
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(reset),
                "RateLimit-Policy": "3000;w=300",
            },
        ),
        path_prefix=PROFILE,
    )
    with pytest.raises(RateLimited) as caught:
        connector.fetch_account_stats()
    assert 290 <= caught.value.retry_after <= 300


def test_connection_refused_is_offline() -> None:
    with FakeServer() as server:
        url = server.base_url
    with pytest.raises(NetworkUnreachable):
        make(url).validate()


def test_refresh_failing_on_the_server_side_does_not_log_in_again(fake: BlueskyFake) -> None:
    connector = logged_in(fake)
    fake.expire_access_tokens()
    fake.fail_next(Failure.server_error(), path_prefix="/xrpc/com.atproto.server.refreshSession")
    with pytest.raises(TransientError):
        connector.fetch_account_stats()
    assert fake.count("POST", "/xrpc/com.atproto.server.createSession") == 1
    connector.fetch_account_stats()  # next time the refresh works
    assert fake.count("POST", "/xrpc/com.atproto.server.createSession") == 1


def test_a_fresh_session_refused_again_is_an_auth_error(fake: BlueskyFake) -> None:
    connector = logged_in(fake)
    refused = Failure.status(401, {"error": "AuthenticationRequired", "message": "no"})
    fake.fail_next(refused, path_prefix=PROFILE, times=2)
    with pytest.raises(AuthError) as caught:
        connector.fetch_account_stats()
    assert "app password" in str(caught.value)
    assert_no_secret(caught.value, fake)


def test_revoked_app_password_ends_in_an_auth_error(fake: BlueskyFake) -> None:
    connector = logged_in(fake)
    fake.expire_access_tokens()
    fake.expire_refresh_tokens()
    fake.accounts[fake.did_of("brand.test")].password = "a-new-one"
    with pytest.raises(AuthError, match="did not accept this app password") as caught:
        connector.fetch_account_stats()
    assert_no_secret(caught.value, fake)
    logins = fake.count("POST", "/xrpc/com.atproto.server.createSession")
    # Background jobs do not spend the daily login quota on a refused password...
    with pytest.raises(AuthError, match="did not accept this app password"):
        make(fake.base_url).fetch_account_stats()
    assert fake.count("POST", "/xrpc/com.atproto.server.createSession") == logins
    # ...but reconnecting tries again, and the fixed account works.
    fake.accounts[fake.did_of("brand.test")].password = PASSWORD
    make(fake.base_url).validate()
    assert fake.count("POST", "/xrpc/com.atproto.server.createSession") == logins + 1


def test_missing_credentials(fake: BlueskyFake) -> None:
    config = ConnectorConfig(secret={"identifier": "brand.test"}, base_url=fake.base_url, timeout=1)
    with pytest.raises(AuthError, match="connect the account again"):
        BlueskyConnector(config).validate()
    assert fake.count("POST", "/xrpc/com.atproto.server.createSession") == 0


@pytest.mark.parametrize(
    "build",
    [
        lambda d: [d / "missing.png"],
        lambda d: [d / "doc.pdf"],
        lambda d: [d / "big.png"],
        lambda d: [d / "ok.png"] * 5,
    ],
)
def test_images_are_checked_before_anything_is_sent(
    fake: BlueskyFake, tmp_path: Path, build: Callable[[Path], list[Path]]
) -> None:
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.7 ...")
    (tmp_path / "ok.png").write_bytes(png())
    (tmp_path / "big.png").write_bytes(png() + b"\0" * 2_000_001)
    connector = logged_in(fake)
    with pytest.raises(PermanentError):
        connector.publish(PublishRequest("pics", build(tmp_path)))
    assert fake.count("POST", "/xrpc/com.atproto.repo.uploadBlob") == 0
    assert fake.count("POST", "/xrpc/com.atproto.repo.createRecord") == 0


def test_image_too_large_for_the_server(fake: BlueskyFake, tmp_path: Path) -> None:
    image = tmp_path / "a.png"
    image.write_bytes(png())
    connector = logged_in(fake)
    fake.fail_next(
        Failure.status(413, {"error": "PayloadTooLarge", "message": "request entity too large"}),
        path_prefix="/xrpc/com.atproto.repo.uploadBlob",
    )
    with pytest.raises(PermanentError, match="too large"):
        connector.publish(PublishRequest("pic", [image]))
    too_big = {
        "error": "InvalidRequest",
        "message": "Invalid app.bsky.feed.post record: blob too big (maximum 1000000, got 1201928)",
    }
    fake.fail_next(Failure.status(400, too_big), path_prefix="/xrpc/com.atproto.repo.createRecord")
    with pytest.raises(PermanentError, match="too large for this Bluesky server"):
        connector.publish(PublishRequest("pic", [image], idempotency_key="k1"))


def test_byte_limit(fake: BlueskyFake) -> None:
    # "e" + 5 combining marks: one grapheme, 11 bytes; 290 of them are 3190 bytes.
    text = "e\u0301\u0302\u0303\u0304\u0306" * 290
    with pytest.raises(PermanentError, match="bytes"):
        make(fake.base_url).publish(PublishRequest(text))


def test_delete_someone_elses_post_is_refused(fake: BlueskyFake) -> None:
    connector = logged_in(fake)
    with pytest.raises(PermanentError, match="another"):
        connector.delete_post("at://did:plc:someoneelse/app.bsky.feed.post/3kaaaaaaaaaaa")
    with pytest.raises(PermanentError):
        connector.delete_post("https://bsky.app/profile/x/post/1")


def test_pds_address() -> None:
    assert normalise_pds_url("") == DEFAULT_PDS
    assert normalise_pds_url(" pds.example.lv/ ") == "https://pds.example.lv"
    with pytest.raises(PermanentError):
        normalise_pds_url("ftp://pds.example.lv")


def test_base_url_wins_over_the_typed_server(fake: BlueskyFake) -> None:
    connector = make(fake.base_url, pds_url="https://pds.invalid")
    assert connector.validate().settings["pds_url"] == fake.base_url


def test_typed_server_is_used(fake: BlueskyFake) -> None:
    connector = make("", pds_url=fake.base_url)
    assert connector.validate().remote_id == fake.did_of("brand.test")


@pytest.mark.parametrize(
    "failure",
    [
        Failure.server_error(),
        Failure.status(400, {"error": "InvalidRequest", "message": "Could not find repo"}),
        Failure.html(200),
    ],
)
def test_find_published_says_so_when_it_cannot_tell(fake: BlueskyFake, failure: Failure) -> None:
    connector = logged_in(fake)
    fake.fail_next(failure, path_prefix="/xrpc/com.atproto.repo.getRecord")
    with pytest.raises(ConnectorError):
        connector.find_published("0190f3a2b4c57d8e9f0a1b2c3d4e5f60", "text")


def test_a_deactivated_account_does_not_log_in_again(fake: BlueskyFake) -> None:
    connector = logged_in(fake)
    fake.fail_next(
        Failure.status(401, {"error": "AccountDeactivated", "message": "Account is deactivated"}),
        path_prefix=PROFILE,
    )
    with pytest.raises(AuthError, match="reactivate"):
        connector.fetch_account_stats()
    assert fake.count("POST", "/xrpc/com.atproto.server.refreshSession") == 0
    assert fake.count("POST", "/xrpc/com.atproto.server.createSession") == 1
