# Liveblog Reader: `make run` starts the app, `make test` runs every check headless.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test test-slow lint bench screenshots clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

run: $(STAMP)
	$(PY) -m reader $(ARGS)

lint: $(TEST_STAMP)
	$(PY) -m ruff check reader tests

test: $(TEST_STAMP)
	$(PY) -m ruff check reader tests
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m "not slow"

test-slow: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m "slow or property" --hypothesis-profile=fuzz

bench: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m reader.bench run --size $(or $(BENCH_SIZE),full) --runs $(or $(BENCH_RUNS),3)

screenshots: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m devtools.screenshots docs

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
