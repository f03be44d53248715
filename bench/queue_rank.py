"""Benchmark: one page of the review queue (ranking, count, filters) over many claims.

Fills a temporary SQLite file with SIZES claims in articles of 20 claims, a confirmed
same/paraphrase link for every tenth claim and a requested check for every fiftieth, then
times the queue's first page as the web view asks for it (ranked select + total count), the
same with an outlet filter, and the last page. No model is loaded: the rows are made directly.
Run: .venv/bin/python -m bench.queue_rank
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from bench.timing import ms, percentiles, time_each
from factcheck import create_app
from factcheck.extensions import db
from factcheck.models import Article, Claim, ClaimLink, LinkState, Relation, Role, User, utcnow
from factcheck.services.queue import QueueFilters, queue_select

ROOT = Path(__file__).resolve().parents[1]

SIZES = (1_000, 10_000, 50_000)
PER_PAGE = 25
RUNS = 15


def fill(count: int) -> User:
    user = User(email="bench@example.org", password_hash="x", role=Role.CHECKER)
    db.session.add(user)
    now = utcnow()
    articles = [
        Article(
            title=f"A{i}",
            body="x",
            content_hash=f"h{i}",
            outlet=f"Outlet {i % 7}",
            published_at=now - timedelta(days=i % 90),
        )
        for i in range(count // 20)
    ]
    db.session.add_all(articles)
    db.session.flush()
    claims = [
        Claim(
            text=f"Claim {i}",
            article_id=articles[i // 20].id,
            checkworthiness=(i * 37 % 100) / 100,
            check_requested_at=now if i % 50 == 0 else None,
        )
        for i in range(count)
    ]
    db.session.add_all(claims)
    db.session.flush()
    db.session.add_all(
        [
            ClaimLink(
                claim_id=claims[i].id,
                other_id=claims[(i + 333) % count].id,
                similarity=0.9,
                relation=Relation.PARAPHRASE,
                state=LinkState.CONFIRMED,
            )
            for i in range(0, count, 10)
        ]
    )
    db.session.commit()
    return user


def page(user: User, filters: QueueFilters, number: int) -> None:
    result = db.paginate(
        queue_select(filters, user=user), page=number, per_page=PER_PAGE, error_out=False
    )
    assert result.items or number > 1


def main() -> None:
    print(f"queue page of {PER_PAGE} (ranked select + count), p50 / p95 over {RUNS} runs")
    for size in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app(
                {
                    "TESTING": True,
                    "SECRET_KEY": "bench",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                }
            )
            with app.test_request_context():
                db.create_all()
                user = fill(size)
                last = size // PER_PAGE
                for label, filters, number in (
                    ("open, page 1", QueueFilters(), 1),
                    ("outlet filter", QueueFilters(outlet="Outlet 3"), 1),
                    (f"page {last}", QueueFilters(status="all"), last),
                ):
                    page(user, filters, number)  # warm the caches
                    p50, p95 = percentiles(
                        time_each(
                            [
                                lambda user=user, filters=filters, number=number: page(
                                    user, filters, number
                                )
                            ]
                            * RUNS
                        )
                    )
                    print(f"{size:>7,} claims  {label:<14} {ms(p50):>10} {ms(p95):>10}")
                db.session.remove()


if __name__ == "__main__":
    main()
