# Two commands do all set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
STAMP  := $(VENV)/.installed

.PHONY: run test model bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# Build the default model from data/ when models/ has no active model.
model: $(STAMP)
	@$(BIN)/triage models ensure-default

run: model
	$(BIN)/triage serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: model
	$(BIN)/python bench/preprocess.py
	$(BIN)/python bench/suggest.py

clean:
	rm -rf $(VENV) build *.egg-info
