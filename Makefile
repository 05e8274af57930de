# Haechi: `make run` starts the assistant on embedded defaults; `make test` sets up and tests all.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
RASA := $(RASA_VENV)/bin/rasa

# Embedded defaults; every HAECHI_* setting can be overridden from the environment.
export HAECHI_DATA_DIR ?= var
export HAECHI_RASA_PORT ?= 5005
export HAECHI_ACTION_PORT ?= 5055
export HAECHI_GATEWAY_PORT ?= 8000
export HAECHI_RASA_URL ?= http://127.0.0.1:$(HAECHI_RASA_PORT)
export HAECHI_ACTION_SERVER_URL ?= http://127.0.0.1:$(HAECHI_ACTION_PORT)
export HAECHI_ACTION_ENDPOINT_URL ?= $(HAECHI_ACTION_SERVER_URL)/webhook
export HAECHI_TRACKER_DIALECT ?= sqlite
export HAECHI_TRACKER_HOST ?=
export HAECHI_TRACKER_DB ?= $(abspath $(HAECHI_DATA_DIR))/rasa-tracker.db
# Rasa must never phone home; these machines (and many city networks) have no internet.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# Rasa imports the Kiwi tokenizer as nlu.components.*; only Rasa commands get the repo on its path
# (exported globally it would show pip the project's egg-info as installed in .venv-rasa).
RASA_PATH := PYTHONPATH=$(CURDIR)

NLU_SOURCES := nlu/config.yml $(shell find nlu/domain nlu/data nlu/components -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null | sort) requirements/rasa.lock
MODEL_HASH = $(shell cat $(NLU_SOURCES) | sha256sum | cut -c1-12)

.PHONY: run run-scaled setup train lint test test-rasa test-app browser voice documents haproxy axe world-client staff-client fuzz clean

setup: $(VENV)/.installed $(RASA_VENV)/.installed world-client staff-client

$(VENV)/.installed: pyproject.toml requirements/app.lock
	@test -x $(PY) || "$$(scripts/find-python.sh 3.11)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements/app.lock -e '.[dev]'
	@touch $@

$(RASA_VENV)/.installed: requirements/rasa.lock
	@test -x $(RASA_VENV)/bin/python || "$$(scripts/find-python.sh 3.10)" -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/rasa.lock
	@touch $@

# The 3D client at /world: three.js from npm, bundled by esbuild into static files (no CDN).
CLIENT := world_bridge/client
world-client: $(CLIENT)/dist/.built
$(CLIENT)/dist/.built: $(CLIENT)/package.json $(CLIENT)/package-lock.json $(CLIENT)/build.mjs $(wildcard $(CLIENT)/src/*)
	@command -v npm >/dev/null || { echo "the 3D client needs Node.js 20 and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	cd $(CLIENT) && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build
	@touch $@

# The staff console at /staff: htmx and Chart.js from npm, bundled by esbuild (no CDN).
STAFF_CLIENT := bot/staff/client
staff-client: $(STAFF_CLIENT)/dist/.built
$(STAFF_CLIENT)/dist/.built: $(STAFF_CLIENT)/package.json $(STAFF_CLIENT)/package-lock.json $(STAFF_CLIENT)/build.mjs $(wildcard $(STAFF_CLIENT)/src/*)
	@command -v npm >/dev/null || { echo "the staff console needs Node.js 20 and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	cd $(STAFF_CLIENT) && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build
	@touch $@

# Trains only when the NLU data, config, domain, components or Rasa's lock changed.
train: $(RASA_VENV)/.installed
	@hash=$(MODEL_HASH); model=models/haechi-$$hash.tar.gz; \
	if [ -f $$model ]; then echo "model up to date: $$model"; else \
	  echo "training $$model"; \
	  $(RASA_PATH) $(RASA) train --config nlu/config.yml --domain nlu/domain --data nlu/data \
	    --out models --fixed-model-name haechi-$$hash && \
	  find models -name 'haechi-*.tar.gz' ! -name "haechi-$$hash.tar.gz" -delete; \
	fi

run: setup train voice documents
	@mkdir -p $(HAECHI_DATA_DIR)
	@echo "Haechi is starting: open http://127.0.0.1:$(HAECHI_GATEWAY_PORT)/ (Ctrl-C stops every process)"
	$(VENV)/bin/honcho start -f Procfile

# Replicas on one machine (deploy/scaled.py): two Rasa servers and two gateways behind haproxy,
# one action server, on the machine's PostgreSQL and Redis (HAECHI_SCALED_DATABASE_URL,
# HAECHI_SCALED_REDIS_URL); Alembic runs once before the replicas start.
run-scaled: setup train voice haproxy
	@mkdir -p $(HAECHI_DATA_DIR)
	$(PY) -m deploy.scaled

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Debian's Chromium and a Korean font for the browser tests, and redis-server for a throwaway
# Redis where the machine runs none, installed by the project itself.
BROWSER_PACKAGES := chromium fonts-noto-cjk redis-server
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { \
	  echo "installing $(BROWSER_PACKAGES) from Debian"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; }

# espeak-ng speaks Korean replies (Piper, for English, comes from pip); a separate process, GPL.
VOICE_PACKAGES := espeak-ng
voice:
	@dpkg -s $(VOICE_PACKAGES) >/dev/null 2>&1 || { \
	  echo "installing $(VOICE_PACKAGES) from Debian"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(VOICE_PACKAGES) >/dev/null; }

# A Korean TrueType font for the documents' PDF renderings (fpdf2 embeds TTF; NanumGothic).
DOCUMENT_PACKAGES := fonts-nanum
documents:
	@dpkg -s $(DOCUMENT_PACKAGES) >/dev/null 2>&1 || { \
	  echo "installing $(DOCUMENT_PACKAGES) from Debian"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(DOCUMENT_PACKAGES) >/dev/null; }

# haproxy balances the replicas of `make run-scaled` and tests/scaled (round robin, loopback).
HAPROXY_PACKAGES := haproxy
haproxy:
	@dpkg -s $(HAPROXY_PACKAGES) >/dev/null 2>&1 || { \
	  echo "installing $(HAPROXY_PACKAGES) from Debian"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(HAPROXY_PACKAGES) >/dev/null; }

# axe-core from npm, injected by the browser tests into each page (accessibility checks).
AXE := tests/browser/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null || { echo "the browser tests need Node.js 20 and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test-rasa: $(RASA_VENV)/.installed
	$(RASA_PATH) $(RASA_VENV)/bin/python -m pytest -q --confcutdir=tests/nlu_components tests/nlu_components

test-app: setup train browser voice documents haproxy axe
	$(PY) -m pytest -q tests --ignore=tests/nlu_components

test: setup lint test-rasa test-app

# The fuzz tests run in `make test` with hypothesis's bounded "ci" profile (the same cases each
# run); this runs them with fresh random cases, 40 times as many (tens of minutes).
fuzz: $(VENV)/.installed
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q tests/fuzz

clean:
	rm -rf models var .mypy_cache .ruff_cache .pytest_cache
