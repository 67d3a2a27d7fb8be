"""What every platform fake shares: a threaded HTTP server on 127.0.0.1, a
request log, and failures that a test can queue up.

A fake subclasses ``FakeServer`` and implements ``handle(request)`` returning a
``Reply``; routing and state are the fake's own. Failures are injected in
front of ``handle``:

    with MastodonFake() as fake:
        fake.fail_next(Failure.rate_limited(headers={"X-RateLimit-Reset": ...}))
        fake.fail_next(Failure.server_error(), path_prefix="/api/v1/statuses")
        ...
        assert fake.count("POST", "/api/v1/statuses") == 1

Failure kinds: a status with a JSON or HTML body, a slow answer (longer than
the client's timeout), a truncated body (Content-Length larger than what is
sent, then the connection closes), garbage bytes, and a connection dropped
without an answer.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str  # without the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)

    def arg(self, name: str, default: str = "") -> str:
        """A parameter from the query, a form body or a JSON body, in that order."""
        if name in self.query:
            return self.query[name][0]
        content_type = self.headers.get("content-type", "")
        if "application/x-www-form-urlencoded" in content_type:
            values = self.form().get(name)
            if values:
                return values[0]
        if "application/json" in content_type:
            try:
                body = self.json()
            except ValueError:
                return default
            if isinstance(body, dict) and name in body:
                value = body[name]
                return value if isinstance(value, str) else json.dumps(value)
        return default


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
        merged = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        return cls(status, json.dumps(data).encode("utf-8"), merged)


@dataclass
class Failure:
    """One injected misbehaviour; ``mode`` is how the answer goes wrong."""

    mode: str  # "reply" | "slow" | "truncated" | "garbage" | "drop"
    reply: Reply | None = None
    delay: float = 0.0

    @classmethod
    def status(cls, status: int, data: Any, headers: Mapping[str, str] | None = None) -> Failure:
        return cls("reply", Reply.json(data, status, headers))

    @classmethod
    def rate_limited(
        cls, data: Any = None, headers: Mapping[str, str] | None = None, status: int = 429
    ) -> Failure:
        return cls.status(
            status, data if data is not None else {"error": "Too many requests"}, headers
        )

    @classmethod
    def server_error(cls, status: int = 503) -> Failure:
        return cls.status(status, {"error": "Service Unavailable"})

    @classmethod
    def html(cls, status: int = 502) -> Failure:
        page = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
        return cls("reply", Reply(status, page, {"Content-Type": "text/html"}))

    @classmethod
    def slow(cls, delay: float = 3.0) -> Failure:
        return cls("slow", delay=delay)

    @classmethod
    def truncated(cls) -> Failure:
        return cls("truncated")

    @classmethod
    def garbage(cls) -> Failure:
        return cls("garbage")

    @classmethod
    def drop(cls) -> Failure:
        return cls("drop")


@dataclass
class _Pending:
    failure: Failure
    method: str
    path_prefix: str
    after: Callable[[Request], bool] | None = None


class FakeServer:
    """Base of the platform fakes; use as a context manager."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.log: list[Request] = []
        self._pending: list[_Pending] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle -------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- for tests -------------------------------------------------------------

    def fail_next(
        self, failure: Failure, method: str = "", path_prefix: str = "", times: int = 1
    ) -> None:
        """Make the next ``times`` matching requests misbehave."""
        with self.lock:
            for _ in range(times):
                self._pending.append(_Pending(failure, method.upper(), path_prefix))

    def requests_to(self, method: str, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.log if r.method == method.upper() and r.path == path]

    def count(self, method: str, path: str) -> int:
        return len(self.requests_to(method, path))

    # --- for subclasses --------------------------------------------------------

    def handle(self, request: Request) -> Reply:  # pragma: no cover - overridden
        return Reply.json({"error": "not found"}, 404)

    # --- plumbing --------------------------------------------------------------

    def _take_failure(self, request: Request) -> Failure | None:
        with self.lock:
            for index, pending in enumerate(self._pending):
                if pending.method and pending.method != request.method:
                    continue
                if not request.path.startswith(pending.path_prefix):
                    continue
                del self._pending[index]
                return pending.failure
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Without this each answer waits ~40 ms for Nagle + delayed ACK.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with fake.lock:
                    fake.log.append(request)
                failure = fake._take_failure(request)
                if failure is not None and failure.mode == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if failure is not None and failure.mode == "slow":
                    time.sleep(failure.delay)
                if failure is not None and failure.mode == "truncated":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "4000")
                    self.end_headers()
                    self.wfile.write(b'{"ok": true, "result": {"id": 1, "na')
                    self.close_connection = True
                    return
                if failure is not None and failure.mode == "garbage":
                    reply = Reply(200, b"\x00\xff{]]not json", {"Content-Type": "application/json"})
                elif failure is not None and failure.reply is not None:
                    reply = failure.reply
                else:
                    try:
                        reply = fake.handle(request)
                    except Exception as exc:  # a bug in the fake: make it visible
                        reply = Reply.json({"error": f"fake crashed: {exc!r}"}, 500)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        return Handler
