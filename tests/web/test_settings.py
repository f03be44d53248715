"""The publishing settings page: admins set the publisher and the public base URL."""

from __future__ import annotations

import pytest

from factcheck.extensions import get_fetcher
from factcheck.publishing import publisher
from factcheck.services.reader_replies import SmtpSettings
from factcheck.services.settings import public_base_url
from tests.conftest import login

SETTINGS = {
    "name": "Northfield Checks",
    "site": "checks.northfield.org",
    "base_url": "https://checks.northfield.org/desk/",
}


@pytest.fixture
def admin(client, users):
    return login(client, "admin")


def test_placeholders_are_flagged_until_an_admin_sets_them(admin, app):
    page = admin.get("/queue").text
    assert "Publishing settings still hold placeholders" in page
    assert "publisher name, publisher site, public base URL" in page
    response = admin.post("/admin/settings/", data=SETTINGS)
    assert response.status_code == 302
    page = admin.get("/admin/settings/").text
    assert "Publishing settings saved." in page and "Northfield Checks" in page
    assert "still hold placeholders" not in admin.get("/queue").text
    with app.test_request_context("/"):
        assert public_base_url() == "https://checks.northfield.org/desk"
        assert publisher().name == "Northfield Checks"
        assert publisher().site == "checks.northfield.org"


def test_every_place_that_names_the_desk_follows_the_settings_page(admin, client, app):
    with app.app_context():
        assert f"+https://{app.config['PUBLISHER_SITE']})" in get_fetcher().settings.user_agent
    assert admin.post("/admin/settings/", data=SETTINGS).status_code == 302
    # The public pages' title and brand, the fetcher's User-Agent, the readers' emails' sender.
    assert "Northfield Checks · verdicts" in client.get("/v/").text
    with app.app_context():
        agent = get_fetcher().settings.user_agent
        assert "+https://checks.northfield.org/desk)" in agent
        smtp = dict(app.config, SMTP_HOST="127.0.0.1")
        who = publisher()
        sender = SmtpSettings.from_config(smtp, name=who.name, site=who.site).sender
    assert sender == "Northfield Checks <noreply@checks.northfield.org>"


def test_without_a_setting_the_config_and_the_request_decide(app):
    with app.test_request_context("/", base_url="https://desk.example.net"):
        assert public_base_url() == "https://desk.example.net"
    app.config["PUBLIC_BASE_URL"] = "https://public.example.net/"
    with app.test_request_context("/"):
        assert public_base_url() == "https://public.example.net"
    with app.app_context():
        app.config["PUBLIC_BASE_URL"] = None
        assert public_base_url() == f"https://{app.config['PUBLISHER_SITE']}"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"base_url": "checks.northfield.org"},
            "base_url",
            "Start the public base URL with https://",
        ),
        ({"site": "https://x y"}, "site", "Give the site as a host name"),
        ({"name": ""}, "name", "Give the publisher"),
    ],
)
def test_bad_settings_are_explained_on_their_field(admin, changes, field, message):
    response = admin.post("/admin/settings/", data={**SETTINGS, **changes})
    assert response.status_code == 422 and message in response.text
    assert f'href="#{field}"' in response.text  # the error summary links to the field
    assert f'id="{field}-error"' in response.text
    assert "Northfield Checks" in response.text or field == "name"


def test_only_admins_see_and_change_settings(client, users):
    login(client, "editor")
    assert client.get("/admin/settings/").status_code == 403
    assert client.post("/admin/settings/", data=SETTINGS).status_code == 403
    assert "still hold placeholders" not in client.get("/dashboard").text
