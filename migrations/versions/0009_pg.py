"""PostgreSQL scale-out: pgvector embeddings with an HNSW index, full-text search vector

On PostgreSQL the claim embedding becomes a vector(384) (stored vectors are converted) with an
HNSW index for cosine search, and a generated tsvector over text and context with a GIN index
serves lexical search. SQLite keeps its BLOBs, numpy index and FTS5 table: nothing changes.

Revision ID: 0009_pg
Revises: 0008_api
Create Date: 2026-11-27 21:40:00

"""

import json

import numpy as np
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_pg"
down_revision = "0008_api"
branch_labels = None
depends_on = None

DIMENSION = 384
SEARCH = (
    "ALTER TABLE claim ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(text, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(context, '')), 'B')) STORED",
    "CREATE INDEX ix_claim_search_vector ON claim USING gin (search_vector)",
    "CREATE INDEX ix_claim_embedding_hnsw ON claim USING hnsw (embedding vector_cosine_ops)",
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _convert_embeddings(new_type: str, convert) -> None:
    """Move every stored embedding into a column of NEW_TYPE through CONVERT, in batches."""
    bind = op.get_bind()
    op.execute(f"ALTER TABLE claim ADD COLUMN embedding_new {new_type}")
    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT id, embedding FROM claim WHERE id > :last AND embedding IS NOT NULL "
                "ORDER BY id LIMIT 1000"
            ),
            {"last": last},
        ).all()
        if not rows:
            break
        converted = [{"id": claim_id, "value": convert(value)} for claim_id, value in rows]
        kept = [row for row in converted if row["value"] is not None]
        if kept:
            bind.execute(
                sa.text(
                    f"UPDATE claim SET embedding_new = CAST(:value AS {new_type}) WHERE id = :id"
                ),
                kept,
            )
        # A vector of another length (another model) cannot be kept: `flask claims reindex`
        # embeds those claims again.
        dropped = [{"id": row["id"]} for row in converted if row["value"] is None]
        if dropped:
            bind.execute(
                sa.text(
                    "UPDATE claim SET embedding_model = NULL, embedded_at = NULL WHERE id = :id"
                ),
                dropped,
            )
        last = rows[-1][0]
    op.execute("ALTER TABLE claim DROP COLUMN embedding")
    op.execute("ALTER TABLE claim RENAME COLUMN embedding_new TO embedding")


def _blob_to_vector(blob: bytes) -> str | None:
    vector = np.frombuffer(bytes(blob), dtype=np.float32)
    return json.dumps(vector.tolist()) if vector.size == DIMENSION else None


def _vector_to_blob(text: str) -> bytes:
    return np.asarray(json.loads(text), dtype=np.float32).tobytes()


def upgrade():
    if not _postgresql():
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    _convert_embeddings(f"vector({DIMENSION})", _blob_to_vector)
    for statement in SEARCH:
        op.execute(statement)


def downgrade():
    if not _postgresql():
        return
    op.execute("DROP INDEX IF EXISTS ix_claim_embedding_hnsw")
    op.execute("DROP INDEX IF EXISTS ix_claim_search_vector")
    op.execute("ALTER TABLE claim DROP COLUMN IF EXISTS search_vector")
    _convert_embeddings("bytea", _vector_to_blob)
