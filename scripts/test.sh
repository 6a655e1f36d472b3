#!/usr/bin/env bash
# The whole test suite, as CI runs it: set up, make sure the services run, lint, check the
# import boundaries (.importlinter) and types (mypy, [tool.mypy]), audit the locks, test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/services.sh
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
export PYTHONUNBUFFERED=1
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/mypy
scripts/audit.sh
exec .venv/bin/pytest -q "$@"
