# Two entry points for a newcomer: `make example` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STORE ?= .store/example
TEST_EXTRAS := dev,ray,llm,hf,train

.PHONY: example test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per install profile, so `make test` after `make example` still installs the test extras.
$(VENV)/.installed-example: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[$(TEST_EXTRAS)]'
	touch $@

example: $(VENV)/.installed-example
	$(BIN)/veracity index examples/evidence --store $(STORE)
	$(BIN)/veracity check examples/gaza_talks.txt --store $(STORE) --published 2024-08-14 \
		--format html --output out/gaza_talks.html
	$(BIN)/veracity check examples/gaza_talks.txt --store $(STORE) --published 2024-08-14 --format markdown

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(STORE) out .pytest_cache .mypy_cache .ruff_cache
