"""Load the demo set shipped with the package: sample checked claims and one sample article."""

from __future__ import annotations

from importlib import resources

from sqlalchemy.orm import Session

from factcheck.matching import Matcher
from factcheck.models import User
from factcheck.services.articles import ingest_article
from factcheck.services.claims import import_claims, read_jsonl

DEMO_ARTICLE_TITLE = "Riverton's year in numbers (sample article)"


def load_demo(session: Session, matcher: Matcher, *, submitted_by: User | None = None) -> tuple[int, bool]:
    """Import the demo claims and article; return (claims imported, article created).

    Running it again changes nothing: both steps skip what is already stored.
    """
    demo = resources.files("factcheck") / "demo"
    records, errors = read_jsonl(demo.joinpath("claims.jsonl").read_text("utf-8").splitlines())
    if errors:  # the file ships with the package: a bad line is a bug, not user input
        raise RuntimeError(f"demo claims are broken: {errors}")
    report = import_claims(session, matcher, records)
    result = ingest_article(session, matcher, title=DEMO_ARTICLE_TITLE, fmt="markdown",
                            body=demo.joinpath("article.md").read_text("utf-8"),
                            outlet="Riverton Courier (sample)", submitted_by=submitted_by)
    return report.imported, result.created
