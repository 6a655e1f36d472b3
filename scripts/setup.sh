#!/usr/bin/env bash
# Create .venv and install the locked runtime and development requirements; with --test also
# the system tools the tests use (ffmpeg/ffprobe CLI, Debian's chromium + chromedriver).
# Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# Runtime + development locks (hashed: scripts/lock.sh writes them). TORCH_INDEX_URL (e.g.
# https://download.pytorch.org/whl/cpu) takes torch/torchvision from that index instead of PyPI's
# CUDA build, and so skips its gigabytes of CUDA libraries; use it on a fresh .venv.
stamp=.venv/.requirements.sha256
want=$( { cat requirements.txt requirements-torch.txt requirements-dev.txt \
            requirements-nodeps.txt; echo "TORCH_INDEX_URL=${TORCH_INDEX_URL:-}"; } \
        | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # opencv-contrib-python-headless replaces opencv-python-headless (both install cv2).
  .venv/bin/python -m pip uninstall --quiet --yes opencv-python-headless >/dev/null 2>&1 || true
  # (the grep drops pip's notes about local mirror paths some machines configure)
  pip_install() {
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" \
      2> >(grep -v "is neither a file nor a directory" >&2)
  }
  if [ -n "${TORCH_INDEX_URL:-}" ]; then
    # Everything else hash-checked; then that index's torch/torchvision build at our pinned
    # versions (its files are not PyPI's, so the lock's hashes cannot cover them), with
    # whatever it needs beyond requirements.txt.
    pip_install --require-hashes --no-deps -r requirements.txt -r requirements-dev.txt
    # shellcheck disable=SC2046
    pip_install --index-url "$TORCH_INDEX_URL" \
      $(grep -oE '^(torch|torchvision)==[^ ;]+' requirements-torch.txt)
    # (requirements-nodeps.txt's packages lack their declared dependencies on purpose)
    nodeps=$(grep -oE '^[A-Za-z0-9._-]+' requirements-nodeps.txt | paste -sd'|')
    broken=$(.venv/bin/python -m pip check \
             | grep -viE "^(No broken requirements|(${nodeps}) )" || true)
    if [ -n "$broken" ]; then echo "$broken" >&2; exit 1; fi
  else
    pip_install --require-hashes -r requirements.txt -r requirements-torch.txt \
      -r requirements-dev.txt
  fi
  pip_install --no-deps -r requirements-nodeps.txt
  echo "$want" > "$stamp"
fi

if [ "${1:-}" = "--test" ]; then
  missing=()
  command -v ffprobe >/dev/null || missing+=(ffmpeg)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  # Live-camera tests serve RTSP with gst-rtsp-server, run by the system python3 (its gi).
  if ! /usr/bin/python3 -c "import gi; gi.require_version('GstRtspServer', '1.0')" \
      >/dev/null 2>&1 || ! gst-inspect-1.0 h264parse >/dev/null 2>&1; then
    missing+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-tools
              gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
              gstreamer1.0-plugins-ugly gstreamer1.0-libav)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "please install: ${missing[*]} (Debian/Ubuntu: sudo apt-get install ${missing[*]})" >&2
      exit 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # A validator for docker-compose.yml (Debian ships compose 1.29; no Docker engine needed).
  # Without one, tests/webapp/test_deploy_files.py still checks the file's structure.
  if ! command -v docker-compose >/dev/null && ! docker compose version >/dev/null 2>&1 \
      && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends docker-compose >/dev/null) \
      || echo "docker-compose could not be installed; its config check is skipped" >&2
  fi
fi
