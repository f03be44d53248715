"""Jobs report their progress (imports, reindexing) while they run

Revision ID: 0017_job_progress
Revises: 0017_requests
Create Date: 2026-11-30 21:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_job_progress"
down_revision = "0017_requests"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progress", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("progress")
