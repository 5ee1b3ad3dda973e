# mistral-sdk developer tasks. Targets work without activating the virtualenv.
#
#   make demo    environment + example against a local mock (or the real API)
#   make test    the test suite (pytest -q)
#   make check   lint, workflow schema, types, test, check-generated, check-unasync

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
SPEC   := spec/openapi.yaml
SURFACE := spec/surface.txt
SPEC_REPORT ?= build/spec-diff.md
BASE_REF ?= origin/main
SPEC_UPDATE_TESTS ?= $(PY) -m pytest -q
LINT_PATHS := generator runtime tests scripts examples benchmarks contract
PRISM_STAMP := contract/node_modules/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help venv spec spec-update spec-supplement generate check-generated unasync check-unasync readme-table test lint format \
        types types-wheel check demo mock mock-realtime bench bench-upload bench-decode bench-realtime bench-mcp bench-cli contract clean distclean surface-diff lint-workflows \
        check-history test-extras check-install

help:
	@echo "make demo             create .venv, run examples/demo.py (no spec, no network needed)"
	@echo "make mock             the local mock of the whole API on 127.0.0.1:\$$MOCK_PORT (8080), docs/mock.md"
	@echo "make mock-realtime    the realtime WebSockets stand-in on 127.0.0.1:\$$MOCK_REALTIME_PORT (8001)"
	@echo "make test             run the test suite (no spec, no network needed)"
	@echo "make test-extras      the tests of the cli (rich) and h2 extras, with those installed"
	@echo "make check-install    a wheel and the editable tree in scratch virtualenvs: imports, a fast test subset"
	@echo "make check            lint + lint-workflows + types + test + check-generated + check-unasync"
	@echo "make generate         regenerate generated/ and $(SURFACE) from $(SPEC)"
	@echo "make check-generated  verify generated/, $(SURFACE) and the README API table are current"
	@echo "make unasync          rewrite the blocking twins of the async runtime code (scripts/unasync.py)"
	@echo "make check-unasync    verify those twins are current (no spec needed)"
	@echo "make spec             fill $(SPEC) (verified against spec/lock.json)"
	@echo "make spec-update      fetch the newest upstream spec (or \$$SPEC_SOURCE); if it changed: pin it,"
	@echo "                      regenerate, diff report in $(SPEC_REPORT), CHANGELOG.md, tests"
	@echo "make spec-supplement  rewrite spec/supplement.yaml from the official SDK pinned in spec/lock.json"
	@echo "make check-history    spec-update in fresh clones, tracked spec + ../shared/spec/history 2026+ (slow)"
	@echo "make surface-diff     markdown diff of $(SURFACE) at BASE_REF=$(BASE_REF) and here"
	@echo "make readme-table     rewrite the API coverage table in README.md"
	@echo "make contract         every operation, sync and async, against Prism serving the spec"
	@echo "make bench            benchmarks against the official SDK and the floor (httpx + msgspec)"
	@echo "make bench-realtime   realtime audio: per chunk and per event, against raw websockets"
	@echo "make bench-mcp        an MCP tool call in conversations.run vs a local Python tool"
	@echo "make bench-cli        startup of the mistral command (--help, version, api --list)"
	@echo "make bench-upload     peak RSS of a 500 MB upload, streamed vs loaded (docs/reliability.md)"
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

# Exit status 3: regenerated, but the tests fail against the new spec (see the script).
spec-update: venv
	$(PY) scripts/spec_update.py --report $(SPEC_REPORT) --test-command '$(SPEC_UPDATE_TESTS)'

# The operations the official SDK (the release spec/lock.json pins, installed by the dev
# extra) calls and the public spec lacks: docs/spec.md, "The supplement".
spec-supplement: venv spec
	$(PY) scripts/extract_supplement.py

# Slow (a fresh clone, virtualenv and test run per spec version, one after the other):
# not part of `make test` or `make check`. Checks the last commit; report in build/.
check-history:
	$(PYTHON) scripts/check_history.py --report build/check-history.md

generate: venv spec
	$(PY) -m generator generate --spec $(SPEC) --out generated
	$(PY) -m generator surface --spec $(SPEC) --out $(SURFACE)

# The API surface at BASE_REF (a git ref) against this tree's; CI writes it to the job
# summary. A difference is not a failure: exit 0 unless the diff itself fails.
surface-diff: venv
	@base=$$(mktemp); trap 'rm -f "$$base"' EXIT; \
	if ! git show "$(BASE_REF):$(SURFACE)" > "$$base" 2>/dev/null; then \
	  echo "$(BASE_REF) has no $(SURFACE): nothing to compare with."; exit 0; \
	fi; \
	$(PY) -m generator diff "$$base" $(SURFACE) --old-label "$(BASE_REF):$(SURFACE)"; \
	[ $$? -le 1 ]

