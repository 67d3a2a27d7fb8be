"""The VK connector against a stateful fake: connecting (and what is missing),
publishing text and photos as the community, guid idempotency and finding a
post after a crash, the publish_date hand-off, editing, deleting, the inbox
(comments and community messages), replies as the community, and metrics."""

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
    InboxKind,
    PermanentError,
    PublishRequest,
)
from smmdesk.platforms.vk import VkConnector
from smmdesk.platforms.vk_api import VkApi
from smmdesk.platforms.vk_inbox import read_cursor
from tests.fakes.http_fake import Failure
from tests.fakes.vk_fake import RIGHTS, VkFake


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
    fake: VkFake,
    token: str | None = None,
    community: str = "kafija",
    group_token: str = "",
    **options: str,
) -> VkConnector:
    secret = {"access_token": fake.token if token is None else token, "community": community}
    if group_token:
        secret["community_token"] = group_token
    return VkConnector(
        ConnectorConfig(secret=secret, base_url=fake.base_url, options=dict(options), timeout=1.0)
    )


@pytest.fixture
def connector(fake):
    connector = make(fake, group_id=str(fake.group))
    yield connector
    connector.close()


def png(tmp_path: Path, name: str = "latte.png") -> Path:
    path = tmp_path / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    return path


# --- connecting ---------------------------------------------------------------------------


def test_registered_with_its_capabilities():
    cls = connector_class("vk")
    assert cls is VkConnector
    caps = cls.capabilities
    assert caps.native_scheduling and caps.max_images == 10 and not caps.can_hide_comments
    assert [f.key for f in cls.credential_fields] == [
        "access_token",
        "community",
        "community_token",
    ]
    assert [f.required for f in cls.credential_fields] == [True, True, False]


@pytest.mark.parametrize(
    "community", ["kafija", "https://vk.com/kafija", "@kafija", "club{gid}", "-{gid}"]
)
def test_validate_names_the_community_and_keeps_its_facts(fake, community):
    identity = make(fake, community=community.format(gid=fake.group)).validate()
    assert identity.remote_id == str(fake.group)
    assert identity.display_name == "Kafija Rīga" and identity.handle == "kafija"
    assert identity.url == "https://vk.com/kafija"
    settings = dict(identity.settings)
    assert settings["group_id"] == str(fake.group) and settings["screen_name"] == "kafija"
    assert settings["messages"] == "0" and "warning" not in settings
    assert all(fake.token not in value for value in settings.values())
    assert (
        fake.calls("groups.getById")[0]["fields"]
        == "is_admin,admin_level,members_count,screen_name"
    )


def test_a_community_token_turns_on_direct_messages(fake):
    identity = make(fake, group_token=fake.group_token).validate()
    assert identity.settings["messages"] == "1"
    with_token = make(fake, group_token=fake.group_token, **identity.settings)
    assert with_token.account_capabilities().has_direct_messages
    assert not make(fake, **identity.settings).account_capabilities().has_direct_messages


def test_a_community_token_without_the_messages_right_is_a_warning(fake):
    token = fake.add_group_token(fake.group, "token-wall-only", rights=("wall",))
    identity = make(fake, group_token=token).validate()
    assert identity.settings["messages"] == "0"
    assert "Community messages" in identity.settings["warning"]


def test_a_community_token_of_another_community_is_refused(fake):
    other = fake.add_group("Other place", "otherplace")
    token = fake.add_group_token(other, "token-other")
    with pytest.raises(AuthError, match="belongs to “Other place”"):
        make(fake, group_token=token).validate()


@pytest.mark.parametrize(
    ("level", "words"), [(1, "is a moderator"), (None, "is not one of its managers")]
)
def test_a_user_who_cannot_post_is_told_what_to_ask_for(fake, level, words):
    fake.set_admin(fake.admin, level)
    with pytest.raises(AuthError) as error:
        make(fake).validate()
    message = str(error.value)
    assert words in message and "Anna Bērziņa" in message and "editor" in message
    assert fake.token not in message


def test_missing_rights_are_named(fake):
    token = fake.add_token(fake.admin, "token-no-photos", RIGHTS["wall"] | RIGHTS["offline"])
    with pytest.raises(AuthError, match="lacks the rights photos, groups"):
        make(fake, token=token).validate()


