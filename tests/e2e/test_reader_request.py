"""In a real browser: a reader asks on /ask (on a phone), a checker publishes the verdict, and
the reader's email, with the public link, arrives at the local SMTP server."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.job_engine import ENGINE_KEY, BackgroundConsumer
from factcheck.models import Role
from factcheck.services.users import create_user
from tests.conftest import PASSWORD

CLAIM = "The Riverton ferry carried two million passengers in 2024."
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def desk(tmp_path_factory, smtp_server):
    """The app (CSRF on) behind a real server, with a job consumer and the test SMTP server."""
    folder = tmp_path_factory.mktemp("e2e-readers")
    app = create_app(
        {
            "SECRET_KEY": "e2e-readers",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'r.sqlite3'}",
            "JOBS_URL": f"sqlite:///{folder / 'jobs.sqlite3'}",
            "PUBLISHER_NAME": "Riverton Checks",
            "READER_MIN_FILL_SECONDS": 1.0,
            **smtp_server.settings,
        }
    )
    with app.app_context():
        db.create_all()
        create_user(
            db.session, email="c@e2e.example", password=PASSWORD, role=Role.CHECKER, name="Cy"
        )
        get_matcher()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with BackgroundConsumer(app.extensions[ENGINE_KEY]):
        yield base
    server.shutdown()
    thread.join()
    server.server_close()


def test_a_reader_asks_and_is_emailed_the_verdict(page: Page, desk, mailbox, shot):
    # The reader, on a phone: no account, the form works without JavaScript.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(f"{desk}/ask")
    shot("ask-phone")
    page.get_by_label("The claim you saw").fill(CLAIM)
    page.get_by_label("Where you saw it").fill("https://social.example/posts/77")
    page.get_by_label("Your email").fill("reader@mail.example")
    page.wait_for_timeout(1200)  # a person takes longer than READER_MIN_FILL_SECONDS
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".flash")).to_contain_text("Thank you")
    expect(page.locator("h2#answer-title")).to_have_text("Waiting for the desk")
    status_url = page.url
    assert re.search(r"/ask/r/[A-Za-z0-9_-]{32}$", status_url)
    shot("status-waiting-phone")

    # A checker finds it in the queue and publishes a verdict.
    page.set_viewport_size(DESKTOP)
    page.context.clear_cookies()
    page.goto(f"{desk}/login")
    page.get_by_label("Email").fill("c@e2e.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    row = page.locator("#queue tr", has_text=CLAIM)
    expect(row).to_contain_text("asked by 1 reader")
    shot("queue")
    row.get_by_role("link", name=CLAIM).click()
    expect(page.locator("#readers-title")).to_have_text("Asked by 1 reader")
    shot("claim-with-readers")
    claim_id = re.search(r"/claims/(\d+)", page.url).group(1)
    page.get_by_label("Rating").select_option("false")
    page.get_by_label("Conclusion (one line)").fill("The ferry carried 1.2 million.")
    page.locator(".source-row").first.get_by_label("URL").fill("https://port.example/2024")
    page.get_by_role("button", name="Publish verdict").click()
    expect(page.locator(".flash").first).to_be_visible()
    page.goto(f"{desk}/dashboard")
    expect(page.locator(".most-asked")).to_contain_text("asked by 1 reader this week")
    shot("dashboard")
    page.set_viewport_size(PHONE)
    page.goto(f"{desk}/claims/{claim_id}")
    expect(page.locator("#readers-title")).to_have_text("Asked by 1 reader")
    shot("claim-with-readers-phone")

    # The reader's email arrives, once, with the public link of the verdict.
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "reader@mail.example"
    body = message.get_content()
    assert f"{desk}/v/{claim_id}" in body and "The ferry carried 1.2 million." in body
    stop_link = re.search(rf"{re.escape(desk)}/ask/stop/\S+", body).group(0)

    # Back on the phone, the private page shows the verdict.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(status_url)
    expect(page.locator("h2#answer-title")).to_have_text("Checked: False")
    expect(page.get_by_role("link", name="Read the fact-check")).to_have_attribute(
        "href", re.compile(rf"^{re.escape(desk)}/v/{claim_id}(-.*)?$")
    )
    expect(page.locator("body")).to_contain_text("We emailed you the verdict")
    shot("status-answered-phone")

    # The stop link in the email: the address is already gone, and the page says so.
    page.goto(stop_link)
    shot("stop-phone")
    expect(page.locator("main")).to_contain_text("Your address is deleted")
    assert len(mailbox.messages) == 1


def test_the_form_at_desktop_width(page: Page, desk, shot):
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    page.goto(f"{desk}/ask")
    expect(page.get_by_role("heading", name="Ask us to check a claim")).to_be_visible()
    honeypot = page.locator("input[name=website]")
    assert not honeypot.is_visible() or honeypot.bounding_box()["x"] < 0
    shot("ask-desktop")
