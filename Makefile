# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# llama-cpp-python compiles llama.cpp at install. Built for the host CPU (its default,
# -march=native) on an Intel Xeon with AMX, its AMX kernels crash the first decode inside a VM
# (segfault; 0.3.35 and 0.3.36 alike), so it is built portable (AVX2/FMA, no AMX), before the
# rest and without pip's wheel cache, which may hold a native build from an earlier install.
LLAMA       := 'llama-cpp-python[server]>=0.3.16'
LLAMA_BUILD := CMAKE_ARGS="-DGGML_NATIVE=OFF"

.PHONY: setup ingest run test test-fast eval-gate eval-targets lint fmt clean

setup: $(STAMP)

# Re-installs only when pyproject.toml changes; an existing .venv is reused.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(LLAMA_BUILD) $(BIN)/python -m pip install --quiet --no-cache-dir $(LLAMA)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

ingest: setup
	HF_HUB_OFFLINE=1 $(BIN)/advisor ingest

run: ingest
	HF_HUB_OFFLINE=1 $(BIN)/advisor serve --host 127.0.0.1 --port 8000

# The test suite, then the grounded backend's eval gate on the held-out split.
test: setup
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest
	@$(MAKE) --no-print-directory eval-gate

# The eval gate: targets in evals/thresholds.toml. A figure listed in evals/known_shortfalls.toml
# may stay below its target but fails when it drops below its recorded value (a ratchet; targets
# are never lowered). It scores the real index, which `ingest` builds or updates (only changes are
# re-embedded); reports land in artifacts/eval/ (report.md, report.html, report.json).
eval-gate: ingest
	HF_HUB_OFFLINE=1 $(BIN)/advisor eval --split heldout --check --out artifacts/eval

# The targets alone, known shortfalls included as failures (fails today: see docs/results.md).
eval-targets: ingest
	HF_HUB_OFFLINE=1 $(BIN)/advisor eval --split heldout --check --strict --out artifacts/eval

test-fast: setup
	$(BIN)/python -m pytest -m "not real and not server"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy assistant ingest evals
	$(BIN)/lint-imports

fmt: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf .data .pytest_cache .mypy_cache .ruff_cache
