"""claim_vector_log: SQLite workers follow every change of a claim's vector through it

Each insert, delete or change of a claim's embedding (re)writes the claim's row under a new
sequence number (see factcheck.models.SQLITE_VECTOR_LOG). Existing claims are logged once, in
id order. PostgreSQL needs nothing: pgvector answers from the table itself.

Revision ID: 0011_vector_log
Revises: 0010_rerank
Create Date: 2026-11-30 17:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_vector_log"
down_revision = "0010_rerank"
branch_labels = None
depends_on = None

# The same objects as factcheck.models.SQLITE_VECTOR_LOG makes on a new database.
SQLITE_VECTOR_LOG = (
    "CREATE TABLE claim_vector_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "claim_id INTEGER NOT NULL UNIQUE)",
    "CREATE TRIGGER claim_vector_log_insert AFTER INSERT ON claim BEGIN "
    "INSERT OR REPLACE INTO claim_vector_log(claim_id) VALUES (new.id); END",
    "CREATE TRIGGER claim_vector_log_update AFTER UPDATE OF embedding, embedding_model ON claim "
    "BEGIN INSERT OR REPLACE INTO claim_vector_log(claim_id) VALUES (new.id); END",
    "CREATE TRIGGER claim_vector_log_delete AFTER DELETE ON claim BEGIN "
    "INSERT OR REPLACE INTO claim_vector_log(claim_id) VALUES (old.id); END",
)


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in SQLITE_VECTOR_LOG:
        op.execute(statement)
    op.execute("INSERT INTO claim_vector_log(claim_id) SELECT id FROM claim ORDER BY id")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER claim_vector_log_{trigger}")
    op.execute("DROP TABLE claim_vector_log")
