# Every target runs inside .venv, built from requirements.txt and requirements-dev.txt alone (exact pins).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STACK  ?= gcp-full
# FORMAT=json prints the machine-readable plan: make plan STACK=gcp-full FORMAT=json > plan.json
FORMAT ?= text
# PREVIEW=1 plans a new stack's first preview (provider-computed outputs unknown), as the policy pack sees it.
PREVIEW ?=

.PHONY: venv plan doctor seed-secrets test lint fmt typecheck bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

plan: venv ## Offline plan of a stack (name or path) under Pulumi's mock engine.
	@$(PY) -m offline.plan "$(STACK)" --format "$(FORMAT)" $(if $(PREVIEW),--preview)

doctor: venv ## Read-only check of a stack's cloud prerequisites (credentials, quotas, DNS, secrets).
	@$(PY) -m preflight doctor "$(STACK)"

seed-secrets: venv ## Generate the platform-internal secret values into the secret manager (create-if-absent).
	@$(PY) -m preflight seed-secrets "$(STACK)"

lint: venv ## ruff format + ruff check + mypy + import contracts: the same locally and in CI.
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

fmt: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint ## Lint, then the whole test suite.
	$(PY) -m pytest

bench: venv ## Plan time of each stack relative to a one-resource program under the same mocks.
	@$(PY) -m offline.bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
