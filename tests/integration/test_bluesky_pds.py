"""SMM Desk's Bluesky connector and engine against the reference PDS and AppView.

The servers are the real ones (npm ``@atproto/dev-env``, see conftest.py),
on 127.0.0.1. SMM Desk's own code does the work the way the app does it:
``ConnectAccountJob`` with the credential fields a user fills in (handle, app
password, server address), the composer's ``save_post`` with an image,
``PublishTargetJob``, ``SyncAccountJob``, ``SendReplyJob``,
``DeletePublishedJob``. Another account, driven over plain XRPC
(``bluesky_helpers.Person``), replies, mentions, follows and likes; the
AppView is read to see what the world sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from smmdesk.core.retry_policy import new_idempotency_key
from smmdesk.core.vocabulary import (
    AccountStatus,
    InboxKind,
    InboxStatus,
    PostStatus,
    ReplyStatus,
    TargetStatus,
)
from smmdesk.platforms import bluesky_session
from smmdesk.platforms.base import AuthError, PermanentError, PublishRequest
from smmdesk.platforms.bluesky import tid_from_key
from smmdesk.store.models import (
    Account,
    AccountMetric,
    InboxItem,
    PostMetric,
    PostTarget,
    PublishAttempt,
    Reply,
)
from smmdesk.store.posts import PostDraft, save_post, store_media
from smmdesk.sync.account_jobs import ConnectAccountJob, SyncAccountJob
from smmdesk.sync.jobs import JobContext
from smmdesk.sync.publish_job import PublishTargetJob
from smmdesk.sync.published_post_jobs import DeletePublishedJob, EditPublishedJob
from smmdesk.sync.reply_job import SendReplyJob
from tests.integration.bluesky_helpers import (
    POST,
    AppView,
    Person,
    XrpcFailed,
    eventually,
    expired_copy,
    noisy_png,
    tiny_png,
    xrpc,
)
from tests.integration.pds_network import Network

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def fresh_sessions() -> Iterator[None]:
    """The connector caches live sessions per process; each test starts without."""
    bluesky_session.forget_sessions()
    yield
    bluesky_session.forget_sessions()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The XRPC methods SMM Desk calls, in order (the traffic still goes to the PDS)."""
    seen: list[str] = []
    real = bluesky_session.Xrpc.call

    def spy(self: bluesky_session.Xrpc, method: str, nsid: str, **kwargs: Any) -> Any:
        seen.append(nsid)
        return real(self, method, nsid, **kwargs)

    monkeypatch.setattr(bluesky_session.Xrpc, "call", spy)
    return seen


def connect(store, vault, factory, client_id, person: Person, password: str) -> int:  # type: ignore[no-untyped-def]
    """What the account dialog does with the three fields a user fills in."""
    secret = {"identifier": person.handle, "app_password": password, "pds_url": person.pds}
    return (
        ConnectAccountJob(store, vault, factory, client_id, "bluesky", secret)
        .run(JobContext(1))
        .account_id
    )


def account(store, account_id: int) -> Account:  # type: ignore[no-untyped-def]
    with store.session() as session:
        found = session.get(Account, account_id)
        assert found is not None
        session.expunge(found)
        return found


def sync_until(store, factory, account_id: int, done, what: str) -> None:  # type: ignore[no-untyped-def]
    """Run the real sync job until ``done(session)`` holds (the AppView lags)."""

    def attempt() -> bool:
        SyncAccountJob(store, factory, account_id).run(JobContext(1))
        with store.session() as session:
            return bool(done(session))

    eventually(attempt, what)


def byte_slice(text: str, facet: dict[str, Any]) -> str:
    index = facet["index"]
    return text.encode()[index["byteStart"] : index["byteEnd"]].decode()


