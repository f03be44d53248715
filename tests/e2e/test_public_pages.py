"""The public verdict pages in chromium, at a desktop and a phone width, checked by axe-core.

axe-core comes from npm into tools/ (`make test` installs it, pinned in tools/package-lock.json).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.models import Role
from factcheck.services.articles import ingest_article
from factcheck.services.public import slug
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.services.users import create_user
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS, ROOT

AXE = ROOT / "tools" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": 1280, "phone": 360}
EXPLANATION = """The council's adopted budget shows a **4.1 percent** rise, not 40 percent.

- 2024: 212 million
- 2025: 220.7 million

See the [adopted budget](https://riverton.example/budget-2025.pdf) for the figures."""


@pytest.fixture(scope="module")
def public_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, int]]:
    """Serve an app with published verdicts (one corrected); yield (base URL, the corrected
    verdict's path, how many verdicts are published)."""
    folder = tmp_path_factory.mktemp("public-site")
    app = create_app(
        {
            "SECRET_KEY": "e2e-public",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'public.sqlite3'}",
            "JOBS_URL": f"sqlite:///{folder / 'jobs.sqlite3'}",
            "PUBLISHER_NAME": "Riverton Fact Desk",
        }
    )
    with app.app_context():
        upgrade()
        checker = create_user(
            db.session, email="c@e2e.example", password=PASSWORD, role=Role.CHECKER, name="C"
        )
        article = ingest_article(
            db.session,
            get_matcher(),
            title="Council debate",
            url="https://news.example/council",
            outlet="Riverton Courier",
            body="The city budget grew by 40 percent this year. Bus fares fell by half in 2024. "
            "The new bridge cost 12 million dollars. Crime fell 8 percent last year.",
            published_at=datetime(2025, 2, 10, tzinfo=UTC),
        ).article
        ratings = ["false", "mostly-true", "half-true", "pants-fire"]
        for claim, rating in zip(article.claims, ratings, strict=False):
            claim.claimant = "Council member Jane Roe"
            claim.claim_date = date(2025, 2, 10)
            db.session.commit()
            record_verdict(
                db.session,
                claim,
                rating=rating,
                reviewer=checker,
                conclusion="The budget grew by about 4 percent, not 40.",
                explanation=EXPLANATION,
                sources=[
                    SourceInput(
                        url="https://riverton.example/budget-2025.pdf",
                        title="Riverton adopted budget 2025",
                        publisher="City of Riverton",
                        quote="Total appropriations rose 4.1% year over year.",
                        stance="refutes",
                    ),
                    SourceInput(url="https://stats.example/cities", title="City statistics"),
                ],
                publish=True,
            )
        first = article.claims[0]
        record_verdict(
            db.session,
            first,
            rating="mostly-false",
            reviewer=checker,
            conclusion="The budget grew by 4.1 percent; a one-off grant made it look larger.",
            explanation=EXPLANATION,
            sources=[SourceInput(url="https://riverton.example/budget-2025.pdf")],
            publish=True,
            correction_reason="The first version missed the one-off transport grant.",
        )
        path = f"/v/{slug(first)}"
        published = min(len(article.claims), len(ratings))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", path, published
    server.shutdown()
    thread.join()


def serious_violations(page) -> list[dict]:
    """Run axe-core on PAGE; return its serious and critical violations."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `make test` (it runs npm ci).")
    page.evaluate(AXE.read_text("utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def look(page, url: str, name: str) -> list[dict]:
    """Open URL at each width, save a screenshot and return axe's serious findings."""
    found = []
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.screenshot(path=str(ARTIFACTS / f"public-{name}-{label}.png"), full_page=True)
        found += [{**v, "width": width} for v in serious_violations(page)]
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    return found


def test_public_pages_read_well_and_pass_axe(page, public_site):
    base, path, published = public_site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    findings = look(page, base + path, "verdict")
    assert page.locator("h1").inner_text().startswith("The city budget grew by 40 percent")
    assert page.get_by_role("heading", name="Corrections").is_visible()
    assert "missed the one-off transport grant" in page.inner_text("main")
    ld = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert ld["url"] == base + path and ld["reviewRating"]["alternateName"] == "Mostly false"
    assert page.locator("script:not([type='application/ld+json'])").count() == 0

    findings += look(page, f"{base}/v/", "index")
    assert page.locator("ol.verdict-list > li").count() == published
    page.get_by_label("Rating").select_option("half-true")
    page.get_by_role("button", name="Search").click()
    assert page.locator("ol.verdict-list > li").count() == 1
    findings += look(page, page.url, "index-filtered")
    assert findings == [], json.dumps(findings, indent=1)


def test_axe_finds_what_it_should(page, public_site):
    """The check can fail: a page with an unlabelled field and an image without text."""
    base = public_site[0]
    page.goto(f"{base}/v/")
    page.evaluate(
        "document.querySelector('label[for=q]').remove();"
        "document.body.insertAdjacentHTML('beforeend', '<img src=/x.png>')"
    )
    assert {v["id"] for v in serious_violations(page)} >= {"label", "image-alt"}
