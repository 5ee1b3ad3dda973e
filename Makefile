# mistral-sdk developer tasks. Targets work without activating the virtualenv.
#
#   make demo    the package alone in .venv-demo + an example against a local mock (or the real API)
#   make test    the test suite (pytest -q)
#   make check   lint, workflow schema, types, test, check-generated, check-unasync

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
SPEC   := spec/openapi.yaml
SURFACE := spec/surface.txt
# The operations the public spec lacks, read from the official SDK (docs/spec.md):
# merged into the spec by every target that generates.
SUPPLEMENT := spec/supplement.yaml
SPEC_REPORT ?= build/spec-diff.md
BASE_REF ?= origin/main
SPEC_UPDATE_TESTS ?= $(PY) -m pytest -q
LINT_PATHS := generator runtime tests scripts examples benchmarks contract
PRISM_STAMP := contract/node_modules/.installed-stamp
AZURITE_DIR := tests/workflows_encoding/azurite
AZURITE_STAMP := $(AZURITE_DIR)/node_modules/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help venv spec spec-update spec-supplement generate check-generated unasync check-unasync readme-table test lint format \
        types types-wheel check demo mock mock-realtime bench bench-testing bench-upload bench-pool bench-decode bench-encode bench-realtime bench-mcp bench-cli bench-demo bench-payloads azurite contract clean distclean surface-diff lint-workflows \
        check-history test-extras check-install release-check release runtime-deps

help:
	@echo "make demo             create .venv-demo (the package only), run examples/demo.py against a local"
	@echo "                      mock (no spec, no network beyond the package index)"
	@echo "make mock             the local mock of the whole API on 127.0.0.1:\$$MOCK_PORT (8080), docs/mock.md"
	@echo "make mock-realtime    the realtime WebSockets stand-in on 127.0.0.1:\$$MOCK_REALTIME_PORT (8001)"
	@echo "make test             create .venv (the package with its dev and generator tools), run the tests"
	@echo "make test-extras      the tests of the cli (rich) and h2 extras, with those installed"
	@echo "make check-install    a wheel and the editable tree in scratch virtualenvs: imports, a fast test subset"
	@echo "make check            lint + lint-workflows + types + test + check-generated + check-unasync"
	@echo "make generate         regenerate generated/ and $(SURFACE) from $(SPEC) and $(SUPPLEMENT)"
	@echo "make check-generated  verify generated/, $(SURFACE) and the README API table are current"
	@echo "make unasync          rewrite the blocking twins of the async runtime code (generator/unasync.py)"
	@echo "make check-unasync    verify those twins are current (no spec needed)"
	@echo "make spec             fill $(SPEC) (verified against spec/lock.json)"
	@echo "make spec-update      fetch the newest upstream spec (or \$$SPEC_SOURCE); if it changed: pin it,"
	@echo "                      re-extract the supplement, regenerate, diff report in $(SPEC_REPORT),"
	@echo "                      CHANGELOG.md, tests (SUPPLEMENT_RELEASE=latest: the newest official SDK too)"
	@echo "make spec-supplement  rewrite spec/supplement.yaml from the official SDK pinned in spec/lock.json"
	@echo "make check-history    spec-update in fresh clones, tracked spec + ../shared/spec/history 2026+ (slow)"
	@echo "make surface-diff     markdown diff of $(SURFACE) at BASE_REF=$(BASE_REF) and here"
	@echo "make readme-table     rewrite the API coverage table in README.md"
	@echo "make contract         every operation, sync and async, against Prism serving the spec"
	@echo "make azurite          install Azurite (npm ci, pinned) for the Azure Blob offloading tests"
	@echo "make bench            benchmarks side by side: the SDK, plain httpx2 and httpx, the official SDK;"
	@echo "                      writes benchmarks/results.json, docs/benchmarks.md and the README's table"
	@echo "make bench-encode     what a call costs before sending (dict checks, request build)"
	@echo "make bench-testing    the cost of a mocked call (mistral_sdk.testing), its table only"
	@echo "make bench-realtime   realtime audio: per chunk and per event, against raw websockets"
	@echo "make bench-mcp        an MCP tool call in conversations.run vs a local Python tool"
	@echo "make bench-cli        startup of the mistral command (--help, version, api --list)"
	@echo "make bench-demo       a first make demo in a fresh clone (target under 30 s)"
	@echo "make bench-upload     peak RSS of a 500 MB upload, streamed vs loaded (docs/reliability.md)"
	@echo "make bench-pool       many calls at once: pool sizes and a queue in front (docs/reliability.md)"
	@echo "make bench-payloads   workflow payload encoding vs mistralai's (docs/workflows-encoding.md)"
	@echo "make release-check    what the release workflow checks before publishing: version, two identical"
	@echo "                      builds, file lists, twine, runtime deps, smoke tests; dist/, build/release/"
	@echo "make release VERSION=X.Y.Z [WHY=…]  version and CHANGELOG.md section, if the API surface allows it"
	@echo "make runtime-deps     rewrite spec/runtime-deps.txt after a deliberate dependency change"
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
# SUPPLEMENT_RELEASE=latest also moves the supplement to the newest official SDK release
# on the package index (a wheel file: that one); the daily spec-sync job sets it.
SUPPLEMENT_RELEASE ?= pinned
spec-update: venv
	$(PY) scripts/spec_update.py --report $(SPEC_REPORT) --test-command '$(SPEC_UPDATE_TESTS)' \
	  --supplement-release '$(SUPPLEMENT_RELEASE)'

