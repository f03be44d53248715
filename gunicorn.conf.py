"""gunicorn settings for `make run`: loopback, two workers, the model loaded at boot."""

import sys

bind = "127.0.0.1:5000"
workers = 2
threads = 4
timeout = 120
accesslog = "-"

WORKER_BOOT_ERROR = 3  # gunicorn stops the whole server when a worker exits with this


def post_worker_init(worker):  # noqa: ANN001, ANN201
    """Load the models and the vector index before the first request, or stop with a message."""
    from factcheck.extensions import MATCHER_KEY, db
    from factcheck.matching import ModelLoadError
    from factcheck.services.dense import dense_retriever
    from factcheck.text.parse import ParserUnavailable, load_parser

    app = worker.wsgi
    try:
        load_parser()
        matcher = app.extensions[MATCHER_KEY]
        matcher.embedder.load()
        with app.app_context():
            dense_retriever(db.session, matcher).refresh()  # SQLite: load the in-memory index
    except (ModelLoadError, ParserUnavailable) as exc:
        print(f"\nfactcheck cannot start: {exc}\n", file=sys.stderr, flush=True)
        sys.exit(WORKER_BOOT_ERROR)
