"""The fetcher against a real HTTP server on 127.0.0.1 (allowed by the allow-list setting)."""

from __future__ import annotations

import ssl
import time
from itertools import pairwise

import httpx
import pytest

from factcheck.outbound import (
    Fetcher,
    FetchError,
    FetchSettings,
    OutboundPolicy,
    guarded_client,
)
from tests.http_server import Reply, Site

ALLOW_LOOPBACK = OutboundPolicy.from_setting("127.0.0.1")
QUICK = FetchSettings(
    user_agent="factcheck-test/1 (+https://desk.example)",
    min_interval_seconds=0.0,
    read_timeout=2.0,
    deadline_seconds=5.0,
)


def fetcher(**changes: object) -> Fetcher:
    settings = FetchSettings(**{**{f: getattr(QUICK, f) for f in QUICK.__slots__}, **changes})
    return Fetcher(ALLOW_LOOPBACK, settings)


def test_a_page_comes_back_with_its_type_charset_and_validators():
    page_html = b"<html><body><p>Crime fell.</p></body></html>"
    with Site(
        {
            "/a": Reply(
                page_html,
                headers={
                    "Content-Type": "text/html; charset=ISO-8859-1",
                    "ETag": '"v1"',
                    "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT",
                },
            )
        }
    ) as site:
        page = fetcher().get(f"{site.url}/a")
    assert page.body == page_html and page.status == 200 and not page.not_modified
    assert (page.content_type, page.charset) == ("text/html", "iso-8859-1")
    assert page.etag == '"v1"' and page.last_modified.startswith("Mon, 01 Jan 2024")
    request = next(s for s in site.seen if s.path == "/a")
    assert request.headers["user-agent"] == "factcheck-test/1 (+https://desk.example)"


