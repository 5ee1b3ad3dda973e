# mistral-sdk developer tasks. Targets work without activating the virtualenv.
#
#   make demo    environment + regenerate + example against a local mock (or the real API)
#   make test    the test suite (pytest -q)
#   make check   lint, types, test, check-generated

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
SPEC   := spec/openapi.yaml
LINT_PATHS := generator runtime tests scripts examples benchmarks contract
PRISM_STAMP := contract/node_modules/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help venv spec spec-update generate check-generated readme-table test lint format \
        types check demo bench contract clean distclean

help:
	@echo "make demo             create .venv, regenerate generated/, run examples/demo.py"
	@echo "make test             run the test suite"
	@echo "make check            lint + types + test + check-generated"
	@echo "make generate         regenerate generated/ from $(SPEC)"
	@echo "make check-generated  verify generated/ and the README API table are current"
	@echo "make spec             fill $(SPEC) (verified against spec/lock.json)"
	@echo "make spec-update      accept the current upstream spec: rewrite the lock, regenerate"
	@echo "make readme-table     rewrite the API coverage table in README.md"
	@echo "make contract         every operation, sync and async, against Prism serving the spec"
	@echo "make bench            benchmarks against the official SDK and the floor (httpx + msgspec)"
	@echo "make lint | format | types | clean | distclean"

# --- environment -------------------------------------------------------------

venv: $(STAMP)

# Re-installs only when pyproject.toml changes; a no-op otherwise.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev,generator]"
	@touch $@

# --- spec and generation -----------------------------------------------------

# Stdlib only: runs before the virtualenv exists. SPEC_SOURCE=path-or-url overrides the source.
spec:
	@$(PYTHON) scripts/fetch_spec.py

spec-update: venv
	@cp -f $(SPEC) $(SPEC).old 2>/dev/null || true
	$(PY) scripts/fetch_spec.py --update-lock
	$(MAKE) generate readme-table
	@rm -f $(SPEC).old
	@echo "Review 'git diff spec/lock.json generated/ README.md', then commit the lock and generated/."

generate: venv spec
	$(PY) -m generator generate --spec $(SPEC) --out generated

check-generated: venv spec
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PY) -m generator generate --spec $(SPEC) --out "$$tmp" >/dev/null 2>"$$tmp.log" \
	  || { cat "$$tmp.log"; rm -f "$$tmp.log"; echo "check-generated: the generator failed" >&2; exit 1; }; \
	rm -f "$$tmp.log"; \
	if ! diff -r -x __pycache__ "$$tmp" generated; then \
	  echo "check-generated: generated/ is out of date with $(SPEC) and generator/; run 'make generate' and commit generated/" >&2; \
	  exit 1; \
	fi; \
	echo "check-generated: generated/ is up to date"
	@$(PY) scripts/api_table.py --check README.md

readme-table: venv
	$(PY) scripts/api_table.py --write README.md

# --- quality -----------------------------------------------------------------

test: venv spec
	$(PY) -m pytest -q

lint: venv
	$(PY) -m ruff check $(LINT_PATHS)
	$(PY) -m ruff format --check $(LINT_PATHS)

format: venv
	$(PY) -m ruff check --fix $(LINT_PATHS)
	$(PY) -m ruff format $(LINT_PATHS)

types: venv
	$(PY) -m mypy generator runtime/mistral_sdk examples/typed_usage.py

check: lint types test check-generated

# --- contract suite: every operation against Prism (an independent mock server) ---

# Prism is pinned in contract/package-lock.json and installed locally (never globally).
$(PRISM_STAMP): contract/package-lock.json
	cd contract && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

contract: venv spec $(PRISM_STAMP)
	$(PY) contract/run.py

# --- demo --------------------------------------------------------------------

demo: venv generate
	$(PY) examples/demo.py

# --- benchmarks (numbers, never timed assertions in tests) ---------------------

# The official SDK lives in its own environment, never in .venv or the package's deps.
BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed-stamp

$(BENCH_STAMP): pyproject.toml benchmarks/requirements.txt
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  -e . -r benchmarks/requirements.txt
	@touch $@

bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python benchmarks/run.py

# --- housekeeping ------------------------------------------------------------

clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis $(SPEC) $(SPEC).old
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(BENCH_VENV)
