"""Browser security headers: what pages may load and run, framing, referrers, HTTPS."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from factcheck.services.articles import ingest_article
from factcheck.services.demo import load_samples
from tests.conftest import PASSWORD, login, make_app


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy of RESPONSE, by directive."""
    header = response.headers.get("Content-Security-Policy", "")
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


@pytest.mark.parametrize("path", ["/login", "/api/v1/openapi.json", "/static/queue.js"])
def test_every_answer_says_what_the_browser_may_do(client, path):
    response = client.get(path)
    response.close()  # a static file is streamed from an open file
    csp = policy(response)
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'" and csp["form-action"] == "'self'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP by default


class InlineCode(HTMLParser):
    """Inline scripts, event-handler attributes and style attributes (which the policy blocks)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/ld+json":
            self.found.append("inline <script>")
        self.found += [
            f"{tag} {name}=" for name in attrs if name.startswith("on") or name == "style"
        ]
        if tag == "a" and (attrs.get("href") or "").lower().startswith("javascript:"):
            self.found.append("javascript: link")


def test_no_page_needs_inline_code(checker, session, matcher, users):
    load_samples(session, matcher)
    article = ingest_article(
        session,
        matcher,
        title="T",
        body=("Riverton's city budget for 2025 grew by 4 percent compared with 2024."),
    ).article
    pages = [
        "/queue",
        "/search?q=budget",
        f"/claims/{article.claims[0].id}",
        f"/articles/{article.id}",
        "/articles/",
        "/articles/new",
        f"/articles/{article.id}/edit",
        "/dashboard",
    ]
    checker.post("/logout")
    login(checker, "admin")
    pages += ["/admin/users", "/admin/integrations/"]
    for path in pages:
        response = checker.get(path)
        assert response.status_code == 200, path
        parser = InlineCode()
        parser.feed(response.text)
        assert parser.found == [], path


@pytest.fixture
def behind_https_proxy(tmp_path):
    app = make_app(tmp_path, HTTPS=True, TRUSTED_PROXIES=1)
    with app.app_context():
        from factcheck.extensions import db
        from factcheck.services.users import create_user

        create_user(db.session, email="checker@example.org", password=PASSWORD, role="checker")
        db.session.remove()
    return app


def test_behind_an_https_proxy_cookies_are_secure_and_hsts_is_sent(behind_https_proxy):
    client = behind_https_proxy.test_client()
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    response = client.post(
        "/login", headers=https, data={"email": "checker@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    # Plain HTTP reaching the app is sent to HTTPS.
    response = client.get("/login")
    assert response.status_code in (301, 302) and response.location.startswith("https://")