def test_conditional_get_sends_the_validators_and_reports_not_modified():
    def conditional(seen):
        if seen.headers.get("if-none-match") == '"v1"':
            return Reply(b"", 304, headers={"ETag": '"v1"'})
        return Reply(b"<p>x</p>", headers={"Content-Type": "text/html", "ETag": '"v1"'})

    with Site({"/a": conditional}) as site:
        client = fetcher()
        first = client.get(f"{site.url}/a")
        second = client.get(
            f"{site.url}/a", etag=first.etag, last_modified="Mon, 01 Jan 2024 00:00:00 GMT"
        )
    assert second.not_modified and second.body == b""
    request = [s for s in site.seen if s.path == "/a"][1]
    assert request.headers["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"


def test_a_body_over_the_limit_is_refused_and_reading_stops():
    sent = []

    def endless():
        for _ in range(10_000):  # 640 MB if the client read it all
            sent.append(1)
            yield b"x" * 65536

    with Site({"/declared": Reply(b"y" * 5000), "/streamed": Reply(endless())}) as site:
        client = fetcher(max_bytes=4096)
        with pytest.raises(FetchError) as declared:
            client.get(f"{site.url}/declared")
        with pytest.raises(FetchError) as streamed:
            client.get(f"{site.url}/streamed")
    assert declared.value.kind == streamed.value.kind == "too_large"
    assert "limit" in declared.value.message and "reading stopped" in streamed.value.message
    assert len(sent) < 200


@pytest.mark.slow  # waits out the timeouts
def test_errors_timeouts_and_slow_drips_are_reported():
    def drip():
        for _ in range(100):
            time.sleep(0.2)
            yield b"<p>slowly</p>"

    with Site(
        {
            "/gone": Reply(b"gone", 410),
            "/boom": Reply(b"", 503),
            "/slow": Reply(b"late", delay=3.0),
            "/drip": Reply(drip()),
        }
    ) as site:
        client = fetcher(read_timeout=1.0, deadline_seconds=1.0)
        errors = {}
        for path in ("/gone", "/boom", "/slow", "/drip", "/missing"):
            with pytest.raises(FetchError) as error:
                client.get(f"{site.url}{path}")
            errors[path] = error.value
    assert errors["/gone"].kind == "http" and errors["/gone"].status == 410
    assert "HTTP 410" in errors["/gone"].message
    assert errors["/boom"].status == 503 and errors["/missing"].status == 404
    assert errors["/slow"].kind == "timeout" and errors["/drip"].kind == "timeout"


def test_robots_txt_is_obeyed():
    robots = b"User-agent: *\nDisallow: /private/\n"
    with Site(
        {
            "/robots.txt": Reply(robots, headers={"Content-Type": "text/plain"}),
            "/private/a": Reply(b"secret"),
            "/public": Reply(b"<p>hi</p>"),
        }
    ) as site:
        client = fetcher()
        assert client.get(f"{site.url}/public").body == b"<p>hi</p>"
        with pytest.raises(FetchError) as refused:
            client.get(f"{site.url}/private/a")
        client.get(f"{site.url}/public")
    assert refused.value.kind == "robots" and "robots.txt" in refused.value.message
    assert "/private/a" not in site.paths()
    assert site.paths().count("/robots.txt") == 1  # read once, then cached


def test_a_site_whose_robots_txt_fails_is_not_fetched():
    with (
        Site({"/robots.txt": Reply(b"", 503), "/a": Reply(b"<p>x</p>")}) as site,
        pytest.raises(FetchError) as refused,
    ):
        fetcher().get(f"{site.url}/a")
    assert refused.value.kind == "robots" and "/a" not in site.paths()


@pytest.mark.slow  # waits its turns
def test_one_request_a_second_per_host():
    with Site({"/a": Reply(b"<p>a</p>"), "/b": Reply(b"<p>b</p>")}) as site:
        client = fetcher(min_interval_seconds=1.0)
        client.get(f"{site.url}/a")
        client.get(f"{site.url}/b")
    times = [seen.at for seen in site.seen]  # robots.txt, /a, /b
    assert len(times) == 3
    assert all(later - earlier >= 0.95 for earlier, later in pairwise(times))


def test_redirects_are_followed_and_checked_at_every_hop():
    with Site() as site:
        site.routes.update(
            {
                "/old": Reply(b"", 301, headers={"Location": "/new"}),
                "/new": Reply(b"<p>new</p>"),
                "/to-metadata": Reply(
                    b"", 302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
                ),
                "/to-private": Reply(b"", 302, headers={"Location": "http://10.0.0.1/admin"}),
                # A name (2130706433 is 127.0.0.1 as one number) resolving to an address that is
                # not allowed: only the name localhost is, below.
                "/to-name": Reply(
                    b"",
                    302,
                    headers={"Location": f"http://2130706433:{site.server.server_port}/new"},
                ),
                "/loop": Reply(b"", 302, headers={"Location": "/loop"}),
            }
        )
        client = fetcher()
        page = client.get(f"{site.url}/old")
        assert page.url == f"{site.url}/new" and page.body == b"<p>new</p>"
        errors = {}
        for path in ("/to-metadata", "/to-private", "/loop"):
            with pytest.raises(FetchError) as error:
                client.get(f"{site.url}{path}")
            errors[path] = error.value
        by_name = Fetcher(OutboundPolicy.from_setting("localhost"), QUICK)
        assert by_name.get(f"http://localhost:{site.server.server_port}/new").body
        with pytest.raises(FetchError) as error:
            by_name.get(f"http://localhost:{site.server.server_port}/to-name")
        errors["/to-name"] = error.value
    assert errors["/to-metadata"].kind == "refused"
    assert "cloud metadata" in errors["/to-metadata"].message
    assert "private" in errors["/to-private"].message
    assert errors["/to-name"].kind == "refused"
    assert "2130706433 resolves to 127.0.0.1, a loopback address" in errors["/to-name"].message
    assert site.paths().count("/new") == 2  # the two allowed fetches, not the refused hop
    assert errors["/loop"].kind == "redirects"


def test_without_the_allow_list_loopback_is_refused_by_address_and_by_name():
    with Site({"/a": Reply(b"<p>x</p>")}) as site:
        client = Fetcher(OutboundPolicy(), QUICK)
        for url in (
            f"{site.url}/a",
            f"http://localhost:{site.server.server_port}/a",
            f"http://[::1]:{site.server.server_port}/a",
        ):
            with pytest.raises(FetchError) as refused:
                client.get(url)
            assert refused.value.kind == "refused" and "loopback" in refused.value.message
    assert site.seen == []


def test_every_client_verifies_certificates_with_one_shared_tls_context():
    contexts = [
        client._transport._pool._ssl_context
        for client in (fetcher().client, guarded_client(ALLOW_LOOPBACK, timeout=httpx.Timeout(1.0)))
    ]
    assert contexts[0] is contexts[1]  # the roots load once per process, not per client
    assert contexts[0].verify_mode is ssl.CERT_REQUIRED
    assert contexts[0].check_hostname
