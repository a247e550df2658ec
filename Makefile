# The two commands a new user needs (see README):
#   make run    set everything up, load demo data into the embedded store, serve the hub
#   make test   set everything up and run the whole test suite on both engines
# Everything the project needs is installed by these targets; nothing by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The dashboard's end-to-end tests and screenshots drive Debian's Chromium (never a downloaded browser).
CHROMIUM := /usr/bin/chromium
# bench-graphql also sends requests through wrk, an HTTP load generator in C (Debian package).
WRK      := /usr/bin/wrk

.PHONY: setup run demo serve lint test test-fast neo4j bench-upsert bench-import bench-graphql bench-peer bench-insights bench-dashboard load-test migrate-check screenshots clean help

help:
	@echo "make run          set up, load demo data, serve the hub on http://127.0.0.1:8000"
	@echo "make test         set up and run all tests (embedded store and a real Neo4j)"
	@echo "make test-fast    only the embedded engine, for quick local iterations"
	@echo "make lint         ruff checks and formatting (part of make test)"
	@echo "make neo4j        start a local Neo4j 5.26 for manual use (Ctrl-C stops it)"
	@echo "make bench-upsert upsert benchmark: adapters beside hand-written UNWIND Cypher"
	@echo "make bench-import import 50,000 generated events of all six formats into each engine"
	@echo "make bench-graphql GraphQL latency on 100,000 events in Neo4j beside hand-written Cypher"
	@echo "make bench-peer   the hub beside the Neo4j GraphQL Library (npm) on the same Neo4j, data and queries"
	@echo "make migrate-check round-trip 10k nodes / 50k relationships embedded -> Neo4j -> embedded"
	@echo "make bench-insights insight queries cold and cached on 20,000 actors / 100,000 events"
	@echo "make screenshots  photograph every dashboard view into docs/screenshots/ (headless Chromium)"
	@echo "make bench-dashboard dashboard load-to-interactive time: demo data and 20,000 actors"
	@echo "make load-test    50 clients mixing reads and curation for 2 min against hub serve, each engine"

setup: $(STAMP) $(CHROMIUM)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Debian packages, installed only when missing: with apt-get as root (CI), else through sudo, else a clear error.
# $(call apt_install,PACKAGE,PATH,WHY): install PACKAGE unless PATH exists.
define apt_install
	@if ! command -v apt-get >/dev/null 2>&1; then \
		echo "error: $(2) is missing and apt-get is not available: install $(1) so that $(2) exists" >&2; exit 1; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); \
	elif command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); \
	else \
		echo "error: $(2) is missing: run 'apt-get install -y $(1)' as root ($(3))" >&2; exit 1; \
	fi
	@test -x $(2) || { echo "error: installing $(1) did not create $(2)" >&2; exit 1; }
endef

$(CHROMIUM):
	$(call apt_install,chromium,$(CHROMIUM),the dashboard tests need it)

$(WRK):
	$(call apt_install,wrk,$(WRK),make bench-graphql sends the node lookup through it)

demo: setup
	$(BIN)/hub demo

serve: setup
	$(BIN)/hub serve

run: demo serve

lint: setup
	$(BIN)/ruff check hub importers tests tools bench
	$(BIN)/ruff format --check hub importers tests tools bench

test: setup lint
	$(BIN)/python -m pytest

test-fast: setup
	HUB_TEST_ENGINES=ladybug $(BIN)/python -m pytest

neo4j: setup
	$(BIN)/python -m tools.neo4j_local run

bench-import: setup
	$(BIN)/python -m bench.import_feeds

bench-upsert: setup
	$(BIN)/python -m bench.upsert

bench-graphql: setup $(WRK)
	$(BIN)/python -m bench.graphql_queries

bench-peer: setup
	$(BIN)/python -m bench.peer_graphql

migrate-check: setup
	$(BIN)/python -m bench.migrate_roundtrip

bench-insights: setup
	$(BIN)/python -m bench.insights

bench-dashboard: setup
	$(BIN)/python -m bench.dashboard

load-test: setup
	$(BIN)/python -m bench.load_test

screenshots: setup
	$(BIN)/python -m tools.screenshots

clean:
	rm -rf $(VENV) .cache .pytest_cache
