"""flask tokens create/list/revoke and flask webhooks deliver."""

from __future__ import annotations

from sqlalchemy import select

from factcheck.models import ApiToken
from factcheck.services.tokens import hash_token


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_a_token_is_printed_once_and_only_its_hash_is_stored(app, session, users, client):
    result = run(
        app,
        "tokens",
        "create",
        "--email",
        "editor@example.org",
        "--name",
        "CMS",
        "--scope",
        "write",
    )
    assert result.exit_code == 0, result.output
    secret = next(line for line in result.output.splitlines() if line.startswith("fct_"))
    token = session.scalar(select(ApiToken))
    assert token.token_hash == hash_token(secret) and secret not in token.token_hash
    assert token.scope.value == "write" and token.name == "CMS"
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/claims", headers=headers).status_code == 200
    listing = run(app, "tokens", "list").output
    assert "CMS" in listing and secret not in listing and token.prefix in listing
    assert "active" in listing
    assert "Revoked token" in run(app, "tokens", "revoke", str(token.id)).output
    assert "revoked" in run(app, "tokens", "list").output
    assert client.get("/api/v1/claims", headers=headers).status_code == 401


def test_token_commands_explain_mistakes(app, users):
    unknown = run(app, "tokens", "create", "--email", "nobody@example.org", "--name", "x")
    assert unknown.exit_code == 1 and "no user with the email" in unknown.output
    scope = run(
        app, "tokens", "create", "--email", "editor@example.org", "--name", "x", "--scope", "admin"
    )
    assert scope.exit_code == 2
    blank = run(app, "tokens", "create", "--email", "editor@example.org", "--name", "  ")
    assert blank.exit_code == 1 and "name" in blank.output
    missing = run(app, "tokens", "revoke", "999")
    assert missing.exit_code == 1 and "no token with id 999" in missing.output


def test_webhooks_deliver_with_nothing_pending(app):
    result = run(app, "webhooks", "deliver")
    assert result.exit_code == 0 and "Attempted 0 deliveries." in result.output
