"""Where Instagram fetches our images from: the user's own image host.

The Instagram Graph API takes no image bytes. A container is made from an
``image_url`` and Meta's servers download the picture from there, so every
image must be on a public web address before it can be published. A desktop
app has no such address of its own; the user names one:

* ``image_host_prefix`` (e.g. ``https://cdn.example.com/smm/``): the image
  ``<prefix><file name>`` must be reachable by anyone. The file name is the
  one SMM Desk gives the image in the profile's media folder (its content
  hash and extension, e.g. ``3f2a…c9.jpg``), so names never clash and a
  changed picture gets a new name.
* Either the user keeps that folder copied to the host (a synced folder, an
  rsync job) — then SMM Desk only checks with a ``HEAD`` that the image is
  there and says plainly when it is not — or ``image_host_put`` is "yes" and
  SMM Desk uploads each image with an HTTP ``PUT`` to that address first
  (WebDAV, or any host that accepts ``PUT``), sending ``image_host_auth`` as
  the ``Authorization`` header when one is given.

Nothing here ever sends the Graph token to the image host: the host is a
different server and gets only the image and its own header.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, urlsplit

from smmdesk.platforms.base import (
    AuthError,
    ConnectorError,
    PermanentError,
    RateLimited,
    TransientError,
)
from smmdesk.platforms.http import HttpClient, seconds_until

#: What the user reads when publishing images without a host.
NO_HOST_MESSAGE = (
    "Instagram fetches a post's pictures from a public web address, so SMM Desk needs an "
    "image host for this account. Edit the account and fill in “Image host address” "
    "(e.g. https://cdn.example.com/smm/): either keep the profile's media folder copied there, "
    "or set “Upload with PUT” to yes if that address accepts uploads (WebDAV and the like)."
)

_YES = {"yes", "y", "true", "1", "on"}


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in _YES


def normalize_prefix(prefix: str) -> str:
    """The prefix with a trailing slash; '' if it is not an http(s) address."""
    prefix = prefix.strip()
    if not prefix:
        return ""
    parts = urlsplit(prefix)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.username:
        return ""
    return prefix if prefix.endswith("/") else prefix + "/"


def prefix_problem(prefix: str) -> str:
    """Why a typed prefix cannot be used ('' when it can, or when none was typed)."""
    if not prefix.strip():
        return ""
    if not normalize_prefix(prefix):
        return (
            "The image host address must be a web address starting with https:// "
            "(without a user name or password in it)."
        )
    return ""


class ImageHost:
    """Puts (or finds) our images at ``prefix + file name``."""

    def __init__(self, prefix: str, put: bool, auth: str = "", timeout: float = 20.0) -> None:
        self.prefix = normalize_prefix(prefix)
        self.put = put
        self.auth = auth.strip()
        self.http = HttpClient("", timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def url_for(self, path: Path) -> str:
        return self.prefix + quote(path.name)

    def ensure(self, path: Path) -> str:
        """The public address of ``path``, uploading it first in PUT mode."""
        if not self.prefix:
            raise PermanentError(NO_HOST_MESSAGE)
        url = self.url_for(path)
        if self.put:
            self._upload(path, url)
        else:
            self._check(path, url)
        return url

    def _upload(self, path: Path, url: str) -> None:
        try:
            data = path.read_bytes()
        except OSError:
            raise PermanentError(
                f"The image {path.name} cannot be read on this computer."
            ) from None
        headers = {"Content-Type": mimetypes.guess_type(path.name)[0] or "application/octet-stream"}
        if self.auth:
            headers["Authorization"] = self.auth
        response = self.http.request("PUT", url, data=data, headers=headers)
        status = response.status_code
        response.close()
        if status in (200, 201, 204):
            return
        raise _host_error(status, response.headers, f"upload {path.name} to the image host")

    def _check(self, path: Path, url: str) -> None:
        """A HEAD for the image: a plain message when it is missing, else let Meta try."""
        try:
            response = self.http.request("HEAD", url)
        except ConnectorError:
            return  # the host may only be reachable from outside; Meta will say
        status = response.status_code
        response.close()
        if status in (404, 410):
            raise PermanentError(
                f"The image {path.name} is not on the image host ({url} answers “not found”). "
                "Copy the profile's media folder there, or set “Upload with PUT” to yes."
            )
        if status in (401, 403):
            raise PermanentError(
                f"The image host refuses to show {path.name} ({url}): Instagram can only "
                "use pictures anyone can open. Make that folder public."
            )


def _host_error(status: int, headers: Mapping[str, str], doing: str) -> ConnectorError:
    if status in (401, 403):
        return AuthError(
            f"The image host did not let SMM Desk {doing} (HTTP {status}). "
            "Check “Image host upload header” in the account's settings."
        )
    if status == 429:
        wait = seconds_until(headers)
        return RateLimited(f"The image host asks SMM Desk to wait before it can {doing}.", wait)
    if status >= 500:
        return TransientError(f"The image host failed to {doing} (HTTP {status}); trying later.")
    if status in (405, 501):
        return PermanentError(
            f"The image host does not accept uploads (HTTP {status}). Turn “Upload with PUT” "
            "off and copy the media folder there yourself, or use a host that accepts PUT."
        )
    return PermanentError(f"Could not {doing} (HTTP {status}).")