check-generated: venv spec
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PY) -m generator generate --spec $(SPEC) --out "$$tmp" >/dev/null 2>"$$tmp.log" \
	  || { cat "$$tmp.log"; rm -f "$$tmp.log"; echo "check-generated: the generator failed" >&2; exit 1; }; \
	rm -f "$$tmp.log"; \
	if ! diff -r -x __pycache__ "$$tmp" generated; then \
	  echo "check-generated: generated/ is out of date with $(SPEC) and generator/; run 'make generate' and commit generated/" >&2; \
	  exit 1; \
	fi; \
	echo "check-generated: generated/ is up to date"; \
	$(PY) -m generator surface --spec $(SPEC) --out "$$tmp/surface.txt" || exit 1; \
	if ! diff -u $(SURFACE) "$$tmp/surface.txt"; then \
	  echo "check-generated: $(SURFACE) is out of date; run 'make generate' and commit it" >&2; \
	  exit 1; \
	fi; \
	echo "check-generated: $(SURFACE) is up to date"
	@$(PY) scripts/api_table.py --check README.md

# The blocking twins of long async loops (runtime/): generated from the async source,
# committed. Needs no spec: only the runtime's own files and ruff.
unasync: venv
	$(PY) scripts/unasync.py

check-unasync: venv
	$(PY) scripts/unasync.py --check

readme-table: venv
	$(PY) scripts/api_table.py --write README.md

# --- quality -----------------------------------------------------------------

# Needs nothing but the package index: the tests that compare generated/ with the
# upstream spec run where it is (spec/openapi.yaml, ../shared/spec; CI runs `make spec`
# first) and skip elsewhere, saying so. The type checkers' view is refreshed first.
test: venv
	@$(PY) scripts/editable_tree.py >/dev/null
	$(PY) -m pytest -q

lint: venv
	$(PY) -m ruff check $(LINT_PATHS)
	$(PY) -m ruff format --check $(LINT_PATHS)

format: venv
	$(PY) -m ruff check --fix $(LINT_PATHS)
	$(PY) -m ruff format $(LINT_PATHS)

# The examples import their shared helper (examples/_connect.py) as a top-level module.
# pyright --strict checks examples/ as user code ([tool.pyright]); editable_tree.py first
# brings the type checkers' view of the editable install (build/editable) up to date.
types: venv
	MYPYPATH=examples $(PY) -m mypy generator runtime/mistral_sdk examples/*.py tests/agentic/typing_helpers.py
	@$(PY) scripts/editable_tree.py >/dev/null
	$(VENV)/bin/pyright --pythonpath $(PY)

# The same two checkers over examples/ with the package installed from a built wheel,
# in a scratch environment (what a user who pip-installs the wheel sees).
types-wheel: venv
	$(PY) scripts/check_wheel_types.py

# A wheel and this checkout's editable install, each in a scratch virtualenv: every module
# imported, a stray mistral_sdk/ joins neither, then a fast subset of the tests in the
# editable one. Needs only $(PYTHON) (no .venv): CI runs it on Linux, macOS and Windows.
INSTALL_TESTS ?= tests/test_install.py tests/test_package.py tests/agentic/test_mock_every_operation.py
check-install:
	$(PYTHON) scripts/check_install.py --pytest "-q -p no:cacheprovider $(INSTALL_TESTS)"

# Schema check of the GitHub Actions workflows (check-jsonschema's vendored schema: offline).
lint-workflows: venv
	$(PY) -m check_jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

check: lint lint-workflows types test check-generated check-unasync

# --- contract suite: every operation against Prism (an independent mock server) ---

# Prism is pinned in contract/package-lock.json and installed locally (never globally).
$(PRISM_STAMP): contract/package-lock.json
	cd contract && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

contract: venv spec $(PRISM_STAMP)
	$(PY) contract/run.py

# --- demo --------------------------------------------------------------------

# The local mock of the whole API in the foreground (README, "The local mock").
MOCK_PORT ?= 8080
mock: venv
	$(PY) scripts/mock_server.py --port $(MOCK_PORT)

# The realtime audio WebSockets stand-in in the foreground (docs/mock.md).
MOCK_REALTIME_PORT ?= 8001
mock-realtime: venv
	$(PY) scripts/mock_realtime.py --port $(MOCK_REALTIME_PORT)

# generated/ is committed: the demo needs neither the spec nor the network.
demo: venv
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

bench: $(BENCH_STAMP) venv
	$(BENCH_VENV)/bin/python benchmarks/run.py
	$(PY) benchmarks/bench_tracing.py  # what hooks and tracing cost: docs/observability.md

# Decoding (known and unknown union tags) and streaming against untyped msgspec: docs/unions.md.
bench-decode: venv
	$(PY) benchmarks/decode_stream.py

# Realtime audio: per chunk sent and per event received, against raw websockets: docs/realtime.md.
bench-realtime: venv
	$(PY) benchmarks/bench_realtime.py
# An MCP tool call in conversations.run over a local Python tool: docs/mcp.md.
bench-mcp: venv
	$(PY) benchmarks/bench_mcp.py

bench-cli: venv
	$(PY) benchmarks/bench_cli.py

# Upload memory (500 MB sparse file, peak RSS): docs/reliability.md.
bench-upload: venv
	$(PY) benchmarks/upload_rss.py

# The tests of the optional extras whose packages httpx and httpcore import by
# themselves once installed (rich for httpx's own command line, h2): kept out of the dev
# environment so that `import mistral_sdk` there stays as a user's; CI runs them last.
test-extras: venv
	$(PY) -m pip install --quiet -e ".[dev,generator,cli,h2]"
	$(PY) -m pytest -q tests/cli tests/faults/test_pool.py

# --- housekeeping ------------------------------------------------------------

clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis $(SPEC) $(SPEC).old
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(BENCH_VENV)
