"""Changing or removing a post that is already on the networks.

An edit made in the app after publishing goes to every network that can
edit (Mastodon, Telegram); a network that cannot (Bluesky) is named in the
result so the user knows that copy still shows the old text. Deleting
removes the post from each network first; the post is removed from the app
only when every network has let go of it, so a refusal (Telegram's 48-hour
limit) never leaves a post live on a network with no trace in the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from smmdesk.core.vocabulary import TargetStatus
from smmdesk.logs import redact
from smmdesk.platforms.base import ConnectorError, PublishRequest
from smmdesk.store.database import Store
from smmdesk.store.models import Account, Post, PostTarget
from smmdesk.sync.connectors import ConnectorFactory
from smmdesk.sync.jobs import Job, JobContext


@dataclass(frozen=True)
class RemoteChangeResult:
    post_id: int
    done: list[str] = field(default_factory=list)  # account handles changed on the network
    refused: list[str] = field(default_factory=list)  # "handle: why", in the network's words
    post_deleted: bool = False


class _PublishedPostJob(Job[RemoteChangeResult]):
    needs_network = True

    def __init__(self, store: Store, factory: ConnectorFactory, post_id: int) -> None:
        self.store, self.factory, self.post_id = store, factory, post_id

    def _published_targets(self) -> list[tuple[int, Account, str, str]]:
        """(target id, account, remote id, text) of every published target."""
        with self.store.session() as session:
            post = session.get(Post, self.post_id)
            if post is None:
                return []
            rows = []
            for target in post.targets:
                if target.status != TargetStatus.PUBLISHED or not target.remote_id:
                    continue
                account = session.get(Account, target.account_id)
                assert account is not None
                text = target.variant_body if target.variant_body is not None else post.body
                rows.append((target.id, account, target.remote_id, text))
            for _, account, _, _ in rows:
                session.expunge(account)
            return rows


class EditPublishedJob(_PublishedPostJob):
    """Send the post's current text to every network it is published on."""

    title = "Updating a published post"

    def run(self, ctx: JobContext) -> RemoteChangeResult:
        result = RemoteChangeResult(self.post_id)
        for _target_id, account, remote_id, text in self._published_targets():
            ctx.check_cancelled()
            connector = self.factory.for_account(account)
            try:
                connector.edit_post(remote_id, PublishRequest(text))
            except ConnectorError as exc:
                result.refused.append(f"{account.handle}: {redact(str(exc))}")
            else:
                result.done.append(account.handle)
            finally:
                connector.close()
        return result


class DeletePublishedJob(_PublishedPostJob):
    """Delete the post from every network, then from the app if all agreed."""

    title = "Deleting a published post"

    def run(self, ctx: JobContext) -> RemoteChangeResult:
        result = RemoteChangeResult(self.post_id)
        for target_id, account, remote_id, _text in self._published_targets():
            ctx.check_cancelled()
            connector = self.factory.for_account(account)
            try:
                connector.delete_post(remote_id)
            except ConnectorError as exc:
                result.refused.append(f"{account.handle}: {redact(str(exc))}")
                continue
            finally:
                connector.close()
            result.done.append(account.handle)
            with self.store.transaction() as session:
                target = session.get(PostTarget, target_id)
                if target is not None:
                    target.remote_id = ""
                    target.status = TargetStatus.PENDING
                    target.error = "Deleted from the network."
        if not result.refused:
            with self.store.transaction() as session:
                post = session.get(Post, self.post_id)
                if post is not None:
                    session.delete(post)
            return RemoteChangeResult(self.post_id, result.done, [], post_deleted=True)
        return result
