# Two commands for a new user: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
# `make test` runs without coverage: tracing every line roughly doubles the suite's CPU time on
# Python 3.11 (sys.settrace). `make cov` is the same run with the line coverage of the app
# packages ([tool.coverage] in pyproject.toml); CI measures it in its PostgreSQL run.
COV    ?=

.PHONY: run test cov install prepare lint fmt ci bench clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required (found " + sys.version.split()[0] + ")") if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

prepare: install
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_schedules
	$(PY) manage.py demo_data

run: prepare
	PORT=$(PORT) $(PY) manage.py serve

test: install
	$(PY) manage.py compile_translations
	$(PY) -m pytest -n 2 --dist loadgroup $(COV)
	@$(if $(COV),echo "Coverage of the app packages (lines): $$($(PY) -m coverage report --format=total)%")

cov:
	$(MAKE) test COV="--cov --cov-report="

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

fmt: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

ci:
	bash .ci/run

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .coverage
