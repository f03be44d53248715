"""claim_link: a written reason, a second checker's approval and the "submitted" state

A confirmed same/paraphrase link gives a claim another claim's verdict. A pair that is not a
candidate (similarity below the suggestion threshold) needs a reason written down; with second
review on, such a link waits as "submitted" until another checker approves it.

Revision ID: 0014_link_approval
Revises: 0013_review_version
Create Date: 2026-12-01 00:12:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_link_approval"
down_revision = "0013_review_version"
branch_labels = None
depends_on = None

OLD_STATES = ("suggested", "confirmed", "rejected")
NEW_STATES = ("suggested", "submitted", "confirmed", "rejected")


def _state_check(values):
    return "state IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    with op.batch_alter_table("claim_link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_claim_link_approved_by_id_user"), "user", ["approved_by_id"], ["id"]
        )
        batch_op.drop_constraint(batch_op.f("ck_claim_link_linkstate"), type_="check")
        batch_op.create_check_constraint("linkstate", _state_check(NEW_STATES))


def downgrade():
    op.execute("UPDATE claim_link SET state = 'suggested' WHERE state = 'submitted'")
    with op.batch_alter_table("claim_link", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_claim_link_linkstate"), type_="check")
        batch_op.create_check_constraint("linkstate", _state_check(OLD_STATES))
        batch_op.drop_constraint(
            batch_op.f("fk_claim_link_approved_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by_id")
        batch_op.drop_column("reason")
