"""Benchmark: what the second (multilingual) encoder costs, as ratios to English-only matching.

1. Bulk import: 3,000 CheckThat! 2A claims (synthetic sentences without ../shared) through
   the import service into two temporary SQLite databases, with MULTILINGUAL_MODEL off (the
   English pipeline alone) and on, alternating, ROUNDS times each: claims/s and the ratio.
2. Search at 35,000 claims: one SQLite database (texts from bench.corpus, vectors blended
   from real claims' embeddings of each model, a tenth of the claims marked Russian), opened
   by two apps, one English-only, one with the multilingual space; the 8 English queries of
   bench.corpus timed 10 times each through the product's search, alternating between the
   apps; then Russian queries (the same 8 translated) on the multilingual app.
Run: .venv/bin/python -m bench.multilingual [--rounds N] [--claims N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import text

from bench.corpus import QUERIES, claim_like_rows, claim_texts, real_claims, unit_rows
from bench.datasets import DATA
from bench.timing import ms, percentiles, time_each
from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.matching.embedder import MULTILINGUAL_MODEL_NAME
from factcheck.matching.search import search_claims
from factcheck.models import SQLITE_FTS, Claim, Origin, utcnow
from factcheck.services.claims import ClaimRecord, import_claims

RUSSIAN_QUERIES = [
    "Лукашенко правит Беларусью с 1994 года",
    "летучие мыши не видят",
    "бюджет вырос на 40%",
    "преступность в городе удвоилась",
    "вакцины и аутизм",
    "уровень моря быстро растёт",
    "сенатор голосовал против законопроекта",
    "безработица упала до рекордно низкого уровня",
]
MODES = {"English only": "", "with the multilingual encoder": MULTILINGUAL_MODEL_NAME}


def import_texts(count: int) -> list[str]:
    path = DATA / "checkthat2021-2a" / "vclaims.jsonl"
    if path.exists():
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        return [row["vclaim"] for row in rows][:count]
    return [
        f"Claim {i}: the city spent {i % 97} million on project {i % 311}." for i in range(count)
    ]


def app_for(uri: str, model: str):
    return create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": uri,
            "MULTILINGUAL_MODEL": model,
            "INDEX_REFRESH_SECONDS": 3600.0,
        }
    )


def import_rate(rounds: int) -> None:
    sample = import_texts(3000)
    rates: dict[str, list[float]] = {mode: [] for mode in MODES}
    for round_ in range(rounds):
        for mode, model in MODES.items():
            with tempfile.TemporaryDirectory() as tmp:
                app = app_for(f"sqlite:///{tmp}/import.sqlite3", model)
                with app.app_context():
                    db.create_all()
                    matcher = get_matcher()
                    for space in matcher.spaces():
                        space.embedder.encode(sample[:64])  # load and warm up
                    records = [
                        ClaimRecord(text=t, external_id=str(i)) for i, t in enumerate(sample)
                    ]
                    start = time.perf_counter()
                    import_claims(db.session, matcher, records)
                    rates[mode].append(len(sample) / (time.perf_counter() - start))
                    db.session.remove()
                    db.engine.dispose()
            print(f"  round {round_ + 1}, {mode}: {rates[mode][-1]:.0f} claims/s", flush=True)
    english, both = (float(np.median(rates[mode])) for mode in MODES)
    print(
        f"bulk import of {len(sample):,} claims, median of {rounds}: English only {english:.0f} "
        f"claims/s, with the multilingual encoder {both:.0f} claims/s: ratio {both / english:.2f}",
        flush=True,
    )


def store(n: int, uri: str) -> None:
    """Fill URI with N claims, both vectors each; every tenth claim is marked Russian."""
    rng = np.random.default_rng(1)
    app = app_for(uri, MULTILINGUAL_MODEL_NAME)
    with app.app_context():
        db.create_all()
        matcher = get_matcher()
        texts, real = claim_texts(n), real_claims()[:2000]
        dense_base = matcher.embedder.encode(real) if real else None
        multilingual_base = matcher.multilingual.embedder.encode(real) if real else None
        for trigger in ("claim_fts_insert", "claim_fts_delete", "claim_fts_update"):
            db.session.execute(text(f"DROP TRIGGER {trigger}"))
        dense = unit_rows(rng, n) if dense_base is None else claim_like_rows(dense_base, n, rng)
        multilingual = (
            unit_rows(rng, n, 512)
            if multilingual_base is None
            else claim_like_rows(multilingual_base, n, rng)
        )
        now = utcnow()
        db.session.execute(
            db.insert(Claim),
            [
                {
                    "text": texts[i],
                    "origin": Origin.IMPORT,
                    "language": "ru" if i % 10 == 9 else "en",
                    "embedding": dense[i].tobytes(),
                    "embedding_model": matcher.embedder.name,
                    "multilingual_embedding": multilingual[i].tobytes(),
                    "multilingual_model": matcher.multilingual.embedder.name,
                    "embedded_at": now,
                    "spans": [],
                }
                for i in range(n)
            ],
        )
        db.session.execute(text("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')"))
        for statement in SQLITE_FTS[1:]:
            db.session.execute(text(statement))
        db.session.commit()
        db.engine.dispose()


def _search(query: str):
    """Return a call that searches QUERY with the current app's matcher."""
    return lambda: search_claims(db.session, get_matcher(), query, k=10)


def search_cost(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        uri = f"sqlite:///{Path(tmp) / 'search.sqlite3'}"
        store(n, uri)
        apps = {mode: app_for(uri, model) for mode, model in MODES.items()}
        timings: dict[str, list[float]] = {mode: [] for mode in MODES}
        for app in apps.values():  # load the models and indexes, warm up
            with app.app_context():
                for query in QUERIES:
                    search_claims(db.session, get_matcher(), query, k=10)
        for _ in range(10):
            for mode, app in apps.items():
                with app.app_context():
                    timings[mode] += time_each([_search(q) for q in QUERIES])
        figures = {mode: percentiles(samples) for mode, samples in timings.items()}
        for mode, (p50, p95) in figures.items():
            print(f"search at {n:,} claims, English queries, {mode}: p50 {ms(p50)}, p95 {ms(p95)}")
        english, both = (figures[mode][1] for mode in MODES)
        print(f"  p95 ratio (with / English only): {both / english:.2f}")
        with apps["with the multilingual encoder"].app_context():
            p50, p95 = percentiles(
                time_each([_search(q) for _ in range(10) for q in RUSSIAN_QUERIES])
            )
            print(
                f"search at {n:,} claims, Russian queries (multilingual space): p50 {ms(p50)}, "
                f"p95 {ms(p95)}"
            )
        for app in apps.values():
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--claims", type=int, default=35_000)
    args = parser.parse_args()
    import_rate(args.rounds)
    search_cost(args.claims)


if __name__ == "__main__":
    main()
