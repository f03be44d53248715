"""Read claims, count them by status, import checked claims in bulk, re-embed everything."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from factcheck.matching import Matcher
from factcheck.matching.dense import dense_retriever
from factcheck.matching.embedder import to_blob
from factcheck.models import (
    Claim,
    ClaimStatus,
    Origin,
    Review,
    ReviewStatus,
    Source,
    Stance,
    utcnow,
    valid_id,
)
from factcheck.outbound import is_web_url
from factcheck.services import audit
from factcheck.services.errors import InvalidInput, NotFound
from factcheck.services.languages import embed_multilingual, given_language, resolve_language
from factcheck.services.transaction import transaction
from factcheck.text.checkworthiness import classify_kind, score_claims
from factcheck.text.clean import drop_control_characters
from factcheck.verdicts import normalise_rating

Progress = Callable[[int], None]


def get_claim(session: Session, claim_id: int) -> Claim:
    """Return the claim with CLAIM_ID (reviews and sources loaded) or raise NotFound."""
    claim = (
        None
        if not valid_id(claim_id)
        else session.scalar(
            select(Claim)
            .where(Claim.id == claim_id)
            .options(selectinload(Claim.reviews).selectinload(Review.sources))
        )
    )
    if claim is None:
        raise NotFound(f"There is no claim with id {claim_id}.")
    return claim


def count_by_status(session: Session, *, hide_demo: bool = False) -> dict[str, int]:
    """Return how many article claims are in each status (without the demo's: HIDE_DEMO)."""
    query = select(Claim.status, func.count()).where(Claim.origin != Origin.IMPORT)
    if hide_demo:
        query = query.where(Claim.is_demo.is_(False))
    rows = session.execute(query.group_by(Claim.status))
    counts = {status.value: 0 for status in ClaimStatus}
    counts.update({status.value: n for status, n in rows})
    return counts


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """One checked claim to import: the claim and the verdict another desk (or we) gave it."""

    text: str
    rating: str | None = None
    original_rating: str | None = None
    claimant: str | None = None
    claim_date: date | None = None
    url: str | None = None
    publisher: str | None = None
    conclusion: str = ""
    sources: tuple[dict, ...] = field(default_factory=tuple)
    context: str | None = None
    external_id: str | None = None
    language: str | None = None  # ISO 639-1, when the source says; detected at import if not


@dataclass(frozen=True, slots=True)
class ImportReport:
    imported: int
    skipped_duplicates: int


def _text(value: object, name: str, limit: int) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"'{name}' must be a string.")
    value = " ".join(drop_control_characters(value, " ").split())
    if len(value) > limit:
        raise InvalidInput(f"'{name}' is too long ({len(value)} characters; limit {limit}).")
    return value or None


def _url(value: object, name: str) -> str | None:
    """Return an http(s) URL, or None; anything else (javascript:, data:) is refused."""
    url = _text(value, name, 2000)
    if url is not None and not is_web_url(url):
        raise InvalidInput(f"'{name}' must be an http:// or https:// address")
    return url


def _source(item: object) -> dict[str, str]:
    if not isinstance(item, dict):
        raise InvalidInput("each source must be an object with a 'url'")
    url = _url(item.get("url"), "sources.url")
    if not url:
        raise InvalidInput("each source must be an object with a 'url'")
    stance = item.get("stance")
    stance = "context" if stance is None or stance == "" else stance
    if not isinstance(stance, str) or stance not in {s.value for s in Stance}:
        raise InvalidInput("a source's 'stance' must be supports, refutes or context")
    return {
        "url": url,
        "stance": stance,
        "title": _text(item.get("title"), "sources.title", 500) or "",
        "publisher": _text(item.get("publisher"), "sources.publisher", 200) or "",
        "quote": _text(item.get("quote"), "sources.quote", 5000) or "",
    }


