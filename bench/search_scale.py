"""Benchmark: search latency as the number of stored claims grows, and ingest at 35,000.

1. The exact vector index alone, one query, on synthetic normalised vectors: 10k .. 1M.
2. The product's search (embed the query, dense + BM25 fusion, load the claims) on a SQLite
   database of 35,000 claims: texts of the CheckThat! verified claims (synthetic sentences
   when ../shared is absent) with synthetic vectors, since only the query needs the model.
3. Ingest of the seed article (extraction, storing, matching every claim, links) into it.
Run with `make bench`.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.datasets import DATA  # noqa: E402
from bench.timing import ms, percentiles, time_each  # noqa: E402
from factcheck import create_app  # noqa: E402
from factcheck.extensions import db, get_matcher  # noqa: E402
from factcheck.matching import VectorIndex  # noqa: E402
from factcheck.models import Claim, Origin, utcnow  # noqa: E402
from factcheck.services.articles import ingest_article  # noqa: E402
from factcheck.services.matching import search_claims, sync_index  # noqa: E402

SEED = ROOT.parent / "shared" / "seed" / "000_5fc0cae9969d1887.txt"
QUERIES = ["Lukashenko has ruled Belarus since 1994", "bats cannot see", "the budget grew by 40%",
           "crime doubled in the city", "vaccines and autism", "sea levels are rising fast",
           "the senator voted against the bill", "unemployment fell to a record low"]


def unit_rows(rng: np.random.Generator, n: int, dim: int = 384) -> np.ndarray:
    rows = rng.standard_normal((n, dim), dtype=np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


def index_growth() -> None:
    rng = np.random.default_rng(0)
    for n in (10_000, 35_000, 100_000, 1_000_000):
        index = VectorIndex(384)
        index.replace_all(list(range(1, n + 1)), unit_rows(rng, n))
        p50, p95 = percentiles(time_each(
            [lambda q=query: index.search(q, 10) for query in unit_rows(rng, 40)]))
        print(f"vector index, {n:>9,} claims: p50 {ms(p50)}, p95 {ms(p95)}", flush=True)


def texts(n: int) -> list[str]:
    found = []
    for name in ("checkthat2021-2a/vclaims.jsonl", "checkthat2021-2b/politifact-vclaims.jsonl"):
        path = DATA / name
        if path.exists():
            found += [json.loads(line)["vclaim"] for line in path.read_text("utf-8").splitlines()
                      if line.strip()]
    found += [f"Synthetic claim {i}: the city spent {i % 97} million on project {i % 311}."
              for i in range(max(0, n - len(found)))]
    return found[:n]


def product_at(n: int) -> None:
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "INDEX_REFRESH_SECONDS": 1.0,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/scale.sqlite3"})
        with app.app_context():
            db.create_all()
            matcher = get_matcher()
            vectors = unit_rows(rng, n)
            now = utcnow()
            db.session.execute(db.insert(Claim), [
                {"text": text, "origin": Origin.IMPORT, "embedding": vector.tobytes(),
                 "embedding_model": matcher.embedder.name, "embedded_at": now, "spans": []}
                for text, vector in zip(texts(n), vectors)])
            db.session.commit()
            start = time.perf_counter()
            sync_index(db.session, matcher, force=True)
            print(f"first index load (model load included), {n:,} claims: "
                  f"{ms(time.perf_counter() - start)}")
            for query in QUERIES:  # warm-up
                search_claims(db.session, matcher, query, k=10)
            p50, p95 = percentiles(time_each(
                [lambda q=query: search_claims(db.session, matcher, q, k=10)
                 for _ in range(10) for query in QUERIES]))
            print(f"product search (embed + dense + BM25 + fusion), {n:,} claims: "
                  f"p50 {ms(p50)}, p95 {ms(p95)}", flush=True)
            if SEED.exists():
                seed = SEED.read_text("utf-8")
                runs = []
                for run in range(5):
                    start = time.perf_counter()
                    ingest_article(db.session, matcher, title=f"seed {run}",
                                   body=f"Run {run} of the benchmark.\n\n{seed}")
                    runs.append(time.perf_counter() - start)
                print(f"seed article ingest incl. matching and links, {n:,} claims: "
                      f"cold {ms(runs[0])}, warm median {ms(statistics.median(runs[1:]))}")


def main() -> None:
    index_growth()
    product_at(35_000)


if __name__ == "__main__":
    main()
