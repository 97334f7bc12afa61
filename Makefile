# Two commands do all the set-up on a fresh machine:
#   make book   build the website into _build/html
#   make test   run every test (lint, unit tests and doctests, notebooks, book build)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: book test lint unit nbval lab execute clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html -n -W --keep-going
	@echo "The course website: $(CURDIR)/_build/html/index.html"

lint: $(STAMP)
	$(BIN)/ruff check .

unit: $(STAMP)
	$(BIN)/pytest tests lossutils

nbval: $(STAMP)
	$(BIN)/pytest --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:randomly notebooks

test: lint unit nbval book

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=$(CURDIR)

execute: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py notebooks/*.ipynb

clean:
	rm -rf _build
