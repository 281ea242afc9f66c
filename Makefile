# The front door: `make run` and `make test` work on a fresh machine with Python 3.11+
# and a C compiler. Everything else is installed into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install train validate shell bench lint clean rasa-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)

# PORT (from the environment or `make run PORT=5105`) reaches `bot serve`; default 5005.
run: $(STAMP)
	BOT_ENV=$${BOT_ENV:-development} $(PY) -m bot serve

# The suite runs two workers per core (pytest-xdist): a third of its time is spent waiting on
# subprocesses, servers and Redis, so on 2 cores 4 workers finish in 3:05 where 2 took 3:41.
# `--dist worksteal` lets an idle worker take tests queued for a busy one: a few tests run
# 10-20 s (servers killed under load, the browser), and without it the last worker finished
# alone, 2:30 against 2:08.
# `bot test` trains its folds side by side too. `make test TEST_WORKERS=1` runs it on one worker.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 )))
# The model is trained once first (into models/, named by the hash of config and data):
# on a fresh clone each worker and each server a test starts would otherwise train it.
test: $(STAMP)
	$(PY) -m bot train
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal
	$(PY) -m bot validate
	$(PY) -m bot test

train: $(STAMP)
	$(PY) -m bot train

validate: $(STAMP)
	$(PY) -m bot validate

shell: $(STAMP)
	$(PY) -m bot shell

bench: $(STAMP)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } \
		|| { echo "make bench needs wrk (apt-get install wrk)"; exit 1; }
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check bot actions tests
	$(VENV)/bin/mypy bot actions

# Proof that the Rasa files still train and pass tests/test_stories.yml in real Rasa 3.6,
# with actions/ on a rasa_sdk action server and a real Redis. Not part of `make test`: it
# installs rasa (about 2.7 GB) into .venv-rasa and needs a Python 3.10 (RASA_PYTHON=...).
rasa-check:
	$(PYTHON) tools/rasa_check.py

clean:
	rm -rf $(VENV) models var test-output
