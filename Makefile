# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := eventapp

.PHONY: run test test-fast bench setup lint format translations messages system-packages clean

## Set up everything, migrate, load demo data, start the web app and the job consumer.
run: setup
	@mkdir -p instance
	$(BIN)/flask db upgrade
	@BASE_URL="$${BASE_URL:-http://127.0.0.1:$${PORT:-5000}}" $(BIN)/flask demo load
	@echo "==> eventapp: http://127.0.0.1:$${PORT:-5000}  (Ctrl-C untuk berhenti)"
	@scripts/dev-server

## Run linters and the whole test suite on SQLite and PostgreSQL.
test: setup $(VENV)/.dev-installed
	@scripts/install-system-packages debian-packages-dev.txt
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

## The quick loop while developing: SQLite only, without browser journeys, thread storms,
## gunicorn and the fuzzer (`make test` runs everything).
test-fast: $(VENV)/.dev-installed
	$(BIN)/pytest -q -m "not slow and not browser and not concurrency" -k "not postgresql"

## Print the performance figures (needs PostgreSQL; installs wrk).
bench: setup $(VENV)/.dev-installed
	@scripts/install-system-packages debian-packages-bench.txt
	$(BIN)/python bench/registration_throughput.py
	$(BIN)/python bench/registrants_list.py
	$(BIN)/python bench/calendar_feed.py
	$(BIN)/python bench/checkin_latency.py
	$(BIN)/python bench/attendance_sheet.py
	$(BIN)/python bench/certificates_bulk.py
	$(BIN)/python bench/certificates_workers.py
	$(BIN)/python bench/broadcast.py
	$(BIN)/python bench/questionnaire_results.py
	$(BIN)/python bench/journey.py
	$(BIN)/python bench/first_load.py

setup: system-packages $(VENV)/.installed translations

system-packages:
	@scripts/install-system-packages debian-packages.txt

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 atau lebih baru diperlukan")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

## Compile the message catalogs (the .mo files are build output, not committed).
translations: $(VENV)/.installed
	@$(BIN)/pybabel compile -d eventapp/translations -D messages
	@$(BIN)/pybabel compile -d eventapp/translations -D wtforms

## Extract new UI strings and merge them into the catalogs for translating.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --ignore-dirs=".* __pycache__" -k _lp:1c,2 -o eventapp/translations/messages.pot .
	$(BIN)/pybabel update -N --ignore-obsolete -i eventapp/translations/messages.pot -d eventapp/translations

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
