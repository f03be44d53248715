"""Database models (SQLAlchemy 2.0). No Flask imports: the app binds them through extensions.db."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from pgvector.sqlalchemy import VECTOR
from sqlalchemy import (
    DDL,
    JSON,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, query_expression, relationship

from factcheck.text.dates import DateReference, resolve_dates

MAX_ID = 2**63 - 1  # the largest integer key any supported database can store


def valid_id(value: int) -> bool:
    """Return True if VALUE can be a stored row's id (larger ones overflow the database)."""
    return 0 < value <= MAX_ID


# Length of the stored claim vectors (all-MiniLM-L6-v2). PostgreSQL's vector column and its
# HNSW index are typed with it; SQLite stores any length.
EMBEDDING_DIMENSION = 384
# Length of the multilingual vectors (Universal Sentence Encoder multilingual v3).
MULTILINGUAL_DIMENSION = 512


def utcnow() -> datetime:
    """Return the current time in UTC (stored naive-free, always timezone-aware)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Return MOMENT with its time zone: a naive one is UTC (SQLite hands them back naive)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with named constraints, so Alembic can alter them on SQLite."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: DateTime(timezone=True)}


class Embedding(TypeDecorator):
    """A float32 vector handled as bytes: a BLOB on SQLite, pgvector's vector(DIMENSION) on
    PostgreSQL.

    Callers always see the same bytes (to_blob/from_blob), whichever database holds them.
    """

    impl = LargeBinary
    cache_ok = True

    def __init__(self, dimension: int = EMBEDDING_DIMENSION) -> None:
        super().__init__()
        self.dimension = dimension

    def load_dialect_impl(self, dialect: Dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(VECTOR(self.dimension))
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: bytes | None, dialect: Dialect):
        if value is None or dialect.name != "postgresql":
            return value
        return np.frombuffer(value, dtype=np.float32)

    def process_result_value(self, value, dialect: Dialect) -> bytes | None:
        if value is None or dialect.name != "postgresql":
            return value
        return np.asarray(value, dtype=np.float32).tobytes()


class Role(str, enum.Enum):
    CHECKER = "checker"
    EDITOR = "editor"
    ADMIN = "admin"


class ClaimStatus(str, enum.Enum):
    NEW = "new"
    IN_REVIEW = "in_review"
    CHECKED = "checked"
    PUBLISHED = "published"
    DISMISSED = "dismissed"


class Origin(str, enum.Enum):
    ARTICLE = "article"
    IMPORT = "import"
    API = "api"
    READER = "reader"  # a claim a reader sent in (/ask) that matched no stored claim


class ReviewStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for a second checker's approval (REQUIRE_SECOND_REVIEW)
    PUBLISHED = "published"


class Stance(str, enum.Enum):
    SUPPORTS = "supports"
    REFUTES = "refutes"
    CONTEXT = "context"


def _enum(cls: type[enum.Enum]) -> Enum:
    # Store the readable value ("in_review"), checked by a constraint on every database.
    return Enum(
        cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        create_constraint=True,
        name=cls.__name__.lower(),
        length=16,
    )


class User(Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the id kept in the session cookie: counting it up (logout, password reset) ends
    # every session of the user, copies of the cookie included.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The three members Flask-Login expects, without importing Flask here.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """Return the id the session keeps (Flask-Login's alternative id): id:session_version."""
        return f"{self.id}:{self.session_version}"

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def has_role(self, *roles: Role) -> bool:
        """Return True if the user has one of ROLES (admins have every role)."""
        return self.role is Role.ADMIN or self.role in roles


class Article(Base):
    __tablename__ = "article"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    outlet: Mapped[str | None] = mapped_column(String(200))
    author: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[datetime | None]
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revision_of_id: Mapped[int | None] = mapped_column(ForeignKey("article.id"))
    # A draft is not published yet: its editor pastes it, reads the flags and revises it.
    is_draft: Mapped[bool] = mapped_column(default=False, server_default=false())
    revision: Mapped[int] = mapped_column(default=1, server_default="1")  # 1, 2, ... (body's)
    # Fetched from its URL: when last, and the validators for the next conditional GET.
    fetched_at: Mapped[datetime | None]
    http_etag: Mapped[str | None] = mapped_column(String(200))
    http_last_modified: Mapped[str | None] = mapped_column(String(100))
    # The monitored feed it came from, if any.
    source_id: Mapped[int | None] = mapped_column(ForeignKey("monitored_source.id"), index=True)
    # Part of the invented Riverton demo (services.demo): badged, hidden once real work exists.
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submitted_by: Mapped[User | None] = relationship()
    source: Mapped[MonitoredSource | None] = relationship()
    urls: Mapped[list[ArticleUrl]] = relationship(
        back_populates="article", order_by="ArticleUrl.id"
    )
    claims: Mapped[list[Claim]] = relationship(back_populates="article", order_by="Claim.start")
    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article", order_by="ArticleRevision.number"
    )


