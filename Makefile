# Every target runs inside .venv, built from exact pins alone. requirements.txt is what `pulumi up` needs (the
# program's SDKs and runtime libraries): `make plan` and `make bench` install only that. requirements-dev.txt
# adds the tests, linters, offline engines and the operator tooling (`make doctor`, `make seed-secrets`).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STACK  ?= gcp-full
# FORMAT=json prints the machine-readable plan: make plan STACK=gcp-full FORMAT=json > plan.json
FORMAT ?= text
# PREVIEW=1 plans a new stack's first preview (provider-computed outputs unknown), as the policy pack sees it.
PREVIEW ?=

.PHONY: venv dev-venv plan doctor seed-secrets test lint fmt typecheck bench clean

# stdout belongs to the target's own output (`make plan FORMAT=json > plan.json`): the venv build's
# commands are not echoed and everything they print goes to stderr, pip's progress included.
$(VENV)/.installed: requirements.txt
	@echo "building $(VENV) from requirements.txt (exact pins; the first time takes a minute or more)..." >&2
	@$(PYTHON) -m venv $(VENV) >&2
	@$(VENV)/bin/pip install --disable-pip-version-check --progress-bar off -r requirements.txt >&2
	@touch $@
	@echo "$(VENV) is ready" >&2

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	@echo "adding requirements-dev.txt to $(VENV) (tests, linters, operator tooling)..." >&2
	@$(VENV)/bin/pip install --disable-pip-version-check --progress-bar off -r requirements-dev.txt >&2
	@touch $@

venv: $(VENV)/.installed
dev-venv: $(VENV)/.installed-dev

# EXIT_CODE_FILE=<path> receives the plan's exit code: make itself exits 2 whenever a recipe fails.
EXIT_CODE_FILE ?=

# The plan's own exit code (2 bad config, 3 policy violation, 1 internal error) is named on stderr and,
# with EXIT_CODE_FILE, written for scripts: `make plan ... EXIT_CODE_FILE=code; cat code`.
plan: venv ## Offline plan of a stack (name or path) under Pulumi's mock engine.
	@$(PY) -m offline.plan "$(STACK)" --format "$(FORMAT)" $(if $(PREVIEW),--preview); code=$$?; \
	case $$code in 0) ;; 2) why="bad config";; 3) why="policy violation";; *) why="internal error";; esac; \
	[ -z "$(EXIT_CODE_FILE)" ] || echo $$code > "$(EXIT_CODE_FILE)"; \
	[ $$code -eq 0 ] || echo "make plan: offline.plan exited $$code ($$why)" >&2; exit $$code

doctor: dev-venv ## Read-only check of a stack's cloud prerequisites (credentials, quotas, DNS, secrets).
	@$(PY) -m preflight doctor "$(STACK)"

seed-secrets: dev-venv ## Generate the platform-internal secret values into the secret manager (create-if-absent).
	@$(PY) -m preflight seed-secrets "$(STACK)"

lint: dev-venv ## ruff format + ruff check + mypy + import contracts: the same locally and in CI.
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

fmt: dev-venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint checkov-venv ## Lint, then the whole test suite (one worker per core).
	$(PY) -m pytest -n auto

# checkov (tests/test_checkov.py) runs from a venv of its own: it pins boto3 and packaging versions the
# program's venv cannot take. Rebuilt from scratch only when its pins change.
CHECKOV_VENV ?= .venv-checkov
.PHONY: checkov-venv
$(CHECKOV_VENV)/.installed: tests/checkov/requirements.txt
	@echo "building $(CHECKOV_VENV) from tests/checkov/requirements.txt (exact pins)..." >&2
	@rm -rf $(CHECKOV_VENV)
	@$(PYTHON) -m venv $(CHECKOV_VENV) >&2
	@$(CHECKOV_VENV)/bin/pip install --disable-pip-version-check --progress-bar off -r tests/checkov/requirements.txt >&2
	@touch $@
	@echo "$(CHECKOV_VENV) is ready" >&2

checkov-venv: $(CHECKOV_VENV)/.installed

bench: venv ## Plan time of each stack relative to a one-resource program under the same mocks.
	@$(PY) -m offline.bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
