"""Webhook deliveries are sent by gunicorn's workers (two of them), each exactly once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.models import DeliveryStatus, WebhookDelivery
from factcheck.services import webhooks
from factcheck.services.articles import ingest_article
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.services.users import create_user
from tests.services.test_webhooks import ALLOWED, SECRET, Receiver

ROOT = Path(__file__).resolve().parents[1]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_workers_send_each_delivery_once(tmp_path):
    database = f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "g", "SQLALCHEMY_DATABASE_URI": database,
                      "WEBHOOK_WORKER": False})  # this process only writes; gunicorn sends
    env = {**os.environ, "FACTCHECK_DATABASE_URL": database, "FACTCHECK_SECRET_KEY": "g",
           "FACTCHECK_WEBHOOK_POLL_SECONDS": "0.3", "FACTCHECK_FETCH_ALLOW_HOSTS": "127.0.0.1"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with app.app_context(), Receiver() as receiver:
        db.create_all()
        checker = create_user(db.session, email="c@example.org", password="long password",
                              role="checker")
        claims = ingest_article(db.session, get_matcher(), title="T", body=(
            "Crime fell 8 percent in Riverton. The mayor hired 40 officers. "
            "Taxes rose 3 percent.")).article.claims
        for number in range(2):
            webhooks.create_webhook(db.session, url=f"{receiver.url}/{number}", secret=SECRET,
                                    policy=ALLOWED)
        server = subprocess.Popen(
            [str(gunicorn), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{_port()}",
             "--workers", "2", "--access-logfile", "/dev/null", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for claim in claims:
                record_verdict(db.session, claim, rating="false", reviewer=checker,
                               conclusion="No.", publish=True,
                               sources=[SourceInput(url="https://stats.example/x")])
            deadline = time.monotonic() + 240  # two workers load the model first
            while len(receiver.received) < 2 * len(claims) and time.monotonic() < deadline:
                assert server.poll() is None, "gunicorn stopped"
                time.sleep(0.2)
            time.sleep(1.5)  # time for a duplicate to arrive, if there were one
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        db.session.expire_all()
        rows = db.session.scalars(db.select(WebhookDelivery)).all()
        assert len(receiver.received) == 2 * len(claims) == len(rows)
        assert all(r["valid"] for r in receiver.received)
        assert all(d.status is DeliveryStatus.DELIVERED and d.attempts == 1 for d in rows)
        db.session.remove()
