"""Benchmark: bulk import rate against the raw encoding rate, measured in the same run.

Imports 3,000 claims (CheckThat! 2A verified claims, synthetic sentences without ../shared)
into a temporary SQLite database through the product's import, after timing the embedder
alone on the same texts. Run: .venv/bin/python -m bench.import_rate
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from bench.datasets import DATA
from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.services.claims import ClaimRecord, import_claims

ROOT = Path(__file__).resolve().parents[1]

COUNT = 3000


def texts() -> list[str]:
    path = DATA / "checkthat2021-2a" / "vclaims.jsonl"
    if path.exists():
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        return [row["vclaim"] for row in rows][:COUNT]
    return [
        f"Claim {i}: the city spent {i % 97} million on project {i % 311}." for i in range(COUNT)
    ]


def main() -> None:
    sample = texts()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/import.sqlite3"}
        )
        with app.app_context():
            db.create_all()
            matcher = get_matcher()
            matcher.embedder.encode(sample[:64])  # warm up
            start = time.perf_counter()
            for batch in range(0, len(sample), 256):
                matcher.embedder.encode(sample[batch : batch + 256])
            raw = len(sample) / (time.perf_counter() - start)
            records = [ClaimRecord(text=text, external_id=str(i)) for i, text in enumerate(sample)]
            start = time.perf_counter()
            import_claims(db.session, matcher, records)
            imported = len(sample) / (time.perf_counter() - start)
    print(
        f"raw encoding: {raw:.0f} claims/s; bulk import: {imported:.0f} claims/s "
        f"({imported / raw:.0%} of the raw rate, {len(sample)} claims)"
    )


if __name__ == "__main__":
    main()
