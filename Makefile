# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup ingest run test test-fast eval-gate eval-targets lint fmt clean

setup: $(STAMP)

# Re-installs only when pyproject.toml changes; an existing .venv is reused.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
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
