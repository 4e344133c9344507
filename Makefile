# Two commands matter on a new machine: `make run` and `make test` (see README).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: install run test lint check-migrations clean-var backup restore bench-data bench-generate bench-redflags bench-recheck-profile bench-dashboard bench-rebuild-steps bench-api bench-village bench-complaints bench-scale bench-load

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Start the whole portal (web, worker, beat) on the embedded PostgreSQL and Redis, with demo data.
run: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack run

## Run the test suite (embedded PostgreSQL/Redis unless DATABASE_URL/REDIS_URL are set).
# One process per core (pytest-xdist), each taking whole test files, whose module fixtures (a
# generated data set, a server) are made once; TEST_PROCESSES=0 runs the suite in this process.
TEST_PROCESSES ?= auto
test: $(STAMP)
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check-migrations: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python manage.py makemigrations --check --dry-run

## Remove all local state (database, Redis, logs, demo logins, uploads) but the backups in var/backups/.
## Stop `make run` first.
clean-var:
	@test ! -d var || find var -mindepth 1 -maxdepth 1 ! -name backups -exec rm -rf {} +

## Back up the database and the uploaded files into var/backups/siskop2mi-<UTC time>/ (docs/operations.md):
## the embedded PostgreSQL, or the one DATABASE_URL names. BACKUP_ARGS: e.g. --output /mnt/backups.
backup: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python manage.py backup $(BACKUP_ARGS)

## Restore one and verify every row count and file: make restore BACKUP=var/backups/siskop2mi-...
## Only into an empty database and media root; RESTORE_ARGS="--force" replaces what is there.
restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/siskop2mi-<time> [RESTORE_ARGS=--force]"; exit 2; }
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python manage.py restore "$(BACKUP)" $(RESTORE_ARGS)

## Benchmarks (bench/README.md), on the embedded stack in a database of their own (siskop2mi_bench).
## BENCH_WORKERS sets the data set size (default 1000000). Each ends with one line of JSON.
## Generate the benchmark data set unless it is there already (later benchmarks reuse it).
bench-data: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python -m bench.data

## Regenerate it with generate_data --replace, timed against a plain COPY of the same rows.
bench-generate: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python -m bench.generate

## A full red-flag scan, rule by rule, against reading the same tables once; re-check p50/p95.
bench-redflags: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python -m bench.redflags

## Where one red-flag re-check's time goes, statement by statement (EXPLAIN ANALYZE planning and execution).
bench-recheck-profile: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python -m bench.recheck_profile

## The dashboard: one summary refresh, then the page's server time (p50/p95) at three levels against a floor.
bench-dashboard: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python -m bench.dashboard

## Where the dashboard's full rebuild spends its time, statement by statement (rolled back).
bench-rebuild-steps: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python -m bench.rebuild_steps

## The partner API under load (16 clients) on a loopback gunicorn, beside a bare .values() baseline.
bench-api: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python -m bench.api

## How cost grows: bench-redflags, bench-dashboard and bench-api at 100,000 and at 1,000,000 workers, with the ratio.
bench-scale: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python -m bench.scale

## The village officer's phone: first-load bytes of /desa/ (budget 200 KB) and a sync of 1,000 entries vs bulk_create.
bench-village: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python -m bench.village

## Complaints: the escalation job over BENCH_COMPLAINTS (1,000,000) complaints vs one indexed scan of the overdue
## rows, and the public complaint form's requests per second vs a trivial page (gunicorn, production settings).
bench-complaints: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python -m bench.complaints $(BENCH_COMPLAINTS_ARGS)

## A mixed load test (locust, headless) against gunicorn on loopback: officials, companies on the API, the public,
## village syncs; per-endpoint requests/s, p50/p95/p99 and errors (goal: none). BENCH_LOAD_USERS, BENCH_LOAD_SECONDS.
bench-load: $(STAMP)
	$(BIN)/python -m siskop2mi.devstack exec -- $(BIN)/python -m bench.load
