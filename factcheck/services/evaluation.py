"""Claim-retrieval evaluation on CheckThat!-style files, through the product's own code."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.matching import Matcher
from factcheck.matching.lexical import clean_query
from factcheck.matching.matcher import ENGLISH
from factcheck.matching.rerank import QueryMeta
from factcheck.matching.search import retrieve
from factcheck.models import Claim
from factcheck.services.claims import ClaimRecord
from factcheck.verdicts import normalise_rating

csv.field_size_limit(10_000_000)
_SIGNATURE_DATE = re.compile(r"\(@\w+\)\s+(\w+ \d{1,2}, \d{4})\s*$")
# Dates in fields, names (query ids, transcript files) and header lines: 20160926, 2016-09-26,
# 2016_9_26, 2019_oct_03, oct_03_2019, 03_oct_2019, "September 12, 2019", "3 October 2019".
_Y, _D = r"(?P<y>\d{4})", r"(?P<d>\d{1,2})"
_MON = (
    r"(?P<m>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"(?:uary|ruary|ch|il|e|y|ust|t|tember|ober|ember)?\.?(?![a-z])"
)
_SEP = r"[-_. ,]{0,2}"
_NAME_DATES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"(?<!\d)(?P<y>\d{4})(?P<s>[-_.]?)(?P<m>\d{2})(?P=s)(?P<d>\d{2})(?!\d)",
        r"(?<!\d)(?P<y>\d{4})(?P<s>[-_.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?!\d)",
        rf"(?<![\da-z]){_Y}{_SEP}{_MON}{_SEP}{_D}(?!\d)",
        rf"(?<![a-z]){_MON}{_SEP}{_D}{_SEP}{_Y}(?!\d)",
        rf"(?<!\d){_D}{_SEP}{_MON}{_SEP}{_Y}(?!\d)",
    )
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def read_vclaims(path: Path) -> list[ClaimRecord]:
    """Return the verified claims of a vclaims JSON-lines file as import records."""
    records = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        label = row.get("truth_label")
        context = " ".join(p for p in (row.get("title"), row.get("subtitle")) if p)
        records.append(
            ClaimRecord(
                text=" ".join(row["vclaim"].split()),
                external_id=row["vclaim_id"],
                claimant=row.get("speaker") or row.get("author"),
                context=context or None,
                claim_date=parse_date(row.get("date")),
                rating=normalise_rating(label) if label else None,
                original_rating=label,
                url=row.get("url"),
            )
        )
    return records


def parse_date(value: str | None) -> date | None:
    """Return the first date VALUE spells in a common way, or None: "stated on October 22,
    2019 in a tweet:", "26 May 2015", "2019_oct_03_221", "20160926_1pres", "2016-09-26"."""
    found = []
    for pattern in _NAME_DATES:
        for match in pattern.finditer(value or ""):
            month = match["m"]
            try:
                when = date(
                    int(match["y"]),
                    int(month) if month.isdigit() else _MONTHS.index(month.lower()) + 1,
                    int(match["d"]),
                )
            except ValueError:
                continue
            if 1900 <= when.year <= 2100:
                found.append((match.start(), when))
                break
    return min(found)[1] if found else None


def read_tsv_pairs(path: Path) -> dict[str, str]:
    """Return {id: text} from an `id<TAB>text` file (quotes are plain characters)."""
    with path.open(encoding="utf-8", newline="") as f:
        return {
            row[0]: row[1]
            for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            if len(row) >= 2
        }


def read_qrels(path: Path) -> dict[str, set[str]]:
    """Return {query id: relevant claim ids} from a TREC qrels file."""
    qrels: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[3] != "0":
            qrels[parts[0]].add(parts[2])
    return dict(qrels)


@dataclass(frozen=True, slots=True)
class Transcript:
    """A debate's numbered lines {number: (speaker, text)}, and its date when it gives one."""

    lines: dict[int, tuple[str, str]]
    date: date | None = None


def read_transcript(path: Path) -> Transcript:
    """Return the transcript at PATH, dated by its file name or else by its header lines.

    The header is whatever precedes the first numbered line ("# Democratic debate, Houston,
    September 12, 2019", a column header).
    """
    lines: dict[int, tuple[str, str]] = {}
    header: list[str] = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row and row[0].strip().isdigit():
                if len(row) >= 3:
                    lines[int(row[0])] = (row[1], row[2])
            elif not lines:
                header.append(" ".join(row))
    when = parse_date(path.stem) or next((d for d in map(parse_date, header) if d), None)
    return Transcript(lines, when)


def _transcripts(queries: Mapping[str, str], context_dir: Path) -> dict[str, Transcript]:
    """Return each query's transcript (an empty one when none is found)."""
    files = sorted(context_dir.glob("*.tsv"))
    by_stem: dict[str, Transcript] = {}
    result = {}
    for query_id in queries:
        stem = query_id.rpartition("_")[0]
        if stem not in by_stem:
            path = transcript_file(stem, files)
            by_stem[stem] = read_transcript(path) if path is not None else Transcript({})
        result[query_id] = by_stem[stem]
    return result


