"""Readers send claims: reader_request, and the "reader" origin of claims

Revision ID: 0017_requests
Revises: 0016_monitoring
Create Date: 2026-11-30 21:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_requests"
down_revision = "0017_public"
branch_labels = None
depends_on = None

OLD_ORIGINS = ("article", "import", "api")
NEW_ORIGINS = ("article", "import", "api", "reader")


# Recreating the claim table (SQLite batch mode, to change its CHECK constraint) drops its
# triggers: the FTS5 ones (migration 0003) and the vector log's (0011), made again after.
SQLITE_TRIGGERS = {
    "claim_fts_insert": "AFTER INSERT ON claim BEGIN "
    "INSERT INTO claim_fts(rowid, text, context) VALUES (new.id, new.text, new.context); END",
    "claim_fts_delete": "AFTER DELETE ON claim BEGIN "
    "INSERT INTO claim_fts(claim_fts, rowid, text, context) "
    "VALUES ('delete', old.id, old.text, old.context); END",
    "claim_fts_update": "AFTER UPDATE OF text, context ON claim BEGIN "
    "INSERT INTO claim_fts(claim_fts, rowid, text, context) "
    "VALUES ('delete', old.id, old.text, old.context); "
    "INSERT INTO claim_fts(rowid, text, context) VALUES (new.id, new.text, new.context); END",
    "claim_vector_log_insert": "AFTER INSERT ON claim BEGIN "
    "INSERT OR REPLACE INTO claim_vector_log(claim_id) VALUES (new.id); END",
    "claim_vector_log_update": "AFTER UPDATE OF embedding, embedding_model ON claim "
    "BEGIN INSERT OR REPLACE INTO claim_vector_log(claim_id) VALUES (new.id); END",
    "claim_vector_log_delete": "AFTER DELETE ON claim BEGIN "
    "INSERT OR REPLACE INTO claim_vector_log(claim_id) VALUES (old.id); END",
}


def _restore_sqlite_triggers():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, body in SQLITE_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {body}")


def _origin_check(values):
    return "origin IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    op.create_table(
        "reader_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_reader_request_claim_id_claim")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reader_request")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_reader_request_token_hash")),
    )
    op.create_index("ix_reader_request_claim_created", "reader_request", ["claim_id", "created_at"])
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_claim_origin"), type_="check")
        batch_op.create_check_constraint("origin", _origin_check(NEW_ORIGINS))
    _restore_sqlite_triggers()


def downgrade():
    op.drop_index("ix_reader_request_claim_created", table_name="reader_request")
    op.drop_table("reader_request")
    op.execute("UPDATE claim SET origin = 'api' WHERE origin = 'reader'")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_claim_origin"), type_="check")
        batch_op.create_check_constraint("origin", _origin_check(OLD_ORIGINS))
    _restore_sqlite_triggers()
