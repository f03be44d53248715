"""user.session_version: logging out or a password reset ends every session

The session cookie names the user's id and this number; counting it up makes every earlier
cookie (copies included) log nobody in. Existing users start at 1 (sessions from before this
migration name no version and end: everyone logs in once more).

Revision ID: 0015_session_version
Revises: 0014_link_approval
Create Date: 2026-12-01 00:13:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_session_version"
down_revision = "0014_link_approval"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="1", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_version")