def _line(query_id: str) -> int:
    number = query_id.rpartition("_")[2]
    return int(number) if number.isdigit() else -1


def with_context(
    queries: Mapping[str, str], context_dir: Path, *, before: int = 2
) -> dict[str, str]:
    """Prefix each debate sentence with the BEFORE transcript lines that precede it.

    A query id is `<transcript file stem>_<line number>`; a sentence alone often lacks its
    subject ("He did it twice"), which the lines before it give.
    """
    transcripts = _transcripts(queries, context_dir)
    result = {}
    for query_id, text in queries.items():
        lines, line = transcripts[query_id].lines, _line(query_id)
        previous = [lines[i][1] for i in range(line - before, line) if i in lines]
        result[query_id] = " ".join([*previous, text])
    return result


def query_metadata(
    queries: Mapping[str, str], context_dir: Path | None = None
) -> dict[str, QueryMeta]:
    """Return what each query says of its claimant and date, for the re-ranker.

    A debate sentence: the speaker of its transcript line, and the debate's date, from the
    transcript (its file name or header) or else the query id, in any common spelling
    (`20160926_1pres_3`, `2019_oct_03_221`; see parse_date). A tweet: the date of its
    signature ("— Jane (@jane) January 6, 2020"); its author is not a claimant the stored
    fact-checks would name.
    """
    transcripts = _transcripts(queries, context_dir) if context_dir else {}
    result = {}
    for query_id, text in queries.items():
        if context_dir:
            transcript = transcripts[query_id]
            speaker = transcript.lines.get(_line(query_id), ("", ""))[0]
            result[query_id] = QueryMeta(
                claimant=speaker or None, date=transcript.date or parse_date(query_id)
            )
        else:
            signature = _SIGNATURE_DATE.search(text)
            result[query_id] = QueryMeta(date=parse_date(signature.group(1)) if signature else None)
    return result


def transcript_file(stem: str, files: Sequence[Path]) -> Path | None:
    """Return the transcript named STEM among FILES, else the only one of the same date.

    Query ids do not always spell the file name as it is stored ("20160115_GOP_charlston"
    for 20160115_GOP_Charleston.tsv, "20160926_1pres" for 20160926_first_presidential_debate):
    the case is ignored, and failing that the date (in any spelling) decides when it is
    unambiguous.
    """
    for path in files:
        if path.stem.lower() == stem.lower():
            return path
    when = parse_date(stem)
    same_date = [path for path in files if when is not None and parse_date(path.stem) == when]
    return same_date[0] if len(same_date) == 1 else None


def rank_queries(
    session: Session,
    matcher: Matcher,
    queries: Mapping[str, str],
    *,
    context: Mapping[str, str] | None = None,
    metadata: Mapping[str, QueryMeta] | None = None,
    languages: Mapping[str, str] | None = None,
    k: int = 10,
    progress: Callable[[int], None] | None = None,
) -> dict[str, list[tuple[str, float]]]:
    """Return, per query id, the external ids and similarities of the K best stored claims.

    LANGUAGES gives each query's language (English when not given), which chooses its way
    through matching (matching.search.retrieve).
    """
    external = {i: e for i, e in session.execute(select(Claim.id, Claim.external_id))}
    ids = list(queries)
    rankings: dict[str, list[tuple[str, float]]] = {}
    for start in range(0, len(ids), 64):
        batch = ids[start : start + 64]
        texts = [clean_query(queries[q]) or queries[q] for q in batch]
        contexts = [clean_query(context[q]) for q in batch] if context else None
        found = retrieve(
            session,
            matcher,
            matcher.embedder.encode(texts),
            texts,
            k=k,
            contexts=contexts,
            metadata=[metadata.get(q) for q in batch] if metadata else None,
            languages=[languages.get(q, ENGLISH) for q in batch] if languages else None,
        )
        for query_id, matches in zip(batch, found, strict=True):
            rankings[query_id] = [
                (external[m.claim_id], m.similarity) for m in matches if external.get(m.claim_id)
            ]
        if progress:
            progress(len(batch))
    return rankings


def language_pairs(
    queries: Mapping[str, str],
    qrels: Mapping[str, set[str]],
    languages: Mapping[str, str],
    claim_languages: Mapping[str, str],
) -> dict[str, dict[str, set[str]]]:
    """Return the qrels split by language pair, "ru->en" (query -> its relevant claims)."""
    pairs: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for query_id in queries:
        relevant = qrels.get(query_id, set())
        targets = sorted({claim_languages.get(c, "?") for c in relevant}) or ["?"]
        pairs[f"{languages.get(query_id, ENGLISH)}->{'+'.join(targets)}"][query_id] = relevant
    return dict(sorted(pairs.items()))
