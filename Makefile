# Two entry points for a newcomer: `make example` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STORE ?= .store/example
EXTRAS ?= dev

.PHONY: example test lint setup clean

$(VENV)/.installed-$(EXTRAS): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $@

setup: $(VENV)/.installed-$(EXTRAS)

example: EXTRAS = dev
example: setup
	$(BIN)/veracity index examples/evidence --store $(STORE)
	$(BIN)/veracity check examples/gaza_talks.txt --store $(STORE) --published 2024-08-14 \
		--format html --output out/gaza_talks.html
	$(BIN)/veracity check examples/gaza_talks.txt --store $(STORE) --published 2024-08-14 --format markdown

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: EXTRAS = dev,ray,llm,hf
test: lint
	$(BIN)/pytest

clean:
	rm -rf $(STORE) out .pytest_cache .mypy_cache .ruff_cache
