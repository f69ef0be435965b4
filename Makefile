# Everything runs inside .venv, built from pyproject.toml on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench bytecode clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q policycli
	touch $(STAMP)

# An editable install is not byte-compiled by pip, and where
# PYTHONDONTWRITEBYTECODE is set every start would compile the package again;
# the benchmarks compile it first so that they time the work, not the compiler.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q policycli

run: $(STAMP)
	$(BIN)/policycli extract samples/zone-news.txt

test: $(STAMP)
	$(BIN)/python -m pytest

bench: bytecode
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/batch.py

clean:
	rm -rf $(VENV) build *.egg-info
