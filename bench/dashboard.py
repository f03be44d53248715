"""Benchmark: the dashboard (flagged statements, counts, conflicts) and one article page.

Builds a SQLite database of ARTICLES synthetic articles with CLAIMS_PER claims each (random
check-worthiness, every tenth claim with a published verdict; no model needed), then times
the dashboard unfiltered and filtered, and the article page of a 40-claim article, through
the Flask test client. Run with `.venv/bin/python -m bench.dashboard [ARTICLES]`.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from bench.timing import ms, percentiles, time_each
from factcheck import create_app
from factcheck.extensions import db
from factcheck.models import Article, Claim, ClaimStatus, Review, ReviewStatus, Role, Source, utcnow
from factcheck.services.users import create_user
from factcheck.verdicts import SCALE

ROOT = Path(__file__).resolve().parents[1]

CLAIMS_PER = 10
OUTLETS = ["Gazette", "Herald", "Courier", "Tribune", "Post"]


def build(n_articles: int) -> None:
    rng = random.Random(7)
    now = utcnow()
    for a in range(n_articles):
        sentences = [
            f"Statement {a}-{i} says the figure rose by {rng.randint(1, 99)} percent."
            for i in range(CLAIMS_PER)
        ]
        body = " ".join(sentences)
        article = Article(
            title=f"Article {a}",
            body=body,
            content_hash=f"{a:064d}",
            outlet=OUTLETS[a % len(OUTLETS)],
            published_at=now - timedelta(days=rng.randint(0, 365)),
        )
        pos = 0
        for i, sentence in enumerate(sentences):
            claim = Claim(
                text=sentence,
                start=pos,
                end=pos + len(sentence),
                spans=[[pos, pos + len(sentence)]],
                sentence=sentence,
                checkworthiness=rng.random(),
            )
            pos += len(sentence) + 1
            if i % 10 == 0:
                claim.status = ClaimStatus.PUBLISHED
                review = Review(
                    rating=rng.choice(SCALE).key,
                    conclusion="c",
                    status=ReviewStatus.PUBLISHED,
                    published_at=now,
                )
                review.sources = [Source(url="https://example.org/source")]
                claim.reviews = [review]
            article.claims.append(claim)
        db.session.add(article)
        if a % 500 == 499:
            db.session.commit()
    db.session.commit()


def main() -> None:
    n_articles = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            }
        )
        with app.app_context():
            db.create_all()
            create_user(
                db.session, email="e@bench.example", password="bench-password", role=Role.EDITOR
            )
            build(n_articles)
        client = app.test_client()
        client.post("/login", data={"email": "e@bench.example", "password": "bench-password"})
        pages = {
            "dashboard, unfiltered": "/dashboard",
            "dashboard, one outlet": "/dashboard?outlet=Herald",
            "dashboard, verdict false": "/dashboard?verdict=false",
            "article page (10 claims)": "/articles/1",
        }
        print(f"{n_articles:,} articles, {n_articles * CLAIMS_PER:,} claims")
        for name, url in pages.items():
            assert client.get(url).status_code == 200
            times = time_each([lambda url=url: client.get(url) for _ in range(7)])
            p50, p95 = percentiles(times)
            print(f"{name:28} p50 {ms(p50)}  p95 {ms(p95)}")


if __name__ == "__main__":
    main()