# The operations the official SDK (the release spec/lock.json pins, installed by the dev
# extra) calls and the public spec lacks: docs/spec.md, "The supplement".
spec-supplement: venv spec
	$(PY) scripts/extract_supplement.py

# Slow (a fresh clone, virtualenv and test run per spec version, one after the other):
# not part of `make test` or `make check`. Checks the last commit; report in build/.
check-history:
	$(PYTHON) scripts/check_history.py --report build/check-history.md

generate: venv spec
	$(PY) -m generator generate --spec $(SPEC) --supplement $(SUPPLEMENT) --out generated
	$(PY) -m generator surface --spec $(SPEC) --supplement $(SUPPLEMENT) --out $(SURFACE)

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
	$(PY) -m generator generate --spec $(SPEC) --supplement $(SUPPLEMENT) --out "$$tmp" >/dev/null 2>"$$tmp.log" \
	  || { cat "$$tmp.log"; rm -f "$$tmp.log"; echo "check-generated: the generator failed" >&2; exit 1; }; \
	rm -f "$$tmp.log"; \
	if ! diff -r -x __pycache__ "$$tmp" generated; then \
	  echo "check-generated: generated/ is out of date with $(SPEC), $(SUPPLEMENT) and generator/; run 'make generate' and commit generated/" >&2; \
	  exit 1; \
	fi; \
	echo "check-generated: generated/ is up to date"; \
	$(PY) -m generator surface --spec $(SPEC) --supplement $(SUPPLEMENT) --out "$$tmp/surface.txt" || exit 1; \
	if ! diff -u $(SURFACE) "$$tmp/surface.txt"; then \
	  echo "check-generated: $(SURFACE) is out of date; run 'make generate' and commit it" >&2; \
	  exit 1; \
	fi; \
	echo "check-generated: $(SURFACE) is up to date"
	@$(PY) scripts/api_table.py --check README.md

# The blocking twins of the runtime's async loops: generated from the async source into
# generated/mistral_sdk/_blocking (`make generate` writes them too), committed. Needs no
# spec: only the runtime's own files and ruff.
unasync: venv
	$(PY) -m generator unasync

