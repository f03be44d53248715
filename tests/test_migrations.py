"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from factcheck import create_app
from factcheck.extensions import db
from factcheck.models import Base, declared_in_models


def revision_before(revision: str) -> str:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision(revision).down_revision


@pytest.fixture(params=["sqlite", "postgresql"])
def migration_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty database of its own (file SQLite, or a new PostgreSQL database)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    else:
        postgres = request.getfixturevalue("postgres")
        url = postgres.create_database("migrations")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if request.param == "postgresql":
        postgres.drop_database("migrations")


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": declared_in_models})
        return compare_metadata(context, Base.metadata)


def search_objects() -> dict[str, object]:
    """Return what each database adds for search beyond the declared schema."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            return {
                "journal_mode": connection.exec_driver_sql("PRAGMA journal_mode").scalar(),
                "triggers": connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
                )
                .scalars()
                .all(),
            }
        return {
            "extension": connection.exec_driver_sql(
                "SELECT extname FROM pg_extension WHERE extname = 'vector'"
            ).scalar(),
            "embedding": connection.exec_driver_sql(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = 'claim'::regclass AND attname = 'embedding'"
            ).scalar(),
            "multilingual_embedding": connection.exec_driver_sql(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = 'claim'::regclass AND attname = 'multilingual_embedding'"
            ).scalar(),
            "indexes": connection.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname IN "
                "('ix_claim_embedding_hnsw', 'ix_claim_multilingual_hnsw', "
                "'ix_claim_search_vector') ORDER BY indexname"
            )
            .scalars()
            .all(),
            "search_vector": connection.exec_driver_sql(
                "SELECT attgenerated FROM pg_attribute "
                "WHERE attrelid = 'claim'::regclass AND attname = 'search_vector'"
            ).scalar(),
        }


EXPECTED = {
    "sqlite": {
        "journal_mode": "wal",
        "triggers": [
            "claim_fts_delete",
            "claim_fts_insert",
            "claim_fts_update",
            "claim_vector_log_delete",
            "claim_vector_log_insert",
            "claim_vector_log_update",
            "claim_vector_log_update_multilingual",
        ],
    },
    "postgresql": {
        "extension": "vector",
        "embedding": "vector(384)",
        "multilingual_embedding": "vector(512)",
        "search_vector": "s",
        "indexes": [
            "CREATE INDEX ix_claim_embedding_hnsw ON public.claim USING hnsw "
            "(embedding vector_cosine_ops)",
            "CREATE INDEX ix_claim_multilingual_hnsw ON public.claim USING hnsw "
            "(multilingual_embedding vector_cosine_ops)",
            "CREATE INDEX ix_claim_search_vector ON public.claim USING gin (search_vector)",
        ],
    },
}


def test_migrations_upgrade_a_fresh_database_to_the_models(migration_app):
    upgrade()
    assert schema_differences() == []
    assert search_objects() == EXPECTED[db.engine.dialect.name]


def test_create_all_makes_the_same_search_objects_as_the_migrations(migration_app):
    db.create_all()
    assert search_objects() == EXPECTED[db.engine.dialect.name]


def test_migrations_go_down_to_nothing_and_up_again(migration_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
    upgrade()
    assert schema_differences() == []
    assert search_objects() == EXPECTED[db.engine.dialect.name]


def test_stored_vectors_survive_the_move_to_pgvector_and_back(migration_app):
    before_pgvector = revision_before("0009_pg")
    upgrade(revision=before_pgvector)
    vector = np.linspace(-1, 1, 384, dtype=np.float32)
    vector /= np.linalg.norm(vector)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO claim (text, spans, status, language, origin, embedding, "
                "embedding_model, created_at, updated_at) VALUES ('Snow fell in July.', '[]', "
                "'new', 'en', 'import', :blob, 'model', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"blob": vector.tobytes()},
        )
    upgrade()
    stored = db.session.execute(text("SELECT embedding FROM claim")).scalar()
    db.session.remove()
    if db.engine.dialect.name == "postgresql":  # a vector now, searchable by the HNSW index
        assert np.allclose(np.asarray(stored.strip("[]").split(","), dtype=np.float32), vector)
        found = db.session.execute(
            text("SELECT text FROM claim WHERE search_vector @@ to_tsquery('english', 'snowing')")
        )
        assert found.scalar() == "Snow fell in July."
        db.session.remove()
    downgrade(revision=before_pgvector)
    stored = db.session.execute(text("SELECT embedding FROM claim")).scalar()
    db.session.remove()
    assert bytes(stored) == vector.tobytes()


@pytest.mark.parametrize("migration_app", ["sqlite"], indirect=True)  # pgvector needs no log
def test_existing_claims_enter_the_vector_log_and_later_changes_follow(migration_app):
    upgrade(revision=revision_before("0011_vector_log"))
    with db.engine.begin() as connection:
        for text_ in ("Snow fell in July.", "Rain fell in May."):
            connection.execute(
                text(
                    "INSERT INTO claim (text, spans, status, language, origin, created_at, "
                    "updated_at) VALUES (:text, '[]', 'new', 'en', 'import', CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP)"
                ),
                {"text": text_},
            )
    upgrade()
    with db.engine.begin() as connection:
        log = "SELECT space, claim_id FROM claim_vector_log ORDER BY seq"
        logged = [tuple(row) for row in connection.exec_driver_sql(log)]
        assert logged == [("dense", 1), ("dense", 2), ("multilingual", 1), ("multilingual", 2)]
        connection.exec_driver_sql("UPDATE claim SET embedding = x'00' WHERE id = 1")
        connection.exec_driver_sql("DELETE FROM claim WHERE id = 2")
        connection.exec_driver_sql("UPDATE claim SET text = 'Snow fell.' WHERE id = 1")
        connection.exec_driver_sql("UPDATE claim SET multilingual_model = 'use' WHERE id = 1")
        logged = [tuple(row) for row in connection.exec_driver_sql(log)]
        assert logged == [("dense", 1), ("dense", 2), ("multilingual", 2), ("multilingual", 1)]
        seqs = connection.exec_driver_sql("SELECT seq FROM claim_vector_log ORDER BY seq")
        assert seqs.scalars().all() == [5, 6, 7, 8]  # each change under a new, larger number
        connection.exec_driver_sql("UPDATE claim SET language = 'ru' WHERE id = 1")
        logged = [tuple(row) for row in connection.exec_driver_sql(log)]
        assert set(logged[-2:]) == {("dense", 1), ("multilingual", 1)}  # a language: both


def lexical_hits(word: str) -> list[str]:
    """Return the texts of the claims the database's own full-text search finds for WORD."""
    if db.engine.dialect.name == "sqlite":
        query = (
            "SELECT claim.text FROM claim_fts JOIN claim ON claim.id = claim_fts.rowid "
            "WHERE claim_fts MATCH :word ORDER BY claim.id"
        )
    else:
        query = (
            "SELECT text FROM claim WHERE search_vector @@ to_tsquery('english', :word) ORDER BY id"
        )
    hits = db.session.execute(text(query), {"word": word}).scalars().all()
    db.session.remove()
    return hits