def test_no_stats_or_offline_right_is_a_warning(fake):
    rights = RIGHTS["wall"] | RIGHTS["photos"] | RIGHTS["groups"]
    identity = make(fake, token=fake.add_token(fake.admin, "token-short", rights)).validate()
    assert "stats" in identity.settings["warning"] and "offline" in identity.settings["warning"]


def test_an_unknown_community_or_none_is_said_plainly(fake):
    with pytest.raises(PermanentError, match="no community “nosuchplace”"):
        make(fake, community="vk.com/nosuchplace").validate()
    with pytest.raises(PermanentError, match="Name the VK community"):
        make(fake, community="   ").validate()


def test_a_revoked_token_asks_to_reconnect(fake):
    fake.revoke(fake.token)
    with pytest.raises(AuthError, match="Reconnect"):
        make(fake).validate()


def test_every_call_names_the_api_version(fake, connector):
    connector.publish(PublishRequest("Hello"))
    assert fake.log and all(
        r.path.startswith("/method/") and b"v=5.199" in r.body for r in fake.log
    )


# --- publishing -----------------------------------------------------------------------------


def test_publish_text_as_the_community(fake, connector):
    key = new_idempotency_key()
    post = connector.publish(PublishRequest("Cardamom latte is back ☕", (), key))
    call = fake.calls("wall.post")[0]
    assert call["owner_id"] == f"-{fake.group}" and call["from_group"] == "1"
    assert call["guid"] == key
    assert post.url == f"https://vk.com/wall-{fake.group}_{post.remote_id}"
    assert post.published_at.tzinfo is not None
    stored = fake.post(post.remote_id)
    assert stored["text"] == "Cardamom latte is back ☕" and stored["from_id"] == -fake.group


def test_publish_photos_through_the_upload_server(fake, connector, tmp_path):
    images = (png(tmp_path, "a.png"), png(tmp_path, "b.jpg"))
    post = connector.publish(PublishRequest("Two photos", images, new_idempotency_key()))
    attachments = fake.post(post.remote_id)["attachments"]
    assert len(attachments) == 2 and all(a.startswith(f"photo-{fake.group}_") for a in attachments)
    assert fake.count("POST", "/upload/wall") == 2
    assert fake.calls("photos.getWallUploadServer")[0]["group_id"] == str(fake.group)
    assert len(fake.calls("photos.saveWallPhoto")) == 2


def test_more_than_ten_photos_are_refused_before_uploading(fake, connector, tmp_path):
    images = tuple(png(tmp_path, f"{n}.png") for n in range(11))
    with pytest.raises(PermanentError, match="at most 10"):
        connector.publish(PublishRequest("Too many", images))
    assert fake.count("POST", "/upload/wall") == 0


def test_an_unreadable_image_is_named(connector, tmp_path):
    with pytest.raises(PermanentError, match=r"missing\.png"):
        connector.publish(PublishRequest("x", (tmp_path / "missing.png",)))


def test_an_upload_the_server_did_not_take_is_an_error(fake, connector, tmp_path):
    fake.fail_next(
        Failure.status(200, {"server": 1, "photo": "[]", "hash": "x"}), "POST", "/upload"
    )
    with pytest.raises(PermanentError, match="did not accept the image"):
        connector.publish(PublishRequest("x", (png(tmp_path),)))
    assert fake.posts() == []


def test_the_same_key_publishes_once(fake, connector):
    key = new_idempotency_key()
    first = connector.publish(PublishRequest("Once only", (), key))
    again = connector.publish(PublishRequest("Once only", (), key))
    assert first.remote_id == again.remote_id
    assert fake.s["created_per_text"] == {"Once only": 1}


@pytest.mark.parametrize("answer", [{}, {"post_id": 0}, {"post_id": "x"}, None, []])
def test_no_post_id_is_never_success(fake, connector, answer):
    fake.fail_next(Failure.status(200, {"response": answer}), path_prefix="/method/wall.post")
    with pytest.raises(BadResponse, match="did not confirm the post"):
        connector.publish(PublishRequest("Postiz #1408", (), new_idempotency_key()))


