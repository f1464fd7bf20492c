# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python

# Run history: the folder `python -m dagster_project run` also uses by default
# (settings.DEFAULT_DAGSTER_HOME); an exported DAGSTER_HOME wins in both.
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# Telemetry off for the tools make starts itself (dbt parse, dagster dev); the pipeline's own
# processes switch it off in dagster_project/telemetry.py.
export DAGSTER_DISABLE_TELEMETRY := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export GX_ANALYTICS_ENABLED := False
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Bytecode compiled at install, so even the first run does not compile dagster and dbt.
export UV_COMPILE_BYTECODE := 1

.PHONY: help setup setup-test run test test-spark dev clean browser duckdb1 java

help:
	@echo "make run   install everything and run the main job (synthetic trust if data/landing is empty)"
	@echo "make test  install what tests need and run the test suite"
	@echo "make test-spark  the main job's whole night on Spark beside DuckDB's (slow)"
	@echo "make setup install and prepare (dbt manifest, DAGSTER_HOME) without running"
	@echo "make dev   the Dagster UI on http://127.0.0.1:3000"
	@echo "make clean remove data/, the venv and build artefacts"

$(UV):
	python3 -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced-main: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --no-dev --quiet
	@rm -f $(VENV)/.synced-*; touch $@

# The tests also need the Spark engine's packages (dependency group `spark`); `make run` does not.
$(VENV)/.synced-dev: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet --group spark
	@rm -f $(VENV)/.synced-*; touch $@

# The dbt manifest is prepared here, so nothing parses dbt when the definitions load.
dbt_project/target/manifest.json: $(shell find dbt_project -name '*.sql' -o -name '*.yml' -o -name '*.csv' 2>/dev/null | grep -v -e target/ -e logs/)
	@# parsed with the vars a run passes (transform/profile.py), so the first run reuses this parse
	cd dbt_project && $(VENV)/bin/dbt parse --quiet --profiles-dir . --project-dir . \
	  --vars "$$(cd .. && $(PY) -m dagster_project.transform.profile)"

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME) && cp dagster.yaml $@

setup: $(VENV)/.synced-main
	@$(MAKE) --no-print-directory dbt_project/target/manifest.json $(DAGSTER_HOME)/dagster.yaml

setup-test: $(VENV)/.synced-dev
	@$(MAKE) --no-print-directory dbt_project/target/manifest.json $(DAGSTER_HOME)/dagster.yaml browser duckdb1 java

# The oldest DuckDB 1.x, for the test that a 1.x BI client opens published.duckdb (skipped,
# with a reason, where it cannot be had).
duckdb1: $(UV)
	@[ -x .tools/duckdb1/bin/python ] || ($(UV) venv --quiet .tools/duckdb1 \
	  && $(UV) pip install --quiet --python .tools/duckdb1/bin/python duckdb==1.0.0) \
	  || (rm -rf .tools/duckdb1; echo "DuckDB 1.0 could not be installed: its test will be skipped")

# Debian's Chromium for the report's browser test (skipped, with a reason, where it cannot be had).
browser:
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed: the browser test will be skipped"; fi

# Java 17 from Debian for the Spark engine's tests (skipped, with a reason, where it cannot be had).
java:
	@if ! command -v java >/dev/null && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null) \
	  || echo "Java 17 could not be installed: the Spark tests will be skipped"; fi

run: setup
	$(PY) -m dagster_project run $(ARGS)

# Two workers (pytest-xdist); tests sharing a night or a build run on one (tests/conftest.py).
# A bare `.venv/bin/pytest tests/x.py` runs in one process; PYTEST_ARGS="-n 0" does too.
test: setup-test
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup $(PYTEST_ARGS)

# The main job's whole night on Spark (twice) beside DuckDB's: about 10 minutes on 2 cores.
# (`make test` runs the dbt parity test on both engines; this adds the whole job.)
test-spark: setup-test
	$(VENV)/bin/pytest -q -m spark $(PYTEST_ARGS)

dev: setup
	$(PY) -m dagster_project.permissions $(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000 -w workspace.yaml

clean:
	rm -rf data .venv .tools .dagster_home dbt_project/target dbt_project/logs .pytest_cache test-artifacts
