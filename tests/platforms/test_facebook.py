"""The Facebook Page connector against the stateful Graph fake: connecting (the
Page, its permissions, what is missing), publishing text and several photos as
one post, finding a post after a crash, editing, deleting, native scheduling
and the numbers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from smmdesk.core.retry_policy import new_idempotency_key
from smmdesk.platforms import connector_class
from smmdesk.platforms.base import (
    AuthError,
    ConnectorConfig,
    PermanentError,
    PublishRequest,
    TextCounting,
)
from smmdesk.platforms.facebook import FacebookConnector
from tests.fakes.graph_fake import PAGE_PERMISSIONS, GraphFake


@pytest.fixture
def fake():
    with GraphFake() as server:
        yield server


@pytest.fixture
def page(fake):
    return fake.add_page()


def make(fake: GraphFake, token: str, page_id: str = "", **options: str) -> FacebookConnector:
    secret = {"page_token": token}
    if page_id:
        secret["page_id"] = page_id
    return FacebookConnector(
        ConnectorConfig(
            secret=secret, base_url=fake.base_url + "/v25.0", options=dict(options), timeout=1.0
        )
    )


@pytest.fixture
def connector(fake, page):
    connector = make(fake, page[1])
    yield connector
    connector.close()


@pytest.fixture
def images(tmp_path: Path) -> list[Path]:
    paths = []
    for index in range(3):
        path = tmp_path / f"photo{index}.jpg"
        path.write_bytes(b"\xff\xd8\xff\xe0" + bytes([index]) * 64)
        paths.append(path)
    return paths


# --- declaration and connecting ----------------------------------------------------------


def test_registered_and_declared():
    cls = connector_class("facebook")
    assert cls is FacebookConnector
    caps = cls.capabilities
    assert caps.native_scheduling and caps.can_hide_comments and caps.has_direct_messages
    assert not caps.can_delete_comments
    assert caps.text_counting is TextCounting.UTF16 and caps.max_images == 10
    assert [f.key for f in cls.credential_fields] == ["page_token", "page_id"]
    assert cls.credential_fields[0].secret and not cls.credential_fields[1].required


def test_validate_names_the_page_and_keeps_its_facts(fake, page, connector):
    identity = connector.validate()
    assert identity.remote_id == page[0]
    assert identity.display_name == "Kafija Rīga" and identity.handle == "kafija.riga"
    assert identity.url == f"https://www.facebook.com/{page[0]}"
    settings = dict(identity.settings)
    assert settings["page_id"] == page[0]
    assert set(settings["permissions"].split(",")) >= {"pages_manage_posts", "read_insights"}
    assert settings["messaging"] == "yes" and "warning" not in settings
    # the token goes in a header, never in the URL
    assert all("access_token" not in str(r.query) for r in fake.log)
    assert all(r.headers["authorization"] == f"Bearer {page[1]}" for r in fake.log)


def test_validate_warns_in_plain_words_about_missing_permissions(fake):
    _, token = fake.add_page(
        permissions=("pages_manage_posts", "pages_read_engagement", "pages_show_list")
    )
    identity = make(fake, token).validate()
    warning = identity.settings["warning"]
    for missing in ("pages_manage_engagement", "pages_messaging", "read_insights"):
        assert missing in warning
    assert "reply to comments" in warning and "Messenger" in warning
    assert identity.settings["messaging"] == "no"
    capabilities = make(fake, token, **identity.settings).account_capabilities()
    assert not capabilities.has_direct_messages


def test_validate_refuses_a_token_that_cannot_publish(fake):
    _, token = fake.add_page(permissions=("pages_read_engagement",))
    with pytest.raises(AuthError, match="pages_manage_posts"):
        make(fake, token).validate()


def test_validate_judges_by_reads_when_facebook_will_not_list_permissions(fake):
    fake.debug_token_allowed = False
    _, token = fake.add_page(
        permissions=("pages_manage_posts", "pages_read_engagement", "read_insights")
    )
    identity = make(fake, token).validate()
    warning = identity.settings["warning"]
    assert "pages_messaging" in warning
    assert "read_insights" not in warning
    assert "did not say" in warning  # manage_posts / manage_engagement cannot be read


def test_validate_with_a_page_id_reads_that_page(fake, page):
    identity = make(fake, page[1], page_id=page[0]).validate()
    assert identity.remote_id == page[0]
    assert fake.count("GET", "/v25.0/me") == 0


def test_a_wrong_or_revoked_token_asks_to_connect_again(fake, page):
    with pytest.raises(AuthError, match="Connect the account again"):
        make(fake, "EAAB-wrong").validate()
    fake.revoke(page[1])
    with pytest.raises(AuthError, match="password was changed") as caught:
        make(fake, page[1]).validate()
    assert page[1] not in str(caught.value)


def test_an_empty_token_is_refused_without_a_request(fake):
    with pytest.raises(AuthError):
        make(fake, "  ").validate()
    assert fake.log == []


# --- publishing -------------------------------------------------------------------------


def test_publish_text(fake, page, connector):
    post = connector.publish(PublishRequest("Labrīt svaigi cepti kruasāni 🥐 https://kafija.lv"))
    assert post.remote_id.startswith(page[0] + "_")
    assert post.url == f"https://www.facebook.com/{page[0]}/posts/{post.remote_id.split('_')[1]}"
    assert post.published_at.tzinfo is not None
    stored = fake.posts_of(page[0])[0]
    assert stored["message"].startswith("Labrīt") and stored["published"]


def test_several_photos_become_one_post(fake, page, connector, images):
    post = connector.publish(PublishRequest("Three pictures", images=images))
    uploads = fake.requests_to("POST", f"/v25.0/{page[0]}/photos")
    assert len(uploads) == 3
    assert all(b'name="published"' in r.body and b"false" in r.body for r in uploads)
    feed = fake.requests_to("POST", f"/v25.0/{page[0]}/feed")[0]
    media = [json.loads(feed.form()[f"attached_media[{i}]"][0]) for i in range(3)]
    assert [m["media_fbid"] for m in media] == fake.posts_of(page[0])[0]["photos"]
    assert fake.created_per_text == {"Three pictures": 1}
    assert len(fake.posts_of(page[0])) == 1 and post.remote_id == fake.posts_of(page[0])[0]["id"]


def test_a_photo_without_text(fake, page, connector, images):
    post = connector.publish(PublishRequest("", images=images[:1]))
    assert fake.posts_of(page[0])[0]["photos"] and post.remote_id


def test_empty_post_and_too_many_pictures_are_refused_before_sending(fake, connector, images):
    with pytest.raises(PermanentError, match="text or a picture"):
        connector.publish(PublishRequest("  "))
    with pytest.raises(PermanentError, match="at most 10"):
        connector.publish(PublishRequest("x", images=images * 4))
    assert fake.log == []


def test_an_unreadable_picture_is_named(connector, tmp_path):
    with pytest.raises(PermanentError, match=r"missing\.jpg"):
        connector.publish(PublishRequest("x", images=[tmp_path / "missing.jpg"]))


def test_duplicate_is_permanent_with_facebooks_words(connector):
    connector.publish(PublishRequest("Same words"))
    with pytest.raises(PermanentError, match=r"duplicate.*Duplicate status message"):
        connector.publish(PublishRequest("Same words"))


# --- find_published ----------------------------------------------------------------------


def test_find_published_finds_the_post_an_interrupted_attempt_made(fake, page, connector):
    key = new_idempotency_key()
    made = connector.publish(PublishRequest("Published before the crash", idempotency_key=key))
    fake.add_post(page[0], "Something else later")
    found = connector.find_published(key, "Published  before the crash")
    assert found is not None and found.remote_id == made.remote_id
    assert found.url == made.url


def test_find_published_is_sure_when_it_saw_everything_since(fake, page, connector):
    fake.add_post(page[0], "An older post", age=7200)
    fake.add_post(page[0], "A newer unrelated post")
    assert connector.find_published(new_idempotency_key(), "Never sent") is None
    assert connector.find_published(new_idempotency_key(), "An older post") is None


def test_find_published_says_plainly_when_it_cannot_tell(fake, page, connector):
    for index in range(510):
        fake.add_post(page[0], f"busy page {index}")
    with pytest.raises(PermanentError, match="cannot tell"):
        connector.find_published(new_idempotency_key(), "Never sent")
    with pytest.raises(PermanentError, match="cannot tell"):
        connector.find_published("not-a-uuid7-key", "Never sent")
    with pytest.raises(PermanentError, match="cannot tell"):
        connector.find_published(new_idempotency_key(), "")  # a photo-only post
    pages = fake.requests_to("GET", f"/v25.0/{page[0]}/published_posts")
    assert len(pages) <= 2 * 5  # bounded: at most five pages a look


# --- edit, delete ----------------------------------------------------------------------


def test_edit_and_delete(fake, page, connector):
    post = connector.publish(PublishRequest("Frist draft"))
    connector.edit_post(post.remote_id, PublishRequest("First draft"))
    assert fake.posts_of(page[0])[0]["message"] == "First draft"
    connector.delete_post(post.remote_id)
    assert fake.posts_of(page[0]) == []
    connector.delete_post(post.remote_id)  # already gone: done


# --- native scheduling -------------------------------------------------------------------


def test_schedule_hand_off_lifecycle(fake, page, connector, images):
    at = datetime.now(UTC) + timedelta(hours=2)
    scheduled = connector.schedule(PublishRequest("Later", images=images[:2]), at)
    sent = fake.requests_to("POST", f"/v25.0/{page[0]}/feed")[-1].form()
    assert sent["published"] == ["false"]
    assert sent["scheduled_publish_time"] == [str(int(at.timestamp()))]
    assert fake.posts_of(page[0]) == []
    assert connector.check_scheduled(scheduled.remote_id, "Later").pending

    moved = connector.update_scheduled(scheduled.remote_id, PublishRequest("Later!"), at)
    assert moved.remote_id == scheduled.remote_id
    assert fake.posts_of(page[0], published=False)[0]["message"] == "Later!"

    fake.advance(3 * 3600)
    state = connector.check_scheduled(scheduled.remote_id, "Later!")
    assert not state.pending and state.published is not None
    assert state.published.remote_id == scheduled.remote_id
    with pytest.raises(PermanentError, match="already published"):
        connector.cancel_scheduled(scheduled.remote_id)
    assert len(fake.posts_of(page[0])) == 1


def test_update_with_pictures_recreates_then_withdraws(fake, page, connector, images):
    at = datetime.now(UTC) + timedelta(days=1)
    first = connector.schedule(PublishRequest("With pictures", images=images[:1]), at)
    second = connector.update_scheduled(
        first.remote_id, PublishRequest("With pictures", images=images[1:]), at
    )
    assert second.remote_id != first.remote_id
    waiting = fake.posts_of(page[0], published=False)
    assert [p["id"] for p in waiting] == [second.remote_id]


def test_cancel_scheduled_and_check_after(fake, page, connector):
    at = datetime.now(UTC) + timedelta(minutes=30)
    scheduled = connector.schedule(PublishRequest("Maybe"), at)
    connector.cancel_scheduled(scheduled.remote_id)
    assert fake.posts_of(page[0], published=None) == []
    state = connector.check_scheduled(scheduled.remote_id, "Maybe")
    assert not state.pending and state.published is None
    connector.cancel_scheduled(scheduled.remote_id)  # twice: nothing to do


@pytest.mark.parametrize("ahead", [timedelta(minutes=5), timedelta(days=31)])
def test_schedule_outside_facebooks_window_is_explained(fake, connector, ahead):
    with pytest.raises(PermanentError, match=r"10 minutes|30 days"):
        connector.schedule(PublishRequest("x"), datetime.now(UTC) + ahead)
    assert fake.log == []


# --- numbers -------------------------------------------------------------------------------


def test_followers_and_post_stats(fake, page, connector):
    counted = fake.add_post(page[0], "Counted", reactions=25, shares=3, views=900)
    quiet = fake.add_post(page[0], "Quiet")  # no shares, no views data yet
    fake.add_comment(counted, "Nice")
    assert connector.fetch_account_stats().followers == 1234
    stats = connector.fetch_post_stats([counted, quiet, f"{page[0]}_999999"])
    assert stats[counted].likes == 25 and stats[counted].reposts == 3
    assert stats[counted].replies == 1 and stats[counted].views == 900
    assert stats[quiet].reposts == 0 and stats[quiet].views is None  # never 0
    assert f"{page[0]}_999999" not in stats
    asked = fake.requests_to("GET", f"/v25.0/{counted}/insights")[0]
    assert asked.query["metric"] == ["post_media_view"]  # the views metric, not impressions


def test_without_read_insights_views_are_not_available(fake):
    page_id, token = fake.add_page(permissions=("pages_manage_posts", "pages_read_engagement"))
    first = fake.add_post(page_id, "One", views=10, reactions=2)
    second = fake.add_post(page_id, "Two", views=20)
    stats = make(fake, token).fetch_post_stats([first, second])
    assert stats[first].views is None and stats[second].views is None
    assert stats[first].likes == 2
    assert fake.count("GET", f"/v25.0/{second}/insights") == 0  # asked once, then stopped
    assert fake.count("GET", f"/v25.0/{first}/insights") == 1


def test_every_permission_is_among_the_fakes():
    from smmdesk.platforms.facebook import PERMISSIONS

    assert set(PERMISSIONS) <= set(PAGE_PERMISSIONS)
