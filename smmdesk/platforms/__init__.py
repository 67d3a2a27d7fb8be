"""Connectors, one module per network, looked up by their stored platform id.

Modules are imported on first use so that start-up does not pay for networks
the profile does not use.
"""

from __future__ import annotations

import importlib

from smmdesk.platforms.base import Connector

# platform id -> "module:Class"; order is the order shown to the user.
_REGISTRY: dict[str, str] = {
    "sandbox": "smmdesk.platforms.sandbox:SandboxConnector",
    "telegram": "smmdesk.platforms.telegram:TelegramConnector",
    "mastodon": "smmdesk.platforms.mastodon:MastodonConnector",
    "bluesky": "smmdesk.platforms.bluesky:BlueskyConnector",
    "facebook": "smmdesk.platforms.facebook:FacebookConnector",
    "instagram": "smmdesk.platforms.instagram:InstagramConnector",
    "vk": "smmdesk.platforms.vk:VkConnector",
}


def platform_ids() -> list[str]:
    return list(_REGISTRY)


def connector_class(platform: str) -> type[Connector]:
    """The connector class for a platform id; KeyError for an unknown one."""
    module_name, _, class_name = _REGISTRY[platform].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    assert issubclass(cls, Connector)
    return cls