def test_publish_inbox_reply_metrics_delete(
    bluesky_network: Network, store, vault, factory, client_id, tmp_path
) -> None:
    pds, appview = bluesky_network.pds, AppView(bluesky_network.appview)
    kafija, ann = Person.create(pds, "kafija"), Person.create(pds, "ann")

    # Connect with an app password, as a user would (server address filled in).
    account_id = connect(store, vault, factory, client_id, kafija, kafija.app_password())
    connected = account(store, account_id)
    assert connected.handle == f"@{kafija.handle}" and connected.remote_id == kafija.did
    assert connected.status == AccountStatus.OK
    assert vault.get(connected.vault_key)["refresh_jwt"]  # the session is kept

    # Compose a scheduled post with an image, a link, a mention and a tag.
    image = tmp_path / "latte.png"
    image.write_bytes(tiny_png(8, 6))
    link = "https://kafija.example/menu?day=1"
    text = f"Cardamom latte is back ☕ — Rīga menu: {link}. Ask @{ann.handle}! #kafija"
    with store.transaction() as session:
        media_id = store_media(session, factory.paths.media, image)
        draft = PostDraft(
            client_id=client_id,
            body=text,
            status=PostStatus.SCHEDULED,
            scheduled_at=datetime.now(UTC),
            targets={account_id: None},
            media_ids=[media_id],
        )
        post_id = save_post(session, draft)
    with store.session() as session:
        target_id = session.scalars(
            select(PostTarget.id).where(PostTarget.post_id == post_id)
        ).one()

    published = PublishTargetJob(store, factory, target_id).run(JobContext(1))

    with store.session() as session:
        target = session.get(PostTarget, target_id)
        assert target is not None and target.status == TargetStatus.PUBLISHED
        uri, key = target.remote_id, target.idempotency_key
    # The record key comes from the engine's idempotency key: the PDS took it.
    assert uri == f"at://{kafija.did}/{POST}/{tid_from_key(key)}"
    assert (
        published.remote_url == f"https://bsky.app/profile/{kafija.handle}/post/{tid_from_key(key)}"
    )

    view = appview.wait_for_post(uri)
    record = view["record"]
    assert record["text"] == text
    assert view["embed"]["$type"] == "app.bsky.embed.images#view"
    (embedded,) = record["embed"]["images"]
    assert embedded["image"]["mimeType"] == "image/png"
    assert embedded["image"]["size"] == image.stat().st_size
    assert embedded["aspectRatio"] == {"width": 8, "height": 6}
    features = {f["features"][0]["$type"].split("#")[1]: f for f in record["facets"]}
    assert byte_slice(text, features["link"]) == link
    assert features["link"]["features"][0]["uri"] == link
    assert byte_slice(text, features["mention"]) == f"@{ann.handle}"
    assert features["mention"]["features"][0]["did"] == ann.did
    assert byte_slice(text, features["tag"]) == "#kafija"
    assert features["tag"]["features"][0]["tag"] == "kafija"

    # Bluesky cannot edit: the engine hears so in plain words.
    edited = EditPublishedJob(store, factory, post_id).run(JobContext(1))
    assert edited.done == [] and "cannot edit" in edited.refused[0]

    # Someone else answers the post, mentions the account, follows and likes.
    comment = ann.reply("Is it also in oat milk?", root=view, parent=view)
    mention = ann.mention(kafija, "the best cardamom latte in Rīga")
    ann.follow(kafija)
    ann.like(view)

    def both_arrived(session) -> bool:  # type: ignore[no-untyped-def]
        kinds = {i.remote_id: i for i in session.scalars(select(InboxItem))}
        return comment["uri"] in kinds and mention["uri"] in kinds

    sync_until(store, factory, account_id, both_arrived, "the reply and the mention in the inbox")
    with store.session() as session:
        items = {i.remote_id: i for i in session.scalars(select(InboxItem))}
        assert set(items) == {comment["uri"], mention["uri"]}
        answer = items[comment["uri"]]
        assert answer.kind == InboxKind.COMMENT and answer.post_remote_id == uri
        assert answer.body == "Is it also in oat milk?" and answer.author_id == ann.did
        assert answer.author_handle.removeprefix("@") == ann.handle
        assert answer.url.endswith(comment["uri"].rsplit("/", 1)[1])
        mentioned = items[mention["uri"]]
        assert mentioned.kind == InboxKind.MENTION and mentioned.post_remote_id == ""
        assert mentioned.body == f"@{kafija.handle} the best cardamom latte in Rīga"
        # Reply to the comment the way the inbox does: queue it, the engine sends it.
        queued = Reply(item_id=answer.id, body="Yes — oat, almond or cow, as you like!")
    with store.transaction() as session:
        session.add(queued)
        session.flush()
        reply_id = queued.id

    sent = SendReplyJob(store, factory, reply_id).run(JobContext(1))

    with store.session() as session:
        reply_row = session.get(Reply, reply_id)
        assert reply_row is not None and reply_row.status == ReplyStatus.SENT
        answered = session.get(InboxItem, reply_row.item_id)
        assert answered is not None and answered.status == InboxStatus.REPLIED
    ours = appview.wait_for_post(sent.remote_id)
    assert ours["author"]["did"] == kafija.did
    assert ours["record"]["reply"]["parent"]["uri"] == comment["uri"]
    assert ours["record"]["reply"]["root"]["uri"] == uri
    thread = eventually(
        lambda: (t := appview.thread(uri))["replies"] and t["replies"][0].get("replies") and t,
        "our answer in the thread",
    )
    assert thread["replies"][0]["post"]["uri"] == comment["uri"]
    assert thread["replies"][0]["replies"][0]["post"]["uri"] == sent.remote_id

    # Metrics once the AppView has counted the follow, the like and the reply.
    appview.wait_for_post(uri, lambda v: v["likeCount"] == 1 and v["replyCount"] >= 1)
    eventually(lambda: appview.profile(kafija.did)["followersCount"] == 1, "the new follower")
    result = SyncAccountJob(store, factory, account_id).run(JobContext(1))
    assert result.followers == 1
    assert result.new_items == 0  # our own answer is not an inbox item of ours
    with store.session() as session:
        latest = session.scalars(select(AccountMetric).order_by(AccountMetric.id.desc())).first()
        assert latest is not None and (latest.followers, latest.posts) == (1, 2)
        metric = session.scalars(select(PostMetric).order_by(PostMetric.id.desc())).first()
        assert metric is not None and metric.target_id == target_id
        assert (metric.likes, metric.reposts, metric.replies, metric.views) == (1, 0, 1, None)

    # Delete: gone from the PDS and, shortly after, from the AppView.
    deleted = DeletePublishedJob(store, factory, post_id).run(JobContext(1))
    assert deleted.post_deleted and deleted.done == [f"@{kafija.handle}"]
    with pytest.raises(XrpcFailed) as missing:
        xrpc(
            pds,
            "GET",
            "com.atproto.repo.getRecord",
            params={"repo": kafija.did, "collection": POST, "rkey": tid_from_key(key)},
        )
    assert missing.value.body["error"] == "RecordNotFound"
    eventually(lambda: appview.post(uri) is None, "the deleted post gone from the AppView")
    connector = factory.for_account(account(store, account_id))
    assert connector.find_published(key, text) is None
    connector.close()


