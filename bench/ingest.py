"""Benchmark: extract claims from the seed article, ingest it, search; temporary SQLite.

Prints model load time, seed-article extraction time (parse, decompose, decontextualize,
embed, score, merge duplicates; warm median), ingest time (extraction plus storing and
matching every claim) and search latency percentiles. Run with `make bench`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.timing import ms, percentiles, time_each
from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.matching.search import search_claims, similar_to_claims
from factcheck.services.articles import ingest_article
from factcheck.services.demo import load_samples
from factcheck.services.extraction import extract_claims
from factcheck.text import clean_text
from factcheck.text.claims import draft_claims

ROOT = Path(__file__).resolve().parents[1]

SEED = ROOT.parent / "shared" / "seed" / "000_5fc0cae9969d1887.txt"
QUERIES = [
    "Lukashenko has ruled Belarus since 1994",
    "bats cannot see",
    "the budget grew",
    "crime doubled",
    "vaccines and autism",
    "sea levels rising",
    "tram cost overrun",
]


def main() -> None:
    if not SEED.exists():
        sys.exit(f"seed article not found at {SEED}")
    seed = SEED.read_text("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "INDEX_REFRESH_SECONDS": 1.0,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
            }
        )
        with app.app_context():
            db.create_all()
            matcher = get_matcher()
            start = time.perf_counter()
            matcher.embedder.load()
            print(f"model load:                 {ms(time.perf_counter() - start)}")
            load_samples(db.session, matcher)
            body = clean_text(seed)
            extract_claims(matcher.embedder, body)  # warm up the parser and the model
            parse, total = [], []
            for _ in range(7):
                start = time.perf_counter()
                drafts = draft_claims(body)
                parse.append(time.perf_counter() - start)
                start = time.perf_counter()
                found = extract_claims(matcher.embedder, body)
                total.append(time.perf_counter() - start)
            print(
                f"seed article extraction, warm median: {ms(statistics.median(total))} "
                f"(parse + decompose + decontextualize {ms(statistics.median(parse))}; "
                f"{len(drafts)} drafts -> {len(found)} claims)"
            )
            runs = []
            for run in range(6):
                # A different title line each run, so the article is new every time.
                body = f"Run {run} of the benchmark.\n\n{seed}"
                start = time.perf_counter()
                article = ingest_article(
                    db.session, matcher, title=f"seed {run}", body=body
                ).article
                similar_to_claims(db.session, matcher, article.claims, k=5)
                runs.append(time.perf_counter() - start)
            print(
                f"seed article ingest + match: cold {ms(runs[0])}, "
                f"warm median {ms(statistics.median(runs[1:]))} "
                f"({len(article.claims)} claims, {len(seed.split())} words)"
            )
            p50, p95 = percentiles(
                time_each(
                    [
                        lambda q=query: search_claims(db.session, matcher, q, k=10)
                        for _ in range(20)
                        for query in QUERIES
                    ]
                )
            )
            print(
                f"search (embed query + rank {len(matcher.index)} claims): "
                f"p50 {ms(p50)}, p95 {ms(p95)}"
            )


if __name__ == "__main__":
    main()