def parse_record(data: object) -> ClaimRecord:
    """Return the ClaimRecord in DATA (a decoded JSON object) or raise InvalidInput."""
    if not isinstance(data, dict):
        raise InvalidInput("each line must be a JSON object")
    text = _text(data.get("text"), "text", 5000)
    if not text:
        raise InvalidInput("'text' is required")
    label = _text(data.get("rating"), "rating", 100)
    rating = normalise_rating(label) if label else None
    if label and rating is None:
        raise InvalidInput(f"unknown rating {label!r}")
    claim_date = None
    if raw_date := _text(data.get("date"), "date", 40):
        try:
            claim_date = date.fromisoformat(raw_date[:10])
        except ValueError as exc:
            raise InvalidInput(f"'date' must be YYYY-MM-DD, not {raw_date!r}") from exc
    source = data.get("source")
    if isinstance(source, dict):
        sources = [source]
        publisher = _text(source.get("publisher"), "source.publisher", 200)
    else:
        sources = data.get("sources") or []
        publisher = _text(source, "source", 200)
    if not isinstance(sources, list) or len(sources) > 50:
        raise InvalidInput("'sources' must be a list of at most 50 objects")
    url = _url(data.get("url"), "url")
    return ClaimRecord(
        text=text,
        rating=rating,
        original_rating=label if label and label != rating else None,
        claimant=_text(data.get("claimant"), "claimant", 200),
        claim_date=claim_date,
        url=url,
        publisher=publisher,
        sources=tuple(_source(item) for item in sources),
        conclusion=_text(data.get("conclusion"), "conclusion", 500) or "",
        context=_text(data.get("context"), "context", 5000),
        # Re-imports are recognised by this id (the fact-check URL by default).
        external_id=_text(data.get("id"), "id", 200) or url,
        language=given_language(_text(data.get("language"), "language", 40)),
    )


def read_jsonl(lines: Iterable[str]) -> tuple[list[ClaimRecord], list[str]]:
    """Parse JSON lines; return the records and one message per bad line (blank lines skipped)."""
    records, errors = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(parse_record(json.loads(line)))
        except json.JSONDecodeError as exc:
            errors.append(f"line {number}: not valid JSON ({exc.msg})")
        except RecursionError:
            errors.append(f"line {number}: nested too deeply")
        except InvalidInput as exc:
            errors.append(f"line {number}: {exc.message}")
    return records, errors


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_claims(
    session: Session,
    matcher: Matcher,
    records: list[ClaimRecord],
    *,
    progress: Progress | None = None,
    is_demo: bool = False,
) -> ImportReport:
    """Store RECORDS as checked claims with their verdicts, embedded in batches; one commit.

    A record whose text and id (or fact-check URL) are stored already is skipped, so
    re-importing is harmless. IS_DEMO marks the claims as the demo's (services.demo).
    """
    seen = {
        tuple(row)
        for row in session.execute(
            select(Claim.text, Claim.external_id).where(Claim.origin == Origin.IMPORT)
        )
    }
    fresh = []
    for record in records:
        if (record.text, record.external_id) not in seen:
            seen.add((record.text, record.external_id))
            fresh.append(record)
    now = utcnow()
    claims: list[Claim] = []
    for batch in _batches(fresh, matcher.embedder.batch_size * 4):
        vectors, context_vectors = _encode(
            matcher, [r.text for r in batch], [r.context for r in batch]
        )
        made = []
        for record, vector, context_vector in zip(batch, vectors, context_vectors, strict=True):
            claim = _claim_from(record, to_blob(vector), matcher.embedder.name, now)
            claim.is_demo = is_demo
            claim.context_embedding = context_vector
            claim.language = resolve_language(matcher, record.language, record.text, record.context)
            made.append(claim)
        embed_multilingual(matcher, made)
        claims += made
        if progress:
            progress(len(batch))
    with transaction(session):
        session.add_all(claims)
        session.flush()
        audit.record(
            session,
            None,
            "claims.imported",
            "claim",
            claims[0].id if claims else 0,
            count=len(claims),
        )
    dense_retriever(session, matcher).catch_up()
    return ImportReport(imported=len(claims), skipped_duplicates=len(records) - len(fresh))


def _encode(
    matcher: Matcher, texts: list[str], contexts: list[str | None]
) -> tuple[np.ndarray, list[bytes | None]]:
    """Return the vectors of TEXTS and the stored form of each context's vector (None if none)."""
    given = [c for c in contexts if c]
    vectors = matcher.embedder.encode(texts + given)
    found = iter(vectors[len(texts) :])
    return vectors[: len(texts)], [to_blob(next(found)) if c else None for c in contexts]


