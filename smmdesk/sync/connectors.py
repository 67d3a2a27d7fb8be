"""Building a connector for an account: its class, its secret, its options.

The only place that joins the vault to a connector. ``base_urls`` lets the
tests point a network at a fake server on 127.0.0.1; the app passes none.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from smmdesk.paths import ProfilePaths
from smmdesk.platforms import connector_class
from smmdesk.platforms.base import Connector, ConnectorConfig
from smmdesk.store.clients import account_settings
from smmdesk.store.models import Account
from smmdesk.vault import Vault

log = logging.getLogger(__name__)


class ConnectorFactory:
    def __init__(
        self,
        paths: ProfilePaths,
        vault: Vault,
        base_urls: Mapping[str, str] | None = None,
        sandbox_seed: str = "smmdesk",
    ) -> None:
        self.paths = paths
        self.vault = vault
        self.base_urls = dict(base_urls or {})
        self.sandbox_seed = sandbox_seed

    def options_for(self, platform: str) -> dict[str, str]:
        if platform == "sandbox":
            return {"state_file": str(self.paths.sandbox_state), "seed": self.sandbox_seed}
        return {}

    def build(
        self,
        platform: str,
        secret: Mapping[str, str],
        *,
        instance_url: str = "",
        remote_id: str = "",
        handle: str = "",
        settings: Mapping[str, str] | None = None,
        vault_key: str = "",
    ) -> Connector:
        cls = connector_class(platform)
        options = dict(settings or {})
        options.update(self.options_for(platform))
        config = ConnectorConfig(
            secret=dict(secret),
            base_url=self.base_urls.get(platform, "") or instance_url,
            remote_id=remote_id,
            handle=handle,
            options=options,
            on_secret_changed=self._saver(vault_key) if vault_key else None,
        )
        return cls(config)

    def _saver(self, vault_key: str):  # type: ignore[no-untyped-def]
        def save(secret: Mapping[str, str]) -> None:
            self.vault.put(vault_key, secret)

        return save

    def for_account(self, account: Account) -> Connector:
        """A connector for a stored account; raises SecretMissing/VaultUnavailable."""
        secret = self.vault.get(account.vault_key)
        return self.build(
            account.platform,
            secret,
            instance_url=account.instance_url,
            remote_id=account.remote_id,
            handle=account.handle,
            settings={**account_settings(account), "inbox_cursor": account.inbox_cursor or ""},
            vault_key=account.vault_key,
        )

    def is_local(self, platform: str) -> bool:
        return connector_class(platform).local_only

    def supports_handoff(self, platform: str) -> bool:
        """Whether the network has a scheduler of its own to hand posts to."""
        try:
            return connector_class(platform).capabilities.native_scheduling
        except KeyError:
            return False