def test_an_empty_post_is_refused(connector):
    with pytest.raises(PermanentError, match="empty"):
        connector.publish(PublishRequest("  "))


def test_the_group_id_is_looked_up_once_when_not_stored(fake):
    connector = make(fake)
    connector.publish(PublishRequest("a"))
    connector.publish(PublishRequest("b"))
    assert len(fake.calls("users.get")) == 1


# --- after a crash ------------------------------------------------------------------------------


def test_find_published_finds_the_post_an_attempt_made(fake, connector):
    key = new_idempotency_key()
    post = connector.publish(PublishRequest("Made before the crash", (), key))
    fake.add_post("Someone else's later post")
    found = connector.find_published(key, "Made  before the crash")
    assert found is not None and found.remote_id == post.remote_id and found.url == post.url


def test_find_published_is_none_when_the_wall_was_read_back_past_the_attempt(fake, connector):
    fake.add_post("Old post", date=time.time() - 86400)
    assert connector.find_published(new_idempotency_key(), "Never sent") is None


def test_find_published_ignores_an_older_post_with_the_same_text(fake, connector):
    fake.add_post("Weekly menu", date=time.time() - 7 * 86400)
    assert connector.find_published(new_idempotency_key(), "Weekly menu") is None


def test_find_published_says_when_it_cannot_tell(fake, connector):
    key = new_idempotency_key(time.time() - 3600)
    for n in range(520):
        fake.add_post(f"Busy post {n}")
    with pytest.raises(PermanentError, match="cannot tell"):
        connector.find_published(key, "Lost post")
    assert len(fake.calls("wall.get")) == 5  # bounded


# --- native scheduling -------------------------------------------------------------------------


def test_schedule_hands_the_post_to_vk_with_publish_date(fake, connector, tmp_path):
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    scheduled = connector.schedule(PublishRequest("Later", (png(tmp_path),), "k" * 32), at)
    call = fake.calls("wall.post")[0]
    assert call["publish_date"] == str(int(at.timestamp()))
    assert scheduled.scheduled_at == at
    assert fake.post(scheduled.remote_id)["postponed"]
    assert connector.check_scheduled(scheduled.remote_id, "Later").pending


def test_a_published_hand_off_is_found_under_its_new_id(fake, connector):
    at = datetime.now(UTC) + timedelta(hours=1)
    scheduled = connector.schedule(PublishRequest("Goes out by itself"), at)
    fake.advance(3700)
    state = connector.check_scheduled(scheduled.remote_id, "Goes out by itself")
    assert not state.pending and state.published is not None
    new_id = state.published.remote_id
    assert new_id != scheduled.remote_id
    assert fake.post(new_id)["postponed_id"] == int(scheduled.remote_id)
    assert state.published.url.endswith(f"_{new_id}")


def test_a_withdrawn_hand_off_is_not_pending_and_not_published(fake, connector):
    scheduled = connector.schedule(
        PublishRequest("Withdrawn"), datetime.now(UTC) + timedelta(hours=1)
    )
    connector.cancel_scheduled(scheduled.remote_id)
    connector.cancel_scheduled(scheduled.remote_id)  # twice is fine
    state = connector.check_scheduled(scheduled.remote_id, "Withdrawn")
    assert not state.pending and state.published is None


def test_update_scheduled_changes_text_and_time_and_keeps_photos(fake, connector, tmp_path):
    scheduled = connector.schedule(
        PublishRequest("First", (png(tmp_path),)), datetime.now(UTC) + timedelta(hours=1)
    )
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=5)
    updated = connector.update_scheduled(scheduled.remote_id, PublishRequest("Second"), later)
    assert updated.remote_id == scheduled.remote_id and updated.scheduled_at == later
    stored = fake.post(scheduled.remote_id)
    assert stored["text"] == "Second" and stored["date"] == int(later.timestamp())
    assert len(stored["attachments"]) == 1


def test_update_after_vk_published_it_is_refused(fake, connector):
    scheduled = connector.schedule(PublishRequest("Gone"), datetime.now(UTC) + timedelta(hours=1))
    fake.advance(7200)
    with pytest.raises(PermanentError, match="no longer waiting"):
        connector.update_scheduled(
            scheduled.remote_id, PublishRequest("x"), datetime.now(UTC) + timedelta(days=1)
        )


