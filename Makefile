# Two commands matter: `make run` (browse the curated timeline) and `make test` (the whole suite,
# on SQLite and on PostgreSQL). Everything they need is installed from this repository's files.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON_FOR_VENV := $(shell bin/find-python)

.PHONY: run test lint format check migrations-check record-check browser-deps install install-dev clean bench-dates bench bench-fuzz bench-counts bench-hardening

$(BIN)/python:
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
		echo "ERROR: Python >= 3.12 is required (looked for python3.13, python3.12, python3)." >&2; \
		echo "       Install Python 3.12 or newer and run this command again." >&2; exit 1; fi
	$(PYTHON_FOR_VENV) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_curated
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py render_events
	@echo ""
	@echo "  Timeline:  http://127.0.0.1:8000/"
	@echo "  Admin:     http://127.0.0.1:8000/admin/"
	@echo "  API docs:  http://127.0.0.1:8000/api/v1/docs"
	@echo "  Create an editor account:  DEBUG=true $(BIN)/python manage.py createsuperuser"
	@echo ""
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-dev
	bin/test

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install-dev
	DEBUG=true $(BIN)/python manage.py check

migrations-check: install-dev
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

# The shipped record, loaded into a fresh database, meets the source policy.
record-check: install-dev
	@db="$$(mktemp -d)/record.sqlite3"; \
	DEBUG=true DATABASE_URL="sqlite:///$$db" $(BIN)/python manage.py migrate --no-input -v0 && \
	DEBUG=true DATABASE_URL="sqlite:///$$db" $(BIN)/python manage.py load_curated && \
	DEBUG=true DATABASE_URL="sqlite:///$$db" $(BIN)/python manage.py check_record

# Debian's Chromium for the browser tests (apt-get; root or sudo).
browser-deps:
	bin/ensure-chromium

bench-dates: install-dev
	DEBUG=true $(BIN)/python bench/dates_bench.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

bench: install-dev
	$(BIN)/pip install --quiet -c constraints.txt -e ".[bench]"
	$(BIN)/python bench/dates_bench.py
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/counts.py
	$(BIN)/python bench/hardening.py
	$(BIN)/python bench/load.py
	bin/fault-check
	$(MAKE) bench-fuzz

# A few thousand schemathesis-generated requests against a live server (CI runs ~300).
bench-fuzz: install-dev
	SCHEMATHESIS_EXAMPLES=400 $(BIN)/pytest -q -p no:cacheprovider -m fuzz tests/test_api_schema.py -k generated -s

# The slow-query guard, ranked search's bound and the exports (bench/hardening.py).
bench-hardening: install-dev
	$(BIN)/python bench/hardening.py $(BENCH_ARGS)

# The timeline's counts at 1 000 000 events: one scan vs a query per facet, deferred vs inline.
bench-counts: install-dev
	$(BIN)/pip install --quiet -c constraints.txt -e ".[bench]"
	$(BIN)/python bench/counts.py $(BENCH_ARGS)
