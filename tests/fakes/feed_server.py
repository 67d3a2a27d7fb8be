"""A tiny RSS/Atom server on 127.0.0.1 for the feed tests.

Each path answers with a ``Route``: a document (RSS 2.0 or Atom, built with
``rss`` / ``atom``), a status, and a failure mode: an HTML page, a truncated
document, a slow answer (for timeouts), ETag/Last-Modified with 304 answers.
Routes can be changed while the server runs, so a test can make a feed fail
and then recover. Every request is logged with its headers.

    with FeedServer() as server:
        server.route("/feed.xml", rss("Coffee", [item("Latte", guid="1")]))
        url = server.url("/feed.xml")
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

HTML_PAGE = (
    b"<!doctype html><html><head><title>Kafija</title>"
    b'<link rel="alternate" type="application/rss+xml" href="/blog/feed.xml">'
    b"</head><body><p>Welcome to our coffee shop</p></body></html>"
)


@dataclass
class Entry:
    title: str
    link: str = ""
    guid: str = ""
    summary: str = ""  # HTML allowed: it is escaped into the document
    published: datetime | None = None


def item(
    title: str,
    guid: str = "",
    link: str = "",
    summary: str = "",
    published: datetime | None = None,
) -> Entry:
    return Entry(title, link, guid, summary, published)


def rss(title: str, entries: list[Entry], link: str = "https://kafija.example/") -> bytes:
    """An RSS 2.0 document."""
    items = []
    for e in entries:
        parts = [f"<title>{escape(e.title)}</title>"]
        if e.link:
            parts.append(f"<link>{escape(e.link)}</link>")
        if e.guid:
            parts.append(f'<guid isPermaLink="false">{escape(e.guid)}</guid>')
        if e.summary:
            parts.append(f"<description>{escape(e.summary)}</description>")
        if e.published:
            parts.append(f"<pubDate>{format_datetime(e.published)}</pubDate>")
        items.append(f"<item>{''.join(parts)}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<description>{escape(title)}</description>\n" + "\n".join(items) + "\n</channel></rss>\n"
    ).encode()


def atom(title: str, entries: list[Entry]) -> bytes:
    """An Atom 1.0 document; summaries are sent as type="html"."""
    rows = []
    for e in entries:
        updated = (e.published or datetime(2025, 1, 1, tzinfo=UTC)).isoformat()
        parts = [f"<title>{escape(e.title)}</title>", f"<id>{escape(e.guid or e.link)}</id>"]
        parts.append(f"<updated>{updated}</updated>")
        if e.link:
            parts.append(f'<link rel="alternate" href="{escape(e.link)}"/>')
        if e.summary:
            parts.append(f'<summary type="html">{escape(e.summary)}</summary>')
        rows.append(f"<entry>{''.join(parts)}</entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:{escape(title)}</id>"
        "<updated>2025-01-01T00:00:00Z</updated>\n" + "\n".join(rows) + "\n</feed>\n"
    ).encode()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str = ""  # answer 304 when If-None-Match matches
    last_modified: str = ""  # answer 304 when If-Modified-Since matches
    delay: float = 0.0  # seconds before answering
    truncate: int | None = None  # send only this many bytes of the body
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    status: int


class FeedServer:
    """A threaded HTTP server on 127.0.0.1 with a free port."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle(self) -> None:
                # A client that gave up (the timeout tests) is not an error here.
                with contextlib.suppress(OSError):
                    super().handle()

            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    # --- configuration ----------------------------------------------------------

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, body: bytes = b"", **options: object) -> str:
        """Serve ``body`` at ``path`` (see ``Route`` for options); returns the URL."""
        with self._lock:
            self.routes[path] = Route(body, **options)  # type: ignore[arg-type]
        return self.url(path)

    def fail(self, path: str, status: int, body: bytes = b"Error") -> str:
        return self.route(path, body, status=status, content_type="text/plain")

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)

    def __enter__(self) -> FeedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- serving ---------------------------------------------------------------

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        with self._lock:
            route = self.routes.get(path)
        headers = {k.lower(): v for k, v in handler.headers.items()}
        if route is None:
            route = Route(b"Not found", status=404, content_type="text/plain")
        if route.delay and self._closing.wait(route.delay):
            return
        status = route.status
        if status == 200 and (
            (route.etag and headers.get("if-none-match") == route.etag)
            or (route.last_modified and headers.get("if-modified-since") == route.last_modified)
        ):
            status = 304
        with self._lock:
            self.requests.append(Request(path, headers, status))
        body = b"" if status == 304 else route.body
        sent = body if route.truncate is None else body[: route.truncate]
        handler.send_response(status)
        handler.send_header("Content-Type", route.content_type)
        if route.etag:
            handler.send_header("ETag", route.etag)
        if route.last_modified:
            handler.send_header("Last-Modified", route.last_modified)
        for name, value in route.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(sent)))
        handler.end_headers()
        handler.wfile.write(sent)
