# Two commands for a new machine: `make demo` and `make test`. Everything they need is installed here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint format bench chromium install clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Alliance needs Python 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the real-browser tests (Playwright drives it; no browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium ; }

demo: $(STAMP)
	ALLIANCE_DEBUG=1 ALLIANCE_STAFF_2FA=$${ALLIANCE_STAFF_2FA:-optional} $(BIN)/alliance demo

test: $(STAMP) chromium
	$(BIN)/alliance instruments check
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check alliance bench
	$(BIN)/ruff format --check alliance bench

format: $(STAMP)
	$(BIN)/ruff check --fix alliance bench
	$(BIN)/ruff format alliance bench

bench: $(STAMP)
	$(BIN)/python bench/bench_score_csv.py

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
