"""How the VK connector reads VK's errors: HTTP 200 with an error object, rate
limits (6, 9, 29), reconnecting (5, 27), the captcha (14) answered once and
never looped, permission errors that name what is missing, and everything
that can go wrong on the wire."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime

import pytest

from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    CaptchaRequired,
    ConnectorConfig,
    ConnectorError,
    InboxKind,
    NetworkUnreachable,
    PermanentError,
    PublishRequest,
    RateLimited,
    RemoteInboxItem,
    TransientError,
)
from smmdesk.platforms.vk import VkConnector
from smmdesk.platforms.vk_api import VkApi, seconds_to_utc_midnight
from tests.fakes.http_fake import Failure, Reply
from tests.fakes.vk_fake import CAPTCHA_KEY, RIGHTS, VkFake


@pytest.fixture(autouse=True)
def _no_pacing(monkeypatch):
    """VK's per-token pacing (3 requests a second) is tested on its own; here it would only wait."""
    monkeypatch.setattr(VkApi, "user_interval", 0.0)
    monkeypatch.setattr(VkApi, "group_interval", 0.0)


@pytest.fixture
def fake():
    with VkFake() as server:
        yield server


def make(
    fake: VkFake, token: str | None = None, group_token: str = "", **options: str
) -> VkConnector:
    secret = {"access_token": fake.token if token is None else token, "community": "kafija"}
    if group_token:
        secret["community_token"] = group_token
    options.setdefault("group_id", str(fake.group))
    return VkConnector(
        ConnectorConfig(secret=secret, base_url=fake.base_url, options=options, timeout=1.0)
    )


@pytest.fixture
def connector(fake):
    connector = make(fake)
    yield connector
    connector.close()


def publish(connector: VkConnector, text: str = "Hello") -> str:
    return connector.publish(PublishRequest(text, (), "0" * 12 + "7" + "1" * 19)).remote_id


# --- rate limits ------------------------------------------------------------------------------


def test_6_waits_about_a_second(fake, connector):
    fake.error_next("wall.post", 6, "Too many requests per second")
    with pytest.raises(RateLimited) as error:
        publish(connector)
    assert error.value.retry_after == 1.0
    assert len(fake.calls("wall.post")) == 1  # told, not retried in a loop
    assert publish(connector)


def test_9_backs_off_for_minutes(fake, connector):
    fake.error_next("wall.post", 9, "Flood control")
    with pytest.raises(RateLimited, match="flood control") as error:
        publish(connector)
    assert 60 <= error.value.retry_after <= 3600


def test_29_stops_until_the_next_day(fake, connector):
    fake.error_next("wall.getById", 29, "Rate limit reached")
    with pytest.raises(RateLimited, match="daily limit") as error:
        connector.fetch_post_stats(["5"])
    expected = seconds_to_utc_midnight()
    assert abs(error.value.retry_after - expected) < 5


def test_next_utc_midnight():
    assert seconds_to_utc_midnight(datetime(2026, 1, 1, 23, 0, tzinfo=UTC)) == 3600
    assert seconds_to_utc_midnight(datetime(2026, 1, 1, 23, 59, 59, tzinfo=UTC)) == 60  # at least


def test_http_429_uses_retry_after(fake, connector):
    fake.fail_next(Failure.rate_limited(headers={"Retry-After": "7"}))
    with pytest.raises(RateLimited) as error:
        publish(connector)
    assert error.value.retry_after == 7


# --- reconnecting -----------------------------------------------------------------------------


def test_5_asks_to_reconnect(fake, connector):
    fake.revoke(fake.token)
    with pytest.raises(AuthError, match="Reconnect the account") as error:
        publish(connector)
    assert fake.token not in str(error.value)


def test_27_says_the_community_token_was_refused(fake):
    connector = make(fake, group_token=fake.group_token, messages="1")
    fake.error_next("messages.getConversations", 27, "Group authorization failed")
    with pytest.raises(AuthError, match="community token"):
        connector.fetch_inbox(None)


