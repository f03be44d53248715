"""Watching the media: articles by URL, jobs, monitored sources, alerts on repeats

Revision ID: 0016_monitoring
Revises: 0015_session_version
Create Date: 2026-11-30 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_monitoring"
down_revision = "0015_session_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "monitored_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("feed_url", sa.String(length=2000), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("paused_reason", sa.String(length=1000), nullable=True),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("items_found", sa.Integer(), nullable=False),
        sa.Column("items_queued", sa.Integer(), nullable=False),
        sa.Column("items_ingested", sa.Integer(), nullable=False),
        sa.Column("items_skipped", sa.Integer(), nullable=False),
        sa.Column("http_etag", sa.String(length=200), nullable=True),
        sa.Column("http_last_modified", sa.String(length=100), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_monitored_source_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitored_source")),
        sa.UniqueConstraint("name", name=op.f("uq_monitored_source_name")),
    )
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("http_etag", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("http_last_modified", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_article_source_id"), ["source_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_article_source_id_monitored_source"),
            "monitored_source",
            ["source_id"],
            ["id"],
        )
    op.create_table(
        "article_url",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_article_url_article_id_article")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_url")),
        sa.UniqueConstraint("url", name=op.f("uq_article_url_url")),
    )
    with op.batch_alter_table("article_url", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_url_article_id"), ["article_id"], unique=False)

    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="jobstatus",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_job_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index("ix_job_status_run_after", ["status", "run_after"], unique=False)
        batch_op.create_index("ix_job_key_status", ["key", "status"], unique=False)

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "confirmed",
                "dismissed",
                name="alertstate",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_alert_claim_id_claim")),
        sa.ForeignKeyConstraint(["other_id"], ["claim.id"], name=op.f("fk_alert_other_id_claim")),
        sa.ForeignKeyConstraint(
            ["link_id"], ["claim_link.id"], name=op.f("fk_alert_link_id_claim_link")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["review.id"], name=op.f("fk_alert_review_id_review")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_alert_decided_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
        sa.UniqueConstraint("claim_id", "other_id", name=op.f("uq_alert_claim_id")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index("ix_alert_state", ["state", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_other_id"), ["other_id"], unique=False)
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alert_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_webhook_delivery_alert_id_alert"), "alert", ["alert_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_webhook_delivery_alert_id_alert"), type_="foreignkey"
        )
        batch_op.drop_column("alert_id")
    op.drop_table("alert")
    op.drop_table("job")
    op.drop_table("article_url")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_article_source_id_monitored_source"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_article_source_id"))
        batch_op.drop_column("source_id")
        batch_op.drop_column("http_last_modified")
        batch_op.drop_column("http_etag")
        batch_op.drop_column("fetched_at")
    op.drop_table("monitored_source")
