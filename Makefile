# salesbot: `make run` sets up and runs the assistant; `make test` sets up and runs the tests.
# Two environments: .venv (Python 3.11: actions, knowledge, CLI, tests) and .venv-rasa (Python 3.10: Rasa).

SHELL := /bin/bash
PYTHON311 ?= $(shell pyenv prefix 3.11 2>/dev/null | head -1)/bin/python
PYTHON310 ?= $(shell pyenv prefix 3.10 2>/dev/null | head -1)/bin/python
VENV := .venv
RASA_VENV := .venv-rasa
GARAK_VENV := .venv-garak
SALESBOT := $(VENV)/bin/salesbot
export RASA_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup run test test-scale unit lint train ingest prepare-model bench eval eval-conversations garak clean web-assets browser

# Step banners say what runs and how long it takes the first time on a 2-core machine (later runs skip it).
step = @echo "==> [$$(date +%H:%M:%S)] $(1)"

$(VENV)/.installed: requirements/actions.txt requirements/dev.txt pyproject.toml
	@test -x "$(PYTHON311)" || { echo "Python 3.11 not found (set PYTHON311=/path/to/python3.11)"; exit 1; }
	$(call step,action-server environment .venv (first time about 4 minutes))
	test -d $(VENV) || $(PYTHON311) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --no-deps -r requirements/actions.txt -r requirements/dev.txt
	$(VENV)/bin/pip install --quiet --no-deps --no-build-isolation -e . 2>/dev/null || $(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

# llama.cpp is compiled from source (about 12 minutes), so only for SALESBOT_LLM_BACKEND=llamacpp.
$(VENV)/.llamacpp-installed: requirements/llamacpp.txt $(VENV)/.installed
	$(call step,llama.cpp backend (compiles; first time about 12 minutes))
	$(VENV)/bin/pip install --quiet --no-deps -r requirements/llamacpp.txt
	touch $@

LLAMACPP := $(if $(filter llamacpp,$(SALESBOT_LLM_BACKEND)),$(VENV)/.llamacpp-installed,)

$(RASA_VENV)/.installed: requirements/rasa.txt
	@test -x "$(PYTHON310)" || { echo "Python 3.10 not found (set PYTHON310=/path/to/python3.10)"; exit 1; }
	$(call step,Rasa environment .venv-rasa (first time about 3 minutes))
	test -d $(RASA_VENV) || $(PYTHON310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet --no-deps -r requirements/rasa.txt
	touch $@

# garak, for `make garak` only. The constraint keeps torch on its CPU wheel: any other version pulls gigabytes
# of CUDA wheels.
$(GARAK_VENV)/.installed: requirements/garak.txt requirements/garak-constraints.txt
	@test -x "$(PYTHON311)" || { echo "Python 3.11 not found (set PYTHON311=/path/to/python3.11)"; exit 1; }
	$(call step,garak environment .venv-garak (first time about 2 minutes))
	test -d $(GARAK_VENV) || $(PYTHON311) -m venv $(GARAK_VENV)
	$(GARAK_VENV)/bin/pip install --quiet -r requirements/garak.txt -c requirements/garak-constraints.txt
	touch $@

setup: $(VENV)/.installed $(LLAMACPP) $(RASA_VENV)/.installed prepare-model web-assets

# The widget's browser-side package (socket.io client), exactly as bot/web/package-lock.json pins it.
WEB_ASSETS := bot/web/node_modules/.package-lock.json
$(WEB_ASSETS): bot/web/package.json bot/web/package-lock.json
	$(call step,widget browser package (npm ci; seconds))
	cd bot/web && npm ci --no-audit --no-fund
	touch $@

web-assets: $(WEB_ASSETS)

# Debian's Chromium for the browser tests (Playwright's own browser download does not work offline).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; }

prepare-model: $(VENV)/.installed $(LLAMACPP)
	$(call step,language model (first time about 2 minutes to unpack and convert))
	$(SALESBOT) prepare-model

train: setup
	$(call step,Rasa model (skipped when nothing changed; else about 6 minutes))
	$(SALESBOT) train

ingest: setup
	$(call step,catalogue into Chroma (seconds; unchanged products are kept))
	$(SALESBOT) ingest

run: setup train ingest
	$(SALESBOT) up

test: setup browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest -ra

# Two Rasa instances behind nginx on PostgreSQL + Redis (+ a Chroma server); installs them with apt-get if missing.
test-scale: $(VENV)/.installed $(RASA_VENV)/.installed
	tests/scale/run.sh

unit: $(VENV)/.installed
	$(VENV)/bin/python -m pytest -ra tests/unit

bench: setup train
	$(SALESBOT) bench

eval: setup train
	$(SALESBOT) eval knowledge
	$(SALESBOT) eval nlu

# Customers' questions and follow-ups over REST on the test shops in data/eval/shops (about 10 minutes).
eval-conversations: setup train
	$(SALESBOT) eval conversations

# A bounded garak scan of the REST channel on ports 6005/6055, not part of `make test` (docs/abuse.md).
garak: train $(GARAK_VENV)/.installed
	$(call step,garak scan of the REST channel (about 4 minutes))
	$(VENV)/bin/python -m tests.garak.scan $(GARAK_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf var results .pytest_cache .ruff_cache
