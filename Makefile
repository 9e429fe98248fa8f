# PST Perpustakaan: `make run` serves the site, `make test` runs the suite.
# Both set up .venv from requirements.txt first (again whenever it changes).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

export FLASK_APP := wsgi

.PHONY: run test test-fast bench check clean-venv messages

# Message catalogues: .po files are text in the repository, .mo files are built here.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/*.po))

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# A secret key for local development, generated once into the instance folder.
instance/config.py:
	@mkdir -p instance
	@umask 077 && $(BIN)/python -c 'import secrets; print(f"SECRET_KEY = {secrets.token_hex(32)!r}")' > $@
	@echo "Generated a SECRET_KEY in $@"

# The set-up commands stay quiet about optional services; `flask run` names each missing one once.
run: $(STAMP) instance/config.py $(CATALOGUES)
	APP_ENV=development $(BIN)/flask offices check
	APP_ENV=development PST_QUIET_START=1 $(BIN)/flask db upgrade
	APP_ENV=development PST_QUIET_START=1 $(BIN)/flask catalogue demo --if-empty
	APP_ENV=development PST_QUIET_START=1 $(BIN)/flask users demo
	APP_ENV=development $(BIN)/flask run --host $(HOST) --port $(PORT)

test: $(STAMP) $(CATALOGUES)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the browser and multi-worker tests, for a quick check while working.
test-fast: $(STAMP) $(CATALOGUES)
	$(BIN)/python -m pytest -m "not browser and not workers" $(PYTEST_ARGS)

# Figures, not pass/fail tests: search at 100k publications, pages in-process and under
# gunicorn next to hello world (wrk, installed from Debian when missing), watermark cost.
bench: $(STAMP) $(CATALOGUES)
	@command -v wrk >/dev/null || { echo "Installing: wrk"; export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
	$(BIN)/python -m bench.bench_search --count $(or $(BENCH_COUNT),100000)
	$(BIN)/python -m bench.bench_pages --rounds 201
	$(BIN)/python -m bench.bench_throughput --seconds 10 --rounds 3
	$(BIN)/python -m bench.bench_watermark --rounds 21
	$(BIN)/python -m bench.bench_visits --count 200
	$(BIN)/python -m bench.bench_ikm --count $(or $(BENCH_COUNT),100000)

check: $(STAMP)
	$(BIN)/flask offices check

# After changing user-visible text: extract it and merge it into every catalogue, then
# translate the new entries in app/translations/<lang>/LC_MESSAGES/messages.po.
# (--ignore-dirs: babel skips folders starting with "_" by default, e.g. templates/_macros.)
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs=".* __pycache__" -o app/translations/messages.pot --no-location --sort-output --project="PST Perpustakaan" .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations -D messages --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel extract -F babel-features.cfg -k _l -k lazy_gettext -o app/translations/features.pot --no-location --sort-output --project="PST Perpustakaan" .
	$(BIN)/pybabel update -i app/translations/features.pot -d app/translations -D features --ignore-obsolete --no-fuzzy-matching

clean-venv:
	rm -rf $(VENV)
