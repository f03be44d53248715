"""A real HTTP server on 127.0.0.1 for tests that fetch pages and feeds (never a mock)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """What the server answers for a path: status, headers, and a body (bytes or chunks)."""

    body: bytes | Iterable[bytes] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    delay: float = 0.0  # seconds before answering


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    at: float


Route = Reply | Callable[["Seen"], Reply]


class Site:
    """Serve ROUTES (path -> Reply, or a function of the request) and record every request."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                seen = Seen(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()
                )
                with site.lock:
                    site.seen.append(seen)
                route = site.routes.get(self.path, site.routes.get(self.path.split("?")[0]))
                reply = (route(seen) if callable(route) else route) or Reply(b"not here", 404)
                time.sleep(reply.delay)
                chunks = [reply.body] if isinstance(reply.body, bytes) else reply.body
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if isinstance(reply.body, bytes):
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                    return
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for chunk in chunks:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading, as it should past its size cap

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address) -> None:
                pass  # a client hanging up early (past its size cap) is expected here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def paths(self) -> list[str]:
        with self.lock:
            return [seen.path for seen in self.seen]

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    canonical: str | None = None,
    lang: str = "en",
    author: str = "Jane Doe",
    published: str = "2024-03-05",
    site_name: str = "Riverton Gazette",
) -> bytes:
    """Return a news page: navigation, an article with metadata, a footer."""
    head = [
        f"<title>{title} | {site_name}</title>",
        f'<meta property="og:site_name" content="{site_name}">',
        f'<meta name="author" content="{author}">',
        f'<meta property="article:published_time" content="{published}T09:00:00Z">',
    ]
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{lang}"><head>{"".join(head)}</head><body>'
        f'<nav><a href="/">Home</a> | <a href="/news">News</a></nav>'
        f"<article><h1>{title}</h1>{body}</article>"
        f"<footer>Copyright {site_name}. All rights reserved.</footer></body></html>"
    ).encode()


def rss(items: list[tuple[str, str]], title: str = "Riverton Gazette") -> bytes:
    """Return an RSS 2.0 feed of (link, title) items."""
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link>"
        f"<pubDate>Tue, 05 Mar 2024 09:00:00 GMT</pubDate></item>"
        for link, t in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://gazette.example/</link>"
        f"<description>News</description>{entries}</channel></rss>"
    ).encode()


FEED = {"Content-Type": "application/rss+xml; charset=utf-8"}
