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


def post_worker_init(worker):
    """Check the database can be written (or stop with a message), then serve at once while
    the parser, the model and the vector index load in the background (factcheck.startup)."""
    import os

    from factcheck.extensions import db
    from factcheck.services.errors import Unavailable
    from factcheck.services.health import ensure_writable
    from factcheck.startup import warm_up_in_background

    app = worker.wsgi
    try:
        with app.app_context():
            ensure_writable(db.session)  # before the model: a read-only database stops at once
    except Unavailable as exc:
        print(f"\nfactcheck cannot start: {exc.message}\n", file=sys.stderr, flush=True)
        sys.exit(WORKER_BOOT_ERROR)

    def stop(exc: BaseException) -> None:
        print(f"\nfactcheck cannot start: {exc}\n", file=sys.stderr, flush=True)
        os._exit(WORKER_BOOT_ERROR)  # from the warm-up thread: gunicorn then stops the server

    worker.log.info(
        "factcheck worker %s serving; loading the model and index meanwhile", os.getpid()
    )
    warm_up_in_background(app, report=worker.log.info, on_failure=stop)
