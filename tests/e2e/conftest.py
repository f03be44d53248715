"""End-to-end fixtures: the app behind a real server, driven by Debian's chromium.

One browser for the whole session (a fresh profile in a temporary folder); each test gets a
new page. Screenshots go to test-artifacts/e2e/ (not committed) so people can look at them.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.models import Role
from factcheck.services.users import create_user
from tests.conftest import PASSWORD, SEED_ARTICLE, real_model

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
USERS = {
    "checker": ("Chris Checker", Role.CHECKER),
    "checker2": ("Dana Second", Role.CHECKER),
    "editor": ("Eve Editor", Role.EDITOR),
    "admin": ("Ada Admin", Role.ADMIN),
}


def email(name: str) -> str:
    return f"{name}@e2e.example"


@pytest.fixture(scope="session")
def seed_file() -> Path:
    return SEED_ARTICLE


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app (migrated file SQLite, CSRF on, second-checker sign-off) on a free
    loopback port."""
    folder = tmp_path_factory.mktemp("e2e-db")
    with real_model():
        app = create_app(
            {
                "SECRET_KEY": "e2e",
                "REQUIRE_SECOND_REVIEW": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'e2e.sqlite3'}",
                "JOBS_URL": f"sqlite:///{folder / 'jobs.sqlite3'}",
            }
        )
    with app.app_context():
        upgrade()
        for name, (full_name, role) in USERS.items():
            create_user(db.session, email=email(name), password=PASSWORD, role=role, name=full_name)
        with real_model():
            get_matcher().embedder.load()  # before the first request
            if get_matcher().multilingual is not None:
                get_matcher().multilingual.embedder.load()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "The end-to-end tests need Debian's chromium, and it is not installed: "
            "run `apt-get install chromium` (.ci/run does this).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(60_000)  # ingesting the seed article runs the model
        yield context
        context.close()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    yield page
    page.close()


class Screens:
    """Save a full-page screenshot of each page under test, numbered in the order taken."""

    def __init__(self, page, prefix: str) -> None:
        self.page, self.prefix, self.count = page, prefix, 0

    def __call__(self, name: str, *, full_page: bool = True) -> Path:
        self.count += 1
        path = ARTIFACTS / f"{self.prefix}-{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def shot(page, request):
    return Screens(page, request.node.name.removeprefix("test_"))
