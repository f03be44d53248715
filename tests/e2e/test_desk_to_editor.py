"""In a real browser: a checker ingests and checks the seed article, an editor sees the verdict."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import USERS, email

# The browser tests share one app with the real model: the seed article's claims and scores.
pytestmark = pytest.mark.model

BELGEE = "BelGee increased its production capacity by 11% in the first half of the year."
CONCLUSION = "The plant's own report gives 4% for the first half of the year."
SPARE_PARTS = "The level of localization of Belarusian spare parts exceeded 50 percent."


def log_in(page: Page, base: str, who: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email(who))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".who")).to_contain_text(USERS[who][0])


def ingest_seed(page: Page, base: str, seed_file, title: str) -> str:
    page.goto(f"{base}/articles/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Outlet").fill("Seed Weekly")
    page.get_by_label("…or upload a file").set_input_files(str(seed_file))
    page.get_by_role("button", name="Ingest article").click()
    expect(page.locator("h1")).to_contain_text(title)
    return page.url


def test_a_checked_statement_shows_its_verdict_to_the_editor(page: Page, live_url, seed_file, shot):
    log_in(page, live_url, "checker")
    shot("login-queue")
    article_url = ingest_seed(page, live_url, seed_file, "Belarus drifting towards Russia")
    expect(page.locator("a.hl").first).to_be_visible()
    # Triage: the verdicts that matter and the few most check-worthy unchecked claims.
    expect(page.locator(".flag-list > li")).to_have_count(5)
    shot("article-as-checker")

    # Open the claim from the side list of every claim and record a verdict with a source.
    page.locator("#every-claim > summary").click()
    card = page.locator(".claim-card", has_text=BELGEE)
    card.get_by_role("link", name=re.compile(r"Open claim \d+")).click()
    expect(page.locator("h1.claim-text")).to_have_text(BELGEE)
    shot("claim-workspace")
    page.get_by_label("Rating").select_option("false")
    page.get_by_label("Conclusion (one line)").fill(CONCLUSION)
    page.get_by_label("Explanation").fill("BelGee's half-year report: output up 4%, not 11%.")
    source = page.locator(".source-row").first
    source.get_by_label("URL").fill("https://belgee.example/report-h1")
    source.get_by_label("Title").fill("BelGee half-year report")
    source.get_by_label("Publisher").fill("BelGee")
    source.get_by_label("Stance").select_option("refutes")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".flash")).to_contain_text("Verdict submitted")
    claim_url = page.url
    shot("verdict-submitted")

    # Until a second checker approves it, the editor sees the statement as in review; the
    # editor asks for another statement to be checked.
    log_in(page, live_url, "editor")
    page.goto(article_url)
    highlight = page.locator("a.hl", has_text="production capacity by 11%")
    expect(highlight).to_have_class(re.compile(r"\bhl-cw-high\b"))
    expect(page.locator(".hl-wrap", has=highlight).locator(".hl-tag")).to_have_text("in review")
    requested = page.locator(".flag-list li", has_text=SPARE_PARTS)
    requested.get_by_role("button", name="Request a check").click()
    expect(page.locator(".flash")).to_contain_text("Check requested")
    expect(page.locator(".flag-list li", has_text=SPARE_PARTS)).to_contain_text("Check requested")
    shot("editor-requested-a-check")

    # The second checker finds the requested claim first in the queue and approves the verdict.
    log_in(page, live_url, "checker2")
    expect(page.locator("table.queue tbody tr").first).to_contain_text(SPARE_PARTS)
    shot("queue-with-request")
    page.goto(claim_url)
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator(".flash")).to_have_text("Verdict approved and published.")
    shot("verdict-approved")

    # The editor sees the statement highlighted as false, with the verdict in its tooltip.
    log_in(page, live_url, "editor")
    page.goto(article_url)
    shot("editor-article")
    expect(highlight).to_have_class(re.compile(r"\bhl-false\b"))
    tip = page.locator(f"#{highlight.get_attribute('aria-describedby')}")
    expect(tip).to_be_hidden()
    highlight.hover()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("✗ False")
    expect(tip).to_contain_text(CONCLUSION)
    expect(tip).to_contain_text("BelGee half-year report (refutes)")
    shot("editor-tooltip-on-hover", full_page=False)
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()

    expect(highlight).to_have_accessible_description(re.compile(CONCLUSION))

    # Keyboard: tabbing onto the highlight shows the same tooltip.
    page.mouse.move(0, 0)
    index = page.locator("a.hl").evaluate_all(
        "(links, text) => links.findIndex(link => link.textContent.includes(text))",
        "production capacity by 11%",
    )
    page.locator("a.hl").nth(index - 1).focus()
    page.keyboard.press("Tab")
    expect(highlight).to_be_focused()
    expect(tip).to_be_visible()
    shot("editor-tooltip-on-focus", full_page=False)

    # The flagged list puts it first and jumps to its place in the text.
    first_flag = page.locator(".flag-list li").first
    expect(first_flag).to_contain_text(BELGEE)
    first_flag.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"#claim-\d+$"))
    shot("editor-jumped-to-flag", full_page=False)

    page.goto(f"{live_url}/dashboard")
    expect(page.locator("table.list tbody tr").first).to_contain_text(BELGEE)
    shot("dashboard")


def test_an_editor_revises_a_draft_and_sees_what_went_stale(page: Page, live_url, shot):
    log_in(page, live_url, "editor")
    page.goto(f"{live_url}/articles/new")
    page.get_by_label("Title").fill("Council budget draft")
    page.get_by_label("Article text").fill(
        "The council cut the library budget by 30 percent. Bus fares rose 12 percent in 2024. "
        "The mayor opened a new park."
    )
    page.get_by_label("This is a draft").check()
    page.get_by_role("button", name="Ingest article").click()
    expect(page.locator("h1 .badge.draft")).to_have_text("Draft")
    # The two figures are flagged; "The mayor opened a new park." is below the threshold.
    expect(page.locator(".flag-list li")).to_have_count(2)
    shot("draft-flags")

    page.get_by_role("link", name="Edit the text").click()
    body = page.get_by_label("Article text")
    body.fill(body.input_value().replace("30 percent", "20 percent"))
    shot("edit-draft")
    page.get_by_role("button", name="Re-submit and check again").click()
    expect(page.locator(".flash")).to_contain_text("Revision 2 stored: 2 claims unchanged")
    stale = page.locator(".stale-list")
    expect(stale).to_contain_text("The council cut the library budget by 30 percent.")
    expect(stale).to_contain_text("stale since revision 2")
    expect(page.locator("a.hl", has_text="20 percent")).to_be_visible()
    shot("revised-draft")