def _reembed(matcher: Matcher, batch: list[Claim], now, *, rescore: bool) -> None:
    """Give BATCH new dense vectors; RESCORE scores their check-worthiness and kind again."""
    texts, contexts = [c.text for c in batch], [c.context for c in batch]
    if rescore:  # one pass gives the vectors and what check-worthiness reads
        encoded = matcher.embedder.encode_layers(texts)
        vectors, scores = encoded.embeddings, score_claims(encoded.layers, texts)
        context_vectors = _encode(matcher, [], contexts)[1]
    else:
        (vectors, context_vectors), scores = _encode(matcher, texts, contexts), None
    for i, (claim, vector, context_vector) in enumerate(
        zip(batch, vectors, context_vectors, strict=True)
    ):
        if scores is not None and claim.checkworthiness is not None:  # scored claims only
            claim.checkworthiness, claim.kind = scores[i], classify_kind(claim.text)
        claim.embedding = to_blob(vector)
        claim.context_embedding = context_vector
        claim.embedding_model = matcher.embedder.name
        claim.embedded_at = now


def _claim_from(record: ClaimRecord, blob: bytes, model: str, now) -> Claim:
    claim = Claim(
        text=record.text,
        claimant=record.claimant,
        claim_date=record.claim_date,
        context=record.context,
        external_id=record.external_id,
        origin=Origin.IMPORT,
        embedding=blob,
        embedding_model=model,
        embedded_at=now,
        status=ClaimStatus.PUBLISHED if record.rating else ClaimStatus.NEW,
    )
    if record.rating:
        review = Review(
            rating=record.rating,
            original_rating=record.original_rating,
            conclusion=record.conclusion,
            status=ReviewStatus.PUBLISHED,
            url=record.url,
            publisher=record.publisher,
            published_at=now,
        )
        review.sources = [
            Source(
                url=s["url"],
                title=s["title"],
                publisher=s["publisher"],
                quote=s["quote"],
                stance=Stance(s["stance"]),
            )
            for s in record.sources
        ]
        claim.reviews = [review]
    return claim


def without_current_vector(matcher: Matcher, space: str = "dense"):  # a SQL condition
    """Return the condition for claims with no vector of the current model in SPACE."""
    if space == "multilingual" and matcher.multilingual is not None:
        name = matcher.multilingual.embedder.name
        return or_(Claim.multilingual_model.is_(None), Claim.multilingual_model != name)
    return or_(Claim.embedding_model.is_(None), Claim.embedding_model != matcher.embedder.name)


def _spaces(matcher: Matcher, space: str | None) -> list[str]:
    names = [state.name for state in matcher.spaces()]
    if space is None:
        return names
    if space not in names:
        raise InvalidInput(f"No vector space {space!r} is configured: use {' or '.join(names)}.")
    return [space]


def count_without_current_vector(
    session: Session, matcher: Matcher, *, space: str | None = None
) -> int:
    """Return how many claims some search cannot find until they are embedded again (in
    SPACE, or in any configured space)."""
    condition = or_(*(without_current_vector(matcher, name) for name in _spaces(matcher, space)))
    return session.scalar(select(func.count(Claim.id)).where(condition))


def reindex_claims(
    session: Session,
    matcher: Matcher,
    *,
    only_missing: bool = False,
    space: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Re-embed every claim with the current models (e.g. after a model change); one commit.

    ONLY_MISSING embeds only the claims without a vector of the current model (a migration
    that changed their text cleared it) and scores their check-worthiness and kind again.
    SPACE ("dense" or "multilingual") re-embeds only that space's vectors. Returns how many
    claims got a new vector.
    """
    names = _spaces(matcher, space)
    condition = or_(*(without_current_vector(matcher, name) for name in names))
    query = select(Claim).order_by(Claim.id)
    if only_missing:
        query = query.where(condition)
    claims = list(session.scalars(query))
    if not claims:
        return 0
    now = utcnow()
    with transaction(session):
        for batch in _batches(claims, matcher.embedder.batch_size * 4):
            if "multilingual" in names:
                embed_multilingual(
                    matcher,
                    [
                        c
                        for c in batch
                        if not only_missing
                        or c.multilingual_model != matcher.multilingual.embedder.name
                    ],
                )
            if "dense" in names:
                dense = [
                    c
                    for c in batch
                    if not only_missing or c.embedding_model != matcher.embedder.name
                ]
                if dense:
                    _reembed(matcher, dense, now, rescore=only_missing)
            if progress:
                progress(len(batch))
        audit.record(
            session,
            None,
            "claims.reindexed",
            "claim",
            0,
            count=len(claims),
            model=matcher.embedder.name,
            models=[state.embedder.name for state in matcher.spaces() if state.name in names],
            only_missing=only_missing,
        )
    dense_retriever(session, matcher).catch_up()
    return len(claims)
