"""A careful HTTP client (httpx) for pages, feeds and webhooks, under the outbound policy.

What every request gets: the policy checked at each connection (after DNS, for every redirect),
timeouts and an overall deadline, a streamed size cap (reading stops past it), a User-Agent
naming the product, conditional GET (ETag / Last-Modified), robots.txt obeyed, and at most one
request per MIN_INTERVAL to each host from every process sharing the pacer (pacing.py).
"""

from __future__ import annotations

import functools
import ssl
import threading
import time
import urllib.robotparser
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from factcheck.outbound.pacing import LocalPacer, Pacer
from factcheck.outbound.policy import OutboundPolicy, Refused

ROBOTS_MAX_BYTES = 512 * 1024
ROBOTS_TTL_SECONDS = 3600.0


class FetchError(Exception):
    """A fetch that failed; KIND says how (refused, timeout, too_large, http, network...)."""

    def __init__(self, kind: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status


@dataclass(frozen=True, slots=True)
class FetchSettings:
    user_agent: str = "factcheck/0.1 (fact-checking workbench)"
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline_seconds: float = 30.0  # the whole fetch, however slowly the bytes drip in
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    min_interval_seconds: float = 1.0  # between two requests to one host
    respect_robots: bool = True


@dataclass(frozen=True, slots=True)
class Page:
    """What a GET returned: the final URL after redirects, and the body unless not modified."""

    url: str
    status: int
    content_type: str  # the media type alone, lower case: "text/html"
    charset: str | None
    body: bytes
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves the host itself, checks every address with the policy, connects to one."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self.policy.resolve(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        error: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:  # connect to the checked address, never resolve again
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error


@functools.cache
def tls_context() -> ssl.SSLContext:
    """Return the TLS settings of every client (certifi's roots; no SSL_CERT_* from the env).

    Made once per process: loading the roots takes tens of milliseconds, which each webhook
    batch and fetcher paid twice, and a context is safe to share between threads.
    """
    return httpx.create_ssl_context(trust_env=False)


def guarded_client(
    policy: OutboundPolicy, *, timeout: httpx.Timeout, headers: dict[str, str] | None = None
) -> httpx.Client:
    """Return an httpx client whose every connection obeys POLICY (no proxies from the env)."""
    transport = httpx.HTTPTransport(verify=tls_context(), trust_env=False)
    transport._pool = httpcore.ConnectionPool(  # the same pool httpx builds, with our backend
        ssl_context=tls_context(),
        max_connections=20,
        # No idle connections: each request connects (and so is checked) anew, and a client
        # that lives as long as its process holds no sockets between requests.
        max_keepalive_connections=0,
        network_backend=_GuardedBackend(policy),
    )
    return httpx.Client(
        transport=transport,
        timeout=timeout,
        headers=headers,
        follow_redirects=False,
        trust_env=False,
    )


def _origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


def _error_for(exc: Exception, url: str) -> FetchError:
    if isinstance(exc, Refused):
        return FetchError("refused", f"Refused to fetch {url}: {exc.message}.")
    if isinstance(exc, httpx.TimeoutException):
        return FetchError("timeout", f"{url} did not answer in time.")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return FetchError("refused", f"Refused to fetch {url}: only http and https are fetched.")
    return FetchError("network", f"Could not fetch {url}: {exc}.")


class Fetcher:
    """Fetch pages and feeds politely and safely; one per process (robots and pacing state)."""

    def __init__(
        self,
        policy: OutboundPolicy,
        settings: FetchSettings = FetchSettings(),
        *,
        pacer: Pacer | None = None,
    ) -> None:
        self.policy, self.settings = policy, settings
        self.client = guarded_client(
            policy,
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
        )
        self.pacer = pacer or LocalPacer(settings.min_interval_seconds)
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}
        self._robots_lock = threading.Lock()

    def close(self) -> None:
        self.client.close()
        self.pacer.close()

    def _wait_turn(self, host: str) -> None:
        """Wait until HOST may be sent another request (MIN_INTERVAL after the last one)."""
        if self.settings.min_interval_seconds > 0:
            wait = self.pacer.reserve(host)
            if wait > 0:
                time.sleep(wait)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        max_bytes: int | None = None,
    ) -> Page:
        """GET URL following redirects; raise FetchError for anything but a 2xx or a 304."""
        limit = self.settings.max_bytes if max_bytes is None else max_bytes
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = time.monotonic() + self.settings.deadline_seconds
        try:
            self.policy.check_url(url)
            request = self.client.build_request("GET", url, headers=headers)
        except Refused as exc:
            raise _error_for(exc, url) from exc
        except (httpx.InvalidURL, ValueError) as exc:
            raise FetchError("refused", f"{url} is not a usable address: {exc}.") from exc
        for _ in range(self.settings.max_redirects + 1):
            shown = str(request.url)
            self._allowed_by_robots(request.url)
            self._wait_turn(request.url.host)
            try:
                response = self.client.send(request, stream=True)
                try:
                    if response.has_redirect_location:
                        request = response.next_request
                        self.policy.check_url(str(request.url))
                        continue
                    return self._page(response, shown, limit, deadline)
                finally:
                    response.close()
            except (Refused, httpx.HTTPError) as exc:
                raise _error_for(exc, shown) from exc
        raise FetchError(
            "redirects", f"{url} redirects more than {self.settings.max_redirects} times."
        )

    def _page(self, response: httpx.Response, url: str, limit: int, deadline: float) -> Page:
        if response.status_code != 304 and not 200 <= response.status_code < 300:
            raise FetchError(
                "http",
                f"{url} answered HTTP {response.status_code} {response.reason_phrase}.",
                status=response.status_code,
            )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(
                "too_large", f"{url} is {int(declared):,} bytes; the limit is {limit:,}."
            )
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > limit:
                raise FetchError(
                    "too_large",
                    f"{url} is larger than the limit of {limit:,} bytes; reading stopped there.",
                )
            if time.monotonic() > deadline:
                raise FetchError(
                    "timeout",
                    f"{url} took longer than {self.settings.deadline_seconds:g} s to send.",
                )
        media, _, params = response.headers.get("Content-Type", "").partition(";")
        charset = None
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                charset = value.strip().strip('"').lower()
        return Page(
            url=str(response.url),
            status=response.status_code,
            content_type=media.strip().lower(),
            charset=charset,
            body=bytes(body),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )

    def _allowed_by_robots(self, url: httpx.URL) -> None:
        if not self.settings.respect_robots or url.path == "/robots.txt":
            return
        parser = self._robots_for(_origin(url))
        if parser is not None and not parser.can_fetch(self.settings.user_agent, str(url)):
            raise FetchError("robots", f"{url.host}'s robots.txt does not allow fetching {url}.")

    def _robots_for(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """Return the parsed robots.txt of ORIGIN (None: no rules), cached for an hour."""
        with self._robots_lock:
            cached = self._robots.get(origin)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        parser: urllib.robotparser.RobotFileParser | None = None
        try:
            page = self.get(f"{origin}/robots.txt", accept="text/plain", max_bytes=ROBOTS_MAX_BYTES)
            parser = urllib.robotparser.RobotFileParser()
            parser.parse(page.body.decode("utf-8", "replace").splitlines())
        except FetchError as exc:
            if exc.kind == "http" and exc.status is not None and 400 <= exc.status < 500:
                parser = None  # no robots.txt: everything is allowed (RFC 9309)
            elif exc.kind == "refused":
                raise
            else:  # the server could not say: RFC 9309 says assume everything is disallowed
                raise FetchError(
                    "robots",
                    f"{origin}/robots.txt could not be read ({exc.message}); not fetching from it.",
                ) from exc
        with self._robots_lock:
            self._robots[origin] = (time.monotonic() + ROBOTS_TTL_SECONDS, parser)
        return parser


def post(
    client: httpx.Client, url: str, body: bytes, headers: dict[str, str]
) -> tuple[int | None, str | None]:
    """POST BODY to URL without following redirects; return (status, error or None if 2xx)."""
    try:
        response = client.post(url, content=body, headers=headers)
    except Refused as exc:
        return None, f"Refused: {exc.message}."
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code} {response.reason_phrase}"[:500]
