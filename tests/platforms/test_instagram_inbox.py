"""Instagram comments into the inbox, replies, hiding and showing again (never deleting)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smmdesk.platforms.base import (
    AuthError,
    ConnectorConfig,
    InboxKind,
    PermanentError,
    RateLimited,
)
from smmdesk.platforms.instagram import InstagramConnector
from smmdesk.platforms.instagram_inbox import RECENT_MEDIA
from tests.fakes.http_fake import Failure
from tests.fakes.instagram_fake import ALL_PERMISSIONS, InstagramFake


@pytest.fixture
def fake() -> Iterator[InstagramFake]:
    with InstagramFake() as server:
        assert isinstance(server, InstagramFake)
        yield server


@pytest.fixture
def account(fake):
    return fake.add_instagram_page()


def make(fake: InstagramFake, token: str, **options: str) -> InstagramConnector:
    return InstagramConnector(
        ConnectorConfig(
            secret={"page_token": token}, base_url=fake.base_url, options=options, timeout=1.0
        )
    )


@pytest.fixture
def connector(fake, account) -> Iterator[InstagramConnector]:
    connector = make(fake, account[1], ig_user_id=account[2], username="kafija.riga")
    yield connector
    connector.close()


def test_comments_and_replies_arrive_and_own_answers_do_not(connector, fake, account):
    media = fake.add_media(account[2], "Latte art", age=7200)
    first = fake.add_ig_comment(media, "Lovely! Open on Sunday?", "anna", age=600)
    theirs = fake.add_ig_comment(media, "@anna yes", "marek", parent=first, age=300)
    fake.add_ig_comment(media, "@anna from 9 to 5", "kafija.riga", parent=first, age=200)
    page = connector.fetch_inbox(None)
    assert [i.remote_id for i in page.items] == [first, theirs]
    top, reply = page.items
    assert top.kind is InboxKind.COMMENT and top.post_remote_id == media
    assert top.author_name == "anna" and top.author_handle == "anna"
    assert top.text == "Lovely! Open on Sunday?" and top.url.startswith(
        "https://www.instagram.com/"
    )
    assert top.created_at.tzinfo is not None and not top.parent_remote_id
    assert reply.parent_remote_id == first and reply.post_remote_id == media
    assert page.cursor


def test_the_cursor_brings_only_what_is_new(connector, fake, account):
    media = fake.add_media(account[2], "Menu", age=7200)
    fake.add_ig_comment(media, "old one", age=3600)
    fake.add_ig_comment(media, "at the cursor", age=3000)
    page = connector.fetch_inbox(None)
    assert len(page.items) == 2
    fake.advance(60)
    new = fake.add_ig_comment(media, "new one")
    again = connector.fetch_inbox(page.cursor)
    assert new in [i.remote_id for i in again.items]
    # the newest comment seen comes once more (the engine keeps one copy), older ones not
    assert [i.text for i in again.items] == ["at the cursor", "new one"]
    assert connector.fetch_inbox(again.cursor).cursor == again.cursor


def test_media_without_comments_are_not_asked_and_the_look_is_bounded(connector, fake, account):
    for n in range(RECENT_MEDIA + 5):
        media = fake.add_media(account[2], f"post {n}", age=10_000 - n)
        if n % 2:
            fake.add_ig_comment(media, f"comment on {n}")
    page = connector.fetch_inbox(None)
    asked = [r for r in fake.log if r.path.endswith("/comments")]
    assert len(asked) <= RECENT_MEDIA
    assert all("comment on" in i.text for i in page.items)
    assert len(page.items) == len([n for n in range(5, RECENT_MEDIA + 5) if n % 2])


def test_many_comments_are_paged(connector, fake, account):
    media = fake.add_media(account[2], "Giveaway", age=7200)
    ids = {fake.add_ig_comment(media, f"me! {n}", f"user{n}", age=3000 - n) for n in range(120)}
    assert {i.remote_id for i in connector.fetch_inbox(None).items} == ids


def test_reply_goes_to_the_top_level_comment(connector, fake, account):
    media = fake.add_media(account[2], "Cake", age=7200)
    first = fake.add_ig_comment(media, "Gluten free?", "anna")
    fake.add_ig_comment(media, "+1", "marek", parent=first)
    items = {i.author_name: i for i in connector.fetch_inbox(None).items}
    answer = connector.reply(items["anna"], "Yes, on Fridays.")
    assert fake.s["ig_comments"][answer]["parent"] == first
    assert fake.s["ig_comments"][answer]["text"] == "Yes, on Fridays."
    answer2 = connector.reply(items["marek"], "Thanks!")
    assert fake.s["ig_comments"][answer2]["parent"] == first
    assert fake.s["ig_comments"][answer2]["text"] == "@marek Thanks!"
    assert fake.requests_to("POST", f"/{first}/replies")[0].arg("message") == "Yes, on Fridays."


def test_hide_and_unhide_set_hide_and_never_delete(connector, fake, account):
    media = fake.add_media(account[2], "Cake", age=7200)
    spam = fake.add_ig_comment(media, "cheap followers at …", "bot")
    item = connector.fetch_inbox(None).items[0]
    connector.hide_item(item)
    assert fake.s["ig_comments"][spam]["hidden"] is True
    assert fake.requests_to("POST", f"/{spam}")[0].arg("hide") == "true"
    connector.unhide_item(item)
    assert fake.s["ig_comments"][spam]["hidden"] is False
    assert not [r for r in fake.log if r.method == "DELETE"]


def test_replying_to_a_hidden_comment_is_explained(connector, fake, account):
    media = fake.add_media(account[2], "Cake", age=7200)
    fake.add_ig_comment(media, "rude", "troll")
    item = connector.fetch_inbox(None).items[0]
    connector.hide_item(item)
    with pytest.raises(PermanentError, match="hidden"):
        connector.reply(item, "Please be kind")


def test_without_the_comments_permission_the_inbox_says_so(fake):
    granted = tuple(p for p in ALL_PERMISSIONS if p != "instagram_manage_comments")
    _, token, ig_id = fake.add_instagram_page(permissions=granted)
    fake.add_ig_comment(fake.add_media(ig_id, "x", age=60), "hi")
    connector = make(fake, token, ig_user_id=ig_id, username="kafija.riga")
    with pytest.raises(AuthError, match="permission"):
        connector.fetch_inbox(None)


def test_a_revoked_token_asks_to_reconnect(connector, fake, account):
    fake.revoke(account[1])
    with pytest.raises(AuthError, match=r"(?i)connect the account again"):
        connector.fetch_inbox(None)


def test_throttled_inbox_is_a_rate_limit(connector, fake, account):
    fake.add_ig_comment(fake.add_media(account[2], "x", age=60), "hi")
    fake.fail_next(
        Failure.status(
            400,
            {
                "error": {
                    "message": "(#17) User request limit reached",
                    "code": 17,
                    "type": "OAuthException",
                    "fbtrace_id": "x",
                }
            },
        ),
        path_prefix="/1",
    )
    with pytest.raises(RateLimited):
        connector.fetch_inbox(None)


def test_the_thread_around_a_reply(connector, fake, account):
    media = fake.add_media(account[2], "Cinnamon buns today", age=7200)
    first = fake.add_ig_comment(media, "Any left?", "anna", age=600)
    fake.add_ig_comment(media, "@anna a few", "kafija.riga", parent=first, age=300)
    fake.add_ig_comment(media, "Saving one for me", "marek", parent=first, age=100)
    item = next(i for i in connector.fetch_inbox(None).items if i.author_name == "marek")
    thread = connector.fetch_thread(item)
    assert thread.post_text == "Cinnamon buns today"
    assert thread.post_url.startswith("https://www.instagram.com/p/")
    assert [i.text for i in thread.items] == ["Any left?", "@anna a few", "Saving one for me"]
