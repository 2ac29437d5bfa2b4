# The course in two commands: `make book` and `make test` (see README.md).
# Both create .venv on first use and install requirements.txt into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The environment's commands first on the PATH (nbgrader runs `alembic` by name).
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: book test lint lab lab-student bench clean assets chromium student solutions student-book nbgrader

# The book is readable offline: MathJax is served from the site itself. It comes from the
# npm registry at build time (`npm pack` fetches only the package's own tarball, no
# dependencies) into .vendor/, and the files the pages load are unpacked into
# book/_static/vendor/; neither folder is committed. Without npm the book still builds:
# its pages then load the same MathJax from its public CDN (tools/offline_html.py).
NPM        ?= npm
NPM_ASSETS := mathjax@3.2.2
VENDOR     := book/_static/vendor
ASSETS     := $(VENDOR)/.installed

# (Re)install whenever requirements.txt or pyproject.toml change.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@# build matplotlib's font cache now, so its one-time notice never lands in a notebook
	$(BIN)/python -c "import matplotlib.pyplot"
	touch $(STAMP)

# MathJax's CHTML build with its fonts, TeX extensions and accessibility (menu, speech) components.
$(ASSETS): Makefile
	@if ! command -v $(NPM) >/dev/null 2>&1; then \
	  echo "note: npm was not found, so the book's own copy of MathJax ($(NPM_ASSETS)) is not fetched."; \
	  echo "      The pages will load the same version from its public CDN, and need a network to show"; \
	  echo "      equations. Install Node.js (npm) and run make again for a book that reads offline."; \
	else \
	  rm -rf .vendor $(VENDOR) && mkdir -p .vendor $(VENDOR)/mathjax && \
	  (cd .vendor && $(NPM) pack --silent --no-fund $(NPM_ASSETS) >/dev/null) && \
	  tar -xzf .vendor/mathjax-*.tgz -C $(VENDOR)/mathjax --strip-components=2 \
	    package/es5/tex-chtml.js package/es5/input/tex package/es5/output/chtml \
	    package/es5/a11y package/es5/sre package/es5/ui package/es5/adaptors && \
	  tar -xzf .vendor/mathjax-*.tgz -C $(VENDOR)/mathjax --strip-components=1 package/LICENSE && \
	  touch $@; \
	fi

assets: $(ASSETS)

# The browser test (tests/test_browser.py) drives Chromium through Playwright: Debian's,
# installed here once when missing and apt-get is there (as in CI), or else the one that
# `.venv/bin/playwright install chromium` downloads. Without either, the test skips (in CI it fails).
CHROMIUM := /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "note: no $(CHROMIUM) and no apt-get: the browser test uses Playwright's Chromium if"; \
	  echo "      \`$(BIN)/playwright install chromium\` has fetched it, and otherwise skips."; \
	fi

## make book: build the HTML book into _build/html, warnings as errors (readable offline).
book: $(STAMP) $(ASSETS)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "The book is ready: open $(CURDIR)/_build/html/index.html"

## make test: lint, then the whole test suite (package, notebooks with nbval, strict book
## build, the book in headless Chromium with no network).
test: $(STAMP) $(ASSETS) chromium lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

## Editions for instructors (see the instructor guide in the book).
## make nbgrader: an nbgrader course folder, one assignment per chapter, in _build/nbgrader/.
nbgrader: $(STAMP)
	$(BIN)/python -m gru_course.assign nbgrader _build/nbgrader

## make student: student notebooks (nbgrader's release of every chapter) in _build/student/.
student: $(STAMP)
	$(BIN)/python -m gru_course.assign student _build/student

## make solutions: solution notebooks (every answer in place) in _build/solutions/.
solutions: $(STAMP)
	$(BIN)/python -m gru_course.assign solutions _build/solutions

## make student-book: the HTML book without solutions, in _build/student-book/_build/html/.
student-book: $(STAMP) $(ASSETS)
	@# next to _config.yml, because Jupyter Book reads relative paths from the config's folder
	$(BIN)/python -m gru_course.assign student-config _config_student.yml
	$(BIN)/jupyter-book build . --config _config_student.yml --toc _toc_student.yml \
	  --path-output _build/student-book -W -n --keep-going
	rm -f _config_student.yml _toc_student.yml
	@echo "The student book is ready: open $(CURDIR)/_build/student-book/_build/html/index.html"

## make lab: open the book's notebooks (solutions filled in) in JupyterLab.
lab: $(STAMP)
	$(BIN)/jupyter lab book/

## make lab-student: write the student notebooks (no solutions) and open them in JupyterLab.
lab-student: student
	$(BIN)/jupyter lab _build/student/

## make bench: time gru_course against torch.nn.GRU (needs torch==2.13.0 in .venv for the comparison) and the explorer redraw.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_gru.py
	$(BIN)/python benchmarks/bench_lstm.py
	$(BIN)/python benchmarks/bench_explorer.py
	$(BIN)/python benchmarks/bench_charlm.py

clean:
	rm -rf _build .pytest_cache .ruff_cache .hypothesis .vendor $(VENDOR)
