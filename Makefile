# Everything a fresh machine with Python 3.11+ and make needs: each target builds .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := demo-shop/shop.xlsx

.PHONY: demo test lint typecheck unit bench clean

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

test: lint typecheck unit

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/check_speed.py

clean:
	rm -rf $(VENV) demo-shop test-artifacts .mypy_cache .ruff_cache .pytest_cache
