"""The Instagram connector against a stateful Graph fake and a fake image host:
connecting (and what a user reads when no Instagram account is linked or a
permission is missing), publishing one picture and carousels through the
container flow, the daily quota, the image host, finding a post after a crash,
stats, and the ways a request fails."""

from __future__ import annotations

import json
from collections.abc import Iterator
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
    Unsupported,
)
from smmdesk.platforms.instagram import InstagramConnector
from tests.fakes.http_fake import Failure
from tests.fakes.image_host_fake import ImageHostFake
from tests.fakes.instagram_fake import ALL_PERMISSIONS, InstagramFake

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture
def fake() -> Iterator[InstagramFake]:
    with InstagramFake() as server:
        assert isinstance(server, InstagramFake)
        yield server


@pytest.fixture
def host(fake: InstagramFake) -> Iterator[ImageHostFake]:
    with ImageHostFake() as server:
        assert isinstance(server, ImageHostFake)
        fake.image_host = server.base_url
        yield server


@pytest.fixture
def account(fake: InstagramFake) -> tuple[str, str, str]:
    return fake.add_instagram_page()


def make(
    fake: InstagramFake,
    token: str,
    prefix: str = "",
    put: str = "",
    auth: str = "",
    **options: str,
) -> InstagramConnector:
    secret = {"page_token": token, "image_host_prefix": prefix, "image_host_put": put}
    if auth:
        secret["image_host_auth"] = auth
    connector = InstagramConnector(
        ConnectorConfig(secret=secret, base_url=fake.base_url, options=dict(options), timeout=1.0)
    )
    connector.media_poll_seconds = 0.005
    connector.media_wait_seconds = 2.0
    return connector


@pytest.fixture
def connector(fake, host, account) -> Iterator[InstagramConnector]:
    connector = make(fake, account[1], host.prefix, "yes")
    yield connector
    connector.close()


def image(tmp_path: Path, name: str = "a1b2c3.jpg", data: bytes = JPEG) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- declaration and connecting ----------------------------------------------------------


def test_registered_and_declared():
    cls = connector_class("instagram")
    assert cls is InstagramConnector
    caps = cls.capabilities
    assert caps.max_text_length == 2200 and caps.text_counting is TextCounting.UTF16
    assert caps.max_images == 10 and not caps.native_scheduling
    assert caps.can_hide_comments and not caps.can_delete_comments
    fields = {f.key: f for f in cls.credential_fields}
    assert fields["page_token"].secret and fields["page_token"].required
    assert not fields["image_host_prefix"].secret and not fields["image_host_prefix"].required
    assert not fields["page_id"].required and not fields["image_host_put"].required


def test_validate_finds_the_instagram_account_of_the_page(fake, host, account):
    page_id, token, ig_id = account
    identity = make(fake, token, host.prefix).validate()
    assert identity.remote_id == ig_id and identity.handle == "@kafija.riga"
    assert identity.url == "https://www.instagram.com/kafija.riga/"
    assert identity.settings["page_id"] == page_id and identity.settings["ig_user_id"] == ig_id
    assert "warning" not in identity.settings


def test_validate_with_an_explicit_page_id(fake, host, account):
    page_id, token, ig_id = account
    connector = make(fake, token, host.prefix)
    connector.config.secret = {**connector.config.secret, "page_id": page_id}
    assert connector.validate().remote_id == ig_id
    assert fake.count("GET", f"/{page_id}") == 1


def test_a_page_without_instagram_is_explained(fake):
    _, token, _ = fake.add_instagram_page(name="Bakery", username=None)
    with pytest.raises(PermanentError) as caught:
        make(fake, token).validate()
    text = str(caught.value)
    assert "No Instagram account is linked" in text and "Bakery" in text
    assert "professional" in text and token not in text


def test_missing_instagram_permissions_are_named(fake):
    _, token, _ = fake.add_instagram_page(permissions=("pages_show_list", "pages_read_engagement"))
    with pytest.raises(AuthError) as caught:
        make(fake, token).validate()
    assert "instagram_basic" in str(caught.value)
    assert "instagram_content_publish" in str(caught.value)


def test_missing_optional_permissions_connect_with_a_warning(fake, host):
    granted = tuple(p for p in ALL_PERMISSIONS if p != "instagram_manage_insights")
    _, token, _ = fake.add_instagram_page(permissions=granted)
    identity = make(fake, token, host.prefix).validate()
    assert "instagram_manage_insights" in identity.settings["warning"]


def test_no_image_host_connects_with_a_warning(fake, account):
    identity = make(fake, account[1]).validate()
    assert "image host" in identity.settings["warning"]


