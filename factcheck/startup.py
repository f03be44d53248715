"""What a web worker does as it starts: serve at once, warm up in the background, say so.

The model, the parser and the in-memory vector index take tens of seconds to load on a busy
machine; pages that need none of them (log in, the queue, an article already stored) are
served meanwhile, and a request that needs one waits for it (each loads once, under a lock).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from factcheck.extensions import MATCHER_KEY, db
from factcheck.models import Article, Claim


def summary(app: Flask) -> str:
    """Return one line on what this server runs with: database, contents, jobs, publisher."""
    from factcheck.services.settings import publishing

    with app.app_context():
        url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=True)
        articles = db.session.scalar(select(func.count(Article.id))) or 0
        claims = db.session.scalar(select(func.count(Claim.id))) or 0
        demo = db.session.scalar(select(func.count(Claim.id)).where(Claim.is_demo.is_(True)))
        settings = publishing(db.session, app.config)
        db.session.remove()
    placeholders = settings.placeholders()
    return (
        f"database {url} ({articles} articles, {claims} claims"
        + (f", {demo} of them demo" if demo else "")
        + f"); jobs {app.config['JOBS_URL'] or 'SQLite in the instance folder'}; "
        f"publisher {settings.name!r}"
        + (f" (still placeholders: {', '.join(placeholders)})" if placeholders else "")
        + f"; second review {'on' if app.config['REQUIRE_SECOND_REVIEW'] else 'off'}"
    )


def warm_up(app: Flask) -> str:
    """Load what ingesting and matching use (the parser, the encoders, the language detector,
    the vector indexes) in a web worker or a job consumer; return what took how long."""
    from factcheck.matching.dense import dense_retriever
    from factcheck.text.parse import load_parser

    timings = []

    def timed(name: str, step: Callable[[], object]) -> None:
        started = time.perf_counter()
        step()
        timings.append(f"{name} {time.perf_counter() - started:.1f} s")

    matcher = app.extensions[MATCHER_KEY]
    timed("parser", load_parser)
    timed(f"model {matcher.embedder.name}", matcher.embedder.load)
    if matcher.multilingual is not None:  # 3 s: the first ingest waited for it
        timed("multilingual encoder", matcher.multilingual.embedder.load)
    timed("language detector", lambda: matcher.language_of("The detector loads."))
    with app.app_context():
        timed("vector index", lambda: dense_retriever(db.session, matcher).load())
        db.session.remove()
    return f"{', '.join(timings)}; {len(matcher.index)} vectors in memory"


def warm_up_in_background(
    app: Flask,
    *,
    report: Callable[[str], None],
    on_failure: Callable[[BaseException], None],
) -> None:
    """Start warm_up in a daemon thread; REPORT a summary when it is done, call ON_FAILURE if
    it fails."""

    def run() -> None:
        started = time.perf_counter()
        try:
            done = warm_up(app)
        except BaseException as exc:  # reported, then the worker stops (on_failure)
            on_failure(exc)
            return
        report(
            f"factcheck worker {os.getpid()} ready in {time.perf_counter() - started:.1f} s "
            f"({done}); {summary(app)}"
        )

    threading.Thread(target=run, name="factcheck-warm-up", daemon=True).start()
