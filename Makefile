# The two commands of the README: `make serve` and `make test`. Each makes its own venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SITE_ADDR     ?= 127.0.0.1:8000
FUNCTION_ADDR ?= 127.0.0.1:5000
# mkdocs-material warns about MkDocs 2 on every build; this project keeps mkdocs<2 on purpose
export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help serve browser-deps test lint format validate build bench links lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# everything (function, site, test tools), at the versions of the dev lock
$(STAMP): pyproject.toml requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/dev.txt -e '.[dev]'
	touch $@

# the function serves the library of mkdocs.yml (scripts/library_env.py: its PORTAL_LIBRARY_*)
serve: $(STAMP) ## run the portal on loopback: site on :8000, function on :5000 (SQLite)
	$(BIN)/flask --app signup_fn init-db  # the development database at the code's schema
	@echo "Situs:  http://$(SITE_ADDR)/   Fungsi: http://$(FUNCTION_ADDR)/api/health"
	@trap 'kill 0' INT TERM EXIT; \
	eval "$$($(BIN)/python scripts/library_env.py --export)"; \
	$(BIN)/gunicorn --bind $(FUNCTION_ADDR) --workers 2 "signup_fn:create_app()" & \
	$(BIN)/mkdocs serve --dev-addr $(SITE_ADDR) & \
	wait

browser-deps: ## install Debian's chromium and php-cli for the tests (apt, as root, when missing)
	bash scripts/ensure_test_deps.sh

test: $(STAMP) browser-deps ## run the linters and every test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python scripts/validate.py resources.yml
	$(BIN)/pytest

lint: $(STAMP) ## ruff check, format check and mypy (the type check)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP) ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

validate: $(STAMP) ## check resources.yml
	$(BIN)/python scripts/validate.py resources.yml

build: $(STAMP) ## build the static site into site/
	$(BIN)/mkdocs build --strict

bench: $(STAMP) browser-deps ## run the benchmarks under bench/ (see bench/README.md)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench.build
	$(BIN)/python -m bench.signup
	$(BIN)/python -m bench.coldstart
	$(BIN)/python -m bench.clicks
	$(BIN)/python -m bench.links
	$(BIN)/python -m bench.browser
	$(BIN)/python -m bench.click_navigation

links: $(STAMP) ## check every catalog link (needs the internet; see CONTRIBUTING.md)
	$(BIN)/python scripts/check_links.py resources.yml

# one lock per deployment's extra; uv resolves for every platform from Python 3.11 on
LOCK_EXTRAS := function site dev
UV_COMPILE  := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --quiet
lock: ## re-pin requirements/*.txt after a change to pyproject.toml's dependencies
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet 'uv>=0.5,<1'
	for extra in $(LOCK_EXTRAS); do \
		$(UV_COMPILE) --extra $$extra -o requirements/$$extra.txt || exit 1; \
	done

clean: ## remove generated output (keeps the venv)
	rm -rf site docs/_generated .pytest_cache .ruff_cache
