"""How many stored claims each search term matches (SQLite FTS5), so BM25 can skip the commonest."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from factcheck.matching import Matcher
from factcheck.matching.lexical import within_budget
from factcheck.models import Claim


def affordable_terms(session: Session, matcher: Matcher, terms: list[str]) -> list[str]:
    """Return the TERMS whose BM25 search stays within LEXICAL_ROW_BUDGET matched rows.

    Collections no larger than the budget keep every term (no term can match more rows than
    there are). Counts are cached per process and counted again once the collection has
    grown by a tenth.
    """
    budget = matcher.lexical_row_budget
    # The in-memory index's length when it is loaded (SQLite), else the largest id (dense
    # enough); either is free next to the search.
    size = len(matcher.index) or session.scalar(select(func.max(Claim.id))) or 0
    if not budget or size <= budget:
        return terms
    counts = matcher.term_counts
    if size > 1.1 * counts.setdefault("", size):  # "" is never a term: it holds the size
        counts.clear()
        counts[""] = size
    for term in terms:
        if term not in counts:
            counts[term] = session.scalar(sql_text(
                "SELECT count(*) FROM claim_fts WHERE claim_fts MATCH :term"),
                {"term": '"' + term.replace('"', '""') + '"'})
    return within_budget(terms, counts, budget)
