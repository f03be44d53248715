"""Webhooks: signed ClaimReview deliveries to a real receiver on loopback, with retries."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from factcheck.extensions import db, get_matcher
from factcheck.job_engine import BackgroundConsumer, get_engine
from factcheck.jobs import deliver_due_now
from factcheck.models import DeliveryStatus, WebhookDelivery
from factcheck.outbound import OutboundPolicy
from factcheck.services import webhooks
from factcheck.services.articles import ingest_article
from factcheck.services.public import slug
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.services.users import create_user
from tests.conftest import make_app

SECRET = "a shared secret of some length"
ALLOW_RECEIVERS = "127.0.0.1"  # the loopback receivers below; refused without it
ALLOWED = OutboundPolicy.from_setting(ALLOW_RECEIVERS)
SOURCE = SourceInput(url="https://stats.example/crime")


def publish(claim, checker, **changes):
    """Publish CHECKER's verdict "false" on CLAIM; CHANGES are other arguments of
    record_verdict."""
    verdict = {"rating": "false", "conclusion": "No.", "sources": [SOURCE], "publish": True}
    return record_verdict(db.session, claim, reviewer=checker, **{**verdict, **changes})


class Receiver:
    """A loopback HTTP server that answers FAILURES errors first, then 204, checking signatures.

    With a GATE, every request is held until the gate is set (or for 10 s at most).
    """

    def __init__(
        self, failures: int = 0, delay: float = 0.0, gate: threading.Event | None = None
    ) -> None:
        self.failures, self.delay, self.gate = failures, delay, gate
        self.received: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                if receiver.gate is not None:
                    receiver.gate.wait(10.0)
                with receiver.lock:
                    receiver.received.append(
                        {
                            "body": body,
                            "event": self.headers["X-Factcheck-Event"],
                            "valid": webhooks.verify(
                                SECRET, self.headers[webhooks.SIGNATURE_HEADER], body
                            ),
                        }
                    )
                    failing = receiver.failures > 0
                    receiver.failures -= 1
                self.send_response(500 if failing else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.gate is not None:
            self.gate.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def hooks_app(tmp_path, database_url):
    """An app on a file database (consumers have their own connections), fast retries."""
    if database_url == "sqlite://":
        database_url = f"sqlite:///{tmp_path / 'hooks.sqlite3'}"
    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=database_url,
        WEBHOOK_RETRY_BASE_SECONDS=0.2,
        WEBHOOK_TIMEOUT_SECONDS=2.0,
        PUBLIC_BASE_URL="https://desk.example",
        FETCH_ALLOW_HOSTS=ALLOW_RECEIVERS,
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_app(hooks_app):
    """The same app with a job consumer running beside it: it sends the deliveries."""
    with BackgroundConsumer(get_engine()):
        yield hooks_app


@pytest.fixture
def claim_and_checker(hooks_app):
    checker = create_user(
        db.session, email="c@example.org", password="long password", role="checker"
    )
    article = ingest_article(
        db.session,
        get_matcher(),
        title="T",
        url="https://news.example/t",
        body="Crime fell 8 percent in Riverton last year.",
    ).article
    return article.claims[0], checker


def wait_for(condition, timeout: float = 60.0) -> None:
    # Returns as soon as CONDITION holds: the timeout only bounds a hang, so it is generous
    # (a loaded machine may take seconds to run the worker thread's round).
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_publish_and_correct_post_signed_claimreviews(claim_and_checker, live_app):
    claim, checker = claim_and_checker
    with Receiver() as receiver:
        webhooks.create_webhook(db.session, url=receiver.url, secret=SECRET, policy=ALLOWED)
        publish(claim, checker)
        wait_for(lambda: len(receiver.received) == 1)
        publish(
            claim,
            checker,
            rating="mostly-true",
            conclusion="Corrected.",
            correction_reason="New figures.",
        )
        wait_for(lambda: len(receiver.received) == 2)
    first, second = receiver.received
    assert first["valid"] and second["valid"]
    assert (first["event"], second["event"]) == ("review.published", "review.corrected")
    review = json.loads(first["body"])
    assert review["@type"] == "ClaimReview" and review["claimReviewed"] == claim.text
    assert review["url"] == f"https://desk.example/v/{slug(claim)}"
    assert json.loads(second["body"])["reviewRating"]["alternateName"] == "Mostly true"
    wait_for(lambda: all(d.status is DeliveryStatus.DELIVERED for d in deliveries()))
    assert [d.attempts for d in deliveries()] == [1, 1]


@pytest.mark.slow  # waits out the retry delays
def test_a_failing_receiver_gets_retries_until_it_recovers(claim_and_checker, live_app):
    claim, checker = claim_and_checker
    with Receiver(failures=2) as receiver:
        webhooks.create_webhook(db.session, url=receiver.url, secret=SECRET, policy=ALLOWED)
        publish(claim, checker)
        wait_for(lambda: deliveries()[0].status is DeliveryStatus.DELIVERED)
    delivery = deliveries()[0]
    assert delivery.attempts == 3 and delivery.last_error is None
    assert len(receiver.received) == 3 and all(r["valid"] for r in receiver.received)
    assert len({r["body"] for r in receiver.received}) == 1  # every retry sends the same bytes


def test_a_dead_receiver_never_fails_publishing_and_gives_up_in_the_end(
    claim_and_checker, live_app
):
    claim, checker = claim_and_checker
    live_app.config["WEBHOOK_MAX_ATTEMPTS"] = 2
    with Receiver() as receiver:
        dead_url = receiver.url  # nothing listens there once the receiver is closed
    webhooks.create_webhook(db.session, url=dead_url, secret=SECRET, policy=ALLOWED)
    review = publish(claim, checker)
    assert review.id is not None and claim.verdict is review
    wait_for(lambda: deliveries()[0].status is DeliveryStatus.FAILED)
    delivery = deliveries()[0]
    assert delivery.attempts == 2 and "Connection refused" in delivery.last_error


def test_a_slow_receiver_does_not_delay_publishing(claim_and_checker, live_app):
    claim, checker = claim_and_checker
    with Receiver(gate=threading.Event()) as receiver:
        webhooks.create_webhook(db.session, url=receiver.url, secret=SECRET, policy=ALLOWED)
        publish(claim, checker)
        # The receiver has answered nothing yet, so no attempt can have finished: a verdict
        # that waited for its delivery would find it made (attempts 1) by now.
        [delivery] = deliveries()
        assert delivery.attempts == 0 and delivery.status is DeliveryStatus.PENDING
        receiver.gate.set()
        wait_for(lambda: deliveries()[0].status is DeliveryStatus.DELIVERED)


def test_two_workers_never_send_a_delivery_twice(claim_and_checker, hooks_app):
    claim, checker = claim_and_checker  # no consumer here: only the two senders below send
    with Receiver(delay=0.3) as receiver:
        webhooks.create_webhook(db.session, url=receiver.url, secret=SECRET, policy=ALLOWED)
        webhooks.create_webhook(db.session, url=receiver.url + "2", secret=SECRET, policy=ALLOWED)
        publish(claim, checker)
        senders = [threading.Thread(target=deliver_due_now, args=(hooks_app,)) for _ in range(2)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
    assert len(receiver.received) == 2
    assert all(d.status is DeliveryStatus.DELIVERED and d.attempts == 1 for d in deliveries())


def test_signatures_check_secret_body_and_age():
    header = webhooks.sign(SECRET, str(int(time.time())), b"{}")
    assert webhooks.verify(SECRET, header, b"{}")
    assert not webhooks.verify("another secret entirely", header, b"{}")
    assert not webhooks.verify(SECRET, header, b"{ }")
    old = webhooks.sign(SECRET, str(int(time.time()) - 3600), b"{}")
    assert not webhooks.verify(SECRET, old, b"{}")
    assert not webhooks.verify(SECRET, "garbage", b"{}")


def test_webhook_urls_and_secrets_are_checked(hooks_app):
    from factcheck.services.errors import InvalidInput

    for url, secret in [
        ("ftp://x.example/h", ""),
        ("javascript:alert(1)", ""),
        ("https://x.example/h", "short"),
    ]:
        with pytest.raises(InvalidInput):
            webhooks.create_webhook(db.session, url=url, secret=secret)
    webhook, secret = webhooks.create_webhook(db.session, url="https://x.example/h")
    assert len(secret) >= 32 and webhook.secret == secret


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/",
        "http://10.0.0.8/h",
        "http://192.168.0.2/h",
        "http://[fd12::1]/h",
        "http://127.0.0.1:8080/h",
        "http://[::1]:8080/h",
        "http://[fe80::1]/h",
        "http://0.0.0.0/h",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://224.0.0.1/h",
        "file:///etc/passwd",
        "http://user:pass@x.example/h",
    ],
)
def test_webhook_urls_to_cloud_metadata_and_odd_hosts_are_refused(hooks_app, url):
    """A webhook must not turn the server into a proxy to the cloud metadata service (SSRF)."""
    from factcheck.services.errors import InvalidInput

    with pytest.raises(InvalidInput):
        webhooks.create_webhook(db.session, url=url, secret=SECRET)
    assert webhooks.list_webhooks(db.session) == []


def test_a_delivery_to_a_name_that_resolves_to_a_link_local_address_is_not_sent():
    """The name is resolved again at delivery time (DNS can change after registration)."""
    status, error = webhooks.post("http://169.254.169.254/latest/", b"{}", {}, timeout=1)
    assert status is None and "cloud metadata" in error


def test_a_receiver_whose_name_resolves_to_loopback_is_refused_at_delivery():
    """Registration cannot see where a name leads; the delivery checks every address."""
    with Receiver() as receiver:
        port = receiver.server.server_port
        status, error = webhooks.post(f"http://localhost:{port}/hook", b"{}", {}, timeout=2)
        assert status is None and "localhost resolves to 127.0.0.1, a loopback address" in error
        signed = {
            webhooks.SIGNATURE_HEADER: webhooks.sign(SECRET, str(int(time.time())), b"{}"),
            "X-Factcheck-Event": "test",
        }
        status, error = webhooks.post(receiver.url, b"{}", signed, timeout=2, policy=ALLOWED)
        assert (status, error) == (204, None)
    assert len(receiver.received) == 1 and receiver.received[0]["valid"]


def test_a_verdict_waiting_for_sign_off_is_sent_when_approved(claim_and_checker, live_app):
    from factcheck.services.reviews import approve_review

    claim, checker = claim_and_checker
    second = create_user(
        db.session, email="c2@example.org", password="long password", role="checker"
    )
    with Receiver() as receiver:
        webhooks.create_webhook(db.session, url=receiver.url, secret=SECRET, policy=ALLOWED)
        review = publish(claim, checker, second_review=True)
        assert deliveries() == []
        approve_review(db.session, review, approver=second, version=review.version)
        wait_for(lambda: len(receiver.received) == 1)
    assert receiver.received[0]["valid"] and receiver.received[0]["event"] == "review.published"
