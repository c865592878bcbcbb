# 四查四补 casework — run `make help` for the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py
# The suite runs on every core (pytest-xdist), one test file per worker at a time.
TEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist loadfile

.DEFAULT_GOAL := help
.PHONY: help venv run setup test test-browser test-postgres lint messages bench bench-imports load clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-15s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

venv: $(BIN)/.installed ## Create .venv and install requirements.txt

setup: venv ## Migrate, load the seed and the demo accounts, create the task schedules (SQLite)
	$(MANAGE) migrate --no-input
	$(MANAGE) load_seed
	$(MANAGE) load_demo
	$(MANAGE) setup_schedules

run: setup ## Set everything up and serve the site on 127.0.0.1:$(PORT) (with the task worker)
	$(MANAGE) qcluster & QPID=$$!; trap "kill $$QPID 2>/dev/null" EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# The tests that start servers and kill them (marked slow) run after the others, so that the
# browser journeys do not share the cores with them; pytest's 5 is "none selected" (PYTEST_ARGS).
PYTEST_SUITE = for m in "not slow" slow; do $(BIN)/pytest $(PYTEST_PARALLEL) -m "$$m" $(PYTEST_ARGS); \
	rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ] || exit $$rc; done

test: venv ## Check the import contracts, then run the whole suite (browser journeys included) on SQLite, then on DATABASE_URL_POSTGRES if set
	$(BIN)/lint-imports --no-cache
	unset DATABASE_URL; $(PYTEST_SUITE)
	@if [ -n "$${DATABASE_URL_POSTGRES:-}" ]; then \
		echo "== again on PostgreSQL (…@$${DATABASE_URL_POSTGRES##*@})"; \
		export DATABASE_URL="$$DATABASE_URL_POSTGRES"; $(PYTEST_SUITE); \
	else \
		echo "== PostgreSQL skipped: set DATABASE_URL_POSTGRES=postgres://… or run make test-postgres"; \
	fi

test-postgres: venv ## Run the whole suite on a throwaway PostgreSQL server on loopback (Debian's postgresql)
	.ci/postgres run -- $(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-browser: venv ## Run only the browser journeys (screenshots in screenshots/)
	env -u DATABASE_URL $(BIN)/pytest -m browser $(PYTEST_ARGS)

lint: venv ## ruff check and format check, and the import contracts (pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

messages: venv ## Refresh the translation catalogues and compile them
	cd casework && ../$(MANAGE) makemessages -l zh_Hans --no-obsolete --no-wrap
	cd home && ../$(MANAGE) makemessages -l zh_Hans --no-obsolete --no-wrap
	$(MANAGE) makemessages -l zh_Hans --no-obsolete --no-wrap --ignore='./casework/*' --ignore='./home/*' --ignore='./.venv/*' --ignore='./tests/*' --ignore='./bench/*'
	$(MANAGE) compilemessages --ignore=.venv

bench: venv ## Generate the data set and print the benchmark table (SIZE=small for a quick run; SIZE=province: a million cases on PostgreSQL, DATABASE_URL's or else a throwaway server; BENCH_ARGS="--reuse")
	@if [ "$${SIZE:-default}" = province ]; then \
		case "$${DATABASE_URL:-}" in \
		postgres://*|postgresql://*) $(BIN)/python bench/run.py --size province $(BENCH_ARGS) ;; \
		"") echo "== SIZE=province: a throwaway PostgreSQL server (.ci/postgres)"; \
			.ci/postgres run -- $(BIN)/python bench/run.py --size province $(BENCH_ARGS) ;; \
		*) echo "SIZE=province runs on PostgreSQL only: unset DATABASE_URL (a throwaway server) or set it to postgres://…" >&2; exit 2 ;; \
		esac; \
	else \
		$(BIN)/python bench/run.py --size $${SIZE:-default} \
			$$( [ -z "$${DATABASE_URL:-}" ] && [ "$${SIZE:-default}" != small ] && echo --queries-vs small ) $(BENCH_ARGS); \
	fi

bench-imports: venv ## Time the 数据比对 import (50,000 rows) and reconciliation (100,000 × 100,000)
	$(BIN)/python bench/imports.py

load: venv ## Capacity: paced teachers against nginx, 2 gunicorn, 2 qcluster + Redis, PostgreSQL (LOAD_ARGS=--quick: short)
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean: ## Remove the venv, the SQLite database and collected files
	rm -rf $(VENV) db.sqlite3 static_collected media
