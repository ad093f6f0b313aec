# Lianfang: two commands.
#   make demo   set everything up and serve the demo city on http://127.0.0.1:8000
#   make test   lint, type-check, migration check and the whole test suite (browser tests included)
# Other targets: make install | translations | lint | pytest | bench [BENCH=import] | apt | clean
# The database is PostgreSQL: DATABASE_URL, or when it is unset the checkout's private server, which demo, test
# and pytest start (python -m lianfang.devdb start|stop|status|url; its data stays in var/ between runs).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py
DEVDB := $(PY) -m lianfang.devdb
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# make test reports coverage of lianfang/ (pyproject's [tool.coverage]) and fails below this floor, today's
# level less a point for the variance between runs.
COVERAGE_FLOOR ?= 93
COVERAGE_ARGS := --cov=lianfang --cov-report=term --cov-fail-under=$(COVERAGE_FLOOR)
BENCH ?=

# Debian packages: the test suite needs a browser, a Chinese font, msgfmt, a QR decoder and a PDF rasteriser;
# PDF generation needs Pango/HarfBuzz. CI adds PostgreSQL 15, benchmarks add wrk.
APT_TEST := chromium fonts-wqy-microhei gettext zbar-tools poppler-utils \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
APT_PG := postgresql-15
APT_BENCH := wrk
APT_PACKAGES ?= $(APT_TEST)

# The first Python >= 3.12 among python3.13, python3.12, python3 and pyenv's installed 3.12/3.13
# (pyenv's shims refuse non-global versions, so its versions' binaries are called directly).
find_python = $(shell \
	for p in python3.13 python3.12 python3 \
	  $$(ls -d "$$(pyenv root 2>/dev/null || echo /nonexistent)"/versions/3.1[23]*/bin/python3 2>/dev/null | sort -rV); do \
	  if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    "$$p" -c 'import sys; print(sys.executable)'; break; \
	  fi; \
	done)

.PHONY: help
help:
	@echo "make demo    set up and serve the demo city on http://$(HOST):$(PORT) (with the background worker)"
	@echo "make test    ruff, mypy, makemigrations --check and the whole pytest suite (browser tests included)"
	@echo "             (both start the private PostgreSQL under var/ when DATABASE_URL is unset)"
	@echo "make bench   run the benchmarks -> bench/results.json and docs/benchmarks.md (BENCH=import for one)"
	@echo "make install | translations | lint | pytest | apt | clean"

# ---------------------------------------------------------------- Python and dependencies
$(PY):
	@py="$(find_python)"; \
	if [ -z "$$py" ]; then \
	  echo "ERROR: Lianfang needs Python >= 3.12 (Django 6). Tried python3.13, python3.12, python3 and" >&2; \
	  echo "       \$$(pyenv root)/versions/3.12*/3.13*. Install one, e.g. 'apt-get install python3.13'" >&2; \
	  echo "       (Debian 13 / Ubuntu 24.04+), 'pyenv install 3.13', or https://www.python.org/downloads/," >&2; \
	  echo "       then run make again." >&2; \
	  exit 1; \
	fi; \
	echo "==> Creating $(VENV) with $$py ($$($$py -V))"; \
	"$$py" -m venv $(VENV)

# Reinstall only when pyproject.toml changed (or the virtualenv is new). pip's log: .venv/pip.log.
$(STAMP): pyproject.toml | $(PY)
	@if ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  echo "ERROR: $(VENV) uses $$($(PY) -V); Lianfang needs Python >= 3.12. Remove $(VENV) and run make again." >&2; \
	  exit 1; \
	fi
	@echo "==> Installing Lianfang and its dev tools into $(VENV)"
	@$(PY) -m pip install -e '.[dev]' >$(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }
	@touch $@

.PHONY: install
install: $(STAMP)

# ---------------------------------------------------------------- system packages
# Installs what is missing, only when root with apt-get; otherwise says what to install and carries on.
.PHONY: apt apt-test apt-pg apt-bench apt-ci
apt:
	@missing=""; \
	for pkg in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "==> apt-get install$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "NOTE: missing system packages:$$missing"; \
	  echo "      not root or no apt-get, so not installing them; run: sudo apt-get install$$missing"; \
	fi

apt-test:
	@$(MAKE) --no-print-directory apt APT_PACKAGES="$(APT_TEST)"

apt-pg:
	@$(MAKE) --no-print-directory apt APT_PACKAGES="$(APT_PG)"

apt-bench:
	@$(MAKE) --no-print-directory apt APT_PACKAGES="$(APT_PG) $(APT_BENCH)"

apt-ci:
	@$(MAKE) --no-print-directory apt APT_PACKAGES="$(APT_TEST) $(APT_PG)"

# ---------------------------------------------------------------- translations
# Compiles the .po files that exist (none yet is fine). .mo files are built here, never committed.
.PHONY: translations
translations: $(STAMP)
	@if ls lianfang/locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
	  if ! command -v msgfmt >/dev/null; then \
	    echo "ERROR: msgfmt is missing: install gettext (make apt, or sudo apt-get install gettext)" >&2; exit 1; \
	  fi; \
	  $(MANAGE) compilemessages --ignore '.venv' --ignore 'var' --ignore 'node_modules' -v 0; \
	  echo "==> Translations compiled: $$(ls lianfang/locale/*/LC_MESSAGES/*.mo | tr '\n' ' ')"; \
	else \
	  echo "==> No .po files under lianfang/locale yet: nothing to compile"; \
	fi

