# Every target sets up what it needs, so each works from a fresh clone.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
MATURIN := $(VENV)/bin/maturin
STAMP := $(VENV)/.deps-installed

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) scripts/dev_requirements.py > $(VENV)/requirements-dev.txt
	$(PY) -m pip install --quiet -r $(VENV)/requirements-dev.txt
	touch $(STAMP)

.PHONY: venv
venv: $(STAMP) ## Create the virtualenv with the test and lint tools

.PHONY: build-dev
build-dev: $(STAMP) ## Build the native module (debug) into the virtualenv
	$(MATURIN) develop --quiet

.PHONY: build-release
build-release: $(STAMP) ## Build the native module optimised (for benchmarks)
	$(MATURIN) develop --quiet --release

.PHONY: test-rust
test-rust: $(STAMP) ## Rust unit tests: the engine without Python, then the binding
	@! cargo tree --quiet -p simplejwt-engine -e normal,build --prefix none | grep -q '^pyo3' \
		|| { echo "engine/ must not depend on pyo3"; exit 1; }
	env -u PYO3_PYTHON cargo test --quiet -p simplejwt-engine
	PYO3_PYTHON=$(abspath $(PY)) cargo test --quiet -p simplejwt-rs

.PHONY: test-python
test-python: build-dev ## Python test suite
	$(PY) -m pytest

.PHONY: test
test: test-rust test-python ## The whole test suite (Rust and Python)

.PHONY: lint
lint: $(STAMP) ## Formatting, clippy, ruff, and the native stub in step with the module
	cargo fmt --check
	PYO3_PYTHON=$(abspath $(PY)) cargo clippy --workspace --all-targets --quiet -- -D warnings
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MAKE) --no-print-directory build-dev
	$(PY) scripts/check_stub.py

.PHONY: format
format: $(STAMP) ## Apply cargo fmt and ruff format
	cargo fmt
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

.PHONY: compat
compat: build-dev ## Run upstream 5.5.1's own test suite against this package
	$(PY) scripts/compat.py $(if $(ONLY),--only $(ONLY))

.PHONY: fuzz
fuzz: $(STAMP) ## Fuzz the engine with cargo-fuzz, FUZZ_SECONDS per target (300; 45 if CI=true)
	PYTHON=$(abspath $(PY)) bash fuzz/run.sh $(FUZZ_TARGETS)

.PHONY: demo
demo: build-dev ## Serve example/ on 127.0.0.1:8000 with a walkthrough (CHECK=1: test, stop; PORT=n)
	$(PY) example/demo.py $(if $(filter-out 0 false no,$(CHECK)),--check) $(if $(PORT),--port $(PORT))

.PHONY: wheel
wheel: $(STAMP) ## Build the release wheel into dist/ (abi3, manylinux tag) and check it
	rm -rf dist
	$(MATURIN) build --release --compatibility pypi --out dist
	$(PY) scripts/check_wheel.py --wheel dist/*.whl

.PHONY: matrix
matrix: $(STAMP) ## Both test suites against dist/'s wheel per Python/Django pair (ONLY="3.10 ...")
	$(PY) .ci/matrix.py $(if $(ONLY),--only $(ONLY))

.PHONY: bench
bench: $(STAMP) ## Benchmark against upstream 5.5.1 -> bench/.out/ (FULL=1 longer; UPDATE=1 rewrites bench/results.* and README); installs wrk
	$(PY) bench/run.py $(if $(filter-out 0 false no,$(FULL)),--full,--quick) $(if $(filter-out 0 false no,$(UPDATE)),--update)

.PHONY: messages
messages: ## Recompile the translation catalogs (.po -> .mo)
	$(PYTHON) scripts/compile_messages.py

.PHONY: clean
clean: ## Remove build products and the virtualenv
	rm -rf target $(VENV) .compat .matrix build dist fuzz/target