class MonitoredSource(Base):
    """A feed or news sitemap polled on its interval; its new items are fetched and ingested."""

    __tablename__ = "monitored_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # also the articles' outlet
    feed_url: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str | None] = mapped_column(String(16))  # rss, atom, sitemap (once polled)
    interval_minutes: Mapped[int] = mapped_column(default=30)
    language: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    paused_reason: Mapped[str | None] = mapped_column(String(1000))
    next_poll_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    # Health: the last poll, the last good one, what it found, and what went wrong.
    last_polled_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(1000))
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    items_found: Mapped[int] = mapped_column(default=0)  # in the last good poll
    items_queued: Mapped[int] = mapped_column(default=0)  # new links, in all polls
    items_ingested: Mapped[int] = mapped_column(default=0)  # new articles, in all polls
    items_skipped: Mapped[int] = mapped_column(default=0)  # known links or texts, in all polls
    http_etag: Mapped[str | None] = mapped_column(String(200))
    http_last_modified: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()


class ArticleUrl(Base):
    """An address an article was found at (normalised): the link, the final URL, the canonical.

    One story reached by several links is one article; a URL seen before is not fetched again
    by the monitors.
    """

    __tablename__ = "article_url"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="urls")


class ArticleRevision(Base):
    """An earlier body of an article, kept when the editor re-submits the text."""

    __tablename__ = "article_revision"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    # Who submitted the next revision, and when: the end of this one.
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions")
    replaced_by: Mapped[User | None] = relationship()