# ---------------------------------------------------------------- the database
# db_start: with DATABASE_URL unset, start the private PostgreSQL (or find it running: a `make demo` in another
# terminal); with DATABASE_URL set, say in one line whether it answers (and stop when it does not).
# db_stop stops the private server only when this command started it. Both run in one recipe's shell.
define db_start
db_started=0; \
if [ -z "$${DATABASE_URL:-}" ]; then \
  $(DEVDB) status >/dev/null || db_started=1; \
  $(DEVDB) start; \
else \
  $(DEVDB) check; \
fi
endef
db_stop = if [ "$$db_started" = 1 ]; then $(DEVDB) stop; fi

# ---------------------------------------------------------------- demo
.PHONY: demo
demo: $(STAMP) translations
	@set -e; if [ -f .env ]; then echo "==> Reading .env"; set -a; . ./.env; set +a; fi; \
	export DJANGO_DEBUG=$${DJANGO_DEBUG:-1}; \
	worker=""; $(db_start); \
	stop_all() { \
	  if [ -n "$$worker" ]; then kill $$worker 2>/dev/null || true; wait $$worker 2>/dev/null || true; fi; \
	  $(db_stop); \
	}; \
	trap stop_all EXIT; trap 'exit 130' INT TERM; \
	echo "==> Migrating the database"; \
	$(MANAGE) migrate --noinput -v 0; \
	echo "==> Loading the demo city (only when the database is empty)"; \
	$(MANAGE) seed_demo --scale demo --if-empty --passage-days 30 -v 0; \
	echo "==> Demo logins (again any time: .venv/bin/python manage.py demo_logins)"; \
	$(MANAGE) demo_logins --base-url "http://$(HOST):$(PORT)"; \
	$(MANAGE) schedule_tasks -v 0 >/dev/null; \
	$(MANAGE) db_worker --queue-name '*' --no-reload & worker=$$!; \
	echo "==> Background worker running (pid $$worker)"; \
	echo "==> Serving on http://$(HOST):$(PORT)/  (Ctrl-C stops the server, the worker and the database)"; \
	$(MANAGE) runserver $(HOST):$(PORT)

# ---------------------------------------------------------------- front-end libraries
# The files under lianfang/static/vendor/ are committed (no network at run time, no CDN); this refreshes them
# from the npm registry at the versions of package.json. jsQR ships unminified: terser minifies it.
.PHONY: vendor
vendor:
	npm install --no-audit --no-fund --prefix .vendor-npm $$(node -e 'const p=require("./package.json");for(const [n,v] of Object.entries({...p.dependencies,...p.devDependencies}))console.log(n+"@"+v)')
	cp .vendor-npm/node_modules/htmx.org/dist/htmx.min.js lianfang/static/vendor/htmx.min.js
	cp .vendor-npm/node_modules/echarts/dist/echarts.min.js .vendor-npm/node_modules/echarts/LICENSE \
	  .vendor-npm/node_modules/echarts/NOTICE .vendor-npm/node_modules/echarts/licenses/LICENSE-d3 \
	  lianfang/static/vendor/echarts/
	{ echo '/*! jsQR 1.4.0 (npm "jsqr", dist/jsQR.js, minified with terser) | Apache-2.0 | https://github.com/cozmo/jsQR */'; \
	  .vendor-npm/node_modules/.bin/terser .vendor-npm/node_modules/jsqr/dist/jsQR.js --compress --mangle --comments false; \
	} > lianfang/static/vendor/jsQR.min.js
	rm -rf .vendor-npm

# ---------------------------------------------------------------- checks and tests
# Every check runs even when an earlier one fails, so one run shows every problem. None needs the database
# (makemigrations only warns that it could not compare the migration history with it: silenced).
.PHONY: lint
lint: $(STAMP)
	@fail=""; \
	echo "==> ruff check"; $(VENV)/bin/ruff check --output-format=concise . || fail="$$fail ruff-check"; \
	echo "==> ruff format --check"; \
	$(VENV)/bin/ruff format --check --output-format=concise . || fail="$$fail ruff-format"; \
	echo "==> mypy lianfang"; $(VENV)/bin/mypy lianfang || fail="$$fail mypy"; \
	echo "==> lint-imports (the layers: an app imports only the apps below it)"; \
	$(VENV)/bin/lint-imports --no-cache --no-logo || fail="$$fail layers"; \
	echo "==> makemigrations --check"; \
	DJANGO_SILENCED_SYSTEM_CHECKS=lianfang.E001,lianfang.E002 $(PY) -W "ignore:Got an error checking a consistent migration history:RuntimeWarning" \
	  manage.py makemigrations --check --dry-run || fail="$$fail migrations"; \
	if [ -n "$$fail" ]; then echo "LINT FAILED:$$fail" >&2; exit 1; fi

.PHONY: pytest
pytest: $(STAMP) translations
	@$(db_start); trap '$(db_stop)' EXIT; \
	echo "==> pytest $(PYTEST_ARGS)"; \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Lint and tests both run; the target fails when either failed.
.PHONY: test
test: $(STAMP) apt-test translations
	@lint=ok; tests=ok; \
	$(db_start); trap '$(db_stop)' EXIT; \
	$(MAKE) --no-print-directory lint || lint=FAILED; \
	$(MAKE) --no-print-directory pytest PYTEST_ARGS="$(COVERAGE_ARGS) $(PYTEST_ARGS)" || tests=FAILED; \
	echo "==> make test: lint $$lint, pytest $$tests"; \
	[ $$lint = ok ] && [ $$tests = ok ]

# ---------------------------------------------------------------- benchmarks
.PHONY: bench
bench: $(STAMP) apt-bench
	@$(PY) bench/run.py $(if $(BENCH),--only $(BENCH))

.PHONY: clean
clean:
	rm -rf test-results bench/out .mypy_cache .ruff_cache
	find lianfang -name '*.mo' -delete
