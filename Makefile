# Developer entry points. Needs only Python 3.11: each target creates .venv and
# installs the pinned requirements first (again only when they change).
#
# With no DATABASE_URL / REDIS_URL the portal runs on SQLite with Celery tasks
# in process; export them and the same targets use PostgreSQL and Redis.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev

HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run worker beat test bench clean

help:
	@echo "make run     migrate, load demo data and serve http://$(HOST):$(PORT) (DEBUG=1)"
	@echo "make worker  Celery worker (needs REDIS_URL)"
	@echo "make beat    Celery beat scheduler (needs REDIS_URL)"
	@echo "make test    the whole test suite (Redis/Chromium tests skip when absent)"
	@echo "make bench   time the resident list page and API on generated data"
	@echo "make clean   remove .venv, the SQLite database, media and generated files"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -r requirements-dev.txt
	@touch $(RUNTIME_STAMP) $@

# seed_demo is idempotent and prints the demo accounts (password Xietang@2026).
run: $(RUNTIME_STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Serving http://$(HOST):$(PORT)/"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

worker: $(RUNTIME_STAMP)
	@test -n "$$REDIS_URL" || { echo "make worker needs REDIS_URL (without it tasks already run inside the web process)"; exit 1; }
	$(VENV)/bin/celery -A xietang worker -l info

beat: $(RUNTIME_STAMP)
	@test -n "$$REDIS_URL" || { echo "make beat needs REDIS_URL (without it there is no worker to send tasks to)"; exit 1; }
	$(VENV)/bin/celery -A xietang beat -l info

test: $(DEV_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(RUNTIME_STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache staticfiles media bench/results db.sqlite3 celerybeat-schedule celerybeat-schedule.*
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
