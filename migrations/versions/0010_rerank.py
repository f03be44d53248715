"""claim.context_embedding: the vector of an imported claim's context, for re-ranking

A BLOB on SQLite, a pgvector vector(384) on PostgreSQL (like claim.embedding; no index: it is
read only for the few candidates being re-ranked). Existing claims get theirs from
`flask claims reindex`; until then the re-ranker treats it as unknown.

Revision ID: 0010_rerank
Revises: 0009_pg
Create Date: 2026-11-28 00:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_rerank"
down_revision = "0009_pg"
branch_labels = None
depends_on = None

DIMENSION = 384


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE claim ADD COLUMN context_embedding vector({DIMENSION})")
        return
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context_embedding", sa.LargeBinary(), nullable=True))


def downgrade():
    op.execute("ALTER TABLE claim DROP COLUMN context_embedding")
