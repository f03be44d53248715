"""The API's one error shape: {"error": {"code": ..., "message": ...}}."""

from __future__ import annotations

from flask import Response, jsonify


def json_error(status: int, code: str, message: str) -> tuple[Response, int]:
    """Return a JSON error response with STATUS."""
    return jsonify({"error": {"code": code, "message": message}}), status
