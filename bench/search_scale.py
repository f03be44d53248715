"""Benchmark: search latency as the number of stored claims grows, and ingest at 35,000.

1. The exact vector index alone, one query, on synthetic normalised vectors: 10k .. 1M.
2. The product's search (embed the query, dense + BM25 fusion, load the claims) on a SQLite
   database of 35,000 claims (more with --product-sizes, e.g. 35000,1000000): texts of the
   CheckThat! verified claims, then sentences sampled from their words (bench/corpus.py),
   with synthetic vectors (blends of real claims' embeddings), since only the query needs
   the model. From VECTOR_GRAPH_MIN_CLAIMS
   on, dense search goes through the HNSW graph: its build (or load) time, a second process's
   load of the saved graph, and its recall@10 against the exact scan are printed too.
3. Ingest of the seed article (extraction, storing, matching every claim, links) into it.
Run with `make bench`; PostgreSQL's figures come from bench/pg_scale.py, the graph's recall on
embeddings of real claims from bench/graph_recall.py.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import text

from bench.corpus import QUERIES, SEED_ARTICLE, claim_like_rows, claim_texts, real_claims, unit_rows
from bench.timing import ms, percentiles, time_each
from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.matching import VectorIndex
from factcheck.matching.dense import sync_index
from factcheck.matching.fulltext import lexical_search
from factcheck.matching.search import search_claims
from factcheck.models import SQLITE_FTS, Claim, Origin, utcnow
from factcheck.services.articles import ingest_article

ROOT = Path(__file__).resolve().parents[1]


def index_growth(sizes: list[int]) -> None:
    rng = np.random.default_rng(0)
    for n in sizes:
        index = VectorIndex(384)
        index.replace_all(list(range(1, n + 1)), unit_rows(rng, n))
        p50, p95 = percentiles(
            time_each(
                [lambda q=query, index=index: index.search(q, 10) for query in unit_rows(rng, 40)]
            )
        )
        print(f"vector index, {n:>9,} claims: p50 {ms(p50)}, p95 {ms(p95)}", flush=True)


def store_claims(n: int, uri: str) -> None:
    """Fill the database at URI with N claims: texts from bench.corpus; vectors are blends of
    the embeddings of 2,000 real claims (random ones without ../shared/data)."""
    rng = np.random.default_rng(1)
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        db.create_all()
        matcher = get_matcher()
        now = utcnow()
        texts = claim_texts(n)
        real = real_claims()[:2000]
        base = matcher.embedder.encode(real) if real else None
        start = time.perf_counter()
        # Bulk load: the FTS5 triggers go while the rows go in, and one rebuild follows.
        for trigger in ("claim_fts_insert", "claim_fts_delete", "claim_fts_update"):
            db.session.execute(text(f"DROP TRIGGER {trigger}"))
        for first in range(0, n, 50_000):  # in slices: a million rows at once is GBs
            count = min(50_000, n - first)
            vectors = unit_rows(rng, count) if base is None else claim_like_rows(base, count, rng)
            db.session.execute(
                db.insert(Claim),
                [
                    {
                        "text": text,
                        "origin": Origin.IMPORT,
                        "embedding": vector.tobytes(),
                        "embedding_model": matcher.embedder.name,
                        "embedded_at": now,
                        "spans": [],
                    }
                    for text, vector in zip(
                        texts[first : first + len(vectors)], vectors, strict=True
                    )
                ],
            )
            db.session.commit()
        db.session.execute(text("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')"))
        for statement in SQLITE_FTS[1:]:
            db.session.execute(text(statement))
        db.session.commit()
        print(
            f"stored {n:,} claims and their FTS5 index: {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        db.engine.dispose()


def load_index(uri: str, label: str):  # app, matcher
    """Start an app on URI and time its first sync: the exact rows, then the graph if any."""
    app = create_app(
        {"SECRET_KEY": "bench", "INDEX_REFRESH_SECONDS": 1.0, "SQLALCHEMY_DATABASE_URI": uri}
    )
    with app.app_context():
        matcher = get_matcher()
        matcher.embedder.encode(["load the model first"])
        start = time.perf_counter()
        index = sync_index(db.session, matcher, force=True)
        loaded = time.perf_counter() - start
        if len(index) >= matcher.graph.min_size:
            index.wait_for_graph()
            print(
                f"{label}: vectors {ms(loaded)}, then graph {index.graph_made_by} in "
                f"{time.perf_counter() - start - loaded:.1f} s",
                flush=True,
            )
        else:
            print(f"{label}: vectors {ms(loaded)} (exact search)", flush=True)
    return app, matcher


def recall_at_10(index, queries: np.ndarray) -> float:  # a VectorIndex
    """Return the share of the exact top 10 that the index's own search finds."""
    found = index.search(queries, 10)
    exact = index.search(queries, 10, exact=True)
    return float(
        np.mean(
            [
                len({m.claim_id for m in a} & {m.claim_id for m in b}) / 10
                for a, b in zip(found, exact, strict=True)
            ]
        )
    )


