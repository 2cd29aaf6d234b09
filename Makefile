# apdoc: `make` sets up .venv and builds the TD into build/; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PLAN   ?= plan

.PHONY: all build test lint bench bench-word fuzz schema system test-system clean ci-system ci-validate ci-fmt-check ci-diff

all: build

# pip -qq prints errors only: not setuptools' ten-line "Editable installation … be careful with
# folders" notice (a warning the editable install of src/ and templates/ always gets), nor pip's
# own warnings; a failed install still prints its error and stops make. The package's bytecode is
# compiled here because shells and images that set PYTHONDONTWRITEBYTECODE never cache it: without
# it every apdoc start compiles apdoc again (a Markdown build of the seed: 0.45 → 0.40 s CPU).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -e '.[test]'
	$(BIN)/python -m compileall -q src
	@touch $@

# System packages: Times-metric fonts (Liberation Serif) for the look of the TD; pango and
# HarfBuzz (weasyprint, for PDF); cairo (cairosvg, for Figure 1 in DOCX). Installed when
# missing and when we may (root with apt-get); otherwise we say what to install.
SYSTEM_LIBS := libpangoft2-1.0.so.0:libpangoft2-1.0-0 libharfbuzz-subset.so.0:libharfbuzz-subset0 \
               libcairo.so.2:libcairo2
COMMA := ,
# The Debian packages in $$missing, installed when we may (root with apt-get), else named:
# $(call install_missing,what they are for,what still works without them).
define install_missing
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing$$missing ($(1))"; \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null 2>&1 \
	      || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null)) \
	      || echo "make: could not install$$missing; $(2)"; \
	  else \
	    echo "make: missing system packages:$$missing (Debian: sudo apt-get install$$missing)"; \
	  fi; \
	fi
endef

system:
	@missing=""; \
	for pair in $(SYSTEM_LIBS); do \
	  { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q "$${pair%%:*}" \
	    || missing="$$missing $${pair##*:}"; \
	done; \
	fc-list 2>/dev/null | grep -qi "Liberation Serif" || missing="$$missing fonts-liberation"; \
	$(call install_missing,fonts and libraries for PDF and figures,DOCX and HTML build$(COMMA) PDF and figures may not)

# The warnings are counted, not listed: `apdoc validate` lists them (a screenful would bury the build).
build: $(STAMP) system
	$(BIN)/apdoc validate --brief --plan $(PLAN)
	$(BIN)/apdoc build --plan $(PLAN) --format all

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

# The tests resolve tracked changes and edit TDs in LibreOffice (through its Python bridge,
# python3-uno), read the TD with pandoc and the PDF's structure with poppler (pdfinfo), and open
# the live preview (apdoc watch --serve) in headless Chromium: installed
# when missing and when we may, as `system` installs fonts.
test-system: system
	@missing=""; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	command -v pandoc >/dev/null 2>&1 || missing="$$missing pandoc"; \
	command -v pdfinfo >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	/usr/bin/python3 -c "import uno" 2>/dev/null || missing="$$missing python3-uno"; \
	command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	  || command -v google-chrome >/dev/null 2>&1 || missing="$$missing chromium"; \
	$(call install_missing,LibreOffice$(COMMA) pandoc$(COMMA) poppler and Chromium for the tests that open TDs in other readers and a browser,those tests will fail under CI=true)

test: $(STAMP) lint test-system
	$(BIN)/python -m pytest

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz APDOC_MUTATIONS=2000 $(BIN)/python -m pytest tests/test_properties.py tests/test_revision_properties.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Only import's and apply's figures (issue 20): a minute or two instead of the whole bench.
bench-word: $(STAMP)
	$(BIN)/python benchmarks/run.py --word-only

schema: $(STAMP)
	$(BIN)/apdoc schema --out schema

clean:
	rm -rf build .setuptools-build

# CI (.github/workflows/td.yml) runs only make targets, so every step can be rerun here.
BASE ?= origin/main

# GitHub's runners are not root but may sudo: install what `system` would install.
ci-system:
	sudo -n $(MAKE) --no-print-directory system test-system

# Errors and warnings as annotations on the pull request's lines; warnings do not fail.
ci-validate: $(STAMP)
	$(BIN)/apdoc validate --plan $(PLAN) --format github

ci-fmt-check: $(STAMP)
	$(BIN)/apdoc fmt --check --plan $(PLAN)

# What changed since BASE, for the pull request comment; the TD with revision marks beside it.
ci-diff: $(STAMP)
	@mkdir -p build
	$(BIN)/apdoc diff '$(BASE)' --plan $(PLAN) --format md > build/diff.md.tmp && mv build/diff.md.tmp build/diff.md
	$(BIN)/apdoc build --plan $(PLAN) --format docx --compare-to '$(BASE)' -o build/TD-marked.docx
	$(BIN)/apdoc stats --plan $(PLAN) --format md > build/stats.md
	{ cat build/diff.md; \
	  printf '\nThe TD with these changes as Word tracked changes: `TD-marked.docx` in the `td` artifact'; \
	  if [ -n "$$RUN_URL" ]; then printf ' of [this run](%s)' "$$RUN_URL"; fi; printf '.\n'; \
	  printf '\n<details><summary>Completeness</summary>\n\n'; \
	  cat build/stats.md; printf '\n</details>\n'; } > build/pr-comment.md
