"""Telling readers back: one email per reader when a verdict answers their request, by SMTP.

The job engine runs send_replies (factcheck/jobs.py) after a verdict is published or
corrected, or a group joins a claim with a verdict. Each message is committed as sent before
the next, and the address is forgotten with it, so a retry never sends a message twice.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy.orm import Session

from factcheck.models import Claim, ReaderRequest, Review, utcnow
from factcheck.services import audit, reader_requests
from factcheck.services.errors import EmailFailed
from factcheck.services.transaction import transaction
from factcheck.verdicts import rating_label


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "factcheck <noreply@factcheck.example>"
    starttls: bool = False
    timeout: float = 30.0

    @classmethod
    def from_config(
        cls, config: Mapping[str, object], *, name: str | None = None, site: str | None = None
    ) -> SmtpSettings | None:
        """Return the SMTP_* settings of CONFIG, or None when no SMTP_HOST is set. Without
        SMTP_FROM the sender is "NAME <noreply@SITE>": the publisher set on the settings page
        (services/settings.py), else PUBLISHER_NAME and PUBLISHER_SITE of CONFIG."""
        if not config.get("SMTP_HOST"):
            return None
        name = name or str(config["PUBLISHER_NAME"])
        site = site or str(config["PUBLISHER_SITE"])
        return cls(
            host=str(config["SMTP_HOST"]),
            port=int(config["SMTP_PORT"]),
            user=str(config["SMTP_USER"]) if config.get("SMTP_USER") else None,
            password=str(config["SMTP_PASSWORD"]) if config.get("SMTP_PASSWORD") else None,
            sender=str(config.get("SMTP_FROM") or formataddr((name, f"noreply@{site}"))),
            starttls=str(config["SMTP_STARTTLS"]).lower() in ("1", "true", "yes", "on"),
            timeout=float(config["SMTP_TIMEOUT_SECONDS"]),
        )


@dataclass(frozen=True, slots=True)
class ReplyLinks:
    verdict: str  # the public page of the verdict
    stop: str  # stops every message to the reader's address


def compose(
    request: ReaderRequest, review: Review, links: ReplyLinks, *, sender: str, publisher: str
) -> EmailMessage:
    """Return the one message a reader gets: the verdict, its conclusion and the links."""
    asked = request.text or request.url or ""
    label = rating_label(review.rating)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = request.email
    message["Subject"] = f"Our verdict: {label}: {_shorten(review.claim.text, 70)}"
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">") or None)
    message["List-Unsubscribe"] = f"<{links.stop}>"
    message["Auto-Submitted"] = "auto-replied"
    message.set_content(
        f"Hello,\n\n"
        f"On {request.created_at:%d %B %Y} you asked {publisher} to check this:\n\n"
        f"    {asked}\n\n"
        f'Our verdict on the claim "{review.claim.text}":\n\n'
        f"    {label}. {review.conclusion}\n\n"
        f"Read the fact-check, with its sources: {links.verdict}\n\n"
        f"This is the only message about your request, and your email address has now been "
        f"deleted. To stop any other message to this address: {links.stop}\n\n"
        f"{publisher}\n"
    )
    return message


def _shorten(text: str, limit: int) -> str:
    """Return TEXT on one line (a header cannot hold a line break), cut to LIMIT characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def send_replies(
    session: Session,
    claim_id: int,
    *,
    settings: SmtpSettings,
    links: Callable[[ReaderRequest, Review], ReplyLinks],
    publisher: str,
) -> int:
    """Email each reader waiting on the verdict of claim CLAIM_ID; return how many were sent.

    An address the server refuses is forgotten (it will never work); any other failure
    raises EmailFailed, and the job is tried again for the readers not yet told.
    """
    claim = session.get(Claim, claim_id)
    review = claim.verdict if claim is not None else None
    pending = reader_requests.pending_replies(session, claim) if review is not None else []
    if not pending:
        return 0
    sent = 0
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            for request in pending:
                message = compose(
                    request,
                    review,
                    links(request, review),
                    sender=settings.sender,
                    publisher=publisher,
                )
                try:
                    smtp.send_message(message)
                except smtplib.SMTPRecipientsRefused:
                    _refused(session, request)
                    continue
                reader_requests.mark_replied(session, request)
                sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        raise EmailFailed(
            f"Could not send readers' replies through {settings.host}:{settings.port}: {exc}"
        ) from exc
    return sent


def _refused(session: Session, request: ReaderRequest) -> None:
    with transaction(session):
        request.email, request.email_removed_at = None, utcnow()
        audit.record(
            session, None, "request.email_refused", "claim", request.claim_id, request=request.id
        )
