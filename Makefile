# Limber: `make run` to try it, `make test` to prove it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_ENV := DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist processes for `make test` (1 core: TEST_WORKERS=0 runs in this process).
TEST_WORKERS ?= 2

.PHONY: run serve worker test lint format migrate seed clean bench catalogs messages
# The translation catalogs: the .po files are committed, their .mo files are built here.
PO_FILES := $(shell find clinic patients routines -path '*/locale/*' -name '*.po' 2>/dev/null)
MO_FILES := $(PO_FILES:.po=.mo)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

## Compile the translation catalogs (.po -> .mo, with polib) when a .po changed.
catalogs: $(MO_FILES)

$(MO_FILES): %.mo: %.po $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py compile_catalogs

## Extract the strings to translate into clinic/locale/fr_CA (django.po and djangojs.po).
messages: $(STAMP)
	command -v xgettext >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	$(DEV_ENV) $(BIN)/python manage.py makemessages -d django -l fr_CA --no-obsolete \
		--ignore=.venv --ignore=staticfiles --ignore=media
	$(DEV_ENV) $(BIN)/python manage.py makemessages -d djangojs -l fr_CA --no-obsolete \
		--ignore=.venv --ignore=staticfiles --ignore=media

## Set up on SQLite, load the demo clinic and serve the app, with the reminder worker
## (django-q2) beside it: reminder emails are printed here (the console email backend).
run: $(STAMP) catalogs
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@echo "Open http://$(HOST):$(PORT)/ and sign in with one of the accounts above."
	@echo "Reminders: the worker runs beside the server; try \"Send a reminder now\" on a patient's page."
	@export SITE_URL=http://$(HOST):$(PORT); \
	$(DEV_ENV) $(BIN)/python manage.py qcluster & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Production: gunicorn (clinic/gunicorn.conf.py) with DEBUG off and WhiteNoise, against
## DATABASE_URL; needs SECRET_KEY and ALLOWED_HOSTS. Migrate once per release (`make migrate`).
## The reminder worker runs apart from the web servers: `make worker` (docs/deploy.md).
serve: $(STAMP) catalogs
	$(BIN)/python manage.py collectstatic --no-input
	$(BIN)/gunicorn --config clinic/gunicorn.conf.py

## Production: the reminder worker (django-q2's cluster), against the same DATABASE_URL.
## Run it on one or more machines beside the app servers; see docs/deploy.md.
worker: $(STAMP) catalogs
	$(BIN)/python manage.py qcluster

## Lint, then the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: $(STAMP) lint catalogs
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## Load a 1,000-patient clinic into PostgreSQL, and beside it 20 such clinics and one of 3,000
## (DATABASE_URL, else a local limber_bench, and the same name with _multi); serve each with
## gunicorn as `make serve` does, measure it with wrk against the hello and baseline views and
## write docs/benchmarks.md. About 30 minutes the first time (loading), 12 after.
## BENCH_ARGS=--quick checks it end to end in a few minutes (small sizes, a scratch report).
bench: $(STAMP)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m clinic.benchmark $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Migrate. With MIGRATE_DATABASE_URL (the tables' owner) set, migrate as the owner, then
## grant DATABASE_URL's role what the app needs and no more (docs/deploy.md).
migrate: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	@if [ -n "$$MIGRATE_DATABASE_URL" ]; then \
		$(DEV_ENV) $(BIN)/python manage.py grant_app_role; \
	fi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
