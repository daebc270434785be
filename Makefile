# DL Notes — every command a reader or maintainer needs. Only python3 is assumed.
#   make serve     docs-only venv (no TensorFlow), both languages at http://127.0.0.1:8000
#   make test      full venv, then every check: unit tests, every page's code, notebooks, site
SHELL := /bin/bash
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --disable-pip-version-check -q -c requirements/constraints.txt
WORKERS ?= 2

export NO_MKDOCS_2_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export MPLBACKEND := Agg
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve build test figures notebooks bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.docs: $(BIN)/python requirements/docs.in requirements/constraints.txt
	$(PIP) -r requirements/docs.in
	touch $@

$(VENV)/.test: $(VENV)/.docs requirements/test.in requirements/constraints.txt
	$(PIP) -r requirements/test.in
	touch $@

serve: $(VENV)/.docs
	$(BIN)/mkdocs serve -a 127.0.0.1:8000

build: $(VENV)/.docs
	$(BIN)/mkdocs build --strict --clean

test: $(VENV)/.test
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

figures: $(VENV)/.test
	$(BIN)/python scripts/make_figures.py

notebooks: $(VENV)/.test
	$(BIN)/python scripts/refresh_notebooks.py

bench: $(VENV)/.test
	$(BIN)/python benchmarks/run.py

# Re-pin after changing requirements/*.in (then commit requirements/constraints.txt).
lock: $(VENV)/.test
	(echo "# Pinned versions of every package make serve / make test install (make lock regenerates it)."; \
	 $(BIN)/python -m pip freeze --exclude-editable | sort -f) > requirements/constraints.txt

clean:
	rm -rf site .cache
