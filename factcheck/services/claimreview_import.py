"""Read ClaimReview JSON-LD (one object, a list, a DataFeed or an @graph) as claims to import."""

from __future__ import annotations

import json
from dataclasses import replace

from factcheck.services.claims import ClaimRecord, parse_record, read_jsonl
from factcheck.services.errors import InvalidInput
from factcheck.text.language import normalise_code
from factcheck.verdicts import normalise_rating

# A numeric rating, placed on our 1..5 scale, when the textual one is not a label we know.
_BY_VALUE = {5: "true", 4: "mostly-true", 3: "half-true", 2: "mostly-false", 1: "false"}


def read_import_file(content: str) -> tuple[list[ClaimRecord], list[str]]:
    """Return the records and the problems of an import file: ClaimReview JSON-LD or JSON lines."""
    stripped = content.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("[", "{"):
        try:
            data = json.loads(stripped)
        except (json.JSONDecodeError, RecursionError):
            data = None  # several objects, one a line: JSON lines
        if data is not None and _is_json_ld(data):
            return read_claim_reviews(data)
    return read_jsonl(content.splitlines())


def _is_json_ld(data: object) -> bool:
    if isinstance(data, list):
        return bool(data) and all(isinstance(i, dict) and "@type" in i for i in data)
    return isinstance(data, dict) and ("@type" in data or "@graph" in data)


def _items(data: object) -> list[object]:
    """Return the ClaimReview candidates in DATA, unwrapping DataFeeds and @graphs."""
    if isinstance(data, list):
        return [item for element in data for item in _items(element)]
    if not isinstance(data, dict):
        return [data]
    kind = _type(data)
    if "@graph" in data:
        return _items(data["@graph"])
    if kind == "DataFeed":
        return _items(data.get("dataFeedElement") or [])
    if kind == "DataFeedItem":
        return _items(data.get("item") or [])
    return [data]


def _type(data: dict) -> str:
    kind = data.get("@type")
    if isinstance(kind, list):
        kind = next((k for k in kind if isinstance(k, str)), "")
    return kind.rsplit("/", 1)[-1] if isinstance(kind, str) else ""


def read_claim_reviews(data: object) -> tuple[list[ClaimRecord], list[str]]:
    """Return the ClaimRecords in decoded JSON-LD DATA and one message per unusable item."""
    records, errors = [], []
    for number, item in enumerate(_items(data), start=1):
        try:
            records.append(parse_claim_review(item))
        except InvalidInput as exc:
            errors.append(f"item {number}: {exc.message}")
        except RecursionError:
            errors.append(f"item {number}: nested too deeply")
    return records, errors


def _name(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) else None


def _url(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url")
    return value if isinstance(value, str) else None


def _rating(review_rating: object) -> tuple[str | None, str | None]:
    """Return (our rating key, the original label) of a schema.org Rating."""
    if isinstance(review_rating, list):
        review_rating = review_rating[0] if review_rating else None
    if not isinstance(review_rating, dict):
        return None, None
    label = review_rating.get("alternateName") or review_rating.get("name")
    label = label if isinstance(label, str) and label.strip() else None
    key = normalise_rating(label) if label else None
    if key is None:
        key = _by_value(review_rating)
    return key, label


def _by_value(review_rating: dict) -> str | None:
    try:
        value = float(review_rating["ratingValue"])
        best = float(review_rating.get("bestRating", 5))
        worst = float(review_rating.get("worstRating", 1))
    except (KeyError, TypeError, ValueError):
        return None
    if best == worst or not min(best, worst) <= value <= max(best, worst):
        return None
    return _BY_VALUE[round(1 + 4 * (value - worst) / (best - worst))]


def _language(value: object) -> str | None:
    """Return the language tag of inLanguage: text ("ru") or a Language ({"alternateName":
    "ru", "name": "Russian"}); None when it names none (the claim's language is detected)."""
    if isinstance(value, dict):
        value = value.get("alternateName")
    if not isinstance(value, str):
        return None
    try:
        return normalise_code(value)
    except ValueError:
        return None


def parse_claim_review(item: object) -> ClaimRecord:
    """Return the ClaimRecord of one ClaimReview object, or raise InvalidInput saying why not."""
    if not isinstance(item, dict) or _type(item) != "ClaimReview":
        raise InvalidInput("not a ClaimReview object")
    key, label = _rating(item.get("reviewRating"))
    if key is None:
        shown = label or "no textual or numeric rating"
        raise InvalidInput(f"rating {shown!r} does not map onto the verdict scale")
    claim = item.get("itemReviewed") if isinstance(item.get("itemReviewed"), dict) else {}
    headline = _name(item.get("name")) or _name(item.get("headline"))
    description = item.get("description") if isinstance(item.get("description"), str) else None
    claim_date = claim.get("datePublished")
    record = parse_record(
        {
            "text": item.get("claimReviewed"),
            "rating": key,
            "claimant": _name(claim.get("author")),
            "date": claim_date if isinstance(claim_date, str) else None,
            "url": _url(item.get("url")),
            "source": _name(item.get("author")) or _name(item.get("publisher")),
            "conclusion": (headline or "")[:500],
            "context": " ".join(p for p in (headline, description) if p) or None,
            "id": item.get("@id") if isinstance(item.get("@id"), str) else None,
            "language": _language(item.get("inLanguage")),
        }
    )
    # The other desk's own words for the verdict stay with it ("Four Pinocchios").
    return replace(record, original_rating=label[:100] if label and label != key else None)
