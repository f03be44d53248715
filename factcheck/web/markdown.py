"""Checkers write explanations in Markdown; the page shows them as sanitised HTML."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in the Markdown is shown as text; the sanitiser below is the second line of defence
# (links with javascript: or data: URLs, event attributes, anything markdown-it lets through).
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
# Headings inside an explanation start below the page's own h1/h2.
_HEADING = re.compile(r"<(/?)h([1-6])>")


def _shift(match: re.Match[str]) -> str:
    return f"<{match.group(1)}h{min(int(match.group(2)) + 2, 6)}>"


def render_markdown(text: str | None) -> Markup:
    """Return TEXT (Markdown) as HTML that is safe to put in a page."""
    html = _HEADING.sub(_shift, _markdown.render(text or ""))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # sanitised just above
