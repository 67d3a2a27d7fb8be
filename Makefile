# SMM Desk: `make run` to open the app, `make test` to run the tests.
# Every target creates .venv and installs what it needs on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
PIP    := $(PY) -m pip --disable-pip-version-check -q

.DEFAULT_GOAL := help
.PHONY: help run demo test test-integration pds-deps lint typecheck check bundle bench clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip setuptools wheel

$(VENV)/.stamp-app: pyproject.toml | $(PY)
	$(PIP) install -e .
	@touch $@

$(VENV)/.stamp-test: pyproject.toml $(VENV)/.stamp-app
	$(PIP) install -e '.[test]'
	@touch $@

$(VENV)/.stamp-dev: pyproject.toml $(VENV)/.stamp-test
	$(PIP) install -e '.[test,dev]'
	@touch $@

run: $(VENV)/.stamp-app ## open SMM Desk (offers the demo when there are no accounts)
	$(BIN)/smmdesk $(ARGS)

demo: $(VENV)/.stamp-app ## open the demo profile directly
	$(BIN)/smmdesk --demo $(ARGS)

test: $(VENV)/.stamp-test pds-deps ## run the test suite headless
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

test-integration: $(VENV)/.stamp-test pds-deps ## only the tests against real servers (Bluesky PDS)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m integration $(PYTEST_ARGS)

pds-deps: ## npm ci the reference Bluesky servers (needs node 20, npm, build-essential)
	@if command -v node >/dev/null 2>&1; then .ci/bluesky-pds install; \
	else echo "pds-deps: node not found; the Bluesky integration tests will skip"; fi

lint: $(VENV)/.stamp-dev ## ruff lint and format check
	$(BIN)/ruff check smmdesk tests bench
	$(BIN)/ruff format --check smmdesk tests bench

typecheck: $(VENV)/.stamp-dev ## mypy on core/, store/, platforms/
	$(BIN)/mypy smmdesk/core smmdesk/store smmdesk/platforms smmdesk/vault.py

check: lint typecheck test ## lint, type-check and test

bundle: $(VENV)/.stamp-dev ## build the one-folder PyInstaller bundle in dist/smmdesk
	$(BIN)/pyinstaller --noconfirm --clean smmdesk.spec

bench: $(VENV)/.stamp-app ## run the benchmarks in bench/
	QT_QPA_PLATFORM=offscreen $(PY) bench/startup.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/calendar.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/publish.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/inbox.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/report.py

clean: ## remove build output (keeps .venv)
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