class Claim(Base):
    __tablename__ = "claim"
    __table_args__ = (
        Index("ix_claim_status", "status"),
        # Finds and counts a model's claims without reading the rows and their embedding
        # blobs (the in-memory index follows claim_vector_log instead, on SQLite).
        Index("ix_claim_embedding_state", "embedding_model", "embedded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id"), index=True)
    start: Mapped[int | None]
    end: Mapped[int | None]
    sentence: Mapped[str | None] = mapped_column(Text)
    # Every [start, end] where the article makes this claim (a summary bullet repeats the body).
    spans: Mapped[list[list[int]]] = mapped_column(JSON, default=list, server_default="[]")
    checkworthiness: Mapped[float | None] = mapped_column(Float)
    kind: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[ClaimStatus] = mapped_column(_enum(ClaimStatus), default=ClaimStatus.NEW)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    dismissal_reason: Mapped[str | None] = mapped_column(String(500))
    # An editor (or anyone) asked for this claim to be checked: it moves up the queue.
    check_requested_at: Mapped[datetime | None]
    check_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    claimant: Mapped[str | None] = mapped_column(String(200))
    # When the claim was made: an article's claims were made on its publication date. Relative
    # dates in the text ("last week") are relative to it (see date_references).
    claim_date: Mapped[date | None] = mapped_column(Date)
    # Text that comes with an imported claim (a fact-check's headline and summary): searched
    # lexically beside the claim, never shown as the claim.
    context: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(200), index=True)
    language: Mapped[str] = mapped_column(String(8), default="en", index=True)
    origin: Mapped[Origin] = mapped_column(_enum(Origin), default=Origin.ARTICLE)
    embedding: Mapped[bytes | None] = mapped_column(Embedding)
    # The vector of the context (an imported fact-check's headline and summary), by the same
    # model: the re-ranker compares the query with it too. None when there is no context.
    context_embedding: Mapped[bytes | None] = mapped_column(Embedding)
    embedding_model: Mapped[str | None] = mapped_column(String(200))
    embedded_at: Mapped[datetime | None]
    # The multilingual vector (factcheck.matching.spaces): what a pair of claims is compared
    # with when either of them is not in English. None until embedded.
    multilingual_embedding: Mapped[bytes | None] = mapped_column(Embedding(MULTILINGUAL_DIMENSION))
    multilingual_model: Mapped[str | None] = mapped_column(String(200))
    # Set when a new revision of the article no longer makes this claim (its text changed or
    # went): the revision that dropped it. Its spans are cleared; the sentence stays to read.
    stale_since_revision: Mapped[int | None]
    # Part of the invented Riverton demo (services.demo): badged, hidden once real work exists.
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false(), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # Filled in only by the review queue's query (services.queue): not columns.
    queue_priority: Mapped[float | None] = query_expression()
    spread: Mapped[int | None] = query_expression()
    recency: Mapped[float | None] = query_expression()
    repeats: Mapped[int | None] = query_expression()  # outlets carrying it lately
    # How many readers asked about the claim: in all, since midnight UTC, in the last 7 days.
    readers: Mapped[int | None] = query_expression()
    readers_today: Mapped[int | None] = query_expression()
    readers_week: Mapped[int | None] = query_expression()

    article: Mapped[Article | None] = relationship(back_populates="claims")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    check_requested_by: Mapped[User | None] = relationship(foreign_keys=[check_requested_by_id])
    reviews: Mapped[list[Review]] = relationship(back_populates="claim", order_by="Review.id")
    links: Mapped[list[ClaimLink]] = relationship(
        back_populates="claim", foreign_keys="ClaimLink.claim_id", order_by="ClaimLink.id"
    )

    @property
    def stale(self) -> bool:
        """Return True if the article's current revision no longer makes this claim."""
        return self.stale_since_revision is not None

    @property
    def date_references(self) -> tuple[DateReference, ...]:
        """Return the relative dates of the text and what they meant on the claim date."""
        return resolve_dates(self.text, self.claim_date)

    @property
    def periods(self) -> tuple[str, ...]:
        """Return the periods its relative dates meant ("first half of 2020")."""
        return tuple(r.period for r in self.date_references if r.period)

    @property
    def verdict(self) -> Review | None:
        """Return the latest published review: the claim's current verdict."""
        published = [r for r in self.reviews if r.status is ReviewStatus.PUBLISHED]
        return published[-1] if published else None

    @property
    def carried_verdict(self) -> Review | None:
        """Return the verdict of a claim confirmed as the same or a paraphrase, if any."""
        for link in reversed(self.links):
            if (
                link.state is LinkState.CONFIRMED
                and link.relation in VERDICT_RELATIONS
                and link.other.verdict is not None
            ):
                return link.other.verdict
        return None


