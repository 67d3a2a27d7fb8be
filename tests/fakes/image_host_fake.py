"""A tiny image host on 127.0.0.1: what an Instagram account's "image host" is.

Serves ``GET``/``HEAD`` of stored files under ``/smm/`` and, when
``accept_put`` is on, stores ``PUT`` uploads there (answering 201, as WebDAV
does), checking the ``Authorization`` header when ``auth`` is set. Tests put
files in ``files`` directly to play a host the user keeps in sync by hand.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

from tests.fakes.http_fake import FakeServer, Reply, Request

PREFIX_PATH = "/smm/"


class ImageHostFake(FakeServer):
    def __init__(self, accept_put: bool = True, auth: str = "") -> None:
        super().__init__()
        self.accept_put = accept_put
        self.auth = auth
        self.files: dict[str, bytes] = {}  # name -> bytes

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        base = super()._handler_class()

        class Handler(base):  # type: ignore[valid-type,misc]
            do_HEAD = base.do_GET  # the shared fake serves no HEAD; an image host does

        return Handler

    @property
    def prefix(self) -> str:
        return self.base_url + PREFIX_PATH

    def handle(self, request: Request) -> Reply:
        if not request.path.startswith(PREFIX_PATH):
            return Reply(404, b"not found", {"Content-Type": "text/plain"})
        name = request.path[len(PREFIX_PATH) :]
        if request.method == "PUT":
            if not self.accept_put:
                return Reply(405, b"method not allowed", {"Content-Type": "text/plain"})
            if self.auth and request.headers.get("authorization", "") != self.auth:
                return Reply(401, b"unauthorized", {"Content-Type": "text/plain"})
            with self.lock:
                created = name not in self.files
                self.files[name] = request.body
            return Reply(201 if created else 204, b"")
        if request.method in ("GET", "HEAD"):
            with self.lock:
                data = self.files.get(name)
            if data is None:
                return Reply(404, b"not found", {"Content-Type": "text/plain"})
            body = b"" if request.method == "HEAD" else data
            return Reply(200, body, {"Content-Type": "image/jpeg"})
        return Reply(405, b"method not allowed", {"Content-Type": "text/plain"})
