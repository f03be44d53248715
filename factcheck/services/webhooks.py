"""Webhooks: register URLs, queue a delivery per published verdict, send them signed, retry.

A delivery is a row first (enqueue_review, right after the verdict's commit) and an HTTP POST
later (deliver_due, from the background worker or `flask webhooks deliver`), so a slow or
broken receiver never delays or fails the request that published the verdict.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from blinker import Namespace
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, joinedload

from factcheck import outbound
from factcheck.models import (
    Alert,
    DeliveryStatus,
    Review,
    ReviewStatus,
    User,
    Webhook,
    WebhookDelivery,
    as_utc,
    utcnow,
    valid_id,
)
from factcheck.outbound import OutboundPolicy, Refused, guarded_client, is_web_url
from factcheck.services import audit
from factcheck.services.errors import InvalidInput, NotFound
from factcheck.services.transaction import transaction

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Factcheck-Signature"

# Sent after deliveries were queued, so the worker of this process can start at once.
signals = Namespace()
deliveries_queued = signals.signal("webhook-deliveries-queued")


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    max_attempts: int = 8
    retry_base_seconds: float = 30.0  # then doubled after each failure
    retry_max_seconds: float = 3600.0
    timeout_seconds: float = 10.0
    lease_seconds: float = 60.0  # how long a worker owns a delivery it is sending
    policy: OutboundPolicy = OutboundPolicy()  # which receivers may be reached


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the signature header value: HMAC-SHA256 of "TIMESTAMP." + BODY with SECRET."""
    digest = hmac.new(
        secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},sha256={digest}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    tolerance_seconds: float = 300,
    now: float | None = None,
) -> bool:
    """Return True if HEADER signs BODY with SECRET and is recent (what a receiver checks)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    timestamp, digest = parts.get("t", ""), parts.get("sha256", "")
    if not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance_seconds:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), f"t={timestamp},sha256={digest}")


def create_webhook(
    session: Session,
    *,
    url: str,
    secret: str = "",
    actor: User | None = None,
    policy: OutboundPolicy = OutboundPolicy(),
) -> tuple[Webhook, str]:
    """Register URL (a secret is generated when none is given); return it and the secret.

    The host must pass POLICY (its name and literal address now; every address it resolves
    to again at each delivery).
    """
    with transaction(session):
        url = url.strip()
        if not is_web_url(url) or len(url) > 2000:
            raise InvalidInput("The webhook URL must be an http:// or https:// address.")
        try:
            policy.check_url(url)
        except Refused as exc:
            raise InvalidInput(f"The webhook URL cannot be used: {exc.message}.") from exc
        secret = secret.strip() or secrets.token_urlsafe(32)
        if not 16 <= len(secret) <= 200:
            raise InvalidInput(
                "The secret must have 16 to 200 characters "
                "(or leave it empty to get a generated one)."
            )
        webhook = Webhook(url=url, secret=secret, created_by=actor)
        session.add(webhook)
        session.flush()
        audit.record(session, actor, "webhook.created", "webhook", webhook.id, url=url)
    return webhook, secret


def set_active(
    session: Session, webhook_id: int, active: bool, *, actor: User | None = None
) -> Webhook:
    """Switch the webhook on or off and commit; an inactive webhook gets no new deliveries."""
    webhook = session.get(Webhook, webhook_id) if valid_id(webhook_id) else None
    if webhook is None:
        raise NotFound(f"There is no webhook with id {webhook_id}.")
    if webhook.active != active:
        with transaction(session):
            webhook.active = active
            audit.record(
                session,
                actor,
                "webhook.enabled" if active else "webhook.disabled",
                "webhook",
                webhook.id,
                url=webhook.url,
            )
    return webhook


def list_webhooks(session: Session) -> list[Webhook]:
    return list(session.scalars(select(Webhook).order_by(Webhook.id)))


def recent_deliveries(session: Session, *, limit: int = 50) -> list[WebhookDelivery]:
    """Return the latest deliveries with their webhook, newest first."""
    return list(
        session.scalars(
            select(WebhookDelivery)
            .options(joinedload(WebhookDelivery.webhook))
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def enqueue_review(session: Session, review: Review) -> int:
    """Queue the published REVIEW for every active webhook and commit; return how many.

    Called after the verdict was committed. It never raises: the verdict is published
    whatever happens here, and a failure is logged.
    """
    try:
        with transaction(session):
            if review.status is not ReviewStatus.PUBLISHED:
                return 0
            hooks = session.scalars(select(Webhook.id).where(Webhook.active.is_(True))).all()
            if not hooks:
                return 0
            earlier = [
                r
                for r in review.claim.reviews
                if r.status is ReviewStatus.PUBLISHED and r.id != review.id
            ]
            event = "review.corrected" if earlier else "review.published"
            now = utcnow()
            session.add_all(
                WebhookDelivery(
                    webhook_id=hook_id,
                    review_id=review.id,
                    event=event,
                    payload="",
                    next_attempt_at=now,
                )
                for hook_id in hooks
            )
    except Exception:  # publishing must not fail because of a webhook
        log.exception("Could not queue webhook deliveries for review %s", review.id)
        return 0
    deliveries_queued.send(session, count=len(hooks))
    return len(hooks)


def enqueue_alerts(session: Session, alerts: Sequence[Alert]) -> int:
    """Queue each of ALERTS (committed) as claim.repeated for every active webhook; commit.

    Never raises: the article is stored whatever happens here, and a failure is logged.
    """
    if not alerts:
        return 0
    try:
        with transaction(session):
            hooks = session.scalars(select(Webhook.id).where(Webhook.active.is_(True))).all()
            if not hooks:
                return 0
            now = utcnow()
            session.add_all(
                WebhookDelivery(
                    webhook_id=hook_id,
                    review_id=alert.review_id,
                    alert_id=alert.id,
                    event="claim.repeated",
                    payload="",
                    next_attempt_at=now,
                )
                for alert in alerts
                for hook_id in hooks
            )
    except Exception:  # ingesting must not fail because of a webhook
        log.exception("Could not queue claim.repeated deliveries")
        return 0
    deliveries_queued.send(session, count=len(hooks) * len(alerts))
    return len(hooks) * len(alerts)


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    *,
    policy: OutboundPolicy = OutboundPolicy(),
) -> tuple[int | None, str | None]:
    """POST BODY to URL under POLICY; return (status code, error message or None if a 2xx).

    A redirect is a failed delivery: the receiver must answer itself.
    """
    try:
        policy.check_url(url)
    except Refused as exc:
        return None, f"Refused: {exc.message}."
    with guarded_client(policy, timeout=httpx.Timeout(timeout)) as client:
        return outbound.post(client, url, body, headers)


def _claim(session: Session, delivery_id: int, now: datetime, lease: timedelta) -> bool:
    """Take DELIVERY_ID for this worker until NOW + LEASE; False if another worker has it."""
    with transaction(session):
        taken = session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status == DeliveryStatus.PENDING,
                or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
            )
            .values(locked_until=now + lease)
        ).rowcount
    return taken == 1


def backoff(attempts: int, settings: DeliverySettings) -> timedelta:
    """Return how long to wait after the ATTEMPTS-th failure (exponential, capped)."""
    return timedelta(
        seconds=min(settings.retry_max_seconds, settings.retry_base_seconds * 2 ** (attempts - 1))
    )


def deliver_due(
    session: Session,
    render: Callable[[WebhookDelivery], str],
    *,
    settings: DeliverySettings = DeliverySettings(),
    limit: int = 50,
) -> int:
    """Send every delivery that is due (at most LIMIT); return how many were attempted.

    RENDER turns a delivery (its event, review, alert) into the JSON body; it is rendered once
    and kept, so every retry sends the same bytes.
    """
    now = utcnow()
    due = session.scalars(
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    ).all()
    attempted = 0
    for delivery_id in due:
        if not _claim(session, delivery_id, utcnow(), timedelta(seconds=settings.lease_seconds)):
            continue
        attempted += 1
        _attempt(session, session.get(WebhookDelivery, delivery_id), render, settings)
    return attempted


def _attempt(
    session: Session,
    delivery: WebhookDelivery,
    render: Callable[[WebhookDelivery], str],
    settings: DeliverySettings,
) -> None:
    if not delivery.payload:
        try:
            delivery.payload = render(delivery)
        except Exception as exc:  # recorded on the delivery for the admin
            log.exception("Could not render webhook delivery %s", delivery.id)
            with transaction(session):
                delivery.status = DeliveryStatus.FAILED
                delivery.last_error = f"render: {exc}"[:500]
                delivery.locked_until = None
            return
    body = delivery.payload.encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/ld+json; charset=utf-8",
        "User-Agent": "factcheck-webhooks/1",
        "X-Factcheck-Event": delivery.event,
        "X-Factcheck-Delivery": str(delivery.id),
        SIGNATURE_HEADER: sign(delivery.webhook.secret, timestamp, body),
    }
    status, error = post(
        delivery.webhook.url, body, headers, settings.timeout_seconds, policy=settings.policy
    )
    with transaction(session):
        delivery.attempts += 1
        delivery.last_status_code = status
        delivery.last_error = error
        delivery.locked_until = None
        now = utcnow()
        if error is None:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                DeliveryStatus.DELIVERED,
                now,
                None,
            )
        elif delivery.attempts >= settings.max_attempts:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts, settings)


def seconds_until_next(session: Session) -> float | None:
    """Return the seconds until the next pending delivery is due (0 if overdue), or None."""
    due = session.scalar(
        select(WebhookDelivery.next_attempt_at)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING)
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(1)
    )
    if due is None:
        return None
    return max(0.0, (as_utc(due) - utcnow()).total_seconds())


def retry_now(session: Session, delivery_id: int, *, actor: User | None = None) -> WebhookDelivery:
    """Put a failed or pending delivery back in the queue, due now, and commit."""
    with transaction(session):
        delivery = session.get(WebhookDelivery, delivery_id) if valid_id(delivery_id) else None
        if delivery is None:
            raise NotFound(f"There is no delivery with id {delivery_id}.")
        if delivery.status is DeliveryStatus.DELIVERED:
            raise InvalidInput("That delivery was delivered already.")
        if delivery.status is DeliveryStatus.FAILED:
            delivery.attempts = 0  # a fresh round of retries
        delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, utcnow()
        audit.record(session, actor, "webhook.retried", "webhook_delivery", delivery.id)
    deliveries_queued.send(session, count=1)
    return delivery
