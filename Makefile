# nest-bot. A newcomer needs two commands: `make run` and `make test`.
SHELL := /bin/bash
VENV  ?= .venv
PY    := $(VENV)/bin/python

.PHONY: install run test shell train bench cv clean

install:
	@bash scripts/install.sh

run: install          ## install if needed, train if stale, start both servers
	@$(VENV)/bin/nest-bot run

test: install         ## install if needed, run every test
	@bash scripts/test.sh

shell: install        ## chat in the terminal
	@$(VENV)/bin/nest-bot shell

train: install
	@$(VENV)/bin/nest-bot train

bench: install        ## latency, throughput and memory figures
	@bash scripts/bench.sh

cv: install           ## rasa test nlu, 5-fold cross-validation (about 20 minutes)
	@bash scripts/cv.sh

clean:
	rm -rf models results var .pytest_cache
