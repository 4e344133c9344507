# Two commands matter on a new machine: `make run` and `make test` (see README).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: install run test lint check-migrations clean-var

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Start the whole portal (web, worker, beat) on the embedded PostgreSQL and Redis, with demo data.
run: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack run

## Run the test suite (embedded PostgreSQL/Redis unless DATABASE_URL/REDIS_URL are set).
test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python manage.py makemigrations --check --dry-run

## Remove all local state (database, Redis, logs, demo logins). Stop `make run` first.
clean-var:
	rm -rf var
