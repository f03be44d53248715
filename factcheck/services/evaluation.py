"""Claim-retrieval evaluation on CheckThat!-style files, through the product's own code."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.matching import Matcher
from factcheck.matching.lexical import clean_query
from factcheck.models import Claim
from factcheck.services.claims import ClaimRecord
from factcheck.services.matching import retrieve
from factcheck.verdicts import normalise_rating

csv.field_size_limit(10_000_000)


def read_vclaims(path: Path) -> list[ClaimRecord]:
    """Return the verified claims of a vclaims JSON-lines file as import records."""
    records = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        label = row.get("truth_label")
        context = " ".join(p for p in (row.get("title"), row.get("subtitle")) if p)
        records.append(ClaimRecord(
            text=" ".join(row["vclaim"].split()), external_id=row["vclaim_id"],
            claimant=row.get("speaker") or row.get("author"), context=context or None,
            rating=normalise_rating(label) if label else None, original_rating=label,
            url=row.get("url")))
    return records


def read_tsv_pairs(path: Path) -> dict[str, str]:
    """Return {id: text} from an `id<TAB>text` file (quotes are plain characters)."""
    with path.open(encoding="utf-8", newline="") as f:
        return {row[0]: row[1] for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                if len(row) >= 2}


def read_qrels(path: Path) -> dict[str, set[str]]:
    """Return {query id: relevant claim ids} from a TREC qrels file."""
    qrels: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[3] != "0":
            qrels[parts[0]].add(parts[2])
    return dict(qrels)


def with_context(queries: Mapping[str, str], context_dir: Path, *, before: int = 2) -> dict[str, str]:
    """Prefix each debate sentence with the BEFORE transcript lines that precede it.

    A query id is `<transcript file stem>_<line number>`; a sentence alone often lacks its
    subject ("He did it twice"), which the lines before it give.
    """
    transcripts: dict[str, dict[int, str]] = {}
    files = sorted(context_dir.glob("*.tsv"))
    result = {}
    for query_id, text in queries.items():
        stem, _, number = query_id.rpartition("_")
        if stem not in transcripts:
            path = transcript_file(stem, files)
            transcripts[stem] = {}
            if path is not None:
                with path.open(encoding="utf-8", newline="") as f:
                    for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                        if len(row) >= 3 and row[0].isdigit():
                            transcripts[stem][int(row[0])] = row[2]
        lines = transcripts[stem]
        line = int(number) if number.isdigit() else -1
        previous = [lines[i] for i in range(line - before, line) if i in lines]
        result[query_id] = " ".join(previous + [text])
    return result


def transcript_file(stem: str, files: Sequence[Path]) -> Path | None:
    """Return the transcript named STEM among FILES, else the only one of the same date.

    Query ids do not always spell the file name as it is stored ("20160115_GOP_charlston"
    for 20160115_GOP_Charleston.tsv, "20160926_1pres" for 20160926_first_presidential_debate):
    the case is ignored, and failing that the date prefix decides when it is unambiguous.
    """
    for path in files:
        if path.stem.lower() == stem.lower():
            return path
    date = stem.split("_", 1)[0]
    same_date = [path for path in files if path.stem.split("_", 1)[0] == date]
    return same_date[0] if len(same_date) == 1 else None


def rank_queries(session: Session, matcher: Matcher, queries: Mapping[str, str], *,
                 context: Mapping[str, str] | None = None, k: int = 10,
                 progress: Callable[[int], None] | None = None
                 ) -> dict[str, list[tuple[str, float]]]:
    """Return, per query id, the external ids and similarities of the K best stored claims."""
    external = {i: e for i, e in session.execute(select(Claim.id, Claim.external_id))}
    ids = list(queries)
    rankings: dict[str, list[tuple[str, float]]] = {}
    for start in range(0, len(ids), 64):
        batch = ids[start:start + 64]
        texts = [clean_query(queries[q]) or queries[q] for q in batch]
        contexts = [clean_query(context[q]) for q in batch] if context else None
        found = retrieve(session, matcher, matcher.embedder.encode(texts), texts, k=k,
                         contexts=contexts)
        for query_id, matches in zip(batch, found):
            rankings[query_id] = [(external[m.claim_id], m.similarity) for m in matches
                                  if external.get(m.claim_id)]
        if progress:
            progress(len(batch))
    return rankings
