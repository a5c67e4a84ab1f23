# Tiaojie: `make run` serves the demo on SQLite; `make test` runs lint, types and the whole suite on
# SQLite and PostgreSQL. Both set themselves up (uv, locked dependencies) on a fresh Debian machine.
SHELL := /bin/bash
.DEFAULT_GOAL := run
UV ?= $(shell command -v uv 2>/dev/null || echo .venv-bootstrap/bin/uv)
PY := .venv/bin/python
TJ := .venv/bin/tiaojie
PG_URL ?= postgres://postgres@127.0.0.1:5432/tiaojie
export UV_LINK_MODE := copy

.PHONY: run test setup system-deps-run system-deps-test lint typecheck test-sqlite test-postgres clean

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

run: setup system-deps-run
	DEBUG=1 $(TJ) migrate --no-input -v0
	DEBUG=1 $(TJ) demo
	@# Beside the server, and stopped with it: the deadline watcher and the task worker that sends notifications
	@# (docs/notifications.md). Their output, including console SMS and email, goes to var/notifications.log.
	@echo "Deadline watcher and notification worker running; console SMS/email in var/notifications.log"
	DEBUG=1 $(TJ) watch-deadlines >>var/notifications.log 2>&1 & watcher=$$!; \
	DEBUG=1 $(TJ) db_worker --no-reload >>var/notifications.log 2>&1 & worker=$$!; \
	trap 'kill $$watcher $$worker 2>/dev/null; wait' EXIT; trap 'exit 130' INT TERM; \
	DEBUG=1 $(TJ) runserver 127.0.0.1:8000

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck: setup
	DEBUG=1 .venv/bin/mypy tiaojie

# DEBUG=1 only lets the test settings make throwaway keys in var/; Django runs tests with DEBUG off.
test-sqlite: setup system-deps-test
	DEBUG=1 DATABASE_URL= $(PY) -m pytest -q $(PYTEST_ARGS)

test-postgres: setup system-deps-test
	DEBUG=1 DATABASE_URL=$(PG_URL) $(PY) -m pytest -q $(PYTEST_ARGS)

test: lint typecheck test-sqlite test-postgres

clean:
	rm -rf .venv .venv-bootstrap var

# Benchmark of the staff case list at scale (bench/README.md). Fills BENCH_DATABASE_URL with CASES cases once
# (a few minutes per million), then measures; re-runs skip the generation.
CASES ?= 1000000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tiaojie_bench
.PHONY: bench-case-list
bench-case-list: setup
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.case_list --cases $(CASES) $(BENCH_ARGS)

# Supervision dashboards at national scale (bench/RESULTS.md): fills the PostgreSQL in DATABASE_URL with
# CASES cases (default 20,000,000; re-runs skip generation), builds the rollups, and measures dashboards,
# the naive GROUP BY and the case list. Ends with one line: dashboard_p95_ms=… naive_p95_ms=… speedup=… list_p95_ms=…
SUPERVISION_DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/tiaojie_bench)
SUPERVISION_CASES := $(if $(filter command line environment,$(origin CASES)),$(CASES),20000000)
.PHONY: bench-supervision
bench-supervision: setup
	DEBUG=1 DATABASE_URL=$(SUPERVISION_DATABASE_URL) $(PY) -m bench.supervision --cases $(SUPERVISION_CASES) $(BENCH_ARGS)
