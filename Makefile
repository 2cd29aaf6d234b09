# apdoc: `make` sets up .venv and builds the TD into build/; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PLAN   ?= plan

.PHONY: all build test lint bench fuzz schema system clean

all: build

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# System packages: Times-metric fonts (Liberation Serif) for the look of the TD, and pango,
# which weasyprint (PDF) needs. Installed when missing and when we may (root with apt-get);
# otherwise we say what to install.
system:
	@if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing pango (weasyprint needs it for PDF)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null) \
	      || echo "make: could not install pango; PDF builds will fail until it is installed"; \
	  else \
	    echo "make: pango is missing; PDF needs it (Debian: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)"; \
	  fi; \
	fi
	@if ! fc-list 2>/dev/null | grep -qi "Liberation Serif"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing fonts-liberation (Times-metric fonts for the TD)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-liberation >/dev/null \
	      || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-liberation >/dev/null) \
	      || echo "make: could not install fonts-liberation; the TD builds, but viewers substitute fonts"; \
	  else \
	    echo "make: Liberation Serif is missing; install it (Debian: sudo apt-get install fonts-liberation)"; \
	  fi; \
	fi

build: $(STAMP) system
	$(BIN)/apdoc validate --plan $(PLAN)
	$(BIN)/apdoc build --plan $(PLAN) --format all

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

test: $(STAMP) lint
	$(BIN)/python -m pytest

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz APDOC_MUTATIONS=2000 $(BIN)/python -m pytest tests/test_properties.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

schema: $(STAMP)
	$(BIN)/apdoc schema --out schema

clean:
	rm -rf build
