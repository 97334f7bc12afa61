# Two commands do all the set-up on a fresh machine (a virtual environment with the
# pinned requirements, and Debian's chromium through apt when a target needs it):
#   make book   build the website: English into _build/html, Chinese into _build/html/zh
#   make test   run every test: lint, unit tests and doctests (the workflow checks and
#               the demo player's page script in Chromium included), strict nbval over
#               every notebook with each lab's pictures and exercise checks checked in
#               the same run, the book build (its chapters' kernels log their figures),
#               the chapters' figures, then the site in Chromium and the notebooks run
#               through JupyterLab in a simulated Colab runtime
# Other targets: make lab (JupyterLab on the course), make execute (re-run the notebooks,
# store their outputs and what their pictures show), make translations (refresh the
# Chinese catalogs and labs after an English change), make figures, make screenshots,
# make bench, make clean.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian's Chromium, driven by Playwright in the browser tests.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The tests that drive a real client; they run after the book is built.
CLIENT_TESTS := tests/test_site.py tests/test_jupyterlab.py tests/test_colab.py
# Reads the chapters' figures from the book build, runs a trial lab and lab 5 under
# another processor's rounding: a target of its own.
FIGURE_TESTS := tests/test_stored_figures.py
# Extracts the English pages' messages afresh (from the book's execution cache) and
# compares them with the Chinese catalogs: a target of its own, after the book.
CURRENCY_TESTS := tests/test_translation_currency.py

.PHONY: book test venv lint unit nbval figures site jupyterlab colab clients screenshots \
	lab execute bench chromium clean translations translated

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

# Installed once; skipped when the file is there. The CJK font lets Chromium draw the
# Chinese terms of the glossary and the lesson's title in the screenshots.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
$(CJK_FONT):
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y fonts-wqy-microhei

$(CHROMIUM): | $(CJK_FONT)
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium

chromium: $(CHROMIUM)

# The book's maths is typeset when it is built, by MathJax under Node.js
# (_ext/course_maths.py): Debian's Node.js and npm when the machine has none, then the
# packages that package-lock.json pins.
NPM := $(or $(shell command -v npm),/usr/bin/npm)
NODE_PACKAGES := node_modules/.package-lock.json
$(NPM):
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y nodejs npm

$(NODE_PACKAGES): package.json package-lock.json | $(NPM)
	$(NPM) ci --no-audit --no-fund --loglevel=error

# The HTML is written afresh each time (no pages left over from renamed chapters); the
# executed chapters (_build/.jupyter_cache) and doctrees in _build/ are kept, so a
# rebuild stays quick. Both languages, strict: scripts/build_book.py. The chapters run
# once, in the English build; their kernels log the figures they draw into
# _build/chapter-figures (tests/figure_log.py), so that `make figures` checks them
# without running them again.
book: $(STAMP) $(NODE_PACKAGES)
	rm -rf _build/html
	$(BIN)/python tests/figure_log.py --into _build/chapter-figures -- \
		$(BIN)/python scripts/build_book.py

# After an English change: the catalogs of the Chinese edition (new messages arrive
# untranslated, changed ones fuzzy; tests/translation_checks.py lists them), then the
# Chinese labs. See README.md, "Translating".
translations: $(STAMP) book
	$(BIN)/python scripts/translations.py
	$(BIN)/python scripts/translate_notebooks.py

lint: $(STAMP)
	$(BIN)/ruff check .

unit: $(STAMP) $(CHROMIUM) $(NODE_PACKAGES)
	$(BIN)/pytest tests lossutils \
		$(addprefix --ignore=,$(CLIENT_TESTS) $(FIGURE_TESTS) $(CURRENCY_TESTS))

# Strict: every stored output is compared with a fresh CPU (or LOSSUTILS_DEVICE) run. In
# the same run (tests/nbval_labs.py) each lab's stored pictures, images and demo
# frames, must show what its code draws now, and every figure meets the figure standard.
nbval: $(STAMP)
	PYTHONPATH=tests $(BIN)/pytest -p nbval_labs --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:randomly notebooks/*.ipynb

# The chapters' figures as the book build drew them, the stale-picture check itself (a
# trial lab), and lab 5 under another processor's rounding, on the CPU.
figures: $(STAMP) book
	LOSSUTILS_DEVICE=cpu $(BIN)/pytest $(FIGURE_TESTS)

site: $(STAMP) $(CHROMIUM) book
	$(BIN)/pytest tests/test_site.py

jupyterlab: $(STAMP) $(CHROMIUM)
	$(BIN)/pytest tests/test_jupyterlab.py

colab: $(STAMP)
	$(BIN)/pytest tests/test_colab.py

clients: $(STAMP) $(CHROMIUM) book
	$(BIN)/pytest $(CLIENT_TESTS)

# The catalogs of the Chinese edition hold the English pages' messages as they are now.
translated: $(STAMP) book
	$(BIN)/pytest $(CURRENCY_TESTS)

test: lint unit nbval book figures translated clients

# Full-page screenshots of every page at 1280 and 390 px, and page-weights.json.
screenshots: $(STAMP) $(CHROMIUM) book
	LOSSUTILS_SCREENSHOTS=1 $(BIN)/pytest tests/test_site.py
	@echo "Screenshots of every page: $(CURDIR)/_build/screenshots/"

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=$(CURDIR)

execute: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py notebooks/*.ipynb

# What the course costs (a benchmark, not a test: nothing in `make test` depends on a
# timing): writes benchmarks/REPORT.md, results.json (read by the appendix) and figures.
# One part at a time: make bench BENCH_OPTIONS="--only losses" (see benchmarks/bench.py).
bench: $(STAMP) $(CHROMIUM)
	$(BIN)/python benchmarks/bench.py $(BENCH_OPTIONS)

clean:
	rm -rf _build
