# Attention from First Principles: the two commands are `make serve` and `make test`.
# Everything a fresh machine needs (venv, pinned dependencies, headless Chromium) is set up here.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
BIOME  := node_modules/.bin/biome
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve test build bench lint jsfix chromium clean lesson rename bytecode

PORT   ?= 8000

serve: $(STAMP) bytecode  ## build and serve at http://127.0.0.1:$(PORT) with live reload (make serve PORT=8001)
	@$(BIN)/python tools/port_free.py $(PORT)
	SITE_URL=http://127.0.0.1:$(PORT)/ $(BIN)/mkdocs serve --dev-addr 127.0.0.1:$(PORT) --watch lesson_code --watch quizzes

test: $(STAMP) $(NODE_STAMP) chromium bytecode  ## the whole suite: unit, lesson code, builds, browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup

build: $(STAMP) bytecode  ## strict build into site/
	$(BIN)/mkdocs build --strict

bench: $(STAMP) chromium  ## benchmark table (also written to bench.json); budgets in bench/budgets.py
	$(BIN)/python -m bench

# Our packages byte-compiled ahead (only files changed since are compiled again): Python
# reads __pycache__ even where PYTHONDONTWRITEBYTECODE keeps it from writing there, so a
# build does not compile the plugins' 10,000 lines again in every process. A file that does
# not compile is left to the build, which reports it with its line.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q plugins lesson_code > /dev/null 2>&1 || true

lint: $(STAMP) $(NODE_STAMP)  ## ruff (Python) and Biome (JavaScript: lint and format, biome.json)
	$(BIN)/ruff check lesson_code plugins tests tools
	$(BIN)/ruff format --check .
	$(BIOME) ci --error-on-warnings

jsfix: $(NODE_STAMP)  ## format the JavaScript and apply Biome's safe fixes
	$(BIOME) check --write

chromium:  ## headless Chromium for browser tests (Debian's package; Playwright's download fails here)
	@$(PYTHON) tools/ensure_chromium.py

rename: $(STAMP)  ## move a lesson to a new slug: make rename LESSON=20-old-slug TO=20-new-slug
	$(BIN)/python -m plugins.lessons.rename "$(LESSON)" "$(TO)"

lesson: $(STAMP)  ## scaffold a new lesson: make lesson NAME="Title" [PHASE="Variants"] [SLUG=words]
	$(BIN)/python -m plugins.lessons.scaffold "$(NAME)" $(if $(PHASE),--phase "$(PHASE)") $(if $(SLUG),--slug "$(SLUG)")

# The venv is rebuilt when the lock file or pyproject changes.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# Biome (the JavaScript linter and formatter) and vnu-jar (the W3C Nu HTML checker the site
# tests run, with Java) at the versions package-lock.json pins; reinstalled when it changes.
$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

clean:
	rm -rf site .cache
