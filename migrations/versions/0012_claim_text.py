"""claim texts without "(article of ...)": the date moves to claim.claim_date

Decontextualisation used to write the article's date into claims with a relative date ("The
museum reopened last week (article of 2024-03-08)."). The words are taken out, the date is
kept in claim_date (the date the claim was made, from which relative dates are now worked
out), and every claim of an article gets the article's publication date as its claim date.

Lexical search follows the new texts by itself (the FTS5 triggers on SQLite, the generated
tsvector on PostgreSQL). The vectors of the changed claims were made from the old texts: they
are cleared, and `flask claims reindex --missing` (run by `make run`) embeds those claims again
and scores their check-worthiness and kind anew (the date's digits made "The museum reopened
last week" a quantity worth 0.91 instead of 0.40). Until then they are found by lexical search
only.

Downgrading keeps the clean texts and dates: they are valid claims for the older code too.

Revision ID: 0012_claim_text
Revises: 0011_vector_log
Create Date: 2026-11-30 17:30:00

"""

import re
from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_claim_text"
down_revision = "0011_vector_log"
branch_labels = None
depends_on = None

ARTICLE_OF = re.compile(r"\s*\(article of (\d{4}-\d{2}-\d{2})\)")
BATCH = 1000


def _clean_texts(bind) -> None:
    # SQLite keeps dates as ISO text (and its CAST to DATE would make a number of it).
    as_date = str if bind.dialect.name == "sqlite" else date.fromisoformat
    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT id, text FROM claim WHERE id > :last AND text LIKE :pattern "
                "ORDER BY id LIMIT :batch"
            ),
            {"last": last, "pattern": "%(article of %", "batch": BATCH},
        ).all()
        if not rows:
            break
        changed = []
        for claim_id, text in rows:
            dates = ARTICLE_OF.findall(text)
            if dates:
                changed.append(
                    {"id": claim_id, "text": ARTICLE_OF.sub("", text), "made_on": as_date(dates[0])}
                )
        if changed:
            bind.execute(
                sa.text(
                    "UPDATE claim SET text = :text, claim_date = COALESCE(claim_date, :made_on), "
                    "embedding = NULL, embedding_model = NULL, embedded_at = NULL WHERE id = :id"
                ),
                changed,
            )
        last = rows[-1][0]


def upgrade():
    bind = op.get_bind()
    _clean_texts(bind)
    # The day an article appeared, as ingest takes it (published_at is stored in UTC).
    day = (
        "substr(article.published_at, 1, 10)"
        if bind.dialect.name == "sqlite"
        else "CAST(article.published_at AT TIME ZONE 'UTC' AS date)"
    )
    op.execute(
        f"UPDATE claim SET claim_date = (SELECT {day} FROM article "
        "WHERE article.id = claim.article_id) "
        "WHERE claim_date IS NULL AND article_id IS NOT NULL"
    )


def downgrade():
    pass
