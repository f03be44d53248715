"""review.version: the save a second checker signs off

Every save of a review in progress counts up; an approval names the version it read and the
UPDATE that publishes it matches only that version. Existing reviews start at 1.

Revision ID: 0013_review_version
Revises: 0012_claim_text
Create Date: 2026-12-01 00:11:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_review_version"
down_revision = "0012_claim_text"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_column("version")
