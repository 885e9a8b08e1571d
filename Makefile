# The two commands of the README's quick start: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group test --group lint
	touch $(STAMP)

run: $(STAMP)  ## open the calendar on your database
	$(BIN)/kara-tui

demo: $(STAMP)  ## open the calendar on a throwaway demo practice
	$(BIN)/kara-tui --demo

lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint  ## ruff, the layer contract, mypy and every test (e2e and slow too, every Hypothesis example), one at a time; the 15 slowest listed
	KARA_HYPOTHESIS_PROFILE=default $(BIN)/pytest --durations=15

# test-fast leaves out the e2e tests (tmux) and those marked slow (differential tests over
# generated feeds but their first seed, multi-process races, the wheel, PostgreSQL, ...), and
# tries a tenth of each property test's Hypothesis examples (tests/support/examples.py).
# Three workers on two cores: about a minute of the run is tests waiting on a deadline or a
# server (tests/hostile, feeds), and a third worker keeps the cores busy meanwhile; work
# stealing hands the last files to whichever worker is free. Python's bytecode cache is kept
# even where the environment turns it off (PYTHONDONTWRITEBYTECODE): else each worker
# compiles every module again, every run (~5 s of CPU each).
test-fast: lint  ## the quick loop: lint and the tests but e2e and slow ones, on 2 cores (3 workers), with fewer Hypothesis examples
	env -u PYTHONDONTWRITEBYTECODE KARA_HYPOTHESIS_PROFILE=fast $(BIN)/pytest -m "not e2e and not slow" -n 3 --dist worksteal --durations=15

bench: $(STAMP)  ## the performance suite (not part of `make test`)
	@# calcurse is a baseline of issue 19; without it (no root, no network) its figures say
	@# "unavailable" and everything else still runs.
	@command -v calcurse >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq calcurse; } >/dev/null 2>&1 || \
		echo "calcurse could not be installed: its figures will say unavailable"
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
