VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/boucle run

lint: $(STAMP)
	$(VENV)/bin/ruff check bot handlers storage tests bench
	$(VENV)/bin/ruff format --check bot handlers storage tests bench
	$(VENV)/bin/mypy

test: lint
	$(VENV)/bin/pytest

bench: $(STAMP)
	$(PY) bench/parse.py
	$(PY) bench/broadcast.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