def test_too_soon_is_refused(connector):
    with pytest.raises(PermanentError, match="ahead"):
        connector.schedule(PublishRequest("Now"), datetime.now(UTC) + timedelta(seconds=30))


# --- own posts ------------------------------------------------------------------------------


def test_edit_keeps_the_photos(fake, connector, tmp_path):
    post = connector.publish(PublishRequest("Typo", (png(tmp_path),)))
    connector.edit_post(post.remote_id, PublishRequest("Fixed"))
    stored = fake.post(post.remote_id)
    assert stored["text"] == "Fixed" and len(stored["attachments"]) == 1


def test_delete_and_delete_again(fake, connector):
    post = connector.publish(PublishRequest("Delete me"))
    connector.delete_post(post.remote_id)
    connector.delete_post(post.remote_id)
    assert fake.posts() == []


def test_a_foreign_id_is_refused_without_a_request(fake, connector):
    with pytest.raises(PermanentError, match="not a VK post id"):
        connector.delete_post("../1")
    assert fake.log == []


# --- inbox and replies --------------------------------------------------------------------------


def test_comments_come_in_with_threads_and_our_replies_stay_out(fake, connector):
    post = int(connector.publish(PublishRequest("Menu")).remote_id)
    ivan = fake.add_user("Ivan", "Petrov", "ivanp")
    first = fake.add_comment(post, ivan, "Is it vegan?")
    ours = fake.add_comment(post, -fake.group, "Yes!", reply_to=first)
    nested = fake.add_comment(post, ivan, "Thanks", reply_to=ours)
    page = connector.fetch_inbox(None)
    assert [i.remote_id for i in page.items] == [str(first), str(nested)]
    item = page.items[0]
    assert item.kind == InboxKind.COMMENT and item.post_remote_id == str(post)
    assert item.author_name == "Ivan Petrov" and item.author_handle == "ivanp"
    assert item.created_at.tzinfo is not None
    assert page.items[1].parent_remote_id == str(ours)
    assert read_cursor(page.cursor)[0] == {str(post): nested}
    again = connector.fetch_inbox(page.cursor)
    assert again.items == []
    newer = fake.add_comment(post, ivan, "One more")
    assert [i.remote_id for i in connector.fetch_inbox(page.cursor).items] == [str(newer)]


def test_the_inbox_reads_a_bounded_number_of_posts(fake, connector):
    for n in range(30):
        fake.add_comment(fake.add_post(f"p{n}"), fake.admin, "c")
    page = connector.fetch_inbox(None)
    assert len(page.items) == 20 and len(read_cursor(page.cursor)[0]) == 20
    assert len(fake.calls("wall.getComments")) == 20
    assert fake.calls("wall.get")[0]["count"] == "20"


def test_quiet_posts_cost_no_comment_request(fake, connector):
    fake.add_post("Nobody said anything")
    assert connector.fetch_inbox(None).items == []
    assert fake.calls("wall.getComments") == []


def test_reply_to_a_comment_as_the_community(fake, connector):
    post = int(connector.publish(PublishRequest("Menu")).remote_id)
    comment = fake.add_comment(post, fake.add_user("Ivan"), "Open on Sunday?")
    item = connector.fetch_inbox(None).items[0]
    reply_id = connector.reply(item, "Yes, from 10.")
    call = fake.calls("wall.createComment")[0]
    assert call["from_group"] == str(fake.group) and call["reply_to_comment"] == str(comment)
    assert call["owner_id"] == f"-{fake.group}" and call["guid"]
    assert fake.s["comments"][reply_id]["from_id"] == -fake.group
    assert connector.reply(item, "Yes, from 10.") == reply_id  # the guid de-duplicates


