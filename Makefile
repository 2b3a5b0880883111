# Stigar: `make run` starts the portal with demo data, `make test` runs the whole suite.
# Both work on a fresh machine with Python 3.11 and make: they create .venv and install uv.lock first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
DATA_DIR := $(or $(STIGAR_DATA_DIR),var)
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/stigar

.PHONY: setup run test lint typecheck migrations-check test-sqlite test-postgres messages bench clean

$(VENV)/.synced: pyproject.toml uv.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check "uv>=0.13,<0.14"
	$(UV) sync --frozen --python $(PY)
	@touch $@

setup: $(VENV)/.synced

run: setup
	$(PY) manage.py migrate --noinput
	@if [ ! -f "$(DATA_DIR)/.demo-seeded" ]; then $(PY) manage.py seed_demo && touch "$(DATA_DIR)/.demo-seeded"; fi
	$(PY) manage.py update_index
	@echo ""
	@echo "  Stigar is starting at http://127.0.0.1:8000  (English: http://127.0.0.1:8000/en/)"
	@echo "  Log in at http://127.0.0.1:8000/accounts/login/ as coordinator, partner, lead-kiruna or analyst-kiruna"
	@echo "  Demo password: $$(cat $(DATA_DIR)/demo-password)   (generated once into $(DATA_DIR)/demo-password)"
	@echo "  Ctrl-C stops the web server, the worker and beat."
	@echo ""
	$(VENV)/bin/honcho start -f Procfile

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: setup
	$(VENV)/bin/mypy .

migrations-check: setup
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemigrations --check --dry-run

# Pass 1 runs everything on SQLite. Pass 2 runs the suite again on PostgreSQL together with the tests that
# need PostgreSQL and a real Celery worker on Redis. With CI=true pass 2 is mandatory; elsewhere it is
# skipped (with the reason) when PostgreSQL is not reachable.
test-sqlite: setup
	$(VENV)/bin/pytest -m "not postgres and not worker" --cov --cov-report= --cov-fail-under=0
	$(PY) tools/coverage_ratchet.py

test-postgres: setup
	@if [ "$$CI" = "true" ] || $(PY) -m tests.services postgres; then \
		DATABASE_URL=$(POSTGRES_TEST_URL) $(VENV)/bin/pytest -m "not browser" -p no:cacheprovider; \
	else \
		echo "SKIPPED PostgreSQL pass: no PostgreSQL at 127.0.0.1:5432 (mandatory with CI=true)"; \
	fi

test: setup lint typecheck migrations-check test-sqlite test-postgres

# Every app that keeps its own catalogues (a new app with a locale/ folder is picked up without editing this line).
MESSAGE_APPS = $(patsubst %/locale/,%,$(wildcard */locale/))

messages: setup
	for app in $(MESSAGE_APPS); do (cd $$app && ../$(PY) ../manage.py makemessages -l sv -l en --no-location --ignore "static/*"); done
	for app in $(MESSAGE_APPS); do (cd $$app && ../$(PY) ../manage.py compilemessages); done

bench: setup
	$(PY) bench/pages.py
	$(PY) bench/knowledge_pages.py
	$(PY) bench/dashboard.py
	$(PY) bench/search.py
	$(PY) bench/search_relevance.py
	$(PY) bench/scoring.py
	@if command -v wrk >/dev/null; then $(PY) bench/page_cache.py; \
	else echo "bench/page_cache.py skipped: it needs wrk (apt-get install wrk)"; fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
