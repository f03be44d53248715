"""In a real browser, at desktop width and at 360 px: ingest by URL, sources, alerts."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.job_engine import get_engine
from factcheck.models import Role
from factcheck.outbound import OutboundPolicy
from factcheck.services import sources
from factcheck.services.articles import ingest_article
from factcheck.services.demo import load_samples
from factcheck.services.users import create_user
from tests.conftest import PASSWORD, real_model
from tests.http_server import Reply, Site, article_html
from tests.services.test_pages import PARAGRAPHS

WIDTHS = {"desktop": 1280, "phone": 360}
pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The app (CSRF on) with the demo, a repeat raising alerts, two sources, a page to fetch."""
    folder = tmp_path_factory.mktemp("e2e-monitoring")
    with real_model():  # the repeat raises its alerts by real similarity
        app = create_app(
            {
                "SECRET_KEY": "e2e-m",
                "FETCH_ALLOW_HOSTS": "127.0.0.1",
                "FETCH_MIN_INTERVAL_SECONDS": 0.0,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'm.sqlite3'}",
                "JOBS_URL": f"sqlite:///{folder / 'jobs.sqlite3'}",
            }
        )
    with Site({"/story": Reply(article_html("Crime falls in Riverton", PARAGRAPHS))}) as site:
        with app.app_context():
            db.create_all()
            create_user(
                db.session,
                email="admin@e2e.example",
                password=PASSWORD,
                role=Role.ADMIN,
                name="Ada Admin",
            )
            with real_model():
                get_matcher().embedder.load()
                if get_matcher().multilingual is not None:
                    get_matcher().multilingual.embedder.load()
            load_samples(db.session, get_matcher())
            ingest_article(
                db.session,
                get_matcher(),
                title="Trivia night",
                outlet="Quiz Weekly",
                url="https://quiz.example/trivia-night-questions-and-answers",
                body="Quiz hosts say that bats are blind. You can see the Great "
                "Wall of China from the Moon.",
            )
            loopback = OutboundPolicy.from_setting("127.0.0.1")
            sources.add_source(
                db.session,
                name="Riverton Gazette",
                interval_minutes=15,
                feed_url="https://gazette.example/feeds/all-news-rss.xml",
                policy=loopback,
            )
            broken = sources.add_source(
                db.session, name="Wire", feed_url="http://127.0.0.1:9/x", policy=loopback
            )
            broken.active, broken.consecutive_failures = False, 10
            broken.paused_reason = (
                "Paused after 10 failed polls in a row; the last: "
                "http://127.0.0.1:9/x answered HTTP 503 Service Unavailable."
            )
            db.session.commit()
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}", site, app
        server.shutdown()
        thread.join()


def log_in(page: Page, base: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill("admin@e2e.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".who")).to_contain_text("Ada Admin")


def fits(page: Page, width: int) -> None:
    """The page needs no sideways scrolling at WIDTH (wide tables scroll in their own box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url} is {overflow}px wide at {width}px"


@pytest.mark.parametrize("size", list(WIDTHS))
def test_monitoring_pages_read_well_on_a_desktop_and_a_phone(page: Page, desk, shot, size):
    base, site, app = desk
    width = WIDTHS[size]
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, base)
    expect(page.locator(".nav-count")).to_have_text(re.compile(r"^[1-9][0-9]*$"))

    page.goto(f"{base}/articles/new")
    fits(page, width)
    shot(f"{size}-new-article")
    page.get_by_label("Article address").fill(f"{site.url}/story")
    page.get_by_role("button", name="Fetch and ingest").click()
    expect(page.locator("h1")).to_contain_text("Fetching the article")
    expect(page.get_by_role("status").filter(has_text="Waiting for a job consumer")).to_be_visible()
    fits(page, width)
    shot(f"{size}-fetching")
    with app.app_context():  # what a consumer does; the page reloads itself meanwhile
        get_engine().run_job(int(page.url.rsplit("/", 1)[1]))
    expect(page.locator("h1")).to_contain_text("Crime falls in Riverton", timeout=30_000)
    shot(f"{size}-fetched-article")

    page.goto(f"{base}/admin/sources/")
    expect(page.get_by_text("Paused after 10 failed polls in a row")).to_be_visible()
    fits(page, width)
    shot(f"{size}-sources")

    page.goto(f"{base}/alerts/")
    expect(page.locator(".said", has_text="Quiz hosts say that bats are blind.")).to_be_visible()
    expect(page.get_by_text("Quiz Weekly").first).to_be_visible()
    fits(page, width)
    shot(f"{size}-alerts")
