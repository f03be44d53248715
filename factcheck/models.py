"""Database models (SQLAlchemy 2.0). No Flask imports: the app binds them through extensions.db."""

from __future__ import annotations

import enum
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (JSON, Date, DateTime, Enum, Float, ForeignKey, Index, Integer,
                        LargeBinary, MetaData, String, Text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Return the current time in UTC (stored naive-free, always timezone-aware)."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base with named constraints, so Alembic can alter them on SQLite."""

    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })
    type_annotation_map = {datetime: DateTime(timezone=True)}


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


class ReviewStatus(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Stance(str, enum.Enum):
    SUPPORTS = "supports"
    REFUTES = "refutes"
    CONTEXT = "context"


def _enum(cls: type[enum.Enum]) -> Enum:
    # Store the readable value ("in_review"), checked by a constraint on every database.
    return Enum(cls, values_callable=lambda e: [m.value for m in e], native_enum=False,
                create_constraint=True, name=cls.__name__.lower(), length=16)


class User(Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role))
    active: Mapped[bool] = mapped_column(default=True)
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
        return str(self.id)

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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submitted_by: Mapped[User | None] = relationship()
    claims: Mapped[list[Claim]] = relationship(back_populates="article", order_by="Claim.start")


class Claim(Base):
    __tablename__ = "claim"
    __table_args__ = (Index("ix_claim_status", "status"),)

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
    claimant: Mapped[str | None] = mapped_column(String(200))
    claim_date: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(8), default="en")
    origin: Mapped[Origin] = mapped_column(_enum(Origin), default=Origin.ARTICLE)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    embedding_model: Mapped[str | None] = mapped_column(String(200))
    embedded_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    article: Mapped[Article | None] = relationship(back_populates="claims")
    assignee: Mapped[User | None] = relationship()
    reviews: Mapped[list[Review]] = relationship(back_populates="claim", order_by="Review.id")

    @property
    def verdict(self) -> Review | None:
        """Return the latest published review: the claim's current verdict."""
        published = [r for r in self.reviews if r.status is ReviewStatus.PUBLISHED]
        return published[-1] if published else None


class Review(Base):
    """A verdict on a claim. Append-only: a correction is a new row."""

    __tablename__ = "review"

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
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="reviews")
    reviewer: Mapped[User | None] = relationship()
    sources: Mapped[list[Source]] = relationship(back_populates="review", order_by="Source.id",
                                                 cascade="all, delete-orphan")


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
