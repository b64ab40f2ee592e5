# Portico: `make up` runs the whole system, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SERVICES := accounts billing tickets notifications
export PORTICO_VAR_DIR ?= $(CURDIR)/var

.PHONY: up down test containers-test venv rabbitmq migrate test-tools bench env images

up: venv rabbitmq migrate
	@$(PY) scripts/up.py

down:
	@$(PY) scripts/up.py --stop

# A .env with fresh secrets for docker-compose (docs/docker.md); an existing one is kept.
env: venv
	@$(PY) scripts/new_env.py

# Every image for docker-compose.yml; with no registry, on a Python base built from Debian's packages (docs/docker.md).
images: env
	@scripts/images.sh

venv: $(VENV)/.installed

$(VENV)/.installed: constraints.txt requirements-dev.txt shared/pyproject.toml gateway/pyproject.toml sandbox/pyproject.toml testing/pyproject.toml $(foreach s,$(SERVICES),services/$(s)/pyproject.toml)
	@command -v python3 >/dev/null || (apt-get update -qq && apt-get install -y -qq python3)
	@python3 -m venv $(VENV) 2>/dev/null || (apt-get update -qq && apt-get install -y -qq python3-venv python3-dev && python3 -m venv $(VENV))
	$(VENV)/bin/pip install -q -c constraints.txt --config-settings editable_mode=compat -e shared $(foreach s,$(SERVICES),-e services/$(s)) -e gateway -e sandbox -e testing -r requirements-dev.txt
	@touch $@

rabbitmq:
	@scripts/ensure-rabbitmq.sh

migrate: venv
	@for s in $(SERVICES); do $(VENV)/bin/alembic -c services/$$s/alembic.ini upgrade head || exit 1; done

# Debian's chromium drives the browser tests; docker-compose validates docker-compose.yml.
test-tools:
	@missing=""; command -v chromium >/dev/null || missing="chromium"; \
	command -v docker-compose >/dev/null || missing="$$missing docker-compose"; \
	if [ -n "$$missing" ]; then echo "Installing$$missing with apt-get..."; apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

# The architecture's import rules (.importlinter), then two pytest-xdist workers, one lane per
# database backend (tests/conftest.py, docs/architecture.md).
test: venv rabbitmq test-tools
	@scripts/ensure-postgres.sh
	$(VENV)/bin/lint-imports --no-logo --no-cache
	$(PY) -m pytest -n 2 --dist loadgroup --durations=20
	@$(MAKE) --no-print-directory containers-test

# The compose stack built and run for real, in a lane of its own (tests/containers, docs/docker.md); skipped, with
# the reason, only where no Docker engine can be started.
containers-test: venv
	@if scripts/ensure-docker.sh; then $(PY) -m pytest -p no:xdist -s tests/containers; \
	else echo "*** No Docker engine could be started here (above): the container tests did not run. ***"; fi

bench: venv rabbitmq
	$(PY) bench/rpc_roundtrip.py
