"""Building a connector for an account: its class, its secret, its options.

The only place that joins the vault to a connector. ``base_urls`` lets the
tests point a network at a fake server on 127.0.0.1; the app passes none.
"""

from __future__ import annotations

from collections.abc import Mapping

from smmdesk.paths import ProfilePaths
from smmdesk.platforms import connector_class
from smmdesk.platforms.base import Connector, ConnectorConfig
from smmdesk.store.models import Account
from smmdesk.vault import Vault


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
    ) -> Connector:
        cls = connector_class(platform)
        config = ConnectorConfig(
            secret=dict(secret),
            base_url=instance_url or self.base_urls.get(platform, ""),
            remote_id=remote_id,
            handle=handle,
            options=self.options_for(platform),
        )
        return cls(config)

    def for_account(self, account: Account) -> Connector:
        """A connector for a stored account; raises SecretMissing/VaultUnavailable."""
        secret = self.vault.get(account.vault_key)
        return self.build(
            account.platform,
            secret,
            instance_url=account.instance_url,
            remote_id=account.remote_id,
            handle=account.handle,
        )

    def is_local(self, platform: str) -> bool:
        return connector_class(platform).local_only
