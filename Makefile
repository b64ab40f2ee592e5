# Portico: `make up` runs the whole system, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SERVICES := accounts billing tickets notifications
export PORTICO_VAR_DIR ?= $(CURDIR)/var

.PHONY: up down test venv rabbitmq migrate seed chromium test-fast bench compose-check

up: venv rabbitmq migrate
	@$(PY) scripts/up.py

down:
	@$(PY) scripts/up.py --stop

venv: $(VENV)/.installed

$(VENV)/.installed: constraints.txt requirements-dev.txt shared/pyproject.toml gateway/pyproject.toml $(foreach s,$(SERVICES),services/$(s)/pyproject.toml)
	@command -v python3 >/dev/null || (apt-get update -qq && apt-get install -y -qq python3)
	@python3 -m venv $(VENV) 2>/dev/null || (apt-get update -qq && apt-get install -y -qq python3-venv python3-dev && python3 -m venv $(VENV))
	@$(VENV)/bin/pip install -q --upgrade "pip>=23" 2>&1 | grep -v WARNING || true
	$(VENV)/bin/pip install -q -c constraints.txt --config-settings editable_mode=compat -e shared $(foreach s,$(SERVICES),-e services/$(s)) -e gateway -r requirements-dev.txt
	@touch $@

rabbitmq:
	@scripts/ensure-rabbitmq.sh

migrate: venv
	@for s in $(SERVICES); do $(VENV)/bin/alembic -c services/$$s/alembic.ini upgrade head || exit 1; done

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: venv rabbitmq chromium
	@scripts/ensure-postgres.sh
	$(PY) -m pytest

bench: venv rabbitmq
	$(PY) bench/rpc_roundtrip.py

compose-check:
	@command -v docker-compose >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null)
	docker-compose -f docker-compose.yml config -q