def test_claim_texts_lose_the_article_date_and_keep_it_as_the_claim_date(migration_app):
    upgrade(revision=revision_before("0012_claim_text"))
    vector = np.linspace(-1, 1, 384, dtype=np.float32)
    vector /= np.linalg.norm(vector)
    sqlite = db.engine.dialect.name == "sqlite"
    stored = vector.tobytes() if sqlite else str(vector.tolist())
    # As SQLAlchemy stores it: a naive UTC text on SQLite, a timestamptz on PostgreSQL.
    published = "2024-03-08 00:00:00.000000" if sqlite else datetime(2024, 3, 8, tzinfo=UTC)
    columns = (
        "spans, status, language, origin, embedding, embedding_model, embedded_at, "
        "created_at, updated_at"
    )
    values = (
        "'[]', 'new', 'en', 'article', :vector, 'model', CURRENT_TIMESTAMP, "
        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP"
    )
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO article (id, title, body, content_hash, language, revision, is_draft, "
                "published_at, created_at) VALUES (1, 'Museum', 'The museum reopened last week. "
                "Entry is free.', 'hash', 'en', 1, false, :published, CURRENT_TIMESTAMP)"
            ),
            {"published": published},
        )
        for claim_id, claim_text in (
            (1, "The museum reopened last week (article of 2024-03-08)."),
            (2, "Entry is free."),
        ):
            connection.execute(
                text(
                    f"INSERT INTO claim (id, article_id, text, {columns}) "
                    f"VALUES (:id, 1, :text, {values})"
                ),
                {"id": claim_id, "text": claim_text, "vector": stored},
            )
    assert lexical_hits("article") == ["The museum reopened last week (article of 2024-03-08)."]

    upgrade()
    rows = db.session.execute(
        text(
            "SELECT id, text, claim_date, embedding IS NULL, embedding_model FROM claim ORDER BY id"
        )
    ).all()
    db.session.remove()
    assert [(r[0], r[1], str(r[2]), r[3], r[4]) for r in rows] == [
        # The old vector was of the old text: cleared, for `flask claims reindex --missing`.
        (1, "The museum reopened last week.", "2024-03-08", True, None),
        (2, "Entry is free.", "2024-03-08", False, "model"),
    ]
    assert lexical_hits("article") == []
    assert lexical_hits("museum") == ["The museum reopened last week."]
    downgrade(revision=revision_before("0012_claim_text"))
    assert lexical_hits("museum") == ["The museum reopened last week."]