def test_a_bad_image_host_address_is_refused(fake, account):
    with pytest.raises(PermanentError, match="https://"):
        make(fake, account[1], "ftp://files.example/smm").validate()


def test_a_revoked_token_asks_to_reconnect(fake, account):
    fake.revoke(account[1])
    with pytest.raises(AuthError) as caught:
        make(fake, account[1]).validate()
    assert account[1] not in str(caught.value)


def test_fetch_settings_shows_the_quota(connector, fake, account):
    fake.add_media(account[2], "earlier", age=3600)
    settings = connector.fetch_settings()
    assert settings["quota_usage"] == "1" and settings["quota_total"] == "50"
    assert settings["quota_duration"] == "86400" and settings["username"] == "kafija.riga"


# --- publishing -------------------------------------------------------------------------------


def test_publish_one_picture_uploads_it_and_polls_the_container(connector, fake, host, tmp_path):
    fake.polls_in_progress = 2
    post = connector.publish(PublishRequest("Cardamom latte is back ☕ #riga", [image(tmp_path)]))
    assert host.files["a1b2c3.jpg"] == JPEG
    media = fake.media_of(fake.s["pages"][next(iter(fake.s["pages"]))]["ig"])
    assert [m["id"] for m in media] == [post.remote_id]
    assert media[0]["caption"] == "Cardamom latte is back ☕ #riga"
    assert post.url.startswith("https://www.instagram.com/p/")
    assert post.published_at.tzinfo is not None
    creation = fake.requests_to("POST", f"/{connector._account()[0]}/media")[0]
    assert creation.arg("image_url") == host.prefix + "a1b2c3.jpg"
    container_reads = [
        r for r in fake.log if r.method == "GET" and "status_code" in r.arg("fields")
    ]
    assert len(container_reads) == 3  # IN_PROGRESS twice, then FINISHED
    assert "EAAB" not in (host.log[0].headers.get("authorization") or "")


def test_publish_a_carousel(connector, fake, host, tmp_path):
    paths = [image(tmp_path, f"img{n}.jpg") for n in range(3)]
    post = connector.publish(PublishRequest("Three cups", paths))
    ig_id = connector._account()[0]
    creations = fake.requests_to("POST", f"/{ig_id}/media")
    assert [r.arg("is_carousel_item") for r in creations] == ["true", "true", "true", ""]
    assert creations[-1].arg("media_type") == "CAROUSEL"
    assert len(creations[-1].arg("children").split(",")) == 3
    assert creations[-1].arg("caption") == "Three cups"
    assert fake.s["media"][post.remote_id]["children"]
    assert set(host.files) == {"img0.jpg", "img1.jpg", "img2.jpg"}


def test_container_error_is_reported_with_its_reason(connector, fake, host, tmp_path):
    fake.fail_urls[host.prefix + "a1b2c3.jpg"] = "2207009 aspect ratio not supported"
    with pytest.raises(PermanentError) as caught:
        connector.publish(PublishRequest("Too wide", [image(tmp_path)]))
    assert "aspect ratio" in str(caught.value)
    assert fake.created_per_text == {}


def test_a_container_that_stays_in_progress_is_tried_again_later(connector, fake, tmp_path):
    fake.polls_in_progress = 10_000
    connector.media_wait_seconds = 0.05
    with pytest.raises(TransientError, match="still preparing"):
        connector.publish(PublishRequest("Slow", [image(tmp_path)]))
    assert fake.created_per_text == {}


def test_without_an_image_host_publishing_says_what_to_set_up(fake, account, tmp_path):
    connector = make(fake, account[1])
    with pytest.raises(PermanentError) as caught:
        connector.publish(PublishRequest("Hello", [image(tmp_path)]))
    assert "Image host address" in str(caught.value) and "public web address" in str(caught.value)
    assert fake.count("POST", f"/{account[2]}/media") == 0


def test_a_picture_missing_from_a_hand_synced_host_is_named(fake, host, account, tmp_path):
    connector = make(fake, account[1], host.prefix, put="no")
    with pytest.raises(PermanentError) as caught:
        connector.publish(PublishRequest("Hello", [image(tmp_path)]))
    assert "a1b2c3.jpg is not on the image host" in str(caught.value)
    host.files["a1b2c3.jpg"] = JPEG  # the user copies the folder there
    post = connector.publish(PublishRequest("Hello", [image(tmp_path)]))
    assert post.remote_id in fake.s["media"]
    assert host.count("PUT", "/smm/a1b2c3.jpg") == 0


