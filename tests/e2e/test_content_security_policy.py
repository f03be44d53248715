"""In a real browser, under the Content-Security-Policy: our scripts run and nothing is refused."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.test_desk_to_editor import log_in

# The browser tests share one app with the real model: the seed article's claims and scores.
pytestmark = pytest.mark.model


def test_the_pages_scripts_run_under_the_policy(page: Page, live_url, shot):
    refused: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            refused.append(message.text)

    page.on("console", watch)
    log_in(page, live_url, "checker")
    page.goto(f"{live_url}/articles/new")
    page.get_by_label("Title").fill("Policy check")
    page.get_by_label("Article text").fill(
        "Bus fares in Riverton rose 12 percent in 2024. The council cut the library budget "
        "by 30 percent."
    )
    response_of_article = page.expect_response(re.compile(r"/articles/\d+$"))
    with response_of_article as info:
        page.get_by_role("button", name="Ingest article").click()
    headers = info.value.all_headers()
    assert "script-src 'self'" in headers["content-security-policy"]
    article_url = page.url

    # tooltips.js: Escape dismisses the tooltip that hovering opened.
    wrap = page.locator(".hl-wrap").first
    wrap.locator("a.hl").first.hover()
    page.keyboard.press("Escape")
    expect(wrap).to_have_class(re.compile(r"\btip-dismissed\b"))
    shot("article-tooltip-dismissed", full_page=False)

    # queue.js: j selects the first claim of the queue.
    page.goto(f"{live_url}/queue")
    page.keyboard.press("j")
    expect(page.locator("table.queue tbody tr").first).to_have_class(re.compile(r"\bcurrent\b"))
    shot("queue-row-selected", full_page=False)

    # sources.js: "Add a source" adds a row in the page (no round trip) and focuses it.
    page.goto(article_url)
    page.locator("#every-claim > summary").click()
    card = page.locator(".claim-card").first
    card.get_by_role("link", name=re.compile(r"Open claim \d+")).click()
    rows = page.locator("[data-source-row]")
    count = rows.count()
    page.get_by_role("button", name="Add a source").click()
    expect(rows).to_have_count(count + 1)
    expect(page.locator(f"#sources-{count}-url")).to_be_focused()
    shot("claim-source-added")

    # menu.js: on a phone the menu starts closed behind its button.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_url}/queue")
    expect(page.locator("summary.menu-toggle")).to_be_visible()
    expect(page.locator("header nav").get_by_role("link", name="Queue")).to_be_hidden()
    page.set_viewport_size({"width": 1280, "height": 900})

    assert refused == []
