"""Languages: claims searchable by language, a multilingual vector per claim, the vector log
per vector space

claim.multilingual_embedding holds the multilingual encoder's vector (vector(512) with an
HNSW index on PostgreSQL, a BLOB on SQLite) and claim.multilingual_model the model that made
it; existing claims get theirs from `flask claims reindex --missing`. On SQLite,
claim_vector_log gains a space column (dense or multilingual, one row per claim and space)
and its triggers follow the multilingual vector and the language too; every claim is logged
once for each space.

Revision ID: 0017_language
Revises: 0017_job_progress
Create Date: 2026-11-30 21:00:00

"""

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import VECTOR

# revision identifiers, used by Alembic.
revision = "0017_language"
down_revision = "0017_job_progress"
branch_labels = None
depends_on = None

# The same objects as factcheck.models.SQLITE_VECTOR_LOG makes on a new database.
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
# What 0011_vector_log made, for the downgrade.
OLD_VECTOR_LOG = (
    "CREATE TABLE claim_vector_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "claim_id INTEGER NOT NULL UNIQUE)",
    "CREATE TRIGGER claim_vector_log_insert AFTER INSERT ON claim BEGIN "
    "INSERT OR REPLACE INTO claim_vector_log(claim_id) VALUES (new.id); END",
    "CREATE TRIGGER claim_vector_log_update AFTER UPDATE OF embedding, embedding_model ON claim "
    "BEGIN INSERT OR REPLACE INTO claim_vector_log(claim_id) VALUES (new.id); END",
    "CREATE TRIGGER claim_vector_log_delete AFTER DELETE ON claim BEGIN "
    "INSERT OR REPLACE INTO claim_vector_log(claim_id) VALUES (old.id); END",
)
TRIGGERS = ("insert", "update", "update_multilingual", "delete")


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    vector = sa.LargeBinary() if sqlite else VECTOR(512)
    # Plain ALTER TABLE on both databases: a rebuilt SQLite table would lose its triggers.
    op.add_column("claim", sa.Column("multilingual_embedding", vector, nullable=True))
    op.add_column("claim", sa.Column("multilingual_model", sa.String(length=200), nullable=True))
    op.create_index("ix_claim_language", "claim", ["language"])
    if not sqlite:
        op.execute(
            "CREATE INDEX ix_claim_multilingual_hnsw ON claim "
            "USING hnsw (multilingual_embedding vector_cosine_ops)"
        )
        return
    # The log gets its space column by being made again, every claim logged once per space.
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS claim_vector_log_{trigger}")
    op.execute("DROP TABLE claim_vector_log")
    for statement in SQLITE_VECTOR_LOG:
        op.execute(statement)
    for space in ("dense", "multilingual"):
        op.execute(
            f"INSERT INTO claim_vector_log(claim_id, space) SELECT id, '{space}' FROM claim "
            "ORDER BY id"
        )


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        op.execute("DROP INDEX ix_claim_multilingual_hnsw")
    else:
        for trigger in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS claim_vector_log_{trigger}")
        op.execute("DROP TABLE claim_vector_log")
    op.drop_index("ix_claim_language", table_name="claim")
    op.drop_column("claim", "multilingual_model")
    op.drop_column("claim", "multilingual_embedding")
    if sqlite:
        for statement in OLD_VECTOR_LOG:
            op.execute(statement)
        op.execute("INSERT INTO claim_vector_log(claim_id) SELECT id FROM claim ORDER BY id")
