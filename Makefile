# The commands the README tells a newcomer. Everything runs inside .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := FLASK_APP=factcheck $(BIN)/flask
# Python keeps compiled modules (and pytest its rewritten test modules) in __pycache__, even
# where the shell says not to: without them each test process compiles everything again.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast lint bench eval train clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) model check
	$(FLASK) claims reindex --missing
	@# The invented Riverton demo goes only into an empty database (`flask demo load` asks).
	$(FLASK) demo load --if-empty
	@# Last, so that the credentials stand in their box below every other step's output.
	@$(FLASK) users ensure-admin
	@echo "factcheck is starting on http://127.0.0.1:5000 (pages are served while the model loads; Ctrl-C stops it)"
	@# One job consumer (fetching, polling, webhooks) beside gunicorn; both stop together.
	@$(FLASK) jobs work & consumer=$$!; \
	trap 'kill $$consumer 2>/dev/null; wait $$consumer' EXIT INT TERM; \
	$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

# What the tests need besides Python, from Debian's packages: redis-server for the job
# engine's Redis tests and chromium for the browser tests (Playwright drives it). Neither
# skips; each is installed once, when missing.
REDIS_SERVER := $(shell command -v redis-server || echo /usr/bin/redis-server)
CHROMIUM := $(shell command -v chromium || echo /usr/bin/chromium)
$(REDIS_SERVER):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
# axe-core (pinned in tools/package-lock.json) checks the public pages' accessibility in the
# browser tests; npm comes from Debian when missing.
NPM := $(shell command -v npm || echo /usr/bin/npm)
$(NPM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm
AXE := tools/node_modules/axe-core/axe.min.js
$(AXE): tools/package.json tools/package-lock.json | $(NPM)
	cd tools && npm ci --no-audit --no-fund --silent
	touch $@

test: $(VENV)/.installed-dev $(REDIS_SERVER) $(CHROMIUM) $(AXE)
	$(BIN)/python -m pytest

# The tier to run while working: on SQLite alone, on the fake encoder (tests/fake_encoder.py),
# over the cores (pytest-xdist: one process more than cores, since tests that wait on a server
# or a consumer leave their core idle; an idle process takes tests from a busy one). Left to
# `make test`: the tests marked `model` (real sentence-model similarities, extraction scores),
# `browser` (tests/e2e, chromium) and `slow` (other processes of the app, 10,000-item inputs,
# waiting out timeouts), and PostgreSQL. Without torch: tests/__init__.py.
TEST_PROCESSES := $(shell echo $$(( $$(nproc) + 1 )))
test-fast: $(VENV)/.installed-dev $(REDIS_SERVER)
	FACTCHECK_TESTS_WITHOUT_TORCH=1 $(BIN)/python -m pytest -m "not model and not browser and not slow" \
		--sqlite-only -n $(TEST_PROCESSES) --dist worksteal --hypothesis-profile=fast

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Every benchmark, each printing its figures (bench/README.md records them with date and load).
# Not here: bench.onnx_encoder and bench.tune_matching are one-off studies behind choices
# already made (the ONNX backend, the fusion weights, consumers extracting several articles
# at once: bench.ingest_batching), bench.pg_eval is `make eval`
# on PostgreSQL, and bench.respell_checkthat writes a data copy for the eval, not a figure.
BENCHMARKS := ingest search_scale import_rate article_limit api_load dashboard queue_rank \
	graph_recall pg_scale pg_batch public_pages ratelimit_store startup monitoring \
	consumer_rounds
bench: $(VENV)/.installed-dev
	set -e; for name in $(BENCHMARKS); do echo "== bench.$$name"; $(BIN)/python -m bench.$$name; done

DATA := ../shared/data
eval: $(VENV)/.installed-dev
	$(BIN)/python -m bench.eval_extraction
	$(FLASK) eval matching --claims $(DATA)/checkthat2021-2a/vclaims.jsonl \
		--queries $(DATA)/checkthat2021-2a/tweets-train-dev.tsv \
		--qrels $(DATA)/checkthat2021-2a/qrels-dev.tsv
	$(FLASK) eval matching --claims $(DATA)/checkthat2021-2b/politifact-vclaims.jsonl \
		--queries $(DATA)/checkthat2021-2b/iclaims-train-dev.queries.tsv \
		--qrels $(DATA)/checkthat2021-2b/qrels-dev.tsv \
		--context-dir $(DATA)/checkthat2021-2b/transcripts-train-dev

train: $(VENV)/.installed-dev
	$(BIN)/python -m train.checkworthiness
	$(BIN)/python -m train.reranker

clean:
	rm -rf $(VENV) .pytest_cache
