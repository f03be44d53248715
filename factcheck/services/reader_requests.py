"""Claims readers send in: matched at once, grouped per claim, counted, moved by checkers.

A request is matched against the stored claims when it arrives. A published verdict above the
auto-link threshold (no near miss) answers it on the spot; else it joins the group of an open
claim above that threshold, or starts a new claim (origin "reader") for the desk. A group is a
claim: the desk sees one item per claim with how many readers asked and when.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from blinker import Namespace
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from factcheck.matching import Matcher
from factcheck.matching.embedder import to_blob
from factcheck.matching.lexical import clean_query
from factcheck.matching.matcher import same_space
from factcheck.matching.search import describe, retrieve
from factcheck.models import (
    VERDICT_RELATIONS,
    Claim,
    ClaimLink,
    ClaimStatus,
    LinkState,
    Origin,
    ReaderRequest,
    Review,
    Role,
    User,
    utcnow,
)
from factcheck.outbound import is_web_url
from factcheck.services import audit
from factcheck.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from factcheck.services.languages import embed_multilingual, resolve_language
from factcheck.services.links import Thresholds, add_suggestions
from factcheck.services.queue import OPEN_STATUSES, readers_subquery
from factcheck.services.transaction import transaction
from factcheck.text.checkworthiness import classify_kind, score_claims
from factcheck.text.clean import drop_control_characters

MAX_URL_CHARS = 2000
MAX_EMAIL_CHARS = 254

# Sent (with claim_id) after a commit that gave a claim readers wait on a verdict: the app
# queues the replies (factcheck/jobs.py), so this module never imports the job engine.
signals = Namespace()
replies_due = signals.signal("reader-replies-due")


@dataclass(frozen=True, slots=True)
class RequestLimits:
    max_text_chars: int = 1_000
    max_note_chars: int = 2_000
    emails_allowed: bool = False  # an SMTP server is configured to send the replies


@dataclass(frozen=True, slots=True)
class Submitted:
    request: ReaderRequest
    token: str  # the secret of the private status link: shown once, stored as a hash
    answer: Review | None  # the published verdict that matched at once, if any


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def answer_of(claim: Claim) -> Review | None:
    """Return the published verdict a reader of CLAIM is told: its own, or one carried over."""
    return claim.verdict or claim.carried_verdict


def _clean(value: str | None, *, name: str, limit: int, one_line: bool) -> str | None:
    text = drop_control_characters(value or "")
    text = " ".join(text.split()) if one_line else text.strip()
    if len(text) > limit:
        raise InvalidInput(
            f"The {name} is too long ({len(text):,} characters; the limit is {limit:,})."
        )
    return text or None


def _web_address(value: str | None) -> str | None:
    url = _clean(value, name="address", limit=MAX_URL_CHARS, one_line=True)
    if url is None:
        return None
    if not is_web_url(url):
        raise InvalidInput("The address must be a web address starting with http:// or https://.")
    return url


def _email(value: str | None, *, allowed: bool) -> str | None:
    email = _clean(value, name="email address", limit=MAX_EMAIL_CHARS, one_line=True)
    if email is None:
        return None
    if not allowed:
        raise InvalidInput("This desk does not send replies by email: leave the email empty.")
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidInput(f"The email address is not valid: {exc}") from exc


def _match(
    session: Session, matcher: Matcher, text: str, vector, thresholds: Thresholds
) -> tuple[Claim | None, Review | None]:
    """Return (the claim this text is about, its published verdict) above the auto threshold:
    a claim with a verdict first, else an open claim; (None, None) if none is that close."""
    query = clean_query(text) or text
    language = matcher.language_of(query)
    found = retrieve(session, matcher, vector[None, :], [query], k=5, languages=[language])
    close = [
        s
        for s in describe(session, [text], found)[0]
        if s.similarity >= thresholds.of(same_space(language, s.claim.language))[1]
        and not s.near_miss
    ]
    for similar in close:
        if (answer := answer_of(similar.claim)) is not None:
            return similar.claim, answer
    for similar in close:
        if similar.claim.status in OPEN_STATUSES and not similar.claim.stale:
            return similar.claim, None
    return None, None


def _new_claim(session: Session, matcher: Matcher, text: str, vector, score: float | None) -> Claim:
    claim = Claim(text=text, origin=Origin.READER, status=ClaimStatus.NEW, checkworthiness=score)
    claim.language = resolve_language(matcher, None, text)  # the reader's language
    if vector is not None:
        claim.kind = classify_kind(text)
        claim.embedding, claim.embedding_model = to_blob(vector), matcher.embedder.name
        claim.embedded_at = utcnow()
        embed_multilingual(matcher, [claim])
    session.add(claim)
    session.flush()
    return claim


def submit(
    session: Session,
    matcher: Matcher,
    *,
    text: str | None,
    url: str | None = None,
    note: str | None = None,
    email: str | None = None,
    channel: str = "web",
    thresholds: Thresholds | None = None,
    limits: RequestLimits = RequestLimits(),
) -> Submitted:
    """Store a reader's request, matched and grouped at once, and commit.

    A request needs the claim's text or the address where it was seen (or both). With only an
    address it joins the group of an open request about the same address, if any.
    """
    with transaction(session):
        thresholds = thresholds or matcher.thresholds
        text = _clean(text, name="claim", limit=limits.max_text_chars, one_line=True)
        url = _web_address(url)
        note = _clean(note, name="note", limit=limits.max_note_chars, one_line=False)
        email = _email(email, allowed=limits.emails_allowed)
        if text is None and url is None:
            raise InvalidInput("Tell us the claim, or the address where you saw it (or both).")
        claim, answer, vector, score = None, None, None, None
        if text is not None:
            encoded = matcher.embedder.encode_layers([text])
            vector, score = encoded.embeddings[0], score_claims(encoded.layers, [text])[0]
            claim, answer = _match(session, matcher, text, vector, thresholds)
        elif url is not None:
            claim = session.scalar(
                select(Claim)
                .join(ReaderRequest, ReaderRequest.claim_id == Claim.id)
                .where(ReaderRequest.url == url, Claim.status.in_(OPEN_STATUSES))
                .order_by(ReaderRequest.id.desc())
                .limit(1)
            )
        if claim is None:
            claim = _new_claim(session, matcher, text or f"Seen at {url}", vector, score)
            if vector is not None:
                add_suggestions(session, matcher, [claim], vector[None, :], thresholds=thresholds)
        token = secrets.token_urlsafe(24)
        request = ReaderRequest(
            claim=claim,
            text=text,
            url=url,
            note=note,
            email=email,
            token_hash=token_hash(token),
            channel=channel,
            answered_at=utcnow() if answer is not None else None,
        )
        if answer is not None and email is not None:  # told on the spot: nothing to send later
            request.email, request.email_removed_at = None, utcnow()
        session.add(request)
        session.flush()
        audit.record(
            session,
            None,
            "request.received",
            "claim",
            claim.id,
            request=request.id,
            channel=channel,
            answered=answer is not None,
        )
    return Submitted(request, token, answer)


def by_token(session: Session, token: str) -> ReaderRequest:
    """Return the request of a private status link (NotFound for any other token)."""
    request = session.scalar(
        select(ReaderRequest).where(ReaderRequest.token_hash == token_hash(token[:200]))
    )
    if request is None:
        raise NotFound("There is no request at this address: check the link you were given.")
    return request


def stop_emails(session: Session, request: ReaderRequest) -> int:
    """Forget the reader's email address on every request that has it, and commit; return on
    how many requests it was (0: it was already forgotten)."""
    with transaction(session):
        if request.email is None:
            return 0
        address = request.email
        result = session.execute(
            update(ReaderRequest)
            .where(ReaderRequest.email == address)
            .values(email=None, email_removed_at=utcnow())
        )
        audit.record(
            session, None, "request.email_stopped", "claim", request.claim_id, request=request.id
        )
    return result.rowcount or 0


def purge_emails(session: Session, *, received_before: datetime) -> int:
    """Forget the email addresses of requests received before RECEIVED_BEFORE; commit."""
    with transaction(session):
        result = session.execute(
            update(ReaderRequest)
            .where(ReaderRequest.email.is_not(None), ReaderRequest.created_at < received_before)
            .values(email=None, email_removed_at=utcnow())
        )
    return result.rowcount or 0


# Counting ---------------------------------------------------------------------------------


def group(session: Session, claim: Claim) -> list[ReaderRequest]:
    """Return the requests grouped under CLAIM, newest first."""
    return list(
        session.scalars(
            select(ReaderRequest)
            .where(ReaderRequest.claim_id == claim.id)
            .order_by(ReaderRequest.created_at.desc(), ReaderRequest.id.desc())
        )
    )


@dataclass(frozen=True, slots=True)
class Counts:
    total: int
    today: int  # since midnight UTC
    week: int  # in the last 7 days


def count(requests: Sequence[ReaderRequest], *, now: datetime | None = None) -> Counts:
    """Return how many of REQUESTS came in all, today and this week."""
    now = now or utcnow()
    midnight = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
    times = [
        r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC) for r in requests
    ]
    return Counts(
        len(times),
        sum(t >= midnight for t in times),
        sum(t >= now - timedelta(days=7) for t in times),
    )


@dataclass(frozen=True, slots=True)
class Asked:
    claim: Claim
    week: int  # readers in the last 7 days
    total: int


def most_asked(session: Session, *, now: datetime | None = None, limit: int = 10) -> list[Asked]:
    """Return the claims most readers asked about in the last 7 days, most asked first."""
    counts = readers_subquery(now or utcnow())
    rows = session.execute(
        select(Claim, counts.c.week, counts.c.n)
        .join(counts, counts.c.claim_id == Claim.id)
        .where(counts.c.week > 0)
        .order_by(counts.c.week.desc(), counts.c.n.desc(), Claim.id.desc())
        .limit(limit)
        .options(selectinload(Claim.reviews), selectinload(Claim.links))
    )
    return [Asked(claim, week, total) for claim, week, total in rows]


# Merging and splitting groups ---------------------------------------------------------------


def verdict_published(session: Session, claim: Claim) -> None:
    """Tell the app that CLAIM's verdict (published or corrected) may answer waiting readers."""
    if pending_replies(session, claim):
        replies_due.send(session, claim_id=claim.id)


