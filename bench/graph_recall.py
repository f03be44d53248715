"""Benchmark: the SQLite HNSW graph against the exact scan on vectors shaped like real claims.

Random vectors are the graph's worst case (every pair about equally far apart). Here the
collection is the model's embeddings of CheckThat! verified claims, grown to each size with
blends of two of them plus noise (so neighbourhoods look like real ones), and the queries
are embeddings of CheckThat! tweets and debate sentences. Printed per size: graph build time,
search time (100 candidates, as retrieval asks) and recall@10 and @100 against the exact scan.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from bench.corpus import claim_like_rows, real_claims
from bench.datasets import DATA
from bench.timing import ms, percentiles, time_each
from factcheck import create_app
from factcheck.config import Defaults
from factcheck.extensions import get_matcher
from factcheck.matching import VectorIndex
from factcheck.matching.graph import GraphSettings

ROOT = Path(__file__).resolve().parents[1]


def query_texts(limit: int) -> list[str]:
    texts = []
    for name in (
        "checkthat2021-2a/tweets-train-dev.tsv",
        "checkthat2021-2b/iclaims-train-dev.queries.tsv",
    ):
        path = DATA / name
        if path.exists():
            texts += [
                line.split("\t")[1] for line in path.read_text("utf-8").splitlines() if "\t" in line
            ]
    return texts[:: max(1, len(texts) // limit)][:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="collection sizes (comma-separated)")
    parser.add_argument("--real", type=int, default=5000, help="real claims to embed")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    claims, queries = real_claims()[: args.real], query_texts(args.queries)
    if not claims or not queries:
        sys.exit(f"CheckThat! data not found under {DATA}")
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        embedder = get_matcher().embedder
        start = time.perf_counter()
        base, query_rows = embedder.encode(claims), embedder.encode(queries)
        print(
            f"embedded {len(claims):,} claims and {len(queries)} queries: "
            f"{time.perf_counter() - start:.1f} s",
            flush=True,
        )
    settings = GraphSettings(
        connectivity=Defaults.VECTOR_GRAPH_CONNECTIVITY,
        expansion_add=Defaults.VECTOR_GRAPH_EXPANSION_ADD,
        expansion_search=Defaults.HNSW_EF_SEARCH,
        dtype=Defaults.VECTOR_GRAPH_DTYPE,
        threads=Defaults.VECTOR_GRAPH_THREADS,
        background=False,
        min_size=1,
    )
    for n in (int(size) for size in args.sizes.split(",")):
        vectors = np.vstack(
            [base[:n], claim_like_rows(base, max(0, n - len(base)), np.random.default_rng(0))]
        )
        index = VectorIndex(vectors.shape[1], settings)
        start = time.perf_counter()
        index.replace_all(np.arange(1, n + 1), vectors)
        built = time.perf_counter() - start
        del vectors
        p50, p95 = percentiles(
            time_each([lambda q=q, index=index: index.search(q, 100) for q in query_rows])
        )
        found, exact = index.search(query_rows, 100), index.search(query_rows, 100, exact=True)
        recall = {
            k: np.mean(
                [
                    len({m.claim_id for m in a[:k]} & {m.claim_id for m in b[:k]}) / k
                    for a, b in zip(found, exact, strict=True)
                ]
            )
            for k in (10, 100)
        }
        print(
            f"{n:>9,} vectors: graph built in {built:.1f} s ({Defaults.VECTOR_GRAPH_THREADS} "
            f"threads); search p50 {ms(p50)}, p95 {ms(p95)}; recall@10 {recall[10]:.3f}, "
            f"recall@100 {recall[100]:.3f} vs exact",
            flush=True,
        )


if __name__ == "__main__":
    main()
