"""The background webhook sender: one daemon thread per process (each gunicorn worker has one).

Deliveries are rows in the database, so any process may send any of them; a delivery is
claimed with a short lease before it is sent, so two workers never send it twice.
"""

from __future__ import annotations

import json
import logging
import os
import threading

from flask import Flask, current_app

from factcheck.extensions import db, outbound_policy
from factcheck.models import Review
from factcheck.publishing import claim_review_of
from factcheck.services import webhooks

log = logging.getLogger(__name__)
WEBHOOKS_KEY = "factcheck.webhooks"


def settings_from(config) -> webhooks.DeliverySettings:  # noqa: ANN001
    return webhooks.DeliverySettings(
        max_attempts=int(config["WEBHOOK_MAX_ATTEMPTS"]),
        retry_base_seconds=float(config["WEBHOOK_RETRY_BASE_SECONDS"]),
        retry_max_seconds=float(config["WEBHOOK_RETRY_MAX_SECONDS"]),
        timeout_seconds=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
        policy=outbound_policy(config))


def render(review: Review) -> str:
    """Return the body a webhook receives: the review's ClaimReview JSON-LD."""
    return json.dumps(claim_review_of(review), ensure_ascii=False, separators=(",", ":"))


def deliver_due_now(app: Flask) -> int:
    """Send the deliveries that are due, in APP's context; return how many were attempted."""
    with app.app_context():
        try:
            return webhooks.deliver_due(db.session, render, settings=settings_from(app.config))
        finally:
            db.session.remove()


class WebhookWorker:
    """Wakes when deliveries are queued in this process, and polls for the rest."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.poll_seconds = float(app.config["WEBHOOK_POLL_SECONDS"])
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the thread in this process (again after a fork: threads do not survive it)."""
        if not self.app.config["WEBHOOK_WORKER"]:
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
                return
            self._stop.clear()
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="webhook-worker", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self.start()
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            wait = self.poll_seconds
            try:
                while deliver_due_now(self.app):
                    pass
                with self.app.app_context():
                    try:
                        due = webhooks.seconds_until_next(db.session)
                    finally:
                        db.session.remove()
                if due is not None:
                    wait = min(wait, max(due, 0.05))
            except Exception:  # noqa: BLE001  (the thread must outlive a bad moment)
                log.exception("Webhook delivery round failed; trying again later")
            self._wake.wait(wait)


def _on_queued(sender, **extra) -> None:  # noqa: ANN001, ANN003
    worker = current_app.extensions.get(WEBHOOKS_KEY)
    if worker is not None:
        worker.wake()


def init_app(app: Flask) -> None:
    app.extensions[WEBHOOKS_KEY] = WebhookWorker(app)
    webhooks.deliveries_queued.connect(_on_queued)
