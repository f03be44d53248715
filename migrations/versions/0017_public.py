"""The public side: indexes for the published-verdict list (/v/, the feed, the sitemap)

Revision ID: 0017_public
Revises: 0016_monitoring
Create Date: 2026-11-30 21:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_public"
down_revision = "0017_settings"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("review") as batch:
        batch.create_index("ix_review_status_published_at", ["status", "published_at"])
        batch.create_index("ix_review_claim_status", ["claim_id", "status", "id"])


def downgrade():
    with op.batch_alter_table("review") as batch:
        batch.drop_index("ix_review_claim_status")
        batch.drop_index("ix_review_status_published_at")
