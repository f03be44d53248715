"""Lexical search in the database: SQLite FTS5 (BM25) or PostgreSQL full-text ranking.

One search gives each claim's fused lexical score and its scores on the text and the context
alone (for the re-ranker); on SQLite, terms that match too many claims are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from factcheck.matching.lexical import clean_query, fts_query, websearch_query, within_budget
from factcheck.matching.matcher import Matcher
from factcheck.models import Claim


def lexical_search(session: Session, text: str, matcher: Matcher) -> list[tuple[int, float]]:
    """Return (claim id, lexical score) for TEXT, best first: FTS5 BM25 or PostgreSQL ranking."""
    return lexical_search_many(session, [text], matcher)[0]


def lexical_search_many(
    session: Session, texts: Sequence[str], matcher: Matcher
) -> list[list[tuple[int, float]]]:
    """Return lexical_search's results for each of TEXTS, in one statement (or a few)."""
    return [
        [(claim_id, score) for claim_id, score, _ in rows]
        for rows in lexical_fields_many(session, texts, matcher)
    ]


def lexical_fields(
    session: Session, text: str, matcher: Matcher
) -> list[tuple[int, float, tuple[float, float]]]:
    """Return (claim id, lexical score, (score on its text alone, on its context alone)) for
    TEXT, best first: one search serves the fusion and the re-ranker."""
    return lexical_fields_many(session, [text], matcher)[0]


def lexical_fields_many(
    session: Session,
    texts: Sequence[str],
    matcher: Matcher,
    *,
    languages: Sequence[str | None] | None = None,
) -> list[list[tuple[int, float, tuple[float, float]]]]:
    """Return lexical_fields' results for each of TEXTS, in one statement (or a few).

    LANGUAGES, when given, keeps each text's search to the claims in its language (None: any).
    """
    languages = list(languages) if languages is not None else [None] * len(texts)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return _postgres_search(session, [clean_query(text) for text in texts], matcher, languages)
    if dialect != "sqlite":
        return [[] for _ in texts]

    def affordable(terms: list[str]) -> list[str]:
        return affordable_terms(session, matcher, terms)

    return _sqlite_search(
        session,
        [fts_query(clean_query(text), keep=affordable) for text in texts],
        matcher,
        languages,
    )


# SQLite allows at most 500 SELECTs in one compound statement.
_FTS_PER_STATEMENT = 200


def _sqlite_search(
    session: Session,
    queries: Sequence[str | None],
    matcher: Matcher,
    languages: Sequence[str | None],
) -> list[list[tuple[int, float, tuple[float, float]]]]:
    """FTS5 BM25 (the claim's text weight 1, its context CONTEXT_WEIGHT) for each MATCH query.

    The queries' top-CANDIDATES subqueries are joined by UNION ALL: one statement for an
    article's claims costs less than one statement each (bench/README.md).
    """
    found: list[list[tuple[int, float, tuple[float, float]]]] = [[] for _ in queries]
    asked = [(i, query) for i, query in enumerate(queries) if query is not None]
    for start in range(0, len(asked), _FTS_PER_STATEMENT):
        chunk = asked[start : start + _FTS_PER_STATEMENT]
        params: dict[str, object] = {
            "limit": matcher.candidates,
            "context_weight": matcher.context_weight,
        }
        selects = []
        for position, query in chunk:
            params[f"query_{position}"] = query
            language = ""
            if languages[position] is not None:
                params[f"language_{position}"] = languages[position]
                # "+rowid": the filter applies to the rows MATCH found; a plain rowid IN lets
                # SQLite drive the search from the language's ids, one FTS5 lookup each.
                language = (
                    f" AND +rowid IN (SELECT id FROM claim WHERE language = :language_{position})"
                )
            selects.append(
                f"SELECT * FROM (SELECT {position} AS position, rowid, "
                "bm25(claim_fts, 1.0, :context_weight) AS rank, bm25(claim_fts, 1.0, 0.0), "
                "bm25(claim_fts, 0.0, 1.0) FROM claim_fts "
                f"WHERE claim_fts MATCH :query_{position}{language} ORDER BY rank LIMIT :limit)"
            )
        rows = session.execute(sql_text(" UNION ALL ".join(selects)), params)
        for position, claim_id, rank, on_text, on_context in rows:
            # bm25() is lower for better
            found[position].append((claim_id, -rank, (-on_text, -on_context)))
    for rows in found:  # UNION ALL keeps each part's order in practice; make sure of it
        rows.sort(key=lambda row: -row[1])
    return found


def _postgres_search(
    session: Session, texts: Sequence[str], matcher: Matcher, languages: Sequence[str | None]
) -> list[list[tuple[int, float, tuple[float, float]]]]:
    """Full-text search on PostgreSQL: the same OR of terms, ranked by ts_rank; one statement.

    The claim's text is weight A and its context weight B; ts_rank takes weights in [0, 1],
    so CONTEXT_WEIGHT is kept as a ratio ({D, C, B, A}). ts_rank (term frequency) retrieved
    better than ts_rank_cd (cover density) on the CheckThat! 2A dev set (bench/README.md).
    Each text is a row of an unnested array searched by a LATERAL subquery (GIN index, top
    CANDIDATES).
    """
    found: list[list[tuple[int, float, tuple[float, float]]]] = [[] for _ in texts]
    asked = [
        (i, query)
        for i, query in enumerate(websearch_query(text) for text in texts)
        if query is not None
    ]
    if not asked:
        return found
    scale = max(1.0, matcher.context_weight)
    weights = f"{{0, 0, {matcher.context_weight / scale}, {1.0 / scale}}}"
    rows = session.execute(
        sql_text(
            "SELECT asked.position, found.id, found.rank, found.on_text, found.on_context "
            "FROM unnest(CAST(:queries AS text[]), CAST(:languages AS text[])) "
            "WITH ORDINALITY AS asked(query, language, position) "
            "CROSS JOIN LATERAL (SELECT id, "
            "ts_rank(CAST(:weights AS real[]), search_vector, tsquery) AS rank, "
            "ts_rank(CAST('{0, 0, 0, 1}' AS real[]), search_vector, tsquery) AS on_text, "
            "ts_rank(CAST('{0, 0, 1, 0}' AS real[]), search_vector, tsquery) AS on_context "
            "FROM claim, websearch_to_tsquery('english', asked.query) AS tsquery "
            "WHERE search_vector @@ tsquery "
            "AND (asked.language IS NULL OR claim.language = asked.language) "
            "ORDER BY rank DESC, id LIMIT :limit) AS found "
            "ORDER BY asked.position, found.rank DESC, found.id"
        ),
        {
            "queries": [query for _, query in asked],
            "languages": [languages[i] for i, _ in asked],
            "weights": weights,
            "limit": matcher.candidates,
        },
    ).all()
    for position, claim_id, rank, on_text, on_context in rows:
        found[asked[position - 1][0]].append(
            (claim_id, float(rank), (float(on_text), float(on_context)))
        )
    return found


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
            counts[term] = session.scalar(
                sql_text("SELECT count(*) FROM claim_fts WHERE claim_fts MATCH :term"),
                {"term": '"' + term.replace('"', '""') + '"'},
            )
    return within_budget(terms, counts, budget)
