import pytest

from tests.conftest import PASSWORD, csrf_token, login, make_app


@pytest.mark.parametrize(
    "path", ["/queue", "/articles/", "/articles/new", "/search", "/claims/1", "/articles/1"]
)
def test_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.location


def test_login_sends_each_role_home_and_a_wrong_password_is_refused(client, users):
    response = client.post("/login", data={"email": "editor@example.org", "password": "nope"})
    assert response.status_code == 200 and "Wrong email or password" in response.text
    response = client.post("/login", data={"email": "editor@example.org", "password": PASSWORD})
    assert client.get(response.location).location.endswith("/articles/")


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/\\evil.example/x",
        "/\\/evil.example",
        "/\tevil.example",
        "https://evil.example/",
    ],
)
def test_login_never_redirects_to_another_site(client, users, target):
    # Browsers read "/\\evil.example" as "//evil.example": a backslash must not slip through.
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "checker@example.org", "password": PASSWORD},
    )
    assert response.location == "/"


def test_editors_are_kept_out_of_the_review_queue(editor):
    response = editor.get("/queue")
    assert response.status_code == 403 and "for the checker role" in response.text


def test_forms_without_a_csrf_token_are_rejected(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        from factcheck.extensions import db
        from factcheck.services.users import create_user

        create_user(db.session, email="c@example.org", password=PASSWORD, role="checker")
    response = client.post("/login", data={"email": "c@example.org", "password": PASSWORD})
    assert response.status_code == 400 and "CSRF" in response.text
    token = csrf_token(client.get("/login").text)
    response = client.post(
        "/login", data={"email": "c@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.post("/logout").status_code == 400  # logging out needs the token too
    page = client.get("/queue")
    assert client.post("/logout", data={"csrf_token": csrf_token(page.text)}).status_code == 302
    assert client.get("/queue").status_code == 302


def test_repeated_failed_logins_lock_the_account_for_a_while(client, users, app):
    per_account = int(app.config["LOGIN_FAILURES_PER_ACCOUNT"].split()[0])
    for _ in range(per_account):
        response = client.post("/login", data={"email": "editor@example.org", "password": "no"})
        assert response.status_code == 200 and "Wrong email or password" in response.text
    response = client.post("/login", data={"email": "editor@example.org", "password": PASSWORD})
    assert response.status_code == 429 and "Too many failed logins" in response.text
    assert int(response.headers["Retry-After"]) > 0
    # Other accounts, and logins that succeed, are not held up.
    login(client, "checker")


def test_failed_logins_from_one_address_are_limited_across_accounts(client, users, app):
    per_address = int(app.config["LOGIN_FAILURES_PER_ADDRESS"].split()[0])
    for attempt in range(per_address):
        client.post("/login", data={"email": f"guess{attempt}@example.org", "password": "x"})
    response = client.post("/login", data={"email": "checker@example.org", "password": PASSWORD})
    assert response.status_code == 429


def test_an_unknown_email_costs_the_same_password_check_as_a_known_one(session, users, monkeypatch):
    """So the answer's timing does not tell which accounts exist."""
    from factcheck.services import users as user_service

    checked = []
    real = user_service.check_password_hash
    monkeypatch.setattr(
        user_service,
        "check_password_hash",
        lambda hashed, password: checked.append(hashed) or real(hashed, password),
    )
    assert user_service.authenticate(session, "nobody@example.org", "a guess") is None
    assert user_service.authenticate(session, "checker@example.org", "a guess") is None
    assert len(checked) == 2 and checked[0].split("$")[0] == checked[1].split("$")[0]


def test_logging_out_ends_the_session_even_for_a_copied_cookie(tmp_path):
    # An app with no app context held open: each request loads its user from the cookie.
    app = make_app(tmp_path)
    with app.app_context():
        from factcheck.extensions import db
        from factcheck.services.users import create_user

        create_user(db.session, email="checker@example.org", password=PASSWORD, role="checker")
        db.session.remove()
    client = login(app.test_client(), "checker")
    stolen = client.get_cookie("session").value
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/queue").status_code == 200  # the copy works while the session lasts
    assert client.post("/logout").status_code == 302
    response = replay.get("/queue")
    assert response.status_code == 302 and "/login" in response.location
