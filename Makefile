# The course in two commands: `make book` and `make test` (see README.md).
# Both create .venv on first use and install requirements.txt into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test lint lab bench clean

# (Re)install whenever requirements.txt or pyproject.toml change.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@# build matplotlib's font cache now, so its one-time notice never lands in a notebook
	$(BIN)/python -c "import matplotlib.pyplot"
	touch $(STAMP)

## make book: build the HTML book into _build/html, warnings as errors.
book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "The book is ready: open $(CURDIR)/_build/html/index.html"

## make test: lint, then the whole test suite (package, notebooks with nbval, strict book build).
test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks book/data
	$(BIN)/ruff format --check src tests benchmarks book/data

## make lab: open the notebooks in JupyterLab.
lab: $(STAMP)
	$(BIN)/jupyter lab book/

## make bench: time gru_course against torch.nn.GRU (needs torch==2.13.0 in .venv for the comparison) and the explorer redraw.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_gru.py
	$(BIN)/python benchmarks/bench_explorer.py

clean:
	rm -rf _build .pytest_cache .ruff_cache .hypothesis