def test_a_publish_cut_off_by_a_crash_is_found_not_repeated(
    bluesky_network: Network, store, vault, factory, client_id
) -> None:
    kafija = Person.create(bluesky_network.pds, "crash")
    account_id = connect(store, vault, factory, client_id, kafija, kafija.app_password())
    text = "Tonight: live jazz from 19:00 🎷"
    with store.transaction() as session:
        draft = PostDraft(
            client_id=client_id,
            body=text,
            status=PostStatus.SCHEDULED,
            scheduled_at=datetime.now(UTC),
            targets={account_id: None},
        )
        post_id = save_post(session, draft)
        target = session.scalars(select(PostTarget).where(PostTarget.post_id == post_id)).one()
        # The crash: "sending" committed, the request went out, the app died.
        key = new_idempotency_key()
        target.status, target.idempotency_key = TargetStatus.SENDING, key
        session.add(PublishAttempt(target_id=target.id, state="sending"))
        target_id = target.id
    connector = factory.for_account(account(store, account_id))
    sent = connector.publish(PublishRequest(text, (), key))
    # A plain retry with the same key lands on the same record, not a second post.
    assert connector.publish(PublishRequest(text, (), key)).remote_id == sent.remote_id
    connector.close()

    result = PublishTargetJob(store, factory, target_id).run(JobContext(1))

    assert result.already_published and result.remote_url == sent.url
    records = xrpc(
        bluesky_network.pds,
        "GET",
        "com.atproto.repo.listRecords",
        params={"repo": kafija.did, "collection": POST},
    )["records"]
    assert [r["uri"] for r in records] == [sent.remote_id]


