# Everything goes through .venv, created from requirements.txt on first use.
#   make serve    set up, then serve the site at http://127.0.0.1:8000 (notebooks executed)
#   make test     set up, then run the whole test suite (unchanged pages reuse their cached
#                 runs; PAGERUN_CACHE=0 make test runs everything); SHARD=i/n runs shard i
#                 of n only (CI runs n at once), then `make coverage` gates them combined
#   make durations  rerun everything and record each unit's seconds (tests/durations.json)
#   make preview  serve without executing notebooks (fast local preview)
#   make build    build the site into site/ exactly as published (--strict)
#   make offline  build the site to read from the file system into site-offline/, zipped
#                 as artifacts/deep-learning-executed-offline.zip (the download)
#   make outputs  run every page (reading paths, page tests) and rewrite the captured outputs
#   make lint     ruff, with the repository's configuration
#   make speed    time a warm strict build, `mkdocs serve` to first page, and the test suite
#   make bench    rerun every performance measurement shown on the site, on an idle machine
#   make stress   run the pages and programs that start processes many times (RUNS=30), alone
#                 and two at a time, and report every failure (not part of make test)
#   make screenshots  redraw the TensorBoard screenshots and the plot_model figure

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: install chromium graphviz screenshots serve preview build offline test coverage durations outputs lint speed bench stress clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --use-pep517 -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP) graphviz
	$(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8000

preview: $(STAMP)
	NOTEBOOK_EXECUTE=false $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(STAMP) graphviz
	$(BIN)/mkdocs build --strict

# Material's offline plugin: pages as page.html files and search without a server, so that
# index.html opens from a file:// URL. Notebooks come from the cache of an earlier build.
offline: $(STAMP) graphviz
	rm -rf site-offline
	OFFLINE=true $(BIN)/mkdocs build --strict -d site-offline
	mkdir -p artifacts
	rm -f artifacts/deep-learning-executed-offline.zip
	$(BIN)/python -m zipfile -c artifacts/deep-learning-executed-offline.zip site-offline/

test: $(STAMP) chromium graphviz
	$(BIN)/python -m pytest $(if $(SHARD),--shard $(SHARD))

# The shards' coverage together (each `make test SHARD=i/n` keeps its own in artifacts/coverage/):
# every statement of snippets/ must have run in one of them, as in a whole `make test`.
coverage: $(STAMP)
	$(BIN)/python -m coverage combine --keep --data-file=.coverage artifacts/coverage/shard-*
	$(BIN)/python -m coverage report --data-file=.coverage --include='snippets/*' --fail-under=100

# Rewrite tests/durations.json (what the shards are balanced by) from a run with nothing cached.
durations: $(STAMP) chromium graphviz
	PAGERUN_CACHE=0 $(BIN)/python -m pytest --store-durations

# The browser tests drive Debian's Chromium. Install it when missing and we may (root, as on
# CI); otherwise those tests skip and say how to get it.
chromium:
	@if [ -z "$$CHROMIUM" ] && ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "chromium not found and not installable here: the browser tests will be skipped"; \
		fi; \
	fi

# keras.utils.plot_model (docs/tensorflow/functional.md) runs Graphviz's `dot`. Install it
# when missing and we may (root, as on CI); otherwise that page's run fails and says so.
graphviz:
	@if ! command -v dot >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing graphviz for plot_model"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
		else \
			echo "graphviz (dot) not found and not installable here: docs/tensorflow/functional.md will fail"; \
		fi; \
	fi

# Rerun the pages' code, then screenshot TensorBoard's dashboards over its runs and redraw the
# Functional model: docs/foundations/img/tensorboard-*.png, docs/tensorflow/img/functional-model.png.
screenshots: $(STAMP) chromium graphviz
	$(BIN)/python -m tooling.tensorboard_screenshots

outputs: $(STAMP)
	$(BIN)/python -m tooling.pagerun --update

lint: $(STAMP)
	$(BIN)/python -m ruff check .

bench: $(STAMP)
	$(BIN)/python -m snippets.performance.run
	$(BIN)/python -m snippets.foundations.eager_vs_graph --record

RUNS ?= 30
stress: $(STAMP) graphviz
	$(BIN)/python -m tooling.stress --runs $(RUNS)

speed: $(STAMP)
	$(BIN)/python -m tooling.pipeline_speed --suite

clean:
	rm -rf site .cache .pytest_cache .ruff_cache .coverage .coverage.* artifacts