def test_no_token_at_all_is_an_auth_error(fake):
    with pytest.raises(AuthError, match="access token"):
        publish(make(fake, token=""))


# --- captcha ------------------------------------------------------------------------------------


def test_14_is_shown_to_the_user_and_the_answer_goes_back_once(fake, connector):
    fake.captcha_next("wall.post")
    with pytest.raises(CaptchaRequired) as error:
        publish(connector, "Needs a captcha")
    captcha = error.value
    assert captcha.sid and captcha.image_url.startswith(fake.base_url + "/captcha.php?sid=")
    assert "picture" in str(captcha)
    assert fake.posts() == [] and len(fake.calls("wall.post")) == 1
    answered = make(fake, captcha_sid=captcha.sid, captcha_key=CAPTCHA_KEY)
    post_id = publish(answered, "Needs a captcha")
    last = fake.calls("wall.post")[-1]
    assert (last["captcha_sid"], last["captcha_key"]) == (captcha.sid, CAPTCHA_KEY)
    assert fake.post(post_id)["text"] == "Needs a captcha"
    publish(make(fake), "Next job")  # a new job carries no old answer
    assert "captcha_sid" not in fake.calls("wall.post")[-1]


def test_a_wrong_answer_is_one_more_picture_not_a_loop(fake, connector):
    fake.captcha_next("wall.post")
    with pytest.raises(CaptchaRequired) as first:
        publish(connector)
    wrong = make(fake, captcha_sid=first.value.sid, captcha_key="nonsense")
    with pytest.raises(CaptchaRequired, match="not right") as second:
        publish(wrong)
    assert second.value.sid != first.value.sid
    assert len(fake.calls("wall.post")) == 2


def test_the_answer_goes_with_the_writing_call_not_the_upload_preparation(fake, tmp_path):
    image = tmp_path / "a.png"
    image.write_bytes(b"\x89PNG....")
    fake.captcha_next("wall.post")
    with pytest.raises(CaptchaRequired) as error:
        make(fake).publish(PublishRequest("Photo", (image,)))
    answered = make(fake, captcha_sid=error.value.sid, captcha_key=CAPTCHA_KEY)
    answered.publish(PublishRequest("Photo", (image,)))
    assert "captcha_sid" not in fake.calls("photos.getWallUploadServer")[-1]
    assert fake.calls("wall.post")[-1]["captcha_key"] == CAPTCHA_KEY


def test_a_captcha_on_a_reply(fake, connector):
    post = int(publish(connector))
    fake.add_comment(post, fake.admin, "question")
    item = connector.fetch_inbox(None).items[0]
    fake.captcha_next("wall.createComment")
    with pytest.raises(CaptchaRequired):
        connector.reply(item, "answer")
    assert len(fake.calls("wall.createComment")) == 1


# --- permissions --------------------------------------------------------------------------------


def test_15_names_the_missing_right(fake):
    token = fake.add_token(fake.admin, "token-no-wall", RIGHTS["photos"] | RIGHTS["groups"])
    with pytest.raises(AuthError, match="lacks the “wall” right"):
        publish(make(fake, token=token))


def test_203_says_the_user_does_not_manage_the_community(fake, connector):
    fake.error_next("wall.post", 203, "Access to group denied")
    with pytest.raises(AuthError, match="not one of its administrators or editors"):
        publish(connector)


def test_messages_without_the_right_say_what_to_turn_on(fake):
    token = fake.add_group_token(fake.group, "token-wall-only", rights=("wall",))
    connector = make(fake, group_token=token, messages="1")
    with pytest.raises(AuthError, match="Community messages"):
        connector.fetch_inbox(None)


def test_214_is_permanent_with_vks_words(fake, connector):
    fake.error_next(
        "wall.post", 214, "Access to adding post denied: you can only add 50 posts a day"
    )
    with pytest.raises(PermanentError, match="50 posts a day") as error:
        publish(connector)
    assert not isinstance(error.value, AuthError)