def test_an_image_the_server_finds_too_large_fails_the_post_in_plain_words(
    bluesky_network: Network, store, vault, factory, client_id, tmp_path
) -> None:
    """Under the connector's 2 MB limit, over this PDS's 1 MB one: the server decides."""
    kafija = Person.create(bluesky_network.pds, "bigimage")
    account_id = connect(store, vault, factory, client_id, kafija, kafija.app_password())
    image = tmp_path / "terrace.png"
    image.write_bytes(noisy_png(640, 620))
    assert 1_000_000 < image.stat().st_size < 2_000_000
    with store.transaction() as session:
        draft = PostDraft(
            client_id=client_id,
            body="Our terrace is open",
            status=PostStatus.SCHEDULED,
            scheduled_at=datetime.now(UTC),
            targets={account_id: None},
            media_ids=[store_media(session, factory.paths.media, image)],
        )
        save_post(session, draft)
    with store.session() as session:
        target_id = session.scalars(select(PostTarget.id)).one()

    with pytest.raises(PermanentError, match="too large"):
        PublishTargetJob(store, factory, target_id).run(JobContext(1))

    with store.session() as session:
        target = session.get(PostTarget, target_id)
        assert target is not None and target.status == TargetStatus.FAILED
        assert "too large" in target.error
    records = xrpc(
        bluesky_network.pds,
        "GET",
        "com.atproto.repo.listRecords",
        params={"repo": kafija.did, "collection": POST},
    )["records"]
    assert records == []


def test_the_stored_session_is_reused_and_renewed_without_logging_in(
    bluesky_network: Network, store, vault, factory, client_id, calls
) -> None:
    kafija = Person.create(bluesky_network.pds, "session")
    account_id = connect(store, vault, factory, client_id, kafija, kafija.app_password())
    assert calls.count("com.atproto.server.createSession") == 1
    vault_key = account(store, account_id).vault_key
    first = vault.get(vault_key)

    # A later start of the app: nothing cached, the vault's session is used.
    bluesky_session.forget_sessions()
    calls.clear()
    SyncAccountJob(store, factory, account_id).run(JobContext(1))
    assert "com.atproto.server.createSession" not in calls
    assert "com.atproto.server.refreshSession" not in calls
    assert vault.get(vault_key) == first

    # Two hours later: the PDS answers ExpiredToken; the refresh token renews it.
    expired = expired_copy(first["access_jwt"])
    with pytest.raises(XrpcFailed) as refused:
        xrpc(bluesky_network.pds, "GET", "com.atproto.server.getSession", expired)
    assert (refused.value.status, refused.value.body["error"]) == (400, "ExpiredToken")
    vault.put(vault_key, {**first, "access_jwt": expired})
    bluesky_session.forget_sessions()
    calls.clear()
    SyncAccountJob(store, factory, account_id).run(JobContext(1))
    assert calls.count("com.atproto.server.refreshSession") == 1
    assert "com.atproto.server.createSession" not in calls
    renewed = vault.get(vault_key)
    # (A new access token can equal the first byte for byte: same claims, same second.)
    assert renewed["access_jwt"] != expired and renewed["refresh_jwt"] != first["refresh_jwt"]
    assert account(store, account_id).status == AccountStatus.OK


def test_a_revoked_app_password_asks_to_reconnect(
    bluesky_network: Network, store, vault, factory, client_id
) -> None:
    kafija = Person.create(bluesky_network.pds, "revoked")
    account_id = connect(store, vault, factory, client_id, kafija, kafija.app_password("SMM"))
    vault_key = account(store, account_id).vault_key
    kafija.call("POST", "com.atproto.server.revokeAppPassword", json={"name": "SMM"})
    stored = vault.get(vault_key)
    vault.put(vault_key, {**stored, "access_jwt": expired_copy(stored["access_jwt"])})
    bluesky_session.forget_sessions()

    with pytest.raises(AuthError):
        SyncAccountJob(store, factory, account_id).run(JobContext(1))

    status = account(store, account_id)
    assert status.status == AccountStatus.NEEDS_REAUTH
    assert "app password" in status.status_message
    assert stored["app_password"] not in status.status_message


def test_a_wrong_app_password_connects_nothing(
    bluesky_network: Network, store, vault, factory, client_id
) -> None:
    kafija = Person.create(bluesky_network.pds, "wrong")
    with pytest.raises(AuthError, match="app password") as refused:
        connect(store, vault, factory, client_id, kafija, "abcd-efgh-ijkl-mnop")
    assert "abcd-efgh-ijkl-mnop" not in str(refused.value)
    with store.session() as session:
        assert session.scalars(select(Account)).first() is None