class Review(Base):
    """A verdict on a claim. Append-only: a correction is a new row."""

    __tablename__ = "review"
    __table_args__ = (
        # The public verdict list: published reviews newest first, each checked for a later
        # published review of its claim (services.public).
        Index("ix_review_status_published_at", "status", "published_at"),
        Index("ix_review_claim_status", "claim_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    rating: Mapped[str] = mapped_column(String(32))
    original_rating: Mapped[str | None] = mapped_column(String(100))
    conclusion: Mapped[str] = mapped_column(String(500), default="")
    explanation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ReviewStatus] = mapped_column(_enum(ReviewStatus), default=ReviewStatus.DRAFT)
    # Set for verdicts imported from another desk: where the review was published, and by whom.
    url: Mapped[str | None] = mapped_column(String(2000))
    publisher: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[datetime | None]
    # The second checker who signed the verdict off (REQUIRE_SECOND_REVIEW).
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    # A correction of a published verdict names the review it corrects and why.
    correction_of_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"))
    correction_reason: Mapped[str | None] = mapped_column(String(500))
    # Counts the saves of a review in progress. A second checker's sign-off names the version
    # it read, and every UPDATE of the row matches only the version loaded (SQLAlchemy's
    # optimistic locking), so a verdict changed meanwhile is never published as approved.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    claim: Mapped[Claim] = relationship(back_populates="reviews")
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    correction_of: Mapped[Review | None] = relationship(remote_side=[id])
    sources: Mapped[list[Source]] = relationship(
        back_populates="review", order_by="Source.id", cascade="all, delete-orphan"
    )


class Source(Base):
    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(500), default="")
    publisher: Mapped[str] = mapped_column(String(200), default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    stance: Mapped[Stance] = mapped_column(_enum(Stance), default=Stance.CONTEXT)
    accessed_at: Mapped[datetime] = mapped_column(default=utcnow)

    review: Mapped[Review] = relationship(back_populates="sources")


class LinkState(str, enum.Enum):
    SUGGESTED = "suggested"
    # A same/paraphrase link a checker confirmed, waiting for a second checker's approval
    # (REQUIRE_SECOND_REVIEW): it carries no verdict until then.
    SUBMITTED = "submitted"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Relation(str, enum.Enum):
    SAME = "same"
    PARAPHRASE = "paraphrase"
    NARROWER = "narrower"
    BROADER = "broader"
    CONTRADICTS = "contradicts"
    RELATED = "related"


# Only these relations carry the other claim's verdict over.
VERDICT_RELATIONS = (Relation.SAME, Relation.PARAPHRASE)


class ClaimLink(Base):
    """A claim matched to a stored claim: suggested by similarity, decided by a checker."""

    __tablename__ = "claim_link"
    __table_args__ = (UniqueConstraint("claim_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    similarity: Mapped[float] = mapped_column(Float)
    relation: Mapped[Relation] = mapped_column(_enum(Relation), default=Relation.SAME)
    state: Mapped[LinkState] = mapped_column(_enum(LinkState), default=LinkState.SUGGESTED)
    near_miss: Mapped[list[str]] = mapped_column(JSON, default=list)  # "11% vs 15%", ...
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    # Why the checker says the claims are the same when they are not a candidate pair
    # (similarity below the suggestion threshold): written down, audited, shown.
    reason: Mapped[str | None] = mapped_column(String(500))
    # The second checker who approved a verdict-carrying link (REQUIRE_SECOND_REVIEW).
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    claim: Mapped[Claim] = relationship(foreign_keys=[claim_id], back_populates="links")
    other: Mapped[Claim] = relationship(foreign_keys=[other_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])


class AlertState(str, enum.Enum):
    OPEN = "open"
    CONFIRMED = "confirmed"  # a checker confirmed the link: the earlier verdict is carried
    DISMISSED = "dismissed"


class Alert(Base):
    """A newly ingested claim matched to a claim with a published verdict: a repeat to check."""

    __tablename__ = "alert"
    __table_args__ = (
        UniqueConstraint("claim_id", "other_id"),
        Index("ix_alert_state", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)  # the new one
    other_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)  # checked before
    link_id: Mapped[int | None] = mapped_column(ForeignKey("claim_link.id"))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"))  # verdict then
    similarity: Mapped[float] = mapped_column(Float)
    automatic: Mapped[bool] = mapped_column(default=False)  # the link was confirmed at ingest
    state: Mapped[AlertState] = mapped_column(_enum(AlertState), default=AlertState.OPEN)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    claim: Mapped[Claim] = relationship(foreign_keys=[claim_id])
    other: Mapped[Claim] = relationship(foreign_keys=[other_id])
    link: Mapped[ClaimLink | None] = relationship()
    review: Mapped[Review | None] = relationship()
    decided_by: Mapped[User | None] = relationship()


class ReaderRequest(Base):
    """A claim a reader sent in (/ask or the API), grouped under the claim it is about.

    The reader's email, when given, is kept only until the reply is sent, the reader stops it,
    or READER_EMAIL_RETENTION_DAYS pass; the private status link is stored as a hash.
    """

    __tablename__ = "reader_request"
    __table_args__ = (Index("ix_reader_request_claim_created", "claim_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    text: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    note: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(8), default="web")  # web or api
    # A published verdict matched when the request came in: the reader saw it at once.
    answered_at: Mapped[datetime | None]
    replied_at: Mapped[datetime | None]  # the email with the verdict was sent
    email_removed_at: Mapped[datetime | None]  # sent, stopped by the reader, or expired
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    claim: Mapped[Claim] = relationship()


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()


class TokenScope(str, enum.Enum):
    READ = "read"
    WRITE = "write"  # includes read


class ApiToken(Base):
    """A bearer token for the API. Only a hash is stored; the token is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(
        String(16)
    )  # shown in lists so people can tell tokens apart
    scope: Mapped[TokenScope] = mapped_column(_enum(TokenScope))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def allows(self, scope: TokenScope) -> bool:
        """Return True if the token grants SCOPE (write includes read)."""
        return self.scope is TokenScope.WRITE or scope is TokenScope.READ


class Webhook(Base):
    """A URL that receives every published or corrected verdict as signed ClaimReview JSON."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(200))  # kept to sign; never shown again
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()


class DeliveryStatus(str, enum.Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last attempt


class WebhookDelivery(Base):
    """One event for one webhook: the body to POST, and how its attempts went."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"))
    # claim.repeated: the alert whose earlier verdict and new appearance are sent.
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"))
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        _enum(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    # A worker claims a delivery until this time, so two processes never send it twice.
    locked_until: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    webhook: Mapped[Webhook] = relationship()
    review: Mapped[Review | None] = relationship()
    alert: Mapped[Alert | None] = relationship()


class JobStatus(str, enum.Enum):
    QUEUED = "queued"  # waiting for a consumer (maybe not before run_after)
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # gave up after max_attempts; an admin can retry it


class Job(Base):
    """Background work (fetch, ingest, poll, deliver, import, reindex) and how it went.

    The job engine (Huey) carries only the job's id; this row is the job: a consumer claims it
    (queued -> running) before doing anything, so a message delivered twice runs it once, and
    a job whose consumer died (its heartbeat stopped) is queued again.
    """

    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_status_run_after", "status", "run_after"),
        Index("ix_job_key_status", "key", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Jobs with the same key are not queued twice (e.g. one pending webhook round).
    key: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus), default=JobStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid of the consumer
    heartbeat_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # While it runs, a long job's {"done": n, "total": m} (steps: claims embedded, say).
    progress: Mapped[dict[str, int] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship()


# Lexical search on SQLite: an FTS5 index over claim text and context (BM25), kept in step with
# the claim table by triggers. Migration 0003 creates the same objects on existing databases.
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE claim_fts USING fts5(text, context, content='claim', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER claim_fts_insert AFTER INSERT ON claim BEGIN "
    "INSERT INTO claim_fts(rowid, text, context) VALUES (new.id, new.text, new.context); END",
    "CREATE TRIGGER claim_fts_delete AFTER DELETE ON claim BEGIN "
    "INSERT INTO claim_fts(claim_fts, rowid, text, context) "
    "VALUES ('delete', old.id, old.text, old.context); END",
    "CREATE TRIGGER claim_fts_update AFTER UPDATE OF text, context ON claim BEGIN "
    "INSERT INTO claim_fts(claim_fts, rowid, text, context) "
    "VALUES ('delete', old.id, old.text, old.context); "
    "INSERT INTO claim_fts(rowid, text, context) VALUES (new.id, new.text, new.context); END",
)
for _statement in SQLITE_FTS:
    event.listen(Claim.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))


class Setting(Base):
    """A setting changed in the UI (publisher name, site, public base URL): it overrides the
    configuration's default of the same name (services.settings)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    updated_by: Mapped[User | None] = relationship()


# The in-memory vector indexes of each SQLite worker follow the claim table through this log:
# every insert, delete or change of a claim's vector (re)writes the claim's row for that vector
# space ("dense": embedding, "multilingual": multilingual_embedding) under a new, never reused
# sequence number; a change of language rewrites both (the spaces keep claims apart by
# language). SQLite runs one writer at a time and the number is taken inside the writing
# transaction, so numbers become visible in increasing order: a reader that has applied
# everything up to N only needs the rows after N. Migrations 0011 and 0017 create the same
# objects on existing databases.
VECTOR_SPACES = ("dense", "multilingual")
SQLITE_VECTOR_LOG = (
    "CREATE TABLE claim_vector_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "claim_id INTEGER NOT NULL, space VARCHAR(16) NOT NULL DEFAULT 'dense', "
    "UNIQUE (claim_id, space))",
    "CREATE TRIGGER claim_vector_log_insert AFTER INSERT ON claim BEGIN "
    "INSERT OR REPLACE INTO claim_vector_log(claim_id, space) VALUES (new.id, 'dense'); "
    "INSERT OR REPLACE INTO claim_vector_log(claim_id, space) VALUES (new.id, 'multilingual'); "
    "END",
    "CREATE TRIGGER claim_vector_log_update AFTER UPDATE OF embedding, embedding_model, language "
    "ON claim BEGIN "
    "INSERT OR REPLACE INTO claim_vector_log(claim_id, space) VALUES (new.id, 'dense'); END",
    "CREATE TRIGGER claim_vector_log_update_multilingual AFTER UPDATE OF "
    "multilingual_embedding, multilingual_model, language ON claim BEGIN "
    "INSERT OR REPLACE INTO claim_vector_log(claim_id, space) VALUES (new.id, 'multilingual'); "
    "END",
    "CREATE TRIGGER claim_vector_log_delete AFTER DELETE ON claim BEGIN "
    "INSERT OR REPLACE INTO claim_vector_log(claim_id, space) VALUES (old.id, 'dense'); "
    "INSERT OR REPLACE INTO claim_vector_log(claim_id, space) VALUES (old.id, 'multilingual'); "
    "END",
)
for _statement in SQLITE_VECTOR_LOG:
    event.listen(Claim.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))

# Scale-out on PostgreSQL: pgvector must exist before the claim table (its embedding column is a
# vector); an HNSW index (cosine) serves dense retrieval, and a generated tsvector over the text
# (weight A) and the context (weight B) with a GIN index serves full-text search. Migration
# 0009_pg creates the same objects on existing databases.
POSTGRES_EXTENSION = "CREATE EXTENSION IF NOT EXISTS vector"
POSTGRES_SEARCH = (
    "ALTER TABLE claim ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(text, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(context, '')), 'B')) STORED",
    "CREATE INDEX ix_claim_search_vector ON claim USING gin (search_vector)",
    "CREATE INDEX ix_claim_embedding_hnsw ON claim USING hnsw (embedding vector_cosine_ops)",
    "CREATE INDEX ix_claim_multilingual_hnsw ON claim "
    "USING hnsw (multilingual_embedding vector_cosine_ops)",
)
event.listen(
    Base.metadata, "before_create", DDL(POSTGRES_EXTENSION).execute_if(dialect="postgresql")
)
for _statement in POSTGRES_SEARCH:
    event.listen(Claim.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))

# Made by the DDL above, not declared as columns or indexes: schema comparisons leave them out.
SEARCH_OBJECTS = {
    ("column", "search_vector"),
    ("index", "ix_claim_search_vector"),
    ("index", "ix_claim_embedding_hnsw"),
    ("index", "ix_claim_multilingual_hnsw"),
}


def declared_in_models(name: str | None, type_: str, parent_names: Any) -> bool:
    """Return False for the search objects made by DDL (FTS5, vector log, tsvector, HNSW)."""
    if type_ == "table" and name and name.startswith(("claim_fts", "claim_vector_log", "sqlite_")):
        return False
    return (type_, name) not in SEARCH_OBJECTS
