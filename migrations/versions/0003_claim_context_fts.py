"""claim context and external id; FTS5 lexical index

Revision ID: 1b700a0e45c4
Revises: 0b2e15def645
Create Date: 2026-11-27 19:36:33.514648

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "1b700a0e45c4"
down_revision = "0b2e15def645"
branch_labels = None
depends_on = None


FTS = (
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


def upgrade():
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("external_id", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_claim_external_id"), ["external_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # Lexical search (BM25). NB: a later batch migration that recreates the claim table
        # drops these triggers and must create them again.
        for statement in FTS:
            op.execute(statement)
        op.execute("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("claim_fts_insert", "claim_fts_delete", "claim_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS claim_fts")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_external_id"))
        batch_op.drop_column("external_id")
        batch_op.drop_column("context")