def test_an_upload_the_host_refuses_is_explained(fake, account, tmp_path):
    with ImageHostFake(auth="Bearer right") as host:
        fake.image_host = host.base_url
        connector = make(fake, account[1], host.prefix, "yes", auth="Bearer wrong")
        with pytest.raises(AuthError, match="image host"):
            connector.publish(PublishRequest("Hello", [image(tmp_path)]))
        connector = make(fake, account[1], host.prefix, "yes", auth="Bearer right")
        assert connector.publish(PublishRequest("Hello", [image(tmp_path)])).remote_id


def test_a_host_that_takes_no_uploads_is_explained(fake, account, tmp_path):
    with ImageHostFake(accept_put=False) as host:
        connector = make(fake, account[1], host.prefix, "yes")
        with pytest.raises(PermanentError, match="does not accept uploads"):
            connector.publish(PublishRequest("Hello", [image(tmp_path)]))


def test_text_only_and_too_many_pictures_are_refused_before_any_request(connector, fake, tmp_path):
    with pytest.raises(PermanentError, match="at least one picture"):
        connector.publish(PublishRequest("Just words"))
    paths = [image(tmp_path, f"{n}.jpg") for n in range(11)]
    with pytest.raises(PermanentError, match="at most 10"):
        connector.publish(PublishRequest("Many", paths))
    assert not [r for r in fake.log if r.method == "POST"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("x" * 2201, "2200 characters"),
        (" ".join(f"#t{n}" for n in range(31)), "30 hashtags"),
        (" ".join(f"@u{n}" for n in range(21)), "20 @mentions"),
    ],
)
def test_caption_limits(connector, tmp_path, text, needle):
    with pytest.raises(PermanentError, match=needle):
        connector.publish(PublishRequest(text, [image(tmp_path)]))


def test_2200_utf16_units_is_the_limit(connector, tmp_path):
    connector.publish(PublishRequest("😀" * 1100, [image(tmp_path)]))
    with pytest.raises(PermanentError, match="2200"):
        connector.publish(PublishRequest("😀" * 1100 + "x", [image(tmp_path)]))


def test_a_used_up_quota_waits_until_the_window_frees_up(connector, fake, account, tmp_path):
    fake.quota_total = 3
    for age in (20 * 3600, 5 * 3600, 3600):
        fake.add_media(account[2], f"post {age}", age=age)
    with pytest.raises(RateLimited) as caught:
        connector.publish(PublishRequest("One more", [image(tmp_path)]))
    assert 3.5 * 3600 < caught.value.retry_after <= 4 * 3600 + 60
    assert "3 posts a day" in str(caught.value)
    assert fake.count("POST", f"/{account[2]}/media") == 0
    fake.advance(4 * 3600 + 1)
    assert connector.publish(PublishRequest("One more", [image(tmp_path)])).remote_id


@pytest.mark.parametrize(
    "unreadable",
    [
        Failure.status(200, {"data": []}),
        Failure.status(
            400,
            {"error": {"message": "(#100) Unknown field", "code": 100, "type": "OAuthException"}},
        ),
    ],
)
def test_quota_refused_at_publish_is_a_rate_limit(connector, fake, account, tmp_path, unreadable):
    fake.fail_next(unreadable, "GET", f"/{account[2]}/content_publishing_limit")
    fake.quota_total = 1
    fake.add_media(account[2], "earlier", age=60)
    with pytest.raises(RateLimited):
        connector.publish(PublishRequest("Hello", [image(tmp_path)]))


# --- after a crash -----------------------------------------------------------------------------


def test_find_published_finds_the_post_an_attempt_made(connector, fake, tmp_path):
    key = new_idempotency_key()
    post = connector.publish(PublishRequest("Crash me\r\nplease ", [image(tmp_path)], key))
    found = connector.find_published(key, "Crash me\nplease")
    assert found is not None and found.remote_id == post.remote_id and found.url == post.url


def test_find_published_is_sure_when_it_looked_back_far_enough(connector, fake, account):
    fake.add_media(account[2], "Same text", age=3 * 3600)  # an older post, before the key
    key = new_idempotency_key()
    assert connector.find_published(key, "Same text") is None


def test_find_published_says_when_it_cannot_tell(connector, fake, account):
    key = new_idempotency_key()
    fake.advance(3600)
    for n in range(320):
        fake.add_media(account[2], f"busy {n}", age=0)
    with pytest.raises(PermanentError, match="cannot tell"):
        connector.find_published(key, "Not there")


# --- own posts and stats --------------------------------------------------------------------------


def test_delete_is_unsupported_with_a_plain_reason(connector):
    with pytest.raises(Unsupported, match="Instagram app"):
        connector.delete_post("1")


def test_account_stats(connector, fake, account):
    fake.add_media(account[2], "one")
    stats = connector.fetch_account_stats()
    assert stats.followers == 1234 and stats.following == 12 and stats.posts == 1
    assert stats.measured_at is not None and stats.measured_at.tzinfo is UTC