def product_at(n: int, database: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = database or Path(tmp) / "scale.sqlite3"
        uri = f"sqlite:///{path}"
        if not path.exists():
            store_claims(n, uri)
        load_index(uri, f"first start on {n:,} claims")
        app, matcher = load_index(uri, f"second start on {n:,} claims (a restarted worker)")
        with app.app_context():
            index = sync_index(db.session, matcher)
            if index.approximate:
                # Queries near stored claims (a stored vector plus noise, cosine about 0.9), as
                # a paraphrase is; random directions are near nothing and rank noise.
                rng = np.random.default_rng(3)
                near = np.stack([index.vector(int(i)) for i in rng.choice(index.ids(), 100)])
                near += 0.5 * unit_rows(rng, 100)
                near /= np.linalg.norm(near, axis=1, keepdims=True)
                print(
                    f"  graph recall@10 vs exact: {recall_at_10(index, near):.3f} (100 "
                    f"paraphrase-like queries), "
                    f"{recall_at_10(index, matcher.embedder.encode(QUERIES)):.3f} "
                    f"(the 8 timed queries)",
                    flush=True,
                )
            for query in QUERIES:  # warm-up
                search_claims(db.session, matcher, query, k=10)
            p50, p95 = percentiles(
                time_each(
                    [
                        lambda q=query: search_claims(db.session, matcher, q, k=10)
                        for _ in range(10)
                        for query in QUERIES
                    ]
                )
            )
            print(
                f"product search (embed + dense + BM25 + fusion + re-ranking), {n:,} claims: "
                f"p50 {ms(p50)}, p95 {ms(p95)}",
                flush=True,
            )
            reranker, matcher.reranker = matcher.reranker, None
            p50, p95 = percentiles(
                time_each(
                    [
                        lambda q=query: search_claims(db.session, matcher, q, k=10)
                        for _ in range(10)
                        for query in QUERIES
                    ]
                )
            )
            matcher.reranker = reranker
            print(
                f"  the same without re-ranking (RERANK=False): p50 {ms(p50)}, p95 {ms(p95)}",
                flush=True,
            )
            queries = matcher.embedder.encode(QUERIES)
            for name, calls in (
                ("embed the query", [lambda q=q: matcher.embedder.encode([q]) for q in QUERIES]),
                (
                    "dense alone (100 candidates)",
                    [lambda v=v: sync_index(db.session, matcher).search(v, 100) for v in queries],
                ),
                (
                    "BM25 alone (100 candidates)",
                    [lambda q=q: lexical_search(db.session, q, matcher) for q in QUERIES],
                ),
            ):
                p50, p95 = percentiles(time_each(calls * 3))
                print(f"  {name}: p50 {ms(p50)}, p95 {ms(p95)}", flush=True)
            if SEED_ARTICLE.exists():
                seed = SEED_ARTICLE.read_text("utf-8")
                runs = []
                for run in range(5):
                    start = time.perf_counter()
                    ingest_article(
                        db.session,
                        matcher,
                        title=f"seed {run}",
                        body=f"Run {run} of the benchmark at {time.time()}.\n\n{seed}",
                    )
                    runs.append(time.perf_counter() - start)
                print(
                    f"seed article ingest incl. matching and links, {n:,} claims: "
                    f"cold {ms(runs[0])}, warm median {ms(statistics.median(runs[1:]))}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--index-sizes",
        default="10000,35000,100000,1000000",
        help="claims in the vector-index-alone runs (comma-separated)",
    )
    parser.add_argument(
        "--product-sizes",
        default="35000",
        help="claims in the product search and ingest runs (comma-separated)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        help="keep the database (and its saved graph) here and reuse it on the "
        "next run; one product size only",
    )
    args = parser.parse_args()
    if args.index_sizes:
        index_growth([int(n) for n in args.index_sizes.split(",")])
    for n in (int(n) for n in args.product_sizes.split(",") if n):
        product_at(n, args.database)


if __name__ == "__main__":
    main()
