# Pranata: `make run` serves the demo, `make test` runs the whole suite.
# Both start from nothing: a virtualenv, pinned packages, compiled translations,
# a migrated SQLite database and the demo.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi

.PHONY: run test setup install install-dev translations extract-messages database demo bench check clean

run: setup
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install-dev setup
	$(BIN)/python -m pytest

setup: install translations database demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: install
	$(BIN)/pybabel compile -d planner/translations

# For developers: refresh the catalogues after changing texts.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k N_plural:1,2 --ignore-dirs ".* node_modules" \
		-o messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i messages.pot -d planner/translations --no-fuzzy-matching --ignore-obsolete

database: install
	mkdir -p instance
	$(FLASK) db upgrade

demo: database
	$(FLASK) seed-demo

bench: install-dev translations
	$(BIN)/python -m bench.run

check: install
	$(FLASK) db check

clean:
	rm -rf $(VENV) instance/pranata.db .pytest_cache
