# The commands the README tells a newcomer. Everything runs inside .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := FLASK_APP=factcheck $(BIN)/flask

.PHONY: run test bench eval train clean

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
	$(FLASK) users ensure-admin
	$(FLASK) demo load
	@echo "factcheck is starting on http://127.0.0.1:5000 (log in with the admin account above; Ctrl-C stops it)"
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

test: $(VENV)/.installed-dev $(REDIS_SERVER) $(CHROMIUM)
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/search_scale.py
	$(BIN)/python bench/pg_scale.py
	$(BIN)/python bench/import_rate.py
	$(BIN)/python bench/api_load.py
	$(BIN)/python bench/article_limit.py

DATA := ../shared/data
eval: $(VENV)/.installed-dev
	$(BIN)/python bench/eval_extraction.py
	$(FLASK) eval matching --claims $(DATA)/checkthat2021-2a/vclaims.jsonl \
		--queries $(DATA)/checkthat2021-2a/tweets-train-dev.tsv \
		--qrels $(DATA)/checkthat2021-2a/qrels-dev.tsv
	$(FLASK) eval matching --claims $(DATA)/checkthat2021-2b/politifact-vclaims.jsonl \
		--queries $(DATA)/checkthat2021-2b/iclaims-train-dev.queries.tsv \
		--qrels $(DATA)/checkthat2021-2b/qrels-dev.tsv \
		--context-dir $(DATA)/checkthat2021-2b/transcripts-train-dev

train: $(VENV)/.installed-dev
	$(BIN)/python bench/train_checkworthiness.py
	$(BIN)/python bench/train_reranker.py

clean:
	rm -rf $(VENV) .pytest_cache
