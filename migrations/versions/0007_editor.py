"""editor: drafts, article revisions and stale claims

Revision ID: 0007_editor
Revises: 0006_desk
Create Date: 2026-11-27 21:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_editor"
down_revision = "0006_desk"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "article_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_article_revision_article_id_article")
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"], ["user.id"], name=op.f("fk_article_revision_replaced_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_revision")),
        sa.UniqueConstraint("article_id", "number", name=op.f("uq_article_revision_article_id")),
    )
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_draft", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stale_since_revision", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_column("stale_since_revision")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("revision")
        batch_op.drop_column("is_draft")
    op.drop_table("article_revision")