def move_requests(
    session: Session,
    source: Claim,
    request_ids: Sequence[int],
    *,
    target: Claim | None,
    matcher: Matcher,
    actor: User,
) -> Claim:
    """Move requests of SOURCE's group to TARGET's (merge), or with no TARGET to a new claim
    made from the first one's text (split); commit and return the claim they joined.

    A reader claim left with no request and no verdict is dismissed: it was a duplicate.
    """
    with transaction(session):
        if not actor.has_role(Role.CHECKER):
            raise Forbidden("Only fact-checkers can merge or split readers' requests.")
        requests = [r for r in group(session, source) if r.id in set(request_ids)]
        if not requests:
            raise InvalidInput("Choose at least one reader's request to move.")
        if target is not None and target.id == source.id:
            raise InvalidInput("The requests are already grouped under this claim.")
        if target is not None and target.status is ClaimStatus.DISMISSED:
            raise Conflict(
                f"Claim {target.id} was dismissed: reopen it before moving requests to it."
            )
        if target is None:
            if len(requests) == len(group(session, source)):
                raise InvalidInput(
                    "Every request of this claim is chosen: there is nothing to split."
                )
            first = requests[-1]  # the oldest chosen
            text = first.text or f"Seen at {first.url}"
            vector = score = None
            if first.text:
                encoded = matcher.embedder.encode_layers([text])
                vector, score = encoded.embeddings[0], score_claims(encoded.layers, [text])[0]
            target = _new_claim(session, matcher, text, vector, score)
        for request in requests:
            request.claim = target
        session.flush()
        left = session.scalar(
            select(func.count())
            .select_from(ReaderRequest)
            .where(ReaderRequest.claim_id == source.id)
        )
        if (
            not left
            and source.origin is Origin.READER
            and not source.reviews
            and source.status in OPEN_STATUSES
        ):
            source.status = ClaimStatus.DISMISSED
            source.dismissal_reason = f"Its readers' requests were merged into claim #{target.id}."
        moved = [r.id for r in requests]
        audit.record(
            session, actor, "requests.moved", "claim", source.id, to=target.id, requests=moved
        )
        audit.record(
            session, actor, "requests.joined", "claim", target.id, source=source.id, requests=moved
        )
    if answer_of(target) is not None:
        verdict_published(session, answer_of(target).claim)
    return target


def pending_replies(session: Session, claim: Claim) -> list[ReaderRequest]:
    """Return the requests answered by CLAIM's verdict whose reader still awaits an email."""
    linked = select(ClaimLink.claim_id).where(
        ClaimLink.other_id == claim.id,
        ClaimLink.state == LinkState.CONFIRMED,
        ClaimLink.relation.in_(VERDICT_RELATIONS),
    )
    return list(
        session.scalars(
            select(ReaderRequest)
            .where(
                ReaderRequest.email.is_not(None),
                ReaderRequest.replied_at.is_(None),
                or_(ReaderRequest.claim_id == claim.id, ReaderRequest.claim_id.in_(linked)),
            )
            .order_by(ReaderRequest.id)
        )
    )


def mark_replied(session: Session, request: ReaderRequest) -> None:
    """Record that the reply was sent and forget the address; commit."""
    with transaction(session):
        now = utcnow()
        request.email, request.replied_at, request.email_removed_at = None, now, now
        audit.record(
            session, None, "request.replied", "claim", request.claim_id, request=request.id
        )
