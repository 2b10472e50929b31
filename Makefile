# Two commands do all the set-up on a fresh machine (see README):
#   make demo   -> full analysis of the bundled sample corpus into figures/
#   make test   -> the test suite (what .ci/run calls)
# Both create .venv/ and install the project into it first.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck bench browser fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# pip 23 skips lxml_html_clean (needed by trafilatura): upgrade first.
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[all]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/threadframe demo --out figures

browser: $(STAMP)
	-bash scripts/install-browser.sh

# The suite runs with no network (scripts/offline.sh: a network namespace with
# only loopback up), so "works offline" is checked, not assumed.
test: $(STAMP) browser
	bash scripts/offline.sh $(PY) -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(VENV)/bin/ruff check threads analysis tests benchmarks
	$(VENV)/bin/mypy

# Long fuzzing run (minutes): inputs per second and a table of crashes.
FUZZ_INPUTS ?= 100000
fuzz: $(STAMP)
	$(PY) tests/fuzz/run.py --inputs $(FUZZ_INPUTS) --jobs 2 --save fuzz-crashes

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
