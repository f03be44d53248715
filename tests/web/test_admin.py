import re

import pytest
from sqlalchemy import select

from factcheck.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, csrf_token, login, make_app


@pytest.fixture
def admin(client, users):
    return login(client, "admin")


def user_id(session, email):
    return session.scalar(select(User.id).where(User.email == email))


def test_admin_lists_creates_and_manages_users(admin, session):
    page = admin.get("/admin/users")
    assert page.status_code == 200 and "checker@example.org" in page.text
    response = admin.post(
        "/admin/users",
        data={
            "email": "New.Person@Example.org",
            "name": "New Person",
            "role": "editor",
            "password": "a long password",
        },
    )
    assert response.status_code == 302
    assert "Created new.person@example.org (editor)." in admin.get(response.location).text
    new_id = user_id(session, "new.person@example.org")
    assert admin.post(f"/admin/users/{new_id}/role", data={"role": "checker"}).status_code == 302
    assert admin.post(f"/admin/users/{new_id}/active", data={"deactivate": "1"}).status_code == 302
    session.expire_all()
    user = session.get(User, new_id)
    assert user.role is Role.CHECKER and not user.active
    page = admin.post(f"/admin/users/{new_id}/password")
    assert page.status_code == 200 and "shown only this once" in page.text
    password = re.search(r'<code class="secret">([^<]+)</code>', page.text).group(1)
    assert len(password) >= 12
    actions = session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == "user", AuditEvent.entity_id == new_id
        )
    ).all()
    assert actions == [
        "user.created",
        "user.role_changed",
        "user.deactivated",
        "user.password_reset",
    ]
    assert all(
        e.actor.email == "admin@example.org"
        for e in session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_id == new_id, AuditEvent.entity_type == "user"
            )
        )
    )


@pytest.fixture
def live_app(tmp_path):
    """An app with no app context held open, so each request is on its own (several clients)."""
    app = make_app(tmp_path)
    with app.app_context():
        from factcheck.extensions import db
        from factcheck.services.users import create_user

        for role in Role:
            create_user(db.session, email=f"{role.value}@example.org", password=PASSWORD, role=role)
        db.session.remove()
    return app


def test_a_deactivated_user_cannot_log_in_and_is_logged_out(live_app):
    app = live_app
    checker = login(app.test_client(), "checker")
    admin = login(app.test_client(), "admin")
    admin.post("/admin/users/1/active", data={"deactivate": "1"})
    assert checker.get("/queue").status_code == 302  # the open session ends
    response = app.test_client().post(
        "/login", data={"email": "checker@example.org", "password": PASSWORD}
    )
    assert "Wrong email or password" in response.text
    admin.post("/admin/users/1/active", data={"activate": "1"})
    login(app.test_client(), "checker")


def test_a_reset_password_works_and_the_old_one_does_not(live_app):
    app = live_app
    admin = login(app.test_client(), "admin")
    page = admin.post("/admin/users/2/password")
    password = re.search(r'<code class="secret">([^<]+)</code>', page.text).group(1)
    client = app.test_client()
    assert (
        client.post(
            "/login", data={"email": "editor@example.org", "password": PASSWORD}
        ).status_code
        == 200
    )
    assert (
        client.post(
            "/login", data={"email": "editor@example.org", "password": password}
        ).status_code
        == 302
    )


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"email": "not an email", "role": "editor", "password": "a long password"},
            "has no @",
        ),
        (
            {"email": "checker@example.org", "role": "editor", "password": "a long password"},
            "already exists",
        ),
        ({"email": "x@example.org", "role": "editor", "password": "short"}, "at least 10"),
        (
            {"email": "x@example.org", "role": "superuser", "password": "a long password"},
            "Not a valid choice",
        ),
        ({"email": "", "role": "editor", "password": "a long password"}, "This field is required"),
        (
            {
                "email": "<script>alert(1)</script>@x.org",
                "role": "editor",
                "password": "a long password",
            },
            "is not an address we accept",
        ),
    ],
)
def test_bad_new_users_are_explained_and_not_created(admin, session, data, message):
    before = session.scalar(select(User.id).order_by(User.id.desc()))
    response = admin.post("/admin/users", data=data)
    assert response.status_code in (409, 422) and message in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert session.scalar(select(User.id).order_by(User.id.desc())) == before


def test_the_last_admin_cannot_lock_everyone_out(admin, users, session):
    me = users["admin"].id
    response = admin.post(f"/admin/users/{me}/active", data={"deactivate": "1"})
    assert response.status_code == 409 and "your own account" in response.text
    response = admin.post(f"/admin/users/{me}/role", data={"role": "editor"})
    assert response.status_code == 409 and "last active admin" in response.text
    session.expire_all()
    assert session.get(User, me).role is Role.ADMIN and session.get(User, me).active


@pytest.mark.parametrize(
    "path", ["/admin/users/99999/role", "/admin/users/99999/active", "/admin/users/99999/password"]
)
def test_unknown_users_are_404(admin, path):
    response = admin.post(path, data={"role": "editor", "activate": "1"})
    assert response.status_code == 404 and "There is no user with id 99999" in response.text


@pytest.mark.parametrize("role", ["checker", "editor"])
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/admin/users"),
        ("post", "/admin/users"),
        ("post", "/admin/users/1/role"),
        ("post", "/admin/users/1/active"),
        ("post", "/admin/users/1/password"),
    ],
)
def test_only_admins_reach_the_users_pages(client, users, session, role, method, path):
    login(client, role)
    response = getattr(client, method)(
        path,
        data={
            "email": "x@example.org",
            "role": "admin",
            "password": "a long password",
            "deactivate": "1",
        },
    )
    assert response.status_code == 403
    assert "This page is for the admin role; you are logged in as " + role in response.text
    assert session.scalar(select(User).where(User.email == "x@example.org")) is None
    assert "Users</a>" not in client.get("/search").text  # no link to a page they cannot use


def test_admin_forms_without_a_csrf_token_are_rejected(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        from factcheck.extensions import db
        from factcheck.services.users import create_user

        create_user(db.session, email="a@example.org", password=PASSWORD, role="admin")
        client = app.test_client()
        token = csrf_token(client.get("/login").text)
        client.post(
            "/login", data={"email": "a@example.org", "password": PASSWORD, "csrf_token": token}
        )
        data = {"email": "b@example.org", "role": "admin", "password": "a long password"}
        response = client.post("/admin/users", data=data)
        assert response.status_code == 400 and "The form expired or was forged" in response.text
        assert db.session.scalar(select(User).where(User.email == "b@example.org")) is None
        token = csrf_token(client.get("/admin/users").text)
        assert client.post("/admin/users", data={**data, "csrf_token": token}).status_code == 302
        assert client.post("/admin/users/1/password").status_code == 400


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaa", "1234567890", "password12", "qwertyuiop", "new.person@example.org"]
)
def test_common_and_trivial_passwords_are_refused(admin, session, password):
    response = admin.post(
        "/admin/users",
        data={"email": "new.person@example.org", "role": "editor", "password": password},
    )
    assert response.status_code == 422 and "too easy to guess" in response.text
    assert session.scalar(select(User).where(User.email == "new.person@example.org")) is None


def test_a_password_reset_ends_the_sessions_of_that_user(live_app):
    app = live_app
    editor = login(app.test_client(), "editor")
    assert editor.get("/articles/").status_code == 200
    admin = login(app.test_client(), "admin")
    admin.post("/admin/users/2/password")
    response = editor.get("/articles/")
    assert response.status_code == 302 and "/login" in response.location
    assert admin.get("/admin/users").status_code == 200  # the admin's own session goes on
