"""The Instagram connector's view of the Graph API: the shared ``GraphClient``
(HTTP, the Graph error object, usage headers, throttling) plus the few
answers only Instagram gives, turned into what they mean:

* code 9 / subcode 2207042: the daily publishing limit is used up ->
  ``RateLimited`` (the connector adds the wait when it can estimate it);
* code 9007 / subcode 2207027: the container is not ready yet ->
  ``TransientError``;
* code 9004 / subcode 2207052 (or 2207003, download timeout): Meta could not
  fetch the picture from the image host -> ``PermanentError`` saying so.

Instagram's own ``is_transient`` flag already counts as transient in the
shared mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smmdesk.platforms.base import (
    ConnectorConfig,
    ConnectorError,
    PermanentError,
    RateLimited,
    TransientError,
)
from smmdesk.platforms.graph_api import GraphClient, graph_code


class InstagramGraph:
    def __init__(self, config: ConnectorConfig) -> None:
        self.client = GraphClient(config, what="Instagram", token_keys=("page_token",))

    def close(self) -> None:
        self.client.close()

    def get(self, path: str, params: Mapping[str, str], doing: str) -> dict[str, Any]:
        try:
            return self.client.get(path, params, doing)
        except ConnectorError as exc:
            raise _instagram(exc, doing) from exc

    def post(self, path: str, data: Mapping[str, str], doing: str) -> dict[str, Any]:
        try:
            return self.client.post(path, data, doing)
        except ConnectorError as exc:
            raise _instagram(exc, doing) from exc

    def granted_permissions(self) -> set[str] | None:
        return self.client.granted_permissions()


def _instagram(exc: ConnectorError, doing: str) -> ConnectorError:
    code, subcode = graph_code(exc)
    if code == 9 and subcode == 2207042:
        return RateLimited(
            f"{doing}: Instagram's daily limit of posts published through apps is used up.",
            3600.0,
        )
    if code == 9007 or subcode == 2207027:
        return TransientError(f"{doing}: Instagram has not finished preparing the picture yet.")
    if subcode in (2207052, 2207003) or code == 9004:
        return PermanentError(
            f"{doing}: Instagram could not fetch the picture from the image host. Check that "
            "the image host address is public and the picture opens in a browser from there."
        )
    return exc
