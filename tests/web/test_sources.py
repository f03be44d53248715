"""/admin/sources: admins add feeds, see their health, poll, pause and resume them."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from factcheck.extensions import db
from factcheck.models import Job, MonitoredSource
from factcheck.outbound import OutboundPolicy
from factcheck.services import sources
from tests.conftest import login


def test_admins_add_a_source_and_its_first_poll_is_queued(client, users):
    admin = login(client, "admin")
    current_app.config["FETCH_ALLOW_HOSTS"] = "127.0.0.1"
    page = admin.get("/admin/sources/")
    assert page.status_code == 200 and "No sources yet" in page.text
    response = admin.post(
        "/admin/sources/",
        data={
            "name": "Riverton Gazette",
            "feed_url": "http://127.0.0.1:9/feed.xml",
            "interval": "15",
            "language": "en",
        },
        follow_redirects=True,
    )
    assert "Riverton Gazette" in response.text and "first poll is queued" in response.text
    source = db.session.scalar(select(MonitoredSource))
    assert source.interval_minutes == 15 and source.language == "en"
    job = db.session.scalar(select(Job))
    assert job.name == "poll_source" and job.args == {"source_id": source.id}


def test_bad_sources_are_explained_on_the_form(client, users):
    admin = login(client, "admin")
    private = admin.post(
        "/admin/sources/",
        data={"name": "Intranet", "interval": "30", "feed_url": "http://10.0.0.1/feed"},
    )
    assert private.status_code == 422 and "private address" in private.text
    bad = admin.post("/admin/sources/", data={"name": "", "feed_url": "ftp://x", "interval": 0})
    assert bad.status_code == 422 and "http(s)://" in bad.text
    assert db.session.scalar(select(MonitoredSource)) is None


def test_the_page_shows_health_and_a_paused_source_says_why(client, users):
    admin = login(client, "admin")
    current_app.config["FETCH_ALLOW_HOSTS"] = "127.0.0.1"
    source = sources.add_source(
        db.session,
        name="Gazette",
        feed_url="http://127.0.0.1:9/f",
        policy=OutboundPolicy.from_setting("127.0.0.1"),
    )
    source.active, source.consecutive_failures = False, 10
    source.paused_reason = "Paused after 10 failed polls in a row; the last: HTTP 500."
    db.session.commit()
    page = admin.get("/admin/sources/")
    assert "Paused after 10 failed polls in a row" in page.text and "Resume" in page.text
    resumed = admin.post(
        f"/admin/sources/{source.id}", data={"resume": "Resume"}, follow_redirects=True
    )
    assert "“Gazette” is active" in resumed.text
    polled = admin.post(
        f"/admin/sources/{source.id}", data={"poll": "Poll now"}, follow_redirects=True
    )
    assert "A poll of “Gazette” is queued" in polled.text
    paused = admin.post(
        f"/admin/sources/{source.id}", data={"pause": "Pause"}, follow_redirects=True
    )
    assert "“Gazette” is paused" in paused.text
    assert admin.post("/admin/sources/999", data={"poll": "Poll now"}).status_code == 404


def test_only_admins_see_sources(client, users):
    editor = login(client, "editor")
    assert editor.get("/admin/sources/").status_code == 403
    assert editor.post("/admin/sources/", data={"name": "x"}).status_code == 403
