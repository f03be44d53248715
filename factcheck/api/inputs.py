"""Reading API inputs: query arguments, JSON bodies and their fields, times; or 400-422."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from flask import request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from factcheck.models import MAX_ID, as_utc
from factcheck.services.errors import InvalidInput

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def int_arg(name: str, *, low: int = 1, high: int = MAX_ID) -> int | None:
    """Return query argument NAME as a whole number from LOW to HIGH (None when absent)."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if not re.fullmatch(r"[0-9]{1,19}", raw) or not low <= int(raw) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}.")
    return int(raw)


def date_arg(name: str) -> date | None:
    """Return query argument NAME as a YYYY-MM-DD date (None when absent or blank)."""
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()):
            raise ValueError(raw)
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise BadRequest(f"{name} must be a date as YYYY-MM-DD.") from None


def parse_time(raw: str, name: str) -> datetime:
    """Return the UTC datetime of an ISO 8601 date or date-time, or 400 saying what it expects."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return datetime.combine(date.fromisoformat(raw), time.min, UTC)
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(
            f"{name} must be an ISO 8601 date or date-time, "
            "e.g. 2025-01-31 or 2025-01-31T12:00:00Z."
        ) from exc
    try:
        return as_utc(value).astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-01:00 is in year 10000 in UTC
        raise BadRequest(
            f"{name} is out of range: in UTC it must fall between 0001-01-01 and 9999-12-31."
        ) from None


def json_body() -> dict:
    """Return the request's JSON object, or 400/415/422 saying what is wrong with it."""
    if not request.is_json:
        raise UnsupportedMediaType("Send a JSON object with 'Content-Type: application/json'.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # the parser gives up past the interpreter's recursion limit
        raise BadRequest(
            "The request body is nested too deeply: every field of this API "
            "is a string, so send a flat JSON object."
        ) from None
    if data is None:
        raise BadRequest("The request body is not valid JSON.")
    if not isinstance(data, dict):
        raise InvalidInput("The request body must be a JSON object.")
    return data


def text_field(
    data: dict, name: str, *, required: bool = False, limit: int | None = 2000
) -> str | None:
    """Return DATA[NAME] as a string (None when absent), or 422 saying what it must be."""
    value = data.get(name)
    if value is None or (value == "" and not required):
        if required:
            raise InvalidInput(f"'{name}' is required.")
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"'{name}' must be a string.")
    surrogate = _LONE_SURROGATE.search(value)
    if surrogate:  # JSON allows "\ud800" alone; no text can hold it (nor be stored, hashed)
        where = f"\\u{ord(surrogate.group()):04x} at character {surrogate.start():,}"
        raise InvalidInput(
            f"'{name}' contains an unpaired UTF-16 surrogate ({where}): send valid Unicode text."
        )
    if limit is not None and len(value) > limit:
        raise InvalidInput(f"'{name}' is too long ({len(value):,} characters; limit {limit:,}).")
    return value