def test_post_stats_from_insights_and_none_when_there_are_none(connector, fake, account):
    seen = fake.add_media(account[2], "seen")
    unseen = fake.add_media(account[2], "new")
    fake.set_insights(seen, views=900, reach=700, likes=40, comments=5, shares=3, saved=8)
    fake.add_ig_comment(unseen, "first!")
    stats = connector.fetch_post_stats([seen, unseen])
    assert stats[seen].views == 900 and stats[seen].likes == 40
    assert stats[seen].replies == 5 and stats[seen].reposts == 3
    assert stats[unseen].views is None and stats[unseen].replies == 1
    assert stats[unseen].reposts is None and stats[unseen].likes == 0


# --- failures --------------------------------------------------------------------------------


def test_throttling_is_a_rate_limit(connector, fake, account):
    fake.fail_next(
        Failure.status(
            400,
            {
                "error": {
                    "message": "(#4) Application request limit reached",
                    "code": 4,
                    "type": "OAuthException",
                    "fbtrace_id": "x",
                }
            },
        )
    )
    with pytest.raises(RateLimited):
        connector.fetch_account_stats()


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (Failure.server_error(), TransientError),
        (Failure.html(), (TransientError, BadResponse)),
        (Failure.garbage(), BadResponse),
        (Failure.slow(delay=1.5), TransientError),
        (Failure.truncated(), ConnectorError),
        (Failure.drop(), TransientError),
    ],
)
def test_wire_failures_become_connector_errors(connector, fake, failure, error):
    fake.fail_next(failure)
    with pytest.raises(error):
        connector.fetch_account_stats()


def test_nothing_listening_is_network_unreachable(account):
    connector = InstagramConnector(
        ConnectorConfig(secret={"page_token": account[1]}, base_url="http://127.0.0.1:9", timeout=1)
    )
    with pytest.raises(NetworkUnreachable):
        connector.validate()


def test_publish_time_is_recent(connector, tmp_path):
    post = connector.publish(PublishRequest("Now", [image(tmp_path)]))
    assert abs(post.published_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_picture_meta_cannot_fetch_is_explained(connector, fake, host, tmp_path):
    fake.image_host = "http://127.0.0.1:9/"  # Meta's fetch goes elsewhere and fails
    with pytest.raises(PermanentError) as caught:
        connector.publish(PublishRequest("Hello", [image(tmp_path)]))
    assert "could not fetch the picture from the image host" in str(caught.value)
    assert fake.created_per_text == {}


def test_a_personal_token_is_told_apart_from_a_page_token(fake, account):
    fake.fail_next(
        Failure.status(
            400,
            {
                "error": {
                    "message": "(#100) Tried accessing nonexisting field "
                    "(instagram_business_account) on node type (User)",
                    "type": "OAuthException",
                    "code": 100,
                    "fbtrace_id": "x",
                }
            },
        ),
        "GET",
        "/me",
    )
    with pytest.raises(PermanentError, match="personal access token, not a Page token"):
        make(fake, account[1]).validate()


def test_the_quota_is_kept_with_the_account_at_connect(fake, host, account):
    fake.add_media(account[2], "earlier", age=60)
    settings = make(fake, account[1], host.prefix).validate().settings
    assert settings["quota_usage"] == "1" and settings["quota_total"] == "50"


def test_usage_headers_at_the_limit_make_it_wait(connector, fake, account):
    fake.usage_headers = {
        "X-Business-Use-Case-Usage": json.dumps(
            {
                account[2]: [
                    {
                        "type": "instagram",
                        "call_count": 100,
                        "total_cputime": 20,
                        "total_time": 30,
                        "estimated_time_to_regain_access": 7,
                    }
                ]
            }
        )
    }
    with pytest.raises(RateLimited) as caught:
        connector.fetch_account_stats()  # the Page is read, its header says: stop for 7 minutes
    assert 6 * 60 < caught.value.retry_after <= 7 * 60
    assert len(fake.log) == 1  # the client stopped itself instead of calling again


def test_without_the_insights_permission_views_are_not_available(fake, host):
    granted = tuple(p for p in ALL_PERMISSIONS if p != "instagram_manage_insights")
    _, token, ig_id = fake.add_instagram_page(permissions=granted)
    media = fake.add_media(ig_id, "seen")
    fake.set_insights(media, views=900, reach=700, likes=40, comments=5, shares=3, saved=8)
    stats = make(fake, token, host.prefix).fetch_post_stats([media])[media]
    assert stats.views is None and stats.reposts is None
    assert stats.likes == 0 and stats.replies == 0  # from the media object itself
