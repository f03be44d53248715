"""Benchmark: an article at the size limit through the API and the article page.

Builds an article of distinct sentences (the CheckThat! 2021 verified claims in shared/data,
in paragraphs of five; or the seed article with its numbers varied when the data are absent),
of --chars characters (default: the app's MAX_ARTICLE_CHARS), and POSTs it to
/api/v1/articles on a temporary SQLite database with the demo claims. Prints the ingest time
and response size, then the time and size of GET /api/v1/articles/<id> and of the article
page. `python -m bench.article_limit [--chars N]`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from bench.datasets import DATA
from factcheck import create_app
from factcheck.config import Defaults
from factcheck.extensions import db, get_matcher
from factcheck.services.demo import load_samples
from factcheck.services.tokens import create_token
from factcheck.services.users import create_user

ROOT = Path(__file__).resolve().parents[1]

SEED = ROOT.parent / "shared" / "seed" / "000_5fc0cae9969d1887.txt"
PASSWORD = "bench password"


def sentences() -> itertools.cycle:
    """Distinct check-worthy sentences, for ever (numbers varied on each pass)."""
    path = DATA / "checkthat2021-2a" / "vclaims.jsonl"
    if path.exists():
        texts = [json.loads(line)["vclaim"] for line in path.open(encoding="utf-8")]
    else:
        texts = [s.strip() + "." for s in SEED.read_text("utf-8").split(".") if s.strip()]
    texts = [" ".join(t.split()) for t in texts if 40 <= len(t) <= 300]

    def passes():
        for run in itertools.count():
            for text in texts:
                yield (
                    text
                    if run == 0
                    else re.sub(r"\d+", lambda m, run=run: str(int(m[0]) + run), text)
                )

    return passes()


def article(chars: int) -> str:
    """Return an article of at most CHARS characters: paragraphs of five sentences."""
    parts, size, source = [], 0, sentences()
    while True:
        paragraph = " ".join(next(source) for _ in range(5)) + "\n\n"
        if size + len(paragraph) > chars:
            return "".join(parts).strip()
        parts.append(paragraph)
        size += len(paragraph)


def timed(client, method: str, url: str, **kwargs):
    start = time.perf_counter()
    response = getattr(client, method)(url, **kwargs)
    return response, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=Defaults.MAX_ARTICLE_CHARS)
    args = parser.parse_args()
    body = article(args.chars)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "WEBHOOK_WORKER": False,
                "API_RATE_LIMIT": "100000/minute",
                "WTF_CSRF_ENABLED": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
            }
        )
        with app.app_context():
            db.create_all()
            create_user(db.session, email="bench@example.org", password=PASSWORD, role="checker")
            token = create_token(
                db.session, email="bench@example.org", name="bench", scope="write"
            ).secret
            load_samples(db.session, get_matcher())
            db.session.remove()
        api = app.test_client()
        auth = {"Authorization": f"Bearer {token}"}
        print(
            f"article: {len(body):,} characters, {len(body.split()):,} words "
            f"(limit MAX_ARTICLE_CHARS {app.config['MAX_ARTICLE_CHARS']:,})"
        )
        response, seconds = timed(
            api,
            "post",
            "/api/v1/articles",
            headers=auth,
            json={"title": "At the limit", "body": body},
        )
        if response.status_code not in (200, 201):
            sys.exit(f"POST /api/v1/articles: {response.status_code} {response.text[:300]}")
        data = response.get_json()
        print(
            f"POST /api/v1/articles: {seconds:.1f} s, {len(response.data) / 1e6:.2f} MB, "
            f"{len(data['claims'])} claims"
        )
        response, seconds = timed(api, "get", f"/api/v1/articles/{data['id']}", headers=auth)
        print(f"GET /api/v1/articles/<id>: {seconds:.1f} s, {len(response.data) / 1e6:.2f} MB")
        web = app.test_client()
        web.post("/login", data={"email": "bench@example.org", "password": PASSWORD})
        response, seconds = timed(web, "get", f"/articles/{data['id']}")
        print(
            f"GET /articles/<id> (page): {response.status_code}, {seconds:.1f} s, "
            f"{len(response.data) / 1e6:.2f} MB"
        )


if __name__ == "__main__":
    main()