check-unasync: venv
	$(PY) -m generator unasync --check

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
	MYPYPATH=examples $(PY) -m mypy generator runtime/mistral_sdk examples/*.py tests/agentic/typing_helpers.py \
	  tests/runtime/typing_http_clients.py
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

# Azurite, the Azure Blob Storage emulator the offloading tests of workflow payload
# encoding start (tests/workflows_encoding); pinned in its package-lock.json, local.
azurite: $(AZURITE_STAMP)

$(AZURITE_STAMP): $(AZURITE_DIR)/package-lock.json
	npm ci --prefix $(AZURITE_DIR) --no-audit --no-fund --loglevel=error
	@touch $@

# --- demo --------------------------------------------------------------------

# The local mock of the whole API in the foreground (README, "The local mock").
MOCK_PORT ?= 8080
mock: venv
	$(VENV)/bin/mistral mock --port $(MOCK_PORT)

# The realtime audio WebSockets stand-in in the foreground (docs/mock.md).
MOCK_REALTIME_PORT ?= 8001
mock-realtime: venv
	$(PY) scripts/mock_realtime.py --port $(MOCK_REALTIME_PORT)

# The demo's own environment: the package and its runtime dependencies, nothing else
# (no dev or generator extras: those are .venv's, for the tests), so that a first
# `make demo` takes seconds. The demo starts the mock in-process, which needs nothing more.
DEMO_VENV  := .venv-demo
DEMO_STAMP := $(DEMO_VENV)/.installed-stamp

$(DEMO_STAMP): pyproject.toml
	@test -x $(DEMO_VENV)/bin/python || $(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

# generated/ is committed: the demo needs neither the spec nor the network.
demo: $(DEMO_STAMP)
	$(DEMO_VENV)/bin/python examples/demo.py

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

# What a mocked call costs (mistral_sdk.testing): its table of results.json and the docs,
# the other tables left as the last `make bench` wrote them.
bench-testing: venv
	$(PY) benchmarks/run.py --only testing

# Decoding (known and unknown union tags) and streaming against untyped msgspec: docs/unions.md.
bench-decode: venv
	$(PY) benchmarks/decode_stream.py --write

# What a call costs before sending: the dict checks and the request build (docs/unions.md).
bench-encode: venv
	$(PY) benchmarks/bench_encode.py

# Realtime audio: per chunk sent and per event received, against raw websockets: docs/realtime.md.
bench-realtime: venv
	$(PY) benchmarks/bench_realtime.py --write
# An MCP tool call in conversations.run over a local Python tool: docs/mcp.md.
bench-mcp: venv
	$(PY) benchmarks/bench_mcp.py --write

bench-cli: venv
	$(PY) benchmarks/bench_cli.py

# A new user's first `make demo` in a fresh clone (target under 30 s; issue 28).
bench-demo: venv
	$(PY) benchmarks/bench_demo.py

# Many calls at once on httpcore2: pool sizes, a queue in front (docs/reliability.md).
bench-pool: venv
	$(PY) benchmarks/bench_pool.py --write

# Upload memory (500 MB sparse file, peak RSS): docs/reliability.md.
bench-upload: venv
	$(PY) benchmarks/upload_rss.py --write

# The tests of the optional extras kept out of the dev environment: h2, which httpcore2
# imports by itself once installed, and rich (the cli's views), so that
# `import mistral_sdk` there stays as a user's; CI runs them last.
test-extras: venv
	$(PY) -m pip install --quiet -e ".[dev,generator,cli,h2]"
	$(PY) -m pytest -q tests/cli tests/faults/test_pool.py

# Workflow payload encoding, 1 KB to 100 MB, against mistralai's encoder (a dev
# dependency, for its parity tests): docs/workflows-encoding.md.
bench-payloads: venv
	$(PY) benchmarks/bench_payloads.py --write

# --- releases (docs/releasing.md) ----------------------------------------------

# Everything the release workflow checks before it publishes (scripts/release_check.py):
# the version against the API surface since the last release tag, sdist and wheel built
# twice in two folders and byte-identical, their file lists, twine check, the runtime
# dependency tree against spec/runtime-deps.txt, a smoke test in a clean environment per
# supported Python found here. Leaves dist/ and build/release/ (SBOM, SHA256SUMS,
# notes.md). TAG=vX.Y.Z (the workflow's): also the tag and its CHANGELOG.md section;
# ON_BRANCH=REF: the commit must be on REF (the workflow: origin/main).
TAG ?=
ON_BRANCH ?=
release-check: venv
	$(PY) scripts/release_check.py $(if $(TAG),--tag '$(TAG)') $(if $(ON_BRANCH),--on-branch '$(ON_BRANCH)')

# Refuses a VERSION that the API surface diff since the last release tag forbids
# (README.md, Versioning); else writes it and its CHANGELOG.md section, and commits
# nothing. WHY='…' names the change outside the surface that a bigger bump is for.
release: venv
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=X.Y.Z [WHY='...']" >&2; exit 2; }
	$(PY) scripts/release.py prepare '$(VERSION)' $(if $(WHY),--why '$(subst ','\'',$(WHY))')

# After a deliberate change of the runtime dependencies: commit the file with it.
runtime-deps: venv
	$(PY) scripts/runtime_deps.py --write

# --- housekeeping ------------------------------------------------------------

clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis $(SPEC) $(SPEC).old
	find . -path ./$(VENV) -prune -o -path ./$(DEMO_VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(BENCH_VENV) $(DEMO_VENV)
