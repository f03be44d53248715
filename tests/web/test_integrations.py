"""Admin pages for API tokens, webhooks and deliveries: admins only, CSRF on every form."""

from __future__ import annotations

import json

import pytest
from flask import current_app
from sqlalchemy import select

from factcheck.models import ApiToken, DeliveryStatus, Webhook, WebhookDelivery
from factcheck.services.tokens import create_token
from tests.conftest import csrf_token, login, make_app


@pytest.fixture
def admin(client, users):
    return login(client, "admin")


def test_admins_see_and_revoke_tokens(admin, session, users):
    new = create_token(session, email="editor@example.org", name="Newsroom CMS", scope="read")
    page = admin.get("/admin/integrations/")
    assert page.status_code == 200
    assert "Newsroom CMS" in page.text and new.token.prefix in page.text
    assert new.secret not in page.text
    response = admin.post(f"/admin/integrations/tokens/{new.token.id}/revoke")
    assert response.status_code == 302
    session.expire_all()
    assert session.get(ApiToken, new.token.id).revoked_at is not None
    assert "revoked" in admin.get("/admin/integrations/").text
    assert admin.post("/admin/integrations/tokens/999/revoke").status_code == 404


def test_admins_create_a_token_and_see_it_once(admin, session, users):
    response = admin.post(
        "/admin/integrations/tokens",
        data={"email": "editor@example.org", "name": "CMS plug-in", "scope": "write"},
    )
    assert response.status_code == 200 and "created" in response.text
    token = session.scalar(select(ApiToken).where(ApiToken.name == "CMS plug-in"))
    assert token.user.email == "editor@example.org" and token.scope.value == "write"
    secret = response.text.split('id="new-token-secret"')[1].split('value="')[1].split('"')[0]
    assert secret.startswith("fct_") and secret.startswith(token.prefix)
    # Shown in that one response: never again, and never in the session cookie.
    assert secret not in admin.get("/admin/integrations/").text
    assert all(secret not in cookie.value for cookie in admin._cookies.values())
    # Every problem on its field, in the one error pattern.
    bad = admin.post(
        "/admin/integrations/tokens", data={"email": "nobody@example.org", "name": "", "scope": "x"}
    )
    assert bad.status_code == 422 and 'class="error-summary"' in bad.text
    assert 'aria-invalid="true"' in bad.text and "Give the token a name." in bad.text
    unknown = admin.post(
        "/admin/integrations/tokens", data={"email": "nobody@example.org", "name": "N"}
    )
    assert unknown.status_code == 404 and "There is no user with the email" in unknown.text
    assert 'href="#email"' in unknown.text


def test_only_admins_create_tokens(editor, session):
    response = editor.post(
        "/admin/integrations/tokens",
        data={"email": "editor@example.org", "name": "mine", "scope": "write"},
    )
    assert response.status_code == 403
    assert session.scalar(select(ApiToken).where(ApiToken.name == "mine")) is None


def test_admins_register_webhooks_and_see_deliveries(admin, session):
    # No job consumer here: deliveries are tested in tests/services/test_webhooks.py.
    response = admin.post(
        "/admin/integrations/webhooks",
        data={"url": "https://hooks.example/in"},
        follow_redirects=True,
    )
    assert "generated secret (shown only now)" in response.text
    webhook = session.scalar(select(Webhook))
    assert webhook.url == "https://hooks.example/in" and webhook.secret in response.text
    assert webhook.secret not in admin.get("/admin/integrations/").text
    bad = admin.post("/admin/integrations/webhooks", data={"url": "ftp://x.example"})
    assert bad.status_code == 422 and "http:// or https://" in bad.text
    metadata = admin.post(
        "/admin/integrations/webhooks", data={"url": "http://169.254.169.254/latest/meta-data/"}
    )
    assert metadata.status_code == 422 and "cloud metadata address" in metadata.text
    assert session.scalars(select(Webhook.url)).all() == ["https://hooks.example/in"]
    session.add(
        WebhookDelivery(
            webhook=webhook,
            event="review.published",
            payload="{}",
            status=DeliveryStatus.FAILED,
            attempts=8,
            last_error="HTTP 500 Internal Server Error",
        )
    )
    session.commit()
    page = admin.get("/admin/integrations/").text
    assert "HTTP 500 Internal Server Error" in page and "failed" in page
    delivery = session.scalar(select(WebhookDelivery))
    admin.post(f"/admin/integrations/deliveries/{delivery.id}/retry")
    session.expire_all()
    assert delivery.status is DeliveryStatus.PENDING and delivery.attempts == 0
    admin.post(f"/admin/integrations/webhooks/{webhook.id}/toggle", data={"active": "0"})
    session.expire_all()
    assert webhook.active is False


@pytest.mark.parametrize("role", ["checker", "editor"])
def test_other_roles_get_a_clear_403(client, users, role):
    login(client, role)
    page = client.get("/admin/integrations/")
    assert page.status_code == 403 and "admin role" in page.text
    assert (
        client.post("/admin/integrations/webhooks", data={"url": "https://x.example"}).status_code
        == 403
    )


def test_forms_need_the_csrf_token(tmp_path):
    from factcheck.extensions import db
    from factcheck.services.users import create_user
    from tests.conftest import PASSWORD

    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        create_user(db.session, email="admin@example.org", password=PASSWORD, role="admin")
        client = app.test_client()
        login_page = client.get("/login").text
        client.post(
            "/login",
            data={
                "email": "admin@example.org",
                "password": PASSWORD,
                "csrf_token": csrf_token(login_page),
            },
        )
        refused = client.post("/admin/integrations/webhooks", data={"url": "https://x.example"})
        assert refused.status_code == 400
        token = csrf_token(client.get("/admin/integrations/").text)
        accepted = client.post(
            "/admin/integrations/webhooks", data={"url": "https://x.example/h", "csrf_token": token}
        )
        assert accepted.status_code == 200 and "Webhook 1 registered" in accepted.text
        db.session.remove()


def test_a_generated_webhook_secret_is_shown_once_and_not_kept_in_the_cookie(admin, session, app):
    current_app.config["WEBHOOK_WORKER"] = False
    response = admin.post("/admin/integrations/webhooks", data={"url": "https://hooks.example/in"})
    webhook = session.scalar(select(Webhook))
    assert response.status_code == 200 and webhook.secret in response.text
    cookie = admin.get_cookie("session")
    kept = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert webhook.secret not in json.dumps(kept)
    assert webhook.secret not in admin.get("/admin/integrations/").text
