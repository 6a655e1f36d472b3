#!/usr/bin/env bash
# pip-audit over the hashed locks (what the image and .venv install, not whatever .venv holds):
# fails on a known vulnerability; when the advisory database (PyPI's JSON API, pip-audit's
# default service) cannot be reached, says so in one line and succeeds.
set -euo pipefail
cd "$(dirname "$0")/.."

probe=https://pypi.org/pypi/pip-audit/2.10.1/json  # a release that exists
if ! reason=$(.venv/bin/python - "$probe" 2>&1 <<'PY'
import sys
import urllib.request

try:
    urllib.request.urlopen(sys.argv[1], timeout=15).close()
except Exception as exc:  # noqa: BLE001 - any failure means: cannot audit here
    sys.exit(f"{type(exc).__name__}: {exc}")
PY
); then
  echo "pip-audit: skipped, advisory database unreachable ($probe: ${reason##*$'\n'})" >&2
  exit 0
fi
exec .venv/bin/pip-audit --progress-spinner off --disable-pip --no-deps \
  -r requirements.txt -r requirements-torch.txt -r requirements-dev.txt "$@"
