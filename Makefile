# Two commands for a new machine: `make demo` and `make test`. Everything they need is installed here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint format bench chromium system-packages install clean

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

# What WeasyPrint needs to set the PDF progress report: Pango, HarfBuzz's subsetter, a font.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
system-packages:
	@missing=$$(for p in $(PDF_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing ; fi

demo: $(STAMP) system-packages
	ALLIANCE_DEBUG=1 ALLIANCE_STAFF_2FA=$${ALLIANCE_STAFF_2FA:-optional} $(BIN)/alliance demo

test: $(STAMP) chromium system-packages
	$(BIN)/alliance instruments check
	$(BIN)/pytest -n auto

lint: $(STAMP)
	$(BIN)/ruff check alliance bench
	$(BIN)/ruff format --check alliance bench

format: $(STAMP)
	$(BIN)/ruff check --fix alliance bench
	$(BIN)/ruff format alliance bench

bench: $(STAMP)
	$(BIN)/python bench/bench_score_csv.py
	$(BIN)/python bench/bench_submit.py
	$(BIN)/python bench/bench_caseload.py
	$(BIN)/python bench/bench_analytics.py
	$(BIN)/python bench/bench_fhir_export.py

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
