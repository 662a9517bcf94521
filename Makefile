# Two commands: `make run` and `make test`. Everything else is set up on the way.
# Needs only python3 (>= 3.11, with venv) and make: uv is installed into .tools/ from PyPI
# and installs the locked dependencies (uv.lock) into .venv/.

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(shell command -v $(PYTHON))

.PHONY: run test lint setup clean

run: setup
	$(VENV)/bin/coder run seeds/ --db coder.db --out releases/

test: setup
	$(VENV)/bin/python -m pytest

lint: setup
	$(VENV)/bin/ruff check coder tests bench scripts
	$(VENV)/bin/ruff format --check coder tests bench scripts

setup: $(VENV)/.synced

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked
	touch $@

clean:
	rm -rf .tools $(VENV) coder.db coder.db-wal coder.db-shm
