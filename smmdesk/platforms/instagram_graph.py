"""The Instagram connector's view of the Graph API: get, post, granted permissions.

A thin adapter so that the Instagram modules only ever call
``get(path, params, doing)`` and ``post(path, data, doing)`` and receive a
JSON object. TEMPORARY: the shared Graph client (``graph_api``: HTTP, the
Graph error object, usage headers) is being written; until it lands this
adapter maps the few codes itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smmdesk.platforms.base import (
    AuthError,
    BadResponse,
    ConnectorConfig,
    PermanentError,
    RateLimited,
    TransientError,
)
from smmdesk.platforms.http import HttpClient, json_body

DEFAULT_BASE = "https://graph.facebook.com/v25.0"


class InstagramGraph:
    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config
        self.http = HttpClient(config.base_url or DEFAULT_BASE, timeout=config.timeout)
        token = config.secret.get("page_token", "")
        self._token = token.strip() if isinstance(token, str) else ""

    def close(self) -> None:
        self.http.close()

    def get(self, path: str, params: Mapping[str, str], doing: str) -> dict[str, Any]:
        return self._call("GET", path, dict(params), None, doing)

    def post(self, path: str, data: Mapping[str, str], doing: str) -> dict[str, Any]:
        return self._call("POST", path, None, dict(data), doing)

    def granted_permissions(self) -> set[str] | None:
        body = self.get(
            "/debug_token", {"input_token": self._token}, "Checking the token's permissions"
        )
        data = body.get("data")
        scopes = data.get("scopes") if isinstance(data, dict) else None
        if not isinstance(scopes, list):
            return None
        return {s for s in scopes if isinstance(s, str)}

    def _call(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None,
        data: dict[str, str] | None,
        doing: str,
    ) -> dict[str, Any]:
        if not self._token:
            raise AuthError("No Page access token is stored for this account; connect it again.")
        response = self.http.request(
            method,
            path,
            params=params,
            data=data,
            headers={"Authorization": f"Bearer {self._token}"},
        )
        body = json_body(response, "Facebook")
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) or response.status_code >= 400:
            raise _error(response.status_code, error if isinstance(error, dict) else {}, doing)
        if not isinstance(body, dict):
            raise BadResponse(f"{doing}: Facebook sent an answer of an unexpected shape.")
        return body


def _error(status: int, error: dict[str, Any], doing: str) -> Exception:
    code = error.get("code")
    subcode = error.get("error_subcode")
    message = error.get("error_user_msg") or error.get("message") or f"HTTP {status}"
    message = str(message)[:300]
    if code == 190 or status == 401:
        return AuthError("Facebook no longer accepts this Page token; connect the account again.")
    if code == 9 and subcode == 2207042:
        return RateLimited(f"{doing}: Instagram's daily publishing limit is reached.", 3600.0)
    if code in (4, 17, 32, 613, 80001, 80002) or status == 429:
        return RateLimited(f"{doing}: Facebook asks SMM Desk to slow down.", 300.0)
    if code in (1, 2) or status >= 500 or error.get("is_transient") is True:
        return TransientError(f"{doing}: Facebook had a temporary problem ({message}).")
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
        return AuthError(f"{doing}: the Page token lacks a permission ({message}).")
    if code == 9007:
        return TransientError(f"{doing}: Instagram is not ready yet ({message}).")
    return PermanentError(f"{doing}: {message}")
