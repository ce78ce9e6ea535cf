# Two commands: `make run` and `make test`. Python is the one found on PATH (3.11+).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
SERVER ?= daphne

.PHONY: run test lint bench install install-test messages migrate reference seed index clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Django's compilemessages needs GNU gettext's msgfmt (Debian: apt-get install gettext).
messages: install
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install GNU gettext (apt-get install gettext)"; exit 1; }
	$(MANAGE) compilemessages --ignore=.venv --ignore=var -v 0

migrate: install messages
	$(MANAGE) migrate --noinput -v 0

# The CPV codes shipped in procurement/reference/ (a migration loads them): brings an existing database up to date.
reference: migrate
	$(MANAGE) load_reference_data

# Links printed or e-mailed (the demo invitation, password resets) lead to this server, unless the
# environment names another address.
BASE_URL := WAGTAILADMIN_BASE_URL="$${WAGTAILADMIN_BASE_URL:-http://$(HOST):$(PORT)}"

# Sealed bids need the platform master key (var/keys/master.key, never overwritten; README "Sealed bids: keys").
seed: reference
	$(MANAGE) create_master_key -v 0 >/dev/null
	$(BASE_URL) $(MANAGE) seed_demo --if-empty

# haystack refuses to build an index while no app defines a SearchIndex: skip it until one does.
index: migrate
	@rc=0; $(MANAGE) shell -v 0 -c "import sys; from haystack import connections; \
sys.exit(0 if connections['default'].get_unified_index().get_indexed_models() else 3)" || rc=$$?; \
	if [ $$rc -eq 0 ]; then $(MANAGE) rebuild_index --noinput -v 0; \
	elif [ $$rc -eq 3 ]; then echo "No search index defined yet: rebuild_index skipped."; \
	else exit $$rc; fi

# DEBUG is off, as for visitors (French error pages); `DJANGO_DEBUG=1 make run` shows Django's debug pages.
# The worker's log: var/worker.log.
run: seed index
	$(BASE_URL) $(MANAGE) runsite --host $(HOST) --port $(PORT) --server $(SERVER)

# Two pytest-xdist workers, given whole test files in Django's order (tests/conftest.py's scheduler): `make test
# PYTEST_ARGS=-n0` runs serially, `make test PYTEST_ARGS="-n0 tests/forums"` a part.
PYTEST_ARGS ?= -n 2

test: install-test messages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install messages
	$(PY) bench/pages.py
	$(PY) bench/knowledge.py
	$(PY) bench/forums.py
	$(PY) bench/procurement.py
	$(PY) bench/groups.py
	$(PY) bench/exchanges.py
	$(PY) bench/chat.py
	$(PY) bench/upload.py
	$(PY) bench/search.py

clean:
	rm -rf var/db.sqlite3* var/whoosh_index var/bench