def test_direct_messages_with_a_community_token(fake):
    connector = make(fake, group_token=fake.group_token, group_id=str(fake.group), messages="1")
    olga = fake.add_user("Olga", "K")
    first = fake.add_message(olga, "Do you deliver?")
    page = connector.fetch_inbox(None)
    assert [(i.remote_id, i.kind, i.author_name) for i in page.items] == [
        (f"dm{first}", InboxKind.DIRECT_MESSAGE, "Olga K")
    ]
    sent = connector.reply(page.items[0], "Within Riga, yes.")
    call = fake.calls("messages.send")[0]
    assert (
        call["peer_id"] == str(olga)
        and call["random_id"]
        and call["access_token"] == fake.group_token
    )
    assert connector.reply(page.items[0], "Within Riga, yes.") == sent  # random_id de-duplicates
    assert connector.fetch_inbox(page.cursor).items == []  # our answer is not an inbox item
    second = fake.add_message(olga, "Great")
    assert [i.remote_id for i in connector.fetch_inbox(page.cursor).items] == [f"dm{second}"]


def test_no_community_token_no_message_requests(fake, connector):
    fake.add_message(fake.add_user("Olga"), "Hello?")
    assert connector.fetch_inbox(None).items == []
    assert fake.calls("messages.getConversations") == []


def test_an_unreadable_cursor_counts_as_none(fake, connector):
    post = int(connector.publish(PublishRequest("Menu")).remote_id)
    fake.add_comment(post, fake.admin, "hi")
    for cursor in ("garbage", '{"v": 2}', '{"v": 1, "p": [1], "m": "x"}', "[]"):
        assert len(connector.fetch_inbox(cursor).items) == 1


# --- metrics -----------------------------------------------------------------------------------


def test_post_stats_and_members(fake, connector):
    post = connector.publish(PublishRequest("Counted"))
    gone = connector.publish(PublishRequest("Deleted"))
    connector.delete_post(gone.remote_id)
    fake.set_counts(int(post.remote_id), likes=12, reposts=3, views=480)
    fake.add_comment(int(post.remote_id), fake.admin, "c")
    stats = connector.fetch_post_stats([post.remote_id, gone.remote_id, "nonsense"])
    assert set(stats) == {post.remote_id}
    assert (stats[post.remote_id].likes, stats[post.remote_id].reposts) == (12, 3)
    assert (stats[post.remote_id].replies, stats[post.remote_id].views) == (1, 480)
    account = connector.fetch_account_stats()
    assert account.followers == 1234 and account.posts == 1
    assert account.measured_at is not None


# --- the conversation around an item ---------------------------------------------------------


def test_thread_of_a_comment_is_the_post_and_its_thread(fake, connector):
    post = int(connector.publish(PublishRequest("Menu of the week")).remote_id)
    ivan = fake.add_user("Ivan")
    other = fake.add_comment(post, ivan, "Another topic")
    root = fake.add_comment(post, ivan, "Is it vegan?")
    answer = fake.add_comment(post, -fake.group, "Yes!", reply_to=root)
    follow = fake.add_comment(post, ivan, "Thanks", reply_to=answer)
    item = next(i for i in connector.fetch_inbox(None).items if i.remote_id == str(follow))
    thread = connector.fetch_thread(item)
    assert thread.post_text == "Menu of the week"
    assert thread.post_url == f"https://vk.com/wall-{fake.group}_{post}"
    assert [i.remote_id for i in thread.items] == [str(root), str(answer), str(follow)]
    assert str(other) not in [i.remote_id for i in thread.items]
    assert thread.items[1].author_id == str(-fake.group)


def test_thread_of_a_comment_on_a_deleted_post_marks_it_removed(fake, connector):
    post = connector.publish(PublishRequest("Soon gone"))
    fake.add_comment(int(post.remote_id), fake.add_user("Ivan"), "hm")
    item = connector.fetch_inbox(None).items[0]
    connector.delete_post(post.remote_id)
    thread = connector.fetch_thread(item)
    assert thread.post_text == "" and [i.removed for i in thread.items] == [True]


def test_thread_of_a_message_is_the_conversation_oldest_first(fake):
    connector = make(fake, group_token=fake.group_token, group_id=str(fake.group), messages="1")
    olga = fake.add_user("Olga")
    fake.add_message(olga, "Hello")
    item = connector.fetch_inbox(None).items[0]
    connector.reply(item, "Hi Olga")
    fake.add_message(olga, "Do you deliver?")
    thread = connector.fetch_thread(item)
    assert [i.text for i in thread.items] == ["Hello", "Hi Olga", "Do you deliver?"]
