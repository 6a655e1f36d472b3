#!/usr/bin/env bash
# Regenerate the Python SDK in clients/python/ from the API's OpenAPI schema: the schema as
# `manage.py spectacular` writes it (clients/openapi.json, kept so a test can tell when the
# client is out of date), then openapi-python-client (requirements-dev.txt; set
# OPENAPI_PYTHON_CLIENT to use another install).
set -euo pipefail
cd "$(dirname "$0")/.."
generator=${OPENAPI_PYTHON_CLIENT:-.venv/bin/openapi-python-client}
.venv/bin/python manage.py spectacular --format openapi-json --validate --fail-on-warn \
  --file clients/openapi.json
# Its post-generation hooks run ruff from PATH: the venv's, whatever the shell has.
PATH="$PWD/.venv/bin:$PATH" "$generator" generate --path clients/openapi.json \
  --output-path clients/python --meta uv --config clients/openapi-python-client.yaml \
  --overwrite
