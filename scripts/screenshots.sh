#!/usr/bin/env bash
# Retake the README's screenshots (docs/screenshots/*.png) with the real browser, a real
# worker and the shipped fall detector: tests/webapp/test_screenshots.py. Needs what
# `make test` needs (PostgreSQL, Redis, chromium) and the converted I3D in $VIGIL_MODEL_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
export VIGIL_SCREENSHOTS=${VIGIL_SCREENSHOTS:-docs/screenshots}
exec .venv/bin/pytest -q tests/webapp/test_screenshots.py "$@"
