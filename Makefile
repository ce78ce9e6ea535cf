# Two commands: `make run` and `make test`. Python is the one found on PATH (3.11+).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py

.PHONY: run test lint bench install install-test messages migrate seed index clean

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

messages: install
	$(MANAGE) compilemessages --ignore=.venv --ignore=var -v 0

migrate: install messages
	$(MANAGE) migrate --noinput -v 0

run: migrate
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) rebuild_index --noinput -v 0
	$(MANAGE) runsite

test: install-test messages
	$(PY) -m pytest

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: migrate
	$(PY) bench/pages.py

clean:
	rm -rf var/db.sqlite3* var/whoosh_index var/bench
