"""review desk: check requests, dismissal reasons, second review and corrections

Revision ID: 0006_desk
Revises: 552c39a930c5
Create Date: 2026-11-27 21:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_desk"
down_revision = "552c39a930c5"
branch_labels = None
depends_on = None

OLD_REVIEW_STATUSES = ("draft", "published")
NEW_REVIEW_STATUSES = ("draft", "submitted", "published")


# Recreating the claim table (SQLite batch mode) drops the FTS triggers of migration 0003.
FTS_TRIGGERS = (
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


def _restore_fts_triggers():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("claim_fts_insert", "claim_fts_delete", "claim_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in FTS_TRIGGERS:
            op.execute(statement)


def _status_check(values):
    return "status IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dismissal_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column("check_requested_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("check_requested_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_claim_check_requested_by_id_user"),
            "user",
            ["check_requested_by_id"],
            ["id"],
        )
    _restore_fts_triggers()

    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("correction_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("correction_reason", sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_review_approved_by_id_user"), "user", ["approved_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_review_correction_of_id_review"), "review", ["correction_of_id"], ["id"]
        )
        # A verdict waiting for a second checker is "submitted": widen the status check.
        batch_op.drop_constraint(batch_op.f("ck_review_reviewstatus"), type_="check")
        batch_op.create_check_constraint("reviewstatus", _status_check(NEW_REVIEW_STATUSES))


def downgrade():
    op.execute("UPDATE review SET status = 'draft' WHERE status = 'submitted'")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_review_reviewstatus"), type_="check")
        batch_op.create_check_constraint("reviewstatus", _status_check(OLD_REVIEW_STATUSES))
        batch_op.drop_constraint(
            batch_op.f("fk_review_correction_of_id_review"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_review_approved_by_id_user"), type_="foreignkey")
        batch_op.drop_column("correction_reason")
        batch_op.drop_column("correction_of_id")
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by_id")
        batch_op.drop_column("submitted_at")

    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_claim_check_requested_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("check_requested_by_id")
        batch_op.drop_column("check_requested_at")
        batch_op.drop_column("dismissal_reason")
    _restore_fts_triggers()
