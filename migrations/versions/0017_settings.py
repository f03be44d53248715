"""Settings set in the UI (publisher, public base URL) and the demo's marks

Revision ID: 0017_settings
Revises: 0016_monitoring
Create Date: 2026-11-30 21:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_settings"
down_revision = "0016_monitoring"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=2000), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user.id"], name=op.f("fk_setting_updated_by_id_user")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    # Plain ALTER TABLE ADD COLUMN (SQLite does it in place): a batch copy of the claim table
    # would drop its FTS5 and vector-log triggers.
    for table in ("article", "claim"):
        op.add_column(
            table, sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_index(op.f("ix_claim_is_demo"), "claim", ["is_demo"], unique=False)
    # Databases made before the demo was marked: its sample article (by its outlet) and
    # claims (the article's, and the imported ones by their sample fact-check addresses).
    op.execute("UPDATE article SET is_demo = true WHERE outlet = 'Riverton Courier (sample)'")
    op.execute(
        "UPDATE claim SET is_demo = true WHERE article_id IN "
        "(SELECT id FROM article WHERE is_demo = true) "
        "OR (origin = 'import' AND external_id LIKE 'https://factcheck.example/sample/%')"
    )


def downgrade():
    op.drop_index(op.f("ix_claim_is_demo"), table_name="claim")
    # DROP COLUMN in place (SQLite 3.35+): keeps the claim table's triggers.
    for table in ("claim", "article"):
        op.drop_column(table, "is_demo")
    op.drop_table("setting")
