"""gunicorn settings for `make run`: loopback, two workers, the model loaded at boot."""

import sys

bind = "127.0.0.1:5000"
workers = 2
threads = 4
timeout = 120
# The longest request line gunicorn takes (its maximum); the API answers longer URLs than its
# API_MAX_URL_CHARS with a 414 in its own error shape before this limit is reached.
limit_request_line = 8190
accesslog = "-"

WORKER_BOOT_ERROR = 3  # gunicorn stops the whole server when a worker exits with this


def post_worker_init(worker):  # noqa: ANN001, ANN201
    """Load the models and the vector index before the first request, or stop with a message."""
    from factcheck.extensions import MATCHER_KEY, db
    from factcheck.matching import ModelLoadError
    from factcheck.matching.dense import dense_retriever
    from factcheck.services.errors import Unavailable
    from factcheck.services.health import ensure_writable
    from factcheck.text.parse import ParserUnavailable, load_parser

    app = worker.wsgi
    try:
        with app.app_context():
            ensure_writable(db.session)  # before the model: a read-only database stops at once
    except Unavailable as exc:
        print(f"\nfactcheck cannot start: {exc.message}\n", file=sys.stderr, flush=True)
        sys.exit(WORKER_BOOT_ERROR)
    try:
        load_parser()
        matcher = app.extensions[MATCHER_KEY]
        matcher.embedder.load()
        with app.app_context():
            dense_retriever(db.session, matcher).load()  # SQLite: the in-memory index
    except (ModelLoadError, ParserUnavailable) as exc:
        print(f"\nfactcheck cannot start: {exc}\n", file=sys.stderr, flush=True)
        sys.exit(WORKER_BOOT_ERROR)
