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

.PHONY: serve build test test-latest figures notebooks bench lock clean

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

# One BLAS thread per worker: two workers on two cores, not two times two threads fighting.
test: $(VENV)/.test
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

# The whole suite against the newest TensorFlow, Keras, NumPy and doc toolchain (pins
# ignored), in its own venv; ends with the pages and tests that break. Not part of CI.
test-latest:
	$(PYTHON) -m venv $(VENV)-latest
	sed -E 's/^([A-Za-z0-9_.-]+)[=<>!~]=[^;]*/\1 /; s/^-r docs.in/-r docs-latest.in/' requirements/test.in > requirements/.test-latest.in
	sed -E 's/^([A-Za-z0-9_.-]+)[=<>!~]=[^;]*/\1 /' requirements/docs.in > requirements/docs-latest.in
	PIP_CONSTRAINT= $(VENV)-latest/bin/python -m pip install -q --upgrade keras numpy -r requirements/.test-latest.in
	rm -f requirements/.test-latest.in requirements/docs-latest.in
	$(VENV)-latest/bin/python -m pip list 2>/dev/null | grep -i -E "^(tensorflow[a-z_-]*|keras|numpy|mkdocs|mkdocs-material|pymdown-extensions|scikit-learn) "
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(VENV)-latest/bin/python -m pytest -n $(WORKERS) --dist loadgroup \
	  --junitxml=$(VENV)-latest/report.xml -o junit_family=xunit1 -q || true
	$(VENV)-latest/bin/python scripts/broken_pages.py $(VENV)-latest/report.xml

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
