"""Benchmark: the public verdict page and the verdict index at N published verdicts (SQLite).

Builds a SQLite database of N claims, each with a published verdict of ours (two sources, a
Markdown explanation; every tenth corrected once, so it has two published reviews) and as many
unchecked claims beside them (not public), without the model. Then times, through the Flask
test client and anonymous: verdict pages of random claims, the index's first page, a deep
page, a search and a rating filter, the feed and the sitemap. Run with
`.venv/bin/python -m bench.public_pages [N]` (default 10,000).
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import timedelta

from bench.timing import ms, percentiles, time_each
from factcheck import create_app
from factcheck.extensions import db
from factcheck.models import Claim, ClaimStatus, Review, ReviewStatus, Source, utcnow
from factcheck.services.public import slug
from factcheck.verdicts import SCALE

REQUESTS = 200  # per page kind
WORDS = [
    "budget",
    "crime",
    "buses",
    "rent",
    "schools",
    "taxes",
    "water",
    "parks",
    "jobs",
    "housing",
    "roads",
    "trains",
]
EXPLANATION = (
    "The **official figures** show otherwise.\n\n- In 2024: {a}\n- In 2025: {b}\n\n"
    "See [the report](https://stats.example/report) for details."
)


def build(count: int) -> None:
    rng = random.Random(16)
    now = utcnow()
    for n in range(count):
        words = rng.sample(WORDS, 3)
        published = now - timedelta(minutes=count - n)
        reviews = [
            Review(
                rating=rng.choice(SCALE).key,
                conclusion=f"The {words[0]} figure was {rng.randint(1, 99)} percent.",
                explanation=EXPLANATION.format(a=rng.randint(1, 999), b=rng.randint(1, 999)),
                status=ReviewStatus.PUBLISHED,
                published_at=published,
                sources=[
                    Source(url=f"https://stats.example/{n}", title="Statistics office"),
                    Source(url=f"https://news.example/{n}", title="A report", stance="refutes"),
                ],
            )
        ]
        if n % 10 == 0:
            reviews.append(
                Review(
                    rating=rng.choice(SCALE).key,
                    conclusion="Corrected.",
                    status=ReviewStatus.PUBLISHED,
                    published_at=published + timedelta(seconds=30),
                    correction_reason="New figures came out.",
                    sources=[Source(url=f"https://stats.example/{n}/v2")],
                )
            )
        text = f"Claim {n}: the {words[0]} of {words[1]} rose {rng.randint(1, 99)} percent."
        db.session.add_all(
            [
                Claim(
                    text=text,
                    claimant=f"Speaker {n % 97}",
                    status=ClaimStatus.PUBLISHED,
                    reviews=reviews,
                ),
                Claim(text=f"Unchecked {n}: {' '.join(words)}."),
            ]
        )
        if n % 1000 == 999:
            db.session.commit()
    db.session.commit()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3"}
        )
        with app.app_context():
            db.create_all()
            build(count)
            published = db.session.scalars(
                db.select(Claim).where(Claim.status == ClaimStatus.PUBLISHED)
            ).all()
            paths = [f"/v/{slug(c)}" for c in rng.sample(published, min(REQUESTS, count))]
        client = app.test_client()
        deep = max(1, count // 20 // 2)
        pages = {
            "verdict page (random)": paths,
            "index, first page": ["/v/"] * REQUESTS,
            f"index, page {deep}": [f"/v/?page={deep}"] * REQUESTS,
            "index, search 2 words": [f"/v/?q={rng.choice(WORDS)}+of" for _ in range(REQUESTS)],
            "index, rating filter": [f"/v/?rating={r.key}" for r in SCALE] * (REQUESTS // 8),
            "feed (50 newest)": ["/v/feed.atom"] * 20,
            "sitemap (every verdict)": ["/sitemap.xml"] * 5,
        }
        print(f"{count:,} published verdicts (+{count:,} unchecked claims), SQLite file")
        for name, urls in pages.items():
            for url in urls[:3]:  # warm up, and every page answers
                assert client.get(url).status_code == 200, url
            times = time_each([lambda url=url: client.get(url) for url in urls])
            p50, p95 = percentiles(times)
            print(f"{name:26} p50 {ms(p50):>9}  p95 {ms(p95):>9}  ({len(urls)} requests)")


if __name__ == "__main__":
    main()