def test_reply_to_a_message_without_a_community_token(fake, connector):
    item = RemoteInboxItem("dm5", InboxKind.DIRECT_MESSAGE, "7", "Olga", "hi", datetime.now(UTC))
    with pytest.raises(AuthError, match="community token"):
        connector.reply(item, "hello")


# --- VK's own trouble and the wire ---------------------------------------------------------------


def test_10_is_transient(fake, connector):
    fake.error_next("wall.post", 10, "Internal server error")
    with pytest.raises(TransientError):
        publish(connector)


def test_an_unknown_code_is_permanent_with_the_message(fake, connector):
    fake.error_next("wall.post", 222, "Hyperlinks are forbidden")
    with pytest.raises(PermanentError, match=r"error 222.*Hyperlinks are forbidden"):
        publish(connector)


def test_a_token_echoed_in_an_error_is_blotted_out(fake, connector):
    fake.error_next("wall.post", 100, f"bad access_token {fake.token}")
    with pytest.raises(PermanentError) as error:
        publish(connector)
    assert fake.token not in str(error.value)


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (Failure.html(200), BadResponse),
        (Failure.html(502), TransientError),
        (Failure.garbage(), BadResponse),
        (Failure.server_error(503), TransientError),
        (Failure.status(200, {"neither": "response nor error"}), BadResponse),
        (Failure.status(200, {"error": "just words"}), BadResponse),
        (Failure.status(200, {"error": {"error_msg": "no code"}}), BadResponse),
        (Failure.status(200, [1, 2, 3]), BadResponse),
        (Failure.status(404, {"x": 1}), PermanentError),
        (Failure.truncated(), (TransientError, BadResponse)),
        (Failure.drop(), TransientError),
        (Failure.slow(1.5), TransientError),
    ],
)
def test_what_can_go_wrong_on_the_wire(fake, connector, failure, expected):
    fake.fail_next(failure, path_prefix="/method/wall.post")
    with pytest.raises(expected):
        publish(connector)


def test_a_redirect_is_not_followed(fake, connector):
    fake.fail_next(Failure("reply", Reply(302, b"", {"Location": "http://127.0.0.1:1/"})))
    with pytest.raises(PermanentError, match="elsewhere"):
        publish(connector)


def test_nothing_listening_is_network_unreachable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    connector = VkConnector(
        ConnectorConfig(
            secret={"access_token": "t", "community": "x"},
            base_url=f"http://127.0.0.1:{port}",
            options={"group_id": "5"},
            timeout=1.0,
        )
    )
    with pytest.raises(NetworkUnreachable):
        publish(connector)


def test_an_upload_url_of_another_scheme_is_refused(fake, connector, tmp_path):
    image = tmp_path / "a.png"
    image.write_bytes(b"\x89PNG")
    fake.fail_next(
        Failure.status(200, {"response": {"upload_url": "file:///etc/passwd"}}),
        path_prefix="/method/photos.getWallUploadServer",
    )
    with pytest.raises(BadResponse, match="upload address"):
        connector.publish(PublishRequest("x", (image,)))


def test_every_error_is_a_connector_error(fake, connector):
    for code in (1, 2, 3, 5, 6, 7, 8, 9, 10, 14, 15, 17, 18, 27, 29, 100, 104, 203, 212, 214, 999):
        fake.error_next("wall.post", code)
        with pytest.raises(ConnectorError) as error:
            publish(connector)
        assert fake.token not in str(error.value)


def test_requests_are_paced_per_token(fake, monkeypatch):
    monkeypatch.setattr(VkApi, "user_interval", 0.1)
    first, second = make(fake), make(fake)  # two connectors, one token: one pace
    started = time.monotonic()
    for n in range(3):
        publish(first, f"a{n}")
        publish(second, f"b{n}")
    assert time.monotonic() - started >= 0.45
    times = [r for r in fake.log if r.path == "/method/wall.post"]
    assert len(times) == 6
