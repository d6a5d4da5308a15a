# Two commands for a newcomer (both install what they need):
#   make run    the whole local stack with demo data on http://localhost:8000 (DEMO=0: empty)
#   make test   the test suite (unit, local-stack integration, browser)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
PYTEST_ARGS ?=
DEMO ?= 1

.PHONY: run test setup browser lint clean

run: setup
	$(PY) -m devstack $(if $(filter 0 no false,$(DEMO)),--no-demo)

test: setup browser
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(STAMPS)/python $(STAMPS)/npm

$(STAMPS)/python: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/npm: static_site/package.json static_site/package-lock.json
	cd static_site && npm ci --no-audit --no-fund
	@mkdir -p $(STAMPS) && touch $@

# Debian's Chromium for the browser tests (Playwright's own browser download does not work here).
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) $(STAMPS) static_site/node_modules .devstack
