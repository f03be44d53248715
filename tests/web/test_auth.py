import pytest

from tests.conftest import PASSWORD, csrf_token, make_app


@pytest.mark.parametrize("path", ["/queue", "/articles/", "/articles/new", "/search",
                                  "/claims/1", "/articles/1"])
def test_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.location


def test_login_sends_each_role_home_and_a_wrong_password_is_refused(client, users):
    response = client.post("/login", data={"email": "editor@example.org", "password": "nope"})
    assert response.status_code == 200 and "Wrong email or password" in response.text
    response = client.post("/login", data={"email": "editor@example.org", "password": PASSWORD})
    assert client.get(response.location).location.endswith("/articles/")


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example/x", "/\\/evil.example",
                                    "/\tevil.example", "https://evil.example/"])
def test_login_never_redirects_to_another_site(client, users, target):
    # Browsers read "/\\evil.example" as "//evil.example": a backslash must not slip through.
    response = client.post("/login", query_string={"next": target},
                           data={"email": "checker@example.org", "password": PASSWORD})
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
    response = client.post("/login", data={"email": "c@example.org", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    assert client.post("/logout").status_code == 400  # logging out needs the token too
    page = client.get("/queue")
    assert client.post("/logout", data={"csrf_token": csrf_token(page.text)}).status_code == 302
    assert client.get("/queue").status_code == 302
