# Everything a fresh machine with Python 3.11+ and make needs: each target builds .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := demo-shop/shop.xlsx

.PHONY: demo test lint typecheck unit bench clean system-deps

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "sheets-bot needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	rm -rf demo-shop
	$(BIN)/sheets-bot init --workbook $(DEMO) --sample
	@echo
	$(BIN)/sheets-bot check --workbook $(DEMO)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

unit: $(VENV)/.installed-dev
	$(BIN)/pytest

# LibreOffice lets the tests open and save the workbook as an owner would. Installed with
# apt-get when missing and possible (root on Debian); otherwise that test is skipped.
system-deps:
	@if ! command -v soffice >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing LibreOffice Calc (headless) for the round-trip test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null; \
	  else \
	    echo "LibreOffice is not installed: its round-trip test will be skipped"; \
	  fi; \
	fi

test: system-deps lint typecheck unit

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/check_speed.py
	$(BIN)/python benchmarks/sheets_requests.py

clean:
	rm -rf $(VENV) demo-shop test-artifacts .mypy_cache .ruff_cache .pytest_cache
