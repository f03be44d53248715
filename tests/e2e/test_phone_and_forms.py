"""In a real browser: every page fits a 360-pixel phone, the menu collapses, tooltips stay on
screen; the verdict form reports every problem at once; "assign" keeps the queue's row."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_desk_to_editor import log_in

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
TEXT = (
    "Bus fares in Northfield rose 12 percent in 2024, the transport authority said. "
    "The council cut the library budget by 30 percent while spending on roads doubled. "
    "Unemployment in the region fell to 4.1 percent last year. "
    "The mayor opened a new park on Sunday."
)


@pytest.fixture(scope="module")
def article_url(browser_context, live_url) -> str:
    """A short article, ingested once for this module (the checker pastes it)."""
    page = browser_context.new_page()
    log_in(page, live_url, "checker")
    page.goto(f"{live_url}/articles/new")
    page.get_by_label("Title").fill("Northfield in numbers (phone check)")
    page.get_by_label("Article text").fill(TEXT)
    page.get_by_role("button", name="Ingest article").click()
    expect(page.locator("h1")).to_contain_text("Northfield in numbers")
    url = page.url
    page.close()
    return url


def claim_urls(page: Page, article_url: str) -> list[str]:
    page.goto(article_url)
    links = page.locator(".claim-card a", has_text=re.compile(r"Open claim \d+"))
    base = article_url.split("/articles/")[0]
    return [base + link.get_attribute("href") for link in links.all()]


def fits(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide at {widths[1]} px"


def test_every_page_fits_a_phone_and_the_menu_collapses(page: Page, live_url, article_url, shot):
    log_in(page, live_url, "admin")
    claim = claim_urls(page, article_url)[0]
    pages = {
        "queue": "/queue",
        "claim": claim,
        "article": article_url.removeprefix(live_url),
        "article-every-claim": article_url.removeprefix(live_url) + "?highlight=all",
        "dashboard": "/dashboard",
        "users": "/admin/users",
        "integrations": "/admin/integrations/",
        "sources": "/admin/sources",
        "settings": "/admin/settings/",
        "alerts": "/alerts",
        "articles": "/articles/",
        "ingest": "/articles/new",
        "search": "/search?q=bus+fares",
    }
    for width, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        for name, path in pages.items():
            page.goto(path if path.startswith("http") else f"{live_url}{path}")
            expect(page.locator("main")).to_be_visible()
            fits(page)
            shot(f"{width}-{name}")

    # On a phone the menu is one button; it opens with the keyboard and fits too.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_url}/queue")
    queue_link = page.locator("header nav").get_by_role("link", name="Queue")
    expect(queue_link).to_be_hidden()
    toggle = page.locator("summary.menu-toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(queue_link).to_be_visible()
    fits(page)
    shot("phone-menu-open", full_page=False)
    page.set_viewport_size(DESKTOP)
    expect(toggle).to_be_hidden()
    expect(queue_link).to_be_visible()


def test_a_tooltip_stays_on_a_phone_screen(page: Page, live_url, article_url, shot):
    log_in(page, live_url, "editor")
    page.set_viewport_size(PHONE)
    page.goto(article_url + "?highlight=all")
    highlights = page.locator("a.hl")
    last = highlights.nth(highlights.count() - 1)
    last.focus()
    tip = page.locator(f"#{last.get_attribute('aria-describedby')}")
    expect(tip).to_be_visible()
    box = tip.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    fits(page)
    shot("phone-tooltip", full_page=False)


def test_the_verdict_form_reports_every_problem_at_once(page: Page, live_url, article_url, shot):
    log_in(page, live_url, "checker")
    page.goto(claim_urls(page, article_url)[1])
    source = page.locator(".source-row").first
    expect(source).to_contain_text("Start with https://")
    source.get_by_label("URL").fill("example.org/report")
    page.get_by_role("button", name="Submit for approval").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    items = summary.locator("li")
    expect(items).to_have_count(3)  # rating, conclusion and the source's address
    expect(summary).to_contain_text("Choose a rating.")
    expect(summary).to_contain_text("needs a one-line conclusion")
    expect(summary).to_contain_text("starting with https://")
    shot("verdict-error-summary", full_page=False)

    conclusion = page.get_by_label("Conclusion (one line)")
    expect(conclusion).to_have_attribute("aria-invalid", "true")
    expect(conclusion).to_have_accessible_description(re.compile("one-line conclusion"))
    url = source.get_by_label("URL")
    expect(url).to_have_attribute("aria-invalid", "true")
    expect(url).to_have_value("example.org/report")
    summary.get_by_role("link", name=re.compile("Conclusion")).click()
    expect(page).to_have_url(re.compile("#conclusion$"))
    shot("verdict-error-field", full_page=False)


def test_assign_keeps_the_keyboard_selection(page: Page, live_url, article_url, shot):
    log_in(page, live_url, "checker2")
    page.goto(f"{live_url}/queue")
    rows = page.locator("table.queue tbody tr")
    expect(rows.first).to_be_visible()
    # A row below the first that nobody has taken yet.
    index = rows.evaluate_all(
        "rows => rows.findIndex((row, i) => i >= 1 && row.querySelector('button[data-assign]'))"
    )
    assert index >= 1
    page.locator("h1").click()
    for _ in range(index + 1):
        page.keyboard.press("j")
    chosen = rows.nth(index)
    chosen_id = chosen.get_attribute("id")
    expect(chosen).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("a")
    expect(page.locator(".flash")).to_contain_text("is assigned to you")
    expect(page).to_have_url(re.compile(f"#{chosen_id}$"))
    row = page.locator(f"#{chosen_id}")
    expect(row).to_have_class(re.compile(r"\bcurrent\b"))
    expect(row.locator("a.claim-link")).to_be_focused()
    shot("queue-kept-selection", full_page=False)
    page.keyboard.press("j")
    expect(row).not_to_have_class(re.compile(r"\bcurrent\b"))
