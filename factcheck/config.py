"""Configuration defaults; instance/config.py and FACTCHECK_* environment variables override them."""

from __future__ import annotations


class Defaults:
    """Settings for the embedded default: SQLite in the instance folder, packaged model."""

    SECRET_KEY = None  # set from instance/secret_key (created on first run) unless given
    SQLALCHEMY_DATABASE_URI = None  # None: sqlite:///<instance>/factcheck.sqlite3
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Embedding model: a path or model name; None means the packaged all-MiniLM-L6-v2.
    EMBEDDING_MODEL = None
    EMBEDDING_BATCH_SIZE = 64
    MATCH_TOP_K = 5
    # Seconds between checks that the in-memory vector index still matches the database
    # (another worker or a CLI import may have added claims).
    INDEX_REFRESH_SECONDS = 1.0
    MAX_ARTICLE_CHARS = 500_000
    MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    # The whole request may be larger than one upload (form fields, encoding overhead).
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 8 * 1024 * 1024
    MAX_SEARCH_CHARS = 2_000
    PUBLISHER_NAME = "factcheck desk"
    PUBLISHER_SITE = "factcheck.example"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session
